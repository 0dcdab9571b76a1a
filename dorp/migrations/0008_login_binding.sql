-- 0008: a log-in's one-time hand-off code is bound to the browser that submitted the log-in
-- form. The browser holds a random key in an HttpOnly cookie (dorp_browser, set on its
-- first page load); the code row keeps only the key's SHA-256 hash, and /auth/session
-- accepts the code only from a browser presenting the same key (login CSRF: a code
-- obtained by someone else cannot log this browser in as them).
ALTER TABLE login_handoffs ADD COLUMN browser_hash VARCHAR;
