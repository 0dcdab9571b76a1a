"""Storage: the store of $DORP_DB (DuckDB file or PostgreSQL server, dorp/store.py),
migrations, and the single way of writing (audited, versioned).

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
from dorp.store import (DatabaseLocked, DuckStore, PgStore, StoreUnavailable,  # noqa: F401
                        open_store)

Store = DuckStore | PgStore


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


def connect(target: Path | str | None = None) -> Store:
    """Open (creating a DuckDB file if needed) the store named by `target` or $DORP_DB.
    A DuckDB file held by another process -> DatabaseLocked (exit 3); a PostgreSQL server
    that cannot be used -> StoreUnavailable (exit 4)."""
    return open_store(target if target is not None else config.db_target())


def as_store(x) -> Store:
    """A Db, a store or a raw DuckDB connection, as a store."""
    if isinstance(x, Db):
        return x.store
    if isinstance(x, (DuckStore, PgStore)):
        return x
    if isinstance(x, duckdb.DuckDBPyConnection):
        return DuckStore(x)
    raise TypeError(f"not a database: {type(x).__name__}")


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


def pending_migrations(con) -> list[tuple[int, str, str]]:
    store = as_store(con)
    cur = store.cursor()
    cur.execute(MIGRATIONS_TABLE)
    done = {r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()}
    return [m for m in migration_files() if m[0] not in done]


def migrate(con) -> list[str]:
    """Apply pending migrations, each in its own transaction. Idempotent. A database that
    already holds data is backed up first (dorp.backup; the last N are kept). On PostgreSQL
    this runs under an advisory lock: processes starting at once migrate once."""
    store = as_store(con)
    applied = []
    with store.migration_lock():
        pending = pending_migrations(store)
        if pending:
            from dorp import backup
            if backup.has_data(store):
                backup.create(store, reason="voor-migratie")
        for number, name, sql in pending:
            with store.transaction() as cur:
                store.run_script(cur, store.ddl(sql))
                cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                            [number, name, datetime.now()])
            applied.append(name)
    return applied


# --- the Db wrapper: reads, and the one audited way of writing -------------------------------

# Tables the generic writers may touch (identifiers cannot be query parameters).
EDITABLE = {
    "programme", "municipalities", "villages", "pilots", "start_meetings", "pitches",
    "consent", "mbc", "mbc_effects", "partners", "steering_members", "steering_meetings",
    "actions", "line_scores", "working_modes", "initiatives", "safeguarding", "budget",
    "users", "ballot_rounds", "ballot_options", "vonk_contests", "vonk_ideas",
    # the programme plan (0012_plan.sql)
    "plan_steps", "plan_milestones", "plan_spend", "plan_line_targets",
    # the Burgerkrachtgenerator (migration 0011)
    "bkg_lead_group", "bkg_conversations", "bkg_themes", "bkg_village_meetings", "bkg_subgroups",
    "working_groups", "working_group_modes", "working_group_contacts",
}
APPEND_ONLY = {"step_moves", "user_villages", "initiative_phases", "bkg_theme_sources"}
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


class Db:
    """The app's handle on the store (DuckDB file or PostgreSQL). Reads run on their own
    cursor; writes only inside `tx()`. SQL is written once, with `?` parameters."""

    def __init__(self, store):
        self.store = as_store(store)

    @property
    def con(self) -> Store:
        """The store (kept under its old name: `db.con.close()`, `db.con.cursor()`)."""
        return self.store

    @property
    def dialect(self) -> str:
        return self.store.dialect

    def close(self) -> None:
        self.store.close()

    # reads
    def df(self, sql: str, params: list | tuple | None = None) -> pd.DataFrame:
        return self.store.cursor().execute(sql, params or []).df()

    def rows(self, sql: str, params: list | tuple | None = None) -> list[dict]:
        cur = self.store.cursor().execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | tuple | None = None) -> dict | None:
        r = self.rows(sql, params)
        return r[0] if r else None

    def scalar(self, sql: str, params: list | tuple | None = None) -> Any:
        r = self.store.cursor().execute(sql, params or []).fetchone()
        return r[0] if r else None

    # transactions: all writes go through a Tx, so a failure leaves nothing behind
    @contextmanager
    def tx(self, username: str | None) -> Iterator["Tx"]:
        with self.store.transaction() as cur:
            yield Tx(cur, username, self.store)

    @contextmanager
    def snapshot(self) -> Iterator["Tx"]:
        """A read-only transaction: every read in it sees one consistent state (exports,
        backups). Nothing may be written through it."""
        with self.store.transaction(snapshot=True) as cur:
            yield Tx(cur, None, self.store)


@dataclass
class Tx:
    cur: Any
    username: str | None
    store: Any = None

    def execute(self, sql: str, params: list | tuple | None = None):
        return self.cur.execute(sql, params or [])

    def register(self, name: str, df: pd.DataFrame, types: dict | None = None) -> None:
        """Make a DataFrame readable as table `name` inside this transaction."""
        if self.store is not None and self.store.dialect == "postgresql":
            self.cur.register(name, df, types)
        else:
            self.cur.register(name, df)

    def unregister(self, name: str) -> None:
        self.cur.unregister(name)

    def _changed(self) -> int:
        return self.store.rowcount(self.cur) if self.store is not None \
            else DuckStore.rowcount(self.cur)

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

    def _stale(self, table: str, record_id: int):
        """The record changed between our read and our write: say who changed it (the row
        as it is now, committed by the other process)."""
        now = self.store.cursor().execute(
            f"SELECT updated_by, updated_at, version FROM {table} WHERE id = ?",
            [record_id]).fetchone() if self.store is not None else None
        raise StaleVersion(table, record_id, now[0] if now else None, now[1] if now else None,
                           now[2] if now else None)

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
        if self._changed() != 1:   # another process saved it in between (PostgreSQL)
            self._stale(table, record_id)
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
        self.cur.execute(f"DELETE FROM {table} WHERE id = ? AND version = ?",
                         [record_id, before["version"]])
        if self._changed() != 1:
            self._stale(table, record_id)
        self._audit("delete", table, record_id, village_id, before, None)


def open_db(path: Path | str | None = None, migrate_now: bool = True) -> Db:
    store = connect(path)
    try:
        if migrate_now:
            migrate(store)
    except BaseException:
        store.close()
        raise
    return Db(store)
