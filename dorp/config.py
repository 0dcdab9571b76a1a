"""Paths and settings, all overridable by environment variables."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def db_target() -> Path | str:
    """The store: $DORP_DB, default data/dorp.duckdb (relative to the project): a DuckDB
    file path, or a PostgreSQL URL postgresql://USER[:PW]@HOST:PORT/DB (kept as text)."""
    raw = os.environ.get("DORP_DB") or "data/dorp.duckdb"
    if raw.startswith(("postgresql://", "postgres://")):
        return raw
    p = Path(raw)
    return p if p.is_absolute() else (Path.cwd() / p)


def db_is_server() -> bool:
    return isinstance(db_target(), str)


def db_path() -> Path:
    """The DuckDB database file. With a PostgreSQL URL in $DORP_DB there is none; then the
    folder for local files (backups) is data/ under the working directory."""
    target = db_target()
    return target if isinstance(target, Path) else Path.cwd() / "data" / "dorp.duckdb"


def db_label() -> str:
    """$DORP_DB for messages: the file, or the server without the password."""
    from dorp.store import describe
    return describe(db_target())


def backup_dir() -> Path:
    raw = os.environ.get("DORP_BACKUP_DIR")
    return Path(raw) if raw else db_path().parent / "backups"


def backups_to_keep() -> int:
    return int(os.environ.get("DORP_BACKUPS_KEEP", "10"))


def today() -> date:
    """'Today' for the app: $DORP_TODAY (YYYY-MM-DD, for tests and demos) or the real date."""
    raw = os.environ.get("DORP_TODAY")
    return date.fromisoformat(raw) if raw else date.today()
