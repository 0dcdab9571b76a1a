-- 0012: the programme plan (issue 18): what the province funded, to compare with what came
-- of it. Every table is editable (versioned and audited through Tx) and has its own sheet in
-- the exchange workbook (plan_steps, plan_milestones, plan_spend, plan_line_targets).
-- A NULL village_id means the programme as a whole (as in `budget`).

-- Per pilot: the planned date of entering each step and of completion, and the lead's
-- explanation for the funder. The row without a village holds the explanation for the whole
-- programme (no dates).
CREATE TABLE plan_steps (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT,
    step_1_on DATE,
    step_2_on DATE,
    step_3_on DATE,
    step_4_on DATE,
    completed_on DATE,
    explanation VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Planned milestones of a pilot (or of the programme), and the day each was reached.
CREATE TABLE plan_milestones (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT,
    name VARCHAR NOT NULL,
    planned_on DATE NOT NULL,
    reached_on DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Planned spending per half-year (its first day) and per source.
CREATE TABLE plan_spend (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT,
    period DATE NOT NULL,
    source VARCHAR NOT NULL CHECK (source IN ('province', 'municipality', 'other')),
    planned DECIMAL(14, 2) NOT NULL DEFAULT 0 CHECK (planned >= 0),
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- A target per line: at least `score` by month `by_month` of the pilot. Without a village
-- the target holds for every pilot that has no target of its own for that line.
CREATE TABLE plan_line_targets (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT,
    line VARCHAR NOT NULL CHECK (line IN ('broad_support', 'target_group', 'village_strength', 'informal_formal', 'safeguarding')),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    by_month INTEGER NOT NULL CHECK (by_month BETWEEN 1 AND 240),
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE INDEX plan_steps_village ON plan_steps (village_id);
CREATE INDEX plan_spend_period ON plan_spend (period);
