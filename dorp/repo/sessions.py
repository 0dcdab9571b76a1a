"""Server-side sessions (SQL). The browser holds a random token in an HttpOnly cookie; the
database keeps only its SHA-256 hash, so a copy of the database gives no way in.

A session ends after IDLE without use, after ABSOLUTE in all, or at once on Uitloggen
(then its token is worthless). Disabling an account or resetting its password ends all its
sessions. Policy and the cookie routes: dorp/sessions.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from dorp.db import Db, Tx

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
HANDOFF_VALID = timedelta(seconds=60)
TOUCH_EVERY = timedelta(seconds=60)   # last_seen is written at most this often


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now()


# --- the one-time hand-over from the log-in form to the cookie -------------------------------

def create_handoff(db: Db, user_id: int, browser_key: str, now: datetime | None = None) -> str:
    """A one-time code (valid HANDOFF_VALID) that /auth/session turns into a session, only
    for the browser holding `browser_key` (its dorp_browser cookie; only the hash is kept)."""
    if not browser_key:
        raise ValueError("a hand-off code needs the browser's key")
    code = new_token()
    now = now or _now()
    with db.tx(None) as tx:
        tx.execute("DELETE FROM login_handoffs WHERE created_at < ?", [now - HANDOFF_VALID * 10])
        tx.execute("INSERT INTO login_handoffs (code_hash, user_id, created_at, used_at,"
                   " browser_hash) VALUES (?, ?, ?, NULL, ?)",
                   [token_hash(code), user_id, now, token_hash(browser_key)])
    return code


def redeem_handoff(db: Db, code: str, browser_key: str | None,
                   now: datetime | None = None) -> str | None:
    """Use a hand-over code once: a new session token, or None (unknown, used, too old, or
    brought by another browser than the one that logged in: then the code is spent too)."""
    now = now or _now()
    h = token_hash(code or "")
    with db.tx(None) as tx:
        r = tx.execute("SELECT user_id, created_at, used_at, browser_hash FROM login_handoffs"
                       " WHERE code_hash = ?", [h]).fetchone()
        if r is None or r[2] is not None:
            return None
        tx.execute("UPDATE login_handoffs SET used_at = ? WHERE code_hash = ?", [now, h])
        if now - r[1] > HANDOFF_VALID or not r[3] or not browser_key \
                or not hmac.compare_digest(r[3], token_hash(browser_key)):
            return None
        disabled = tx.execute("SELECT disabled FROM users WHERE id = ?", [r[0]]).fetchone()
        if disabled is None or disabled[0]:
            return None
        return _create(tx, r[0], now)


def _create(tx: Tx, user_id: int, now: datetime) -> str:
    token = new_token()
    tx.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)",
               [token_hash(token), user_id, now, now])
    return token


def create(db: Db, user_id: int, now: datetime | None = None) -> str:
    """A new session for this user; returns the token (only its hash is stored)."""
    with db.tx(None) as tx:
        return _create(tx, user_id, now or _now())


# --- checking and ending ----------------------------------------------------------------------

def resolve(db: Db, token: str | None, now: datetime | None = None) -> int | None:
    """The user id of a live session, or None. An expired session is ended here; use is
    recorded (at most every TOUCH_EVERY) so the idle time-out restarts."""
    if not token:
        return None
    now = now or _now()
    h = token_hash(token)
    r = db.one("SELECT s.user_id, s.created_at, s.last_seen, s.ended_at, u.disabled"
               " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", [h])
    if r is None or r["ended_at"] is not None:
        return None
    if r["disabled"] or now - r["last_seen"] > IDLE or now - r["created_at"] > ABSOLUTE:
        end(db, token, now)
        return None
    if now - r["last_seen"] >= TOUCH_EVERY:
        with db.tx(None) as tx:
            tx.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND ended_at IS NULL",
                       [now, h])
    return r["user_id"]


def end(db: Db, token: str | None, now: datetime | None = None) -> None:
    """End one session (Uitloggen): its token is worthless from now on."""
    if not token:
        return
    with db.tx(None) as tx:
        tx.execute("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                   [now or _now(), token_hash(token)])


def end_for_user(tx: Tx, user_id: int, now: datetime | None = None) -> None:
    """End every session of a user (account disabled, password reset)."""
    tx.execute("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
               [now or _now(), user_id])


def live_count(db: Db, user_id: int, now: datetime | None = None) -> int:
    now = now or _now()
    return db.scalar("SELECT count(*) FROM sessions WHERE user_id = ? AND ended_at IS NULL"
                     " AND last_seen > ? AND created_at > ?",
                     [user_id, now - IDLE, now - ABSOLUTE])
