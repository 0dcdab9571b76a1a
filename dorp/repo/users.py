"""Accounts: creating, loading and checking users."""

from __future__ import annotations

from dorp import auth
from dorp.access import User, require
from dorp.db import Db
from dorp.method import ROLES


class UserError(ValueError):
    pass


def add(db: Db, actor: User, username: str, role: str, password: str,
        villages: list[str] | tuple[str, ...] = ()) -> int:
    require(actor, "manage_users")
    username = username.strip()
    if not username:
        raise UserError("Geef een gebruikersnaam op.")
    if role not in ROLES:
        raise UserError(f"Onbekende rol '{role}'; kies uit: {', '.join(ROLES)}.")
    if role == "steering" and not villages:
        raise UserError("Een stuurgroeplid hoort bij minstens één dorp (--village NAAM).")
    if db.scalar("SELECT count(*) FROM users WHERE lower(username) = lower(?)", [username]):
        raise UserError(f"De gebruikersnaam '{username}' bestaat al.")
    ids = []
    for v in villages:
        vid = db.scalar("SELECT id FROM villages WHERE name = ?", [v])
        if vid is None:
            raise UserError(f"Het dorp '{v}' bestaat niet.")
        ids.append(vid)
    pw_hash = auth.hash_password(password)
    with db.tx(actor.username) as tx:
        uid = tx.insert("users", {"username": username, "role": role, "password_hash": pw_hash},
                        audit=False)
        tx.log("user_add", "users", uid, after={"username": username, "role": role,
                                                "villages": list(villages)})
        for vid in ids:
            tx.insert("user_villages", {"user_id": uid, "village_id": vid}, audit=False)
    return uid


def load(db: Db, username: str) -> User | None:
    r = db.one("SELECT id, username, role, disabled FROM users WHERE username = ?", [username])
    if r is None or r["disabled"]:
        return None
    vids = {x["village_id"] for x in db.rows(
        "SELECT village_id FROM user_villages WHERE user_id = ?", [r["id"]])}
    return User(r["username"], r["role"], frozenset(vids), r["id"])


def authenticate(db: Db, username: str, password: str) -> User | None:
    r = db.one("SELECT password_hash, disabled FROM users WHERE username = ?", [username])
    if r is None:
        auth.verify_password(auth.DUMMY_HASH, password)
        return None
    if r["disabled"] or not auth.verify_password(r["password_hash"], password):
        return None
    return load(db, username)


def count(db: Db) -> int:
    return db.scalar("SELECT count(*) FROM users")
