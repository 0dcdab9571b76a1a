-- 0011: the Burgerkrachtgenerator (issue 15), the instrument of step 4 that gets residents
-- moving: ch. 4, "Methodiek: De Burgerkrachtgenerator", five steps. Portable SQL (DuckDB and
-- PostgreSQL 15). No FOREIGN KEY constraints (see 0001); references and the uniqueness of
-- names, numbers and themes per village are checked by dorp/repo/burgerkracht.py and the
-- import validation. Working modes are checked in code against dorp.method.MODES (the list
-- of modes is not fixed in a CHECK: it grows with the method's modes).

-- 1. "Formeren kopgroep": residents, an adviser of Spectrum and, if wanted, a welfare
--    professional and/or a civil servant.
CREATE TABLE bkg_lead_group (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL CHECK (role IN ('resident', 'adviser', 'welfare', 'civil_servant')),
    joined_on DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- 2. "Kleinschalige en vraaggestuurde groepsgesprekken": "minimaal 4 en maximaal 7 bewoners".
--    `seq` numbers the conversations of one village (1, 2, 3 ...) so themes can name them.
CREATE TABLE bkg_conversations (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq >= 1),
    held_on DATE NOT NULL,
    participants INTEGER NOT NULL CHECK (participants BETWEEN 4 AND 7),
    question VARCHAR,
    summary VARCHAR,
    led_by VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- 3. "Analyse": central themes taken from the stories, each linked to the conversations it
--    came from (bkg_theme_sources, written once with the theme).
CREATE TABLE bkg_themes (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    theme VARCHAR NOT NULL,
    found_on DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE bkg_theme_sources (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    theme_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL
);

-- 4. "Dorps- /wijkbrede bijeenkomst": the themes shown anonymised; do the residents recognise
--    the analysis, what do they add; after the break subgroups per theme (bkg_subgroups: how
--    many want to help realise it).
CREATE TABLE bkg_village_meetings (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    held_on DATE NOT NULL,
    attendees INTEGER CHECK (attendees >= 0),
    themes_recognised BOOLEAN,
    additions VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE bkg_subgroups (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    meeting_id BIGINT NOT NULL,
    theme_id BIGINT NOT NULL,
    volunteers INTEGER NOT NULL CHECK (volunteers >= 0),
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- 5. "Werkgroepen en terugkombijeenkomsten": a group per theme with its own willingness and
--    ability (so its own advised mode, ch. 4.2), the modes used for it over time ("parallel
--    en serieel", 4.3) and every contact (a call, a return meeting, support asked).
CREATE TABLE working_groups (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    theme_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    started_on DATE NOT NULL,
    plan_presented_on DATE,
    willingness INTEGER CHECK (willingness BETWEEN 1 AND 5),
    ability INTEGER CHECK (ability BETWEEN 1 AND 5),
    status VARCHAR NOT NULL CHECK (status IN ('active', 'done', 'stopped')),
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE working_group_modes (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    mode VARCHAR NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    reason VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE working_group_contacts (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    contact_on DATE NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('call', 'return_meeting', 'support')),
    note VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE INDEX bkg_conversations_village ON bkg_conversations (village_id, seq);
CREATE INDEX working_group_contacts_group ON working_group_contacts (group_id, contact_on);
