"""Storage: one DuckDB connection per process, a cursor per query, migrations, and the
single way of writing (audited, versioned).

Every SQL statement of the app lives in this module or in dorp/repo/ (and the migration
files); pages never hold SQL.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd

from dorp import config


class DatabaseLocked(Exception):
    """Another process holds the database file (DuckDB allows one writer process)."""

    def __init__(self, path: Path, pid: str | None):
        self.path, self.pid = path, pid
        who = f" (proces {pid})" if pid else ""
        super().__init__(
            f"De database {path} is in gebruik door een ander programma{who}, "
            "waarschijnlijk de draaiende app. Stop de app (Ctrl+C in het venster van "
            "'make run') en probeer het opnieuw, of gebruik dezelfde functie in de app zelf."
        )


class StaleVersion(Exception):
    """A save based on a version that someone else changed meanwhile."""

    def __init__(self, table: str, record_id: int, changed_by: str | None, changed_at: Any,
                 current_version: int | None = None):
        self.table, self.record_id = table, record_id
        self.current_version = current_version  # what a deliberate second save is based on
        self.changed_by, self.changed_at = changed_by, changed_at
        when = f" op {changed_at:%d-%m-%Y om %H:%M}" if isinstance(changed_at, datetime) else ""
        super().__init__(
            f"Dit gegeven is intussen gewijzigd door {changed_by or 'een ander'}{when}. "
            "Uw invoer staat hieronder nog; bekijk de nieuwe stand en sla opnieuw op."
        )


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database; a lock held elsewhere -> DatabaseLocked."""
    p = Path(path) if path else config.db_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(p))
    except duckdb.IOException as e:
        msg = str(e)
        if "lock" in msg.lower():
            m = re.search(r"PID (\d+)", msg)
            raise DatabaseLocked(p, m.group(1) if m else None) from None
        raise


# --- migrations ----------------------------------------------------------------------------

MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)
"""


def migration_files() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every file in dorp/migrations, in order."""
    out = []
    for f in resources.files("dorp.migrations").iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", f.name)
        if m:
            out.append((int(m.group(1)), f.name, f.read_text(encoding="utf-8")))
    return sorted(out)


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    cur = con.cursor()
    cur.execute(MIGRATIONS_TABLE)
    done = {r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()}
    return [m for m in migration_files() if m[0] not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, each in its own transaction. Idempotent. A database that
    already holds data is backed up first (dorp.backup; the last N are kept)."""
    applied = []
    pending = pending_migrations(con)
    if pending:
        from dorp import backup
        if backup.has_data(con):
            backup.create(con, reason="voor-migratie")
    for number, name, sql in pending:
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(sql)
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [number, name, datetime.now()]
            )
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


# --- the Db wrapper: reads, and the one audited way of writing -------------------------------

# Tables the generic writers may touch (identifiers cannot be query parameters).
EDITABLE = {
    "programme", "municipalities", "villages", "pilots", "start_meetings", "pitches",
    "consent", "mbc", "mbc_effects", "partners", "steering_members", "steering_meetings",
    "actions", "line_scores", "working_modes", "initiatives", "safeguarding", "budget",
    "users", "ballot_rounds", "ballot_options", "vonk_contests", "vonk_ideas",
}
APPEND_ONLY = {"step_moves", "user_villages", "initiative_phases"}
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


def _check_ident(*names: str) -> None:
    for n in names:
        if not _IDENT.match(n):
            raise ValueError(f"bad identifier {n!r}")


@dataclass
class Db:
    """Thin wrapper around the process's connection. Each call uses its own cursor."""

    con: duckdb.DuckDBPyConnection

    # reads
    def df(self, sql: str, params: list | tuple | None = None) -> pd.DataFrame:
        return self.con.cursor().execute(sql, params or []).df()

    def rows(self, sql: str, params: list | tuple | None = None) -> list[dict]:
        cur = self.con.cursor().execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | tuple | None = None) -> dict | None:
        r = self.rows(sql, params)
        return r[0] if r else None

    def scalar(self, sql: str, params: list | tuple | None = None) -> Any:
        r = self.con.cursor().execute(sql, params or []).fetchone()
        return r[0] if r else None

    # transactions: all writes go through a Tx, so a failure leaves nothing behind
    @contextmanager
    def tx(self, username: str | None) -> Iterator["Tx"]:
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield Tx(cur, username)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise


