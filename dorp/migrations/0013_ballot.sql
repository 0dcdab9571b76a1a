-- 0013: the live ballot (residents vote from their phones with single-use codes) and
-- De Vonk inside a pilot (ch. 4, "Methodiek: De Vonk van Nederland").
--
-- Anonymity by design: which codes were used (ballot_codes) and what was chosen
-- (ballot_tallies) live apart with nothing that links them. A code row has no id from the
-- shared sequence, no timestamp and no option; a tally is one counter per option, and a
-- vote adds to every counter of its round in one statement (zero to those not chosen), in the
-- same transaction that marks the code used. So no row order, id, time or "last changed"
-- mark tells which code chose what. Codes are stored only as SHA-256 hashes: the database
-- never holds a code that could be used to vote.

CREATE TABLE ballot_rounds (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    kind VARCHAR NOT NULL CHECK (kind IN ('start_meeting', 'vonk')),
    meeting_id BIGINT,                  -- kind start_meeting: the start meeting
    contest_id BIGINT,                  -- kind vonk: the De Vonk contest
    village_id BIGINT,                  -- kind vonk: the contest's pilot (access scope)
    title VARCHAR NOT NULL,
    choices INTEGER NOT NULL CHECK (choices >= 1),   -- options one voter may choose
    status VARCHAR NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,      -- codes stop working then, even if nobody closes it
    closed_at TIMESTAMP,
    codes_issued INTEGER NOT NULL DEFAULT 0,
    applied BOOLEAN NOT NULL DEFAULT FALSE,  -- result carried into the meeting / contest
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE ballot_options (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    round_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    pitch_id BIGINT,                    -- start meeting: the village's pitch
    idea_id BIGINT,                     -- De Vonk: the idea
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE ballot_codes (
    code_hash VARCHAR PRIMARY KEY,      -- SHA-256 of the code; never the code itself
    round_id BIGINT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE ballot_tallies (
    round_id BIGINT NOT NULL,
    option_id BIGINT NOT NULL,
    votes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, option_id)
);

-- Failed code attempts per client (hashed address) and in all, per ten-minute window:
-- guessing codes is throttled, also across app processes and restarts.
CREATE TABLE ballot_failures (
    bucket VARCHAR NOT NULL,
    window_start TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE vonk_contests (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    village_id BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    phase VARCHAR NOT NULL CHECK (phase IN ('flying_start', 'communication', 'ideas', 'work',
                                            'vote', 'prizes', 'aftercare')),
    started_on DATE NOT NULL,
    project_group VARCHAR,              -- vliegende start: who is in the project group
    plan VARCHAR,                       -- vliegende start: the plan
    communication VARCHAR,              -- uitrol communicatie: how residents are reached
    winners INTEGER NOT NULL DEFAULT 1 CHECK (winners >= 1),   -- how many prizes
    prize_event_on DATE,                -- uitreiking prijzen (feestelijke slotmanifestatie)
    prize_event_note VARCHAR,
    tie_decision VARCHAR, tie_reason VARCHAR,
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);

CREATE TABLE vonk_ideas (
    id BIGINT PRIMARY KEY DEFAULT nextval('id_seq'),
    contest_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR,
    initiator VARCHAR NOT NULL,         -- personal data: lead and own steering group only
    submitted_on DATE NOT NULL,
    jury_kept BOOLEAN,                  -- NULL: not yet judged by the jury
    jury_reason VARCHAR,
    votes INTEGER,                      -- from the closed ballot round
    winner BOOLEAN NOT NULL DEFAULT FALSE,
    prize VARCHAR,
    aftercare VARCHAR,                  -- which network or supporter it was put in touch with
    aftercare_on DATE,
    initiative_id BIGINT,               -- the initiative it became
    version INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR
);
