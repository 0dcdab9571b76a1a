"""Backups: full, consistent copies of the database, and putting one back.

A backup is a folder made with DuckDB's `EXPORT DATABASE ... (FORMAT parquet)`: it runs in
one transaction on the connection the app already holds (a second process cannot open the
file while the app runs, STACK-NOTES.md), so it is consistent while people keep working.
Next to DuckDB's files the folder holds `manifest.json` (when, why, row counts per table).
The folder is written under a temporary name and renamed when complete, so a half-written
backup never looks like a backup.

Restore first imports the copy into a new file next to the database and checks it (every
table, the row counts of the manifest, the schema version); only then it moves the current
database aside (`<name>.vervangen-<time>.duckdb`) and puts the new file in its place.

Automatic backups (before an import that replaces data, before a migration of a database
that holds data) go to `config.backup_dir()`; only the last `config.backups_to_keep()` are
kept.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from dorp import config
from dorp.errors import Refused

MANIFEST = "manifest.json"
PREFIX = "dorp-backup-"
FORMAT = "dorp-backup/1"


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.cursor().execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = 'main' ORDER BY table_name").fetchall()]


def _db_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    r = con.cursor().execute("SELECT path FROM duckdb_databases()"
                             " WHERE database_name = current_database()").fetchone()
    return Path(r[0]) if r and r[0] else None


def backup_root(con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Where automatic backups go: $DORP_BACKUP_DIR, else `backups/` beside the database."""
    if os.environ.get("DORP_BACKUP_DIR"):
        return config.backup_dir()
    f = _db_file(con) if con is not None else None
    return (f.parent if f else config.db_path().parent) / "backups"


def has_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds a programme, villages or accounts."""
    tables = set(_tables(con))
    cur = con.cursor()
    return any(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("programme", "villages", "users") if t in tables)


def create(con: duckdb.DuckDBPyConnection, target: Path | str | None = None,
           reason: str = "handmatig") -> Path:
    """Write a consistent backup. `target`: a folder that does not exist yet or is empty;
    None: a new folder under backup_root() (and old automatic ones beyond the limit go)."""
    now = datetime.now()
    auto = target is None
    if auto:
        root = backup_root(con)
        root.mkdir(parents=True, exist_ok=True)
        safe = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in reason)[:30]
        final = root / f"{PREFIX}{now:%Y%m%d-%H%M%S-%f}-{safe}"
    else:
        final = Path(target).resolve()
        if final.exists() and (not final.is_dir() or any(final.iterdir())):
            raise Refused(f"{final} bestaat al en is niet leeg. Kies een nieuwe, lege map "
                          "voor de back-up.")
    tmp = final.with_name(final.name + ".bezig")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")  # the counts and the copy see the same snapshot
    try:
        counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _tables(con)}
        path_sql = str(tmp).replace("'", "''")
        cur.execute(f"EXPORT DATABASE '{path_sql}' (FORMAT parquet)")
        migrations = [r[0] for r in cur.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()] \
            if "schema_migrations" in counts else []
    finally:
        cur.execute("ROLLBACK")
    manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds"),
                "reason": reason, "database": str(_db_file(con) or ""),
                "migrations": migrations, "tables": counts}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                encoding="utf-8")
    if final.exists():
        final.rmdir()
    os.replace(tmp, final)
    if auto:
        prune(final.parent, config.backups_to_keep())
    return final


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` automatic backups in `root`."""
    found = list_backups(root)
    gone = []
    for b in found[max(keep, 1):]:
        shutil.rmtree(b["path"], ignore_errors=True)
        gone.append(b["path"])
    return gone


def list_backups(root: Path | None = None) -> list[dict]:
    """Automatic backups in `root`, newest first: path, created_at, reason, rows."""
    root = Path(root) if root else backup_root()
    out = []
    if not root.is_dir():
        return out
    for p in root.iterdir():
        if not (p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST).exists()):
            continue
        try:
            m = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append({"path": p, "name": p.name, "created_at": m.get("created_at", ""),
                    "reason": m.get("reason", ""), "rows": sum(m.get("tables", {}).values())})
    return sorted(out, key=lambda b: b["name"], reverse=True)


def read_manifest(path: Path | str) -> dict:
    p = Path(path)
    if not p.is_dir():
        raise Refused(f"{p} is geen map met een back-up.")
    try:
        m = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Refused(f"In {p} staat geen back-up van Dorpsregie ({MANIFEST} ontbreekt).") \
            from None
    except ValueError:
        raise Refused(f"De beschrijving {MANIFEST} in {p} is beschadigd.") from None
    if m.get("format") != FORMAT or not isinstance(m.get("tables"), dict):
        raise Refused(f"{p} bevat geen back-up in een bekend formaat.")
    for f in ("schema.sql", "load.sql"):
        if not (p / f).exists():
            raise Refused(f"De back-up in {p} is onvolledig: {f} ontbreekt.")
    return m


def verify_into(path: Path | str, new_file: Path) -> dict:
    """Import the backup into `new_file` (which must not exist) and check it against the
    manifest. Raises Refused (and removes `new_file`) when anything does not match."""
    p = Path(path).resolve()
    m = read_manifest(p)
    for f in (new_file, Path(str(new_file) + ".wal")):
        if f.exists():
            f.unlink()
    try:
        con = duckdb.connect(str(new_file))
        try:
            con.execute(f"IMPORT DATABASE '{str(p).replace(chr(39), chr(39) * 2)}'")
            have = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in _tables(con)}
        finally:
            con.close()
    except duckdb.Error as e:
        _remove(new_file)
        raise Refused(f"De back-up in {p} kan niet worden teruggezet: {e}") from None
    wrong = [f"{t} ({have.get(t, 'ontbreekt')} rijen, verwacht {n})"
             for t, n in m["tables"].items() if have.get(t) != n]
    if wrong:
        _remove(new_file)
        raise Refused(f"De back-up in {p} klopt niet met haar beschrijving: "
                      + ", ".join(wrong) + ". Er is niets vervangen.")
    return m


def _remove(f: Path) -> None:
    for g in (f, Path(str(f) + ".wal")):
        if g.exists():
            g.unlink()


def restore(path: Path | str, db_file: Path | None = None) -> Path | None:
    """Put a backup back as the database. Returns where the replaced database was put
    (None if there was none). Raises DatabaseLocked when the database is in use."""
    from dorp.db import connect

    target = Path(db_file) if db_file else config.db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    new_file = target.with_name(target.name + ".terugzetten")
    verify_into(path, new_file)
    aside = None
    if target.exists():
        try:
            con = connect(target)  # refuses (DatabaseLocked) while the app runs
            con.close()           # closing checkpoints: the WAL is folded into the file
        except BaseException:
            _remove(new_file)
            raise
        aside = target.with_name(f"{target.stem}.vervangen-{datetime.now():%Y%m%d-%H%M%S}"
                                 f"{target.suffix}")
        os.replace(target, aside)
        wal = Path(str(target) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(aside) + ".wal"))
    os.replace(new_file, target)
    return aside


def zip_bytes(path: Path | str) -> bytes:
    """A backup folder as a .zip (for download from the app)."""
    p = Path(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p.rglob("*")):
            if f.is_file():
                z.write(f, arcname=f"{p.name}/{f.relative_to(p)}")
    return buf.getvalue()