@dataclass
class Tx:
    cur: duckdb.DuckDBPyConnection
    username: str | None

    def execute(self, sql: str, params: list | tuple | None = None):
        return self.cur.execute(sql, params or [])

    def _audit(self, action: str, table: str, record_id: int | None, village_id: int | None,
               before: dict | None, after: dict | None) -> None:
        self.cur.execute(
            "INSERT INTO audit_log (logged_at, username, action, table_name, record_id, village_id,"
            " before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [datetime.now(), self.username, action, table, record_id, village_id,
             json.dumps({k: _jsonable(v) for k, v in before.items()}) if before else None,
             json.dumps({k: _jsonable(v) for k, v in after.items()}) if after else None],
        )

    def log(self, action: str, table: str | None = None, record_id: int | None = None,
            village_id: int | None = None, after: dict | None = None) -> None:
        """An audit entry for a write that is not a single-record change (import, move)."""
        self._audit(action, table or "", record_id, village_id, None, after)

    def _row(self, table: str, record_id: int) -> dict | None:
        cur = self.cur.execute(f"SELECT * FROM {table} WHERE id = ?", [record_id])
        r = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], r)) if r else None

    def insert(self, table: str, values: dict, village_id: int | None = None,
               audit: bool = True) -> int:
        _check_ident(table, *values)
        if table not in EDITABLE | APPEND_ONLY:
            raise ValueError(f"{table} is not writable")
        cols = list(values)
        extra = ", updated_at, updated_by" if table in EDITABLE else ""
        marks = ", ".join("?" for _ in cols) + (", ?, ?" if extra else "")
        params = [values[c] for c in cols] + ([datetime.now(), self.username] if extra else [])
        returning = " RETURNING id" if table != "user_villages" else ""
        r = self.cur.execute(
            f"INSERT INTO {table} ({', '.join(cols)}{extra}) VALUES ({marks}){returning}", params
        ).fetchone()
        new_id = r[0] if r else None
        if audit:
            self._audit("insert", table, new_id, village_id, None, values)
        return new_id

    def update(self, table: str, record_id: int, values: dict, expected_version: int | None,
               village_id: int | None = None) -> int:
        """Change one record if it still has `expected_version`; returns the new version.
        None as expected_version skips the check (system updates only)."""
        _check_ident(table, *values)
        if table not in EDITABLE:
            raise ValueError(f"{table} is not editable")
        before = self._row(table, record_id)
        if before is None:
            raise KeyError(f"{table} {record_id} bestaat niet (meer)")
        if expected_version is not None and before["version"] != expected_version:
            raise StaleVersion(table, record_id, before.get("updated_by"), before.get("updated_at"),
                               before["version"])
        sets = ", ".join(f"{c} = ?" for c in values)
        self.cur.execute(
            f"UPDATE {table} SET {sets}, version = version + 1, updated_at = ?, updated_by = ?"
            " WHERE id = ? AND version = ?",
            [*values.values(), datetime.now(), self.username, record_id, before["version"]],
        )
        self._audit("update", table, record_id, village_id,
                    {k: before.get(k) for k in values}, values)
        return before["version"] + 1

    def delete(self, table: str, record_id: int, expected_version: int | None,
               village_id: int | None = None) -> None:
        _check_ident(table)
        if table not in EDITABLE:
            raise ValueError(f"{table} is not editable")
        before = self._row(table, record_id)
        if before is None:
            return
        if expected_version is not None and before["version"] != expected_version:
            raise StaleVersion(table, record_id, before.get("updated_by"), before.get("updated_at"),
                               before["version"])
        self.cur.execute(f"DELETE FROM {table} WHERE id = ?", [record_id])
        self._audit("delete", table, record_id, village_id, before, None)


def open_db(path: Path | str | None = None, migrate_now: bool = True) -> Db:
    con = connect(path)
    if migrate_now:
        migrate(con)
    return Db(con)
