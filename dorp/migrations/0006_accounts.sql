-- 0006: log-in throttling and the one-time hand-over of a log-in to the session cookie.
-- (users and sessions themselves are in 0001.)

-- Failed log-in attempts per user name (lower case), also for names that do not exist,
-- so throttling does not reveal which accounts exist. Reset by a successful log-in.
CREATE TABLE login_failures (
    username VARCHAR PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL
);

-- A successful log-in in the page creates a one-time code (only its hash is kept); the
-- browser brings it to /auth/session within a minute, which turns it into a session
-- cookie. A used or old code is worthless.
CREATE TABLE login_handoffs (
    code_hash VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
