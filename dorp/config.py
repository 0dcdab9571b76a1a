"""Paths and settings, all overridable by environment variables."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def db_path() -> Path:
    """The database file: $DORP_DB, default data/dorp.duckdb (relative to the project)."""
    raw = os.environ.get("DORP_DB") or "data/dorp.duckdb"
    p = Path(raw)
    return p if p.is_absolute() else (Path.cwd() / p)


def backup_dir() -> Path:
    raw = os.environ.get("DORP_BACKUP_DIR")
    return Path(raw) if raw else db_path().parent / "backups"


def backups_to_keep() -> int:
    return int(os.environ.get("DORP_BACKUPS_KEEP", "10"))


def today() -> date:
    """'Today' for the app: $DORP_TODAY (YYYY-MM-DD, for tests and demos) or the real date."""
    raw = os.environ.get("DORP_TODAY")
    return date.fromisoformat(raw) if raw else date.today()
