-- 0007: working modes in use and the phase history of initiatives (issue 13, point 8).
-- Portable SQL (DuckDB and PostgreSQL).

-- 1. Working modes: "niets doen" and "zelf doen" are two modes (4.2 "Zelf / niets doen": which
-- one fits depends on who is primarily responsible), and "ontmoedigen" can be recorded when
-- "mag dit?" was answered no. A CHECK constraint cannot be changed in place on every store,
-- so the table is rebuilt with the same ids and versions. A recorded "none" ("Niets / zelf
-- doen") becomes "do_nothing" (the code's own meaning) and its reason says so, for the lead
-- to correct where the municipality does it itself.
CREATE TABLE working_modes_0007 (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    mode VARCHAR NOT NULL CHECK (mode IN ('facilitate', 'motivate', 'support', 'do_nothing',
                                          'do_it_yourself', 'discourage')),
    started_on DATE NOT NULL,
    ended_on DATE,
    reason VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

INSERT INTO working_modes_0007 (id, village_id, mode, started_on, ended_on, reason, version,
                                updated_at, updated_by)
SELECT id, village_id,
       CASE WHEN mode = 'none' THEN 'do_nothing' ELSE mode END,
       started_on, ended_on,
       CASE WHEN mode = 'none'
            THEN COALESCE(reason || ' ', '') || '(Omgezet van ''niets / zelf doen'' naar ''niets doen''.)'
            ELSE reason END,
       version, updated_at, updated_by
FROM working_modes;

DROP TABLE working_modes;
ALTER TABLE working_modes_0007 RENAME TO working_modes;

-- 2. Initiatives: every change of phase is kept (from, to, date, who) instead of overwriting
-- the phase and its date ("De verschillende fasen zijn niet-lineair", 2.4). The initiative
-- keeps its current phase and since-date (the latest change) for quick reading.
CREATE TABLE initiative_phases (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    initiative_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    from_phase VARCHAR,           -- NULL: the phase it started in
    to_phase VARCHAR NOT NULL CHECK (to_phase IN ('idea', 'exploitation', 'conservation',
                                                  'decay', 'reorganisation', 'enclosure',
                                                  'ended')),
    changed_on DATE,
    changed_by VARCHAR
);

-- The phase each existing initiative stands in is its first entry.
INSERT INTO initiative_phases (initiative_id, village_id, from_phase, to_phase, changed_on,
                               changed_by)
SELECT id, village_id, NULL, phase, since, updated_by FROM initiatives;

CREATE INDEX initiative_phases_initiative ON initiative_phases (initiative_id, changed_on);
