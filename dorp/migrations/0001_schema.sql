-- 0001: the whole first schema. Migrations are append-only: never edit a released file,
-- add the next number instead.
-- No FOREIGN KEY constraints: DuckDB checks them over-eagerly on UPDATE of a referenced
-- row; references are checked by the data layer (dorp/repo) and the import validation.
-- Every editable table carries version/updated_at/updated_by for optimistic locking.

CREATE SEQUENCE IF NOT EXISTS id_seq START 1;

CREATE TABLE programme (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    name VARCHAR NOT NULL,
    funder VARCHAR,
    start_date DATE,
    end_date DATE,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE municipalities (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE villages (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    municipality_id BIGINT NOT NULL,
    cbs_code VARCHAR,
    population INTEGER,
    lat DOUBLE,
    lon DOUBLE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE pilots (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL UNIQUE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 4),
    status VARCHAR NOT NULL CHECK (status IN ('active', 'paused', 'stopped', 'completed')),
    started_on DATE,
    progress_text VARCHAR,   -- written by the lead for the funder (no personal data)
    lessons VARCHAR,         -- lessons learned, for the funder
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Step 1: start meeting, pitches and the vote.
CREATE TABLE start_meetings (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    municipality_id BIGINT NOT NULL,
    meeting_date DATE NOT NULL,
    residents_present INTEGER CHECK (residents_present >= 0),
    seats INTEGER CHECK (seats >= 1),          -- how many villages may start
    tie_decision VARCHAR,                      -- the lead's decision on a tie
    tie_reason VARCHAR,
    note VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR,
    UNIQUE (municipality_id, meeting_date)
);

CREATE TABLE pitches (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    meeting_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    pitch_note VARCHAR,
    votes INTEGER CHECK (votes >= 0),
    chosen BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR,
    UNIQUE (meeting_id, village_id)
);

CREATE TABLE consent (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    party VARCHAR NOT NULL CHECK (party IN ('municipality', 'community')),
    given_on DATE NOT NULL,
    given_by VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Step 2: the social business case.
CREATE TABLE mbc (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    assessed_on DATE NOT NULL,
    may_ok BOOLEAN,            -- "mag dit?" (chapter 4.1)
    may_note VARCHAR,
    willingness INTEGER CHECK (willingness BETWEEN 1 AND 5),
    willingness_source VARCHAR,
    willingness_evidence VARCHAR,
    ability INTEGER CHECK (ability BETWEEN 1 AND 5),
    ability_source VARCHAR,
    ability_evidence VARCHAR,
    source VARCHAR,
    opportunities VARCHAR,     -- one per line
    resistances VARCHAR,       -- one per line
    presented_village_on DATE,
    presented_municipality_on DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE mbc_effects (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    mbc_id BIGINT NOT NULL,
    stakeholder VARCHAR NOT NULL,
    investment_kind VARCHAR CHECK (investment_kind IN ('money', 'hours', 'in_kind')),
    amount DOUBLE,
    expected_effect VARCHAR,
    beneficiary VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE partners (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    partner_type VARCHAR NOT NULL,
    name VARCHAR,
    formal BOOLEAN,
    note VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Step 3: steering group.
CREATE TABLE steering_members (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    organisation VARCHAR,
    party VARCHAR NOT NULL CHECK (party IN ('municipality', 'community', 'support', 'care', 'other')),
    role VARCHAR,
    email VARCHAR,
    from_date DATE,
    until_date DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE steering_meetings (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    held_on DATE NOT NULL,
    municipality_satisfaction INTEGER CHECK (municipality_satisfaction BETWEEN 1 AND 5),
    community_satisfaction INTEGER CHECK (community_satisfaction BETWEEN 1 AND 5),
    decisions VARCHAR,
    notes VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE actions (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    meeting_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    description VARCHAR NOT NULL,
    who VARCHAR,
    due_on DATE,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Step 4: execution and the five lines.
CREATE TABLE line_scores (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    line VARCHAR NOT NULL CHECK (line IN ('broad_support', 'target_group', 'village_strength', 'informal_formal', 'safeguarding')),
    scored_on DATE NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    note VARCHAR,
    evidence VARCHAR,
    source VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE working_modes (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    mode VARCHAR NOT NULL CHECK (mode IN ('facilitate', 'motivate', 'support', 'none')),
    started_on DATE NOT NULL,
    ended_on DATE,
    reason VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE initiatives (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    phase VARCHAR NOT NULL CHECK (phase IN ('idea', 'exploitation', 'conservation', 'decay', 'reorganisation', 'enclosure', 'ended')),
    description VARCHAR,
    since DATE,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE safeguarding (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL UNIQUE,
    exit_date DATE,
    successor VARCHAR,
    handed_over VARCHAR,
    notes VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE budget (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT,            -- NULL: programme level
    category VARCHAR NOT NULL,
    source VARCHAR NOT NULL CHECK (source IN ('province', 'municipality', 'other')),
    period DATE,                  -- first day of the period the line belongs to
    budgeted DECIMAL(14, 2) NOT NULL DEFAULT 0,
    spent DECIMAL(14, 2) NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

-- Moves between steps and statuses: the pilot's timeline.
CREATE TABLE step_moves (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    from_step INTEGER,
    to_step INTEGER NOT NULL,
    from_status VARCHAR,
    to_status VARCHAR NOT NULL,
    moved_on DATE NOT NULL,
    moved_by VARCHAR,
    reason VARCHAR,
    override BOOLEAN NOT NULL DEFAULT FALSE
);

-- Accounts and sessions.
CREATE TABLE users (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    username VARCHAR NOT NULL UNIQUE,
    role VARCHAR NOT NULL CHECK (role IN ('lead', 'steering', 'funder')),
    password_hash VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    last_failed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE user_villages (
    user_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, village_id)
);

CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);

-- Append-only logs. The application has no code path that updates or deletes them.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    logged_at TIMESTAMP NOT NULL,
    username VARCHAR,
    action VARCHAR NOT NULL,        -- insert / update / delete / import / move / login ...
    table_name VARCHAR,
    record_id BIGINT,
    village_id BIGINT,
    before JSON,
    after JSON
);

CREATE TABLE read_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    logged_at TIMESTAMP NOT NULL,
    username VARCHAR,
    what VARCHAR NOT NULL,
    village_id BIGINT
);

CREATE INDEX line_scores_village ON line_scores (village_id, line, scored_on);
CREATE INDEX meetings_village ON steering_meetings (village_id, held_on);
