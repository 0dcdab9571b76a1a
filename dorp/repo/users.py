"""Accounts: creating, changing, loading and checking users, and log-in throttling.

Only leads manage accounts (capability `manage_users`); the command line acts as the
system user. Every change is one audited transaction; passwords are stored only as
argon2id hashes (dorp.auth), never logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from dorp import auth
from dorp.access import User, require
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid
from dorp.method import ROLES
from dorp.repo import sessions

# Kept for callers that caught the old name; input problems are `Invalid` everywhere.
UserError = Invalid

# Throttling: after FREE_ATTEMPTS failures for one user name, each further attempt must wait
# THROTTLE_BASE seconds, doubling with every further failure, at most THROTTLE_MAX. Failures
# older than FORGET_AFTER no longer count.
FREE_ATTEMPTS = 5
THROTTLE_BASE = 30
THROTTLE_MAX = 15 * 60
FORGET_AFTER = timedelta(hours=24)


class Throttled(Exception):
    """Too many failed attempts for this user name: try again after `wait_seconds`."""

    def __init__(self, wait_seconds: int):
        self.wait_seconds = wait_seconds
        super().__init__(f"Te veel mislukte pogingen voor deze gebruikersnaam. "
                         f"Probeer het over {wait_seconds} seconden opnieuw.")


def _now() -> datetime:
    return datetime.now()


# --- validation ---------------------------------------------------------------------------------

def _check_password(password: str, problems: dict, field: str = "password") -> None:
    try:
        auth.check_password_rules(password or "")
    except auth.BadPassword as e:
        problems[field] = str(e)


def _village_ids(db: Db, villages, problems: dict) -> list[int]:
    ids = []
    for v in villages:
        vid = db.scalar("SELECT id FROM villages WHERE name = ?", [v])
        if vid is None:
            problems["villages"] = f"Het dorp '{v}' bestaat niet."
        else:
            ids.append(vid)
    return ids


def _get(db: Db, username: str) -> dict | None:
    return db.one("SELECT id, username, role, disabled, version, updated_by, updated_at"
                  " FROM users WHERE lower(username) = lower(?)", [username.strip()])


def _check_version(r: dict, expected_version: int | None) -> None:
    """A change from the accounts page carries the version it was shown with (the command
    line passes none)."""
    if expected_version is not None and r["version"] != expected_version:
        raise StaleVersion("users", r["id"], r["updated_by"], r["updated_at"], r["version"])


# --- managing accounts (leads, or the command line as SYSTEM) -------------------------------------

def add(db: Db, actor: User, username: str, role: str, password: str,
        villages: list[str] | tuple[str, ...] = ()) -> int:
    require(actor, "manage_users")
    username = (username or "").strip()
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = "Geef een gebruikersnaam op."
    elif len(username) > 64 or any(c.isspace() for c in username):
        problems["username"] = "Een gebruikersnaam heeft hoogstens 64 tekens en geen spaties."
    elif _get(db, username):
        problems["username"] = f"De gebruikersnaam '{username}' bestaat al."
    if role not in ROLES:
        problems["role"] = f"Onbekende rol '{role}'; kies uit: {', '.join(ROLES)}."
    elif role == "steering" and not villages:
        problems["villages"] = "Een stuurgroeplid hoort bij minstens één dorp (--village NAAM)."
    elif role != "steering" and villages:
        problems["villages"] = "Alleen een stuurgroeplid hoort bij dorpen."
    ids = _village_ids(db, villages, problems)
    _check_password(password, problems)
    if problems:
        raise Invalid(problems)
    pw_hash = auth.hash_password(password)
    with db.tx(actor.username) as tx:
        uid = tx.insert("users", {"username": username, "role": role, "password_hash": pw_hash},
                        audit=False)
        tx.log("user_add", "users", uid, after={"username": username, "role": role,
                                                "villages": list(villages)})
        for vid in ids:
            tx.insert("user_villages", {"user_id": uid, "village_id": vid}, audit=False)
    return uid


def set_disabled(db: Db, actor: User, username: str, disabled: bool,
                 expected_version: int | None = None) -> None:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    require(actor, "manage_users")
    r = _get(db, username)
    if r is None:
        raise Invalid({"username": f"De gebruiker '{username}' bestaat niet."})
    if disabled and actor.id is not None and r["id"] == actor.id:
        raise Invalid({"username": "U kunt uw eigen account niet uitschakelen."})
    _check_version(r, expected_version)
    with db.tx(actor.username) as tx:
        tx.update("users", r["id"], {"disabled": disabled}, expected_version)
        tx.log("user_disable" if disabled else "user_enable", "users", r["id"],
               after={"username": r["username"]})
        if disabled:
            sessions.end_for_user(tx, r["id"])


def disable(db: Db, actor: User, username: str, expected_version: int | None = None) -> None:
    set_disabled(db, actor, username, True, expected_version)


def enable(db: Db, actor: User, username: str, expected_version: int | None = None) -> None:
    set_disabled(db, actor, username, False, expected_version)


def reset_password(db: Db, actor: User, username: str, password: str,
                   expected_version: int | None = None) -> None:
    """Give an account a new password; its sessions end and its throttling is lifted."""
    require(actor, "manage_users")
    r = _get(db, username)
    problems: dict[str, str] = {}
    if r is None:
        problems["username"] = f"De gebruiker '{username}' bestaat niet."
    _check_password(password, problems)
    if problems:
        raise Invalid(problems)
    _check_version(r, expected_version)
    pw_hash = auth.hash_password(password)
    with db.tx(actor.username) as tx:  # not Tx.update: the hash must not enter the audit
        tx.execute("UPDATE users SET password_hash = ?, failed_attempts = 0, version = version + 1,"
                   " updated_at = ?, updated_by = ? WHERE id = ?",
                   [pw_hash, _now(), actor.username, r["id"]])
        tx.execute("DELETE FROM login_failures WHERE username = ?", [r["username"].lower()])
        tx.log("user_password_reset", "users", r["id"], after={"username": r["username"]})
        sessions.end_for_user(tx, r["id"])


def list_users(db: Db, actor: User) -> pd.DataFrame:
    """Every account with its role, villages, state and last log-in (no hashes)."""
    require(actor, "manage_users")
    df = db.df("""
        SELECT u.username, u.role,
               string_agg(v.name, chr(10) ORDER BY v.name) AS villages,
               u.disabled, u.created_at,
               (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id) AS last_login,
               u.version
        FROM users u
        LEFT JOIN user_villages uv ON uv.user_id = u.id
        LEFT JOIN villages v ON v.id = uv.village_id
        GROUP BY u.id, u.username, u.role, u.disabled, u.created_at, u.version
        ORDER BY u.role, u.username""")
    df["villages"] = pd.Series([v.split("\n") if isinstance(v, str) and v else []
                                for v in df["villages"]], index=df.index, dtype=object)
    return df


# --- loading and checking ---------------------------------------------------------------------

def load(db: Db, username: str) -> User | None:
    r = db.one("SELECT id, username, role, disabled FROM users WHERE lower(username) = lower(?)",
               [username])
    if r is None or r["disabled"]:
        return None
    return _user(db, r)


def load_by_id(db: Db, user_id: int) -> User | None:
    r = db.one("SELECT id, username, role, disabled FROM users WHERE id = ?", [user_id])
    if r is None or r["disabled"]:
        return None
    return _user(db, r)


def _user(db: Db, r: dict) -> User:
    vids = {x["village_id"] for x in db.rows(
        "SELECT village_id FROM user_villages WHERE user_id = ?", [r["id"]])}
    return User(r["username"], r["role"], frozenset(vids), r["id"])


def wait_seconds(db: Db, username: str, now: datetime | None = None) -> int:
    """Seconds this user name must still wait before the next attempt (0: may try now)."""
    now = now or _now()
    r = db.one("SELECT failures, last_failed_at FROM login_failures WHERE username = ?",
               [username.strip().lower()])
    if r is None or now - r["last_failed_at"] > FORGET_AFTER or r["failures"] < FREE_ATTEMPTS:
        return 0
    delay = min(THROTTLE_BASE * 2 ** (r["failures"] - FREE_ATTEMPTS), THROTTLE_MAX)
    left = (r["last_failed_at"] + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left + 0.999))


def authenticate(db: Db, username: str, password: str,
                 now: datetime | None = None) -> User | None:
    """The user for this name and password, or None. Raises Throttled when too many attempts
    failed for this name (the password is then not even checked). Unknown names cost the
    same time as known ones and are throttled the same way."""
    now = now or _now()
    key = (username or "").strip().lower()
    wait = wait_seconds(db, key, now)
    if wait:
        raise Throttled(wait)
    r = db.one("SELECT id, username, password_hash, disabled FROM users"
               " WHERE lower(username) = ?", [key])
    if r is None:
        auth.verify_password(auth.DUMMY_HASH, password)
        ok = False
    else:
        ok = auth.verify_password(r["password_hash"], password) and not r["disabled"]
    with db.tx(key) as tx:
        if ok:
            tx.execute("DELETE FROM login_failures WHERE username = ?", [key])
            tx.log("login", "users", r["id"])
        else:
            old = db.one("SELECT failures, last_failed_at FROM login_failures WHERE username = ?",
                         [key])
            failures = 1 if old is None or now - old["last_failed_at"] > FORGET_AFTER \
                else old["failures"] + 1
            tx.execute("INSERT INTO login_failures VALUES (?, ?, ?) ON CONFLICT (username)"
                       " DO UPDATE SET failures = excluded.failures,"
                       " last_failed_at = excluded.last_failed_at", [key, failures, now])
            tx.log("login_failed", "users", r["id"] if r else None)
    return load(db, r["username"]) if ok else None


def count(db: Db) -> int:
    return db.scalar("SELECT count(*) FROM users")


def village_names(db: Db, actor: User) -> list[str]:
    """Names of all villages, to give a steering member their villages."""
    require(actor, "manage_users")
    return [r["name"] for r in db.rows("SELECT name FROM villages ORDER BY name")]


def from_identity(db: Db, email: str | None, email_verified: bool | None = True) -> User | None:
    """The local account of someone who logged in at an OIDC provider (`st.login`): matched
    on their e-mail address as user name (case-insensitive), enabled accounts only. The
    provider says who someone is; role and villages stay this app's own (dorp user add)."""
    if not email or email_verified is False:
        return None
    return load(db, email.strip())
