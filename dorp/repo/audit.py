"""Reading the audit trail (who changed what, when, before and after) for leads.

The trail itself is written only by dorp.db.Tx (append-only: the application has no code
path that updates or deletes audit_log rows)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from dorp.access import User, require
from dorp.db import Db

COLUMNS = ["logged_at", "username", "action", "table_name", "record_id", "village", "before",
           "after"]


def entries(db: Db, user: User, since: date | None = None, until: date | None = None,
            username: str | None = None, action: str | None = None,
            table: str | None = None, village: str | None = None, text: str | None = None,
            limit: int | None = 5000) -> pd.DataFrame:
    """Audit entries, newest first, filtered; `until` is inclusive (whole day)."""
    require(user, "view_audit")
    where, params = ["TRUE"], []
    if since:
        where.append("a.logged_at >= ?")
        params.append(datetime.combine(since, time.min))
    if until:
        where.append("a.logged_at < ?")
        params.append(datetime.combine(until + timedelta(days=1), time.min))
    for col, value in (("a.username", username), ("a.action", action),
                       ("a.table_name", table), ("v.name", village)):
        if value:
            where.append(f"{col} = ?")
            params.append(value)
    if text:
        where.append("(CAST(a.before AS VARCHAR) ILIKE ? OR CAST(a.after AS VARCHAR) ILIKE ?)")
        params += [f"%{text}%", f"%{text}%"]
    sql = (f"SELECT a.logged_at, a.username, a.action, a.table_name, a.record_id,"
           f" v.name AS village, CAST(a.before AS VARCHAR) AS before,"
           f" CAST(a.after AS VARCHAR) AS after"
           f" FROM audit_log a LEFT JOIN villages v ON v.id = a.village_id"
           f" WHERE {' AND '.join(where)} ORDER BY a.logged_at DESC, a.id DESC")
    if limit:
        sql += f" LIMIT {int(limit)}"
    return db.df(sql, params).reindex(columns=COLUMNS)


def choices(db: Db, user: User) -> dict[str, list[str]]:
    """Values to filter on: users, actions and tables that occur in the trail."""
    require(user, "view_audit")
    out = {}
    for key, col in (("username", "username"), ("action", "action"), ("table", "table_name")):
        out[key] = [r[col] for r in db.rows(
            f"SELECT DISTINCT {col} FROM audit_log WHERE {col} IS NOT NULL AND {col} <> ''"
            f" ORDER BY 1")]
    return out


def count(db: Db, user: User) -> int:
    require(user, "view_audit")
    return int(db.scalar("SELECT count(*) FROM audit_log") or 0)
