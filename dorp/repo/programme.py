"""The programme record (one row)."""

from __future__ import annotations

from dorp.access import AccessDenied, User
from dorp.db import Db
from dorp.method import ROLES


def get(db: Db, user: User) -> dict | None:
    """Name, funder, dates and the demo flag: public to every role (no personal data)."""
    if user.role not in ROLES:
        raise AccessDenied()
    return db.one("SELECT id, name, funder, start_date, end_date, is_demo, version"
                  " FROM programme ORDER BY id LIMIT 1")


def is_empty(db: Db) -> bool:
    """True when no programme and no villages exist (used by `dorp demo --if-empty`)."""
    return not db.scalar("SELECT (SELECT count(*) FROM programme) + (SELECT count(*) FROM villages)")
