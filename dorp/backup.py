"""Backups, restores and copies of a whole database, in one store-neutral format.

A backup is a folder with one Parquet file per table (`<table>.parquet`) and
`manifest.json` (format, when, why, which store it came from, the applied migrations, every
table's columns with a neutral type, the row counts and where the id sequence stood). It is
read in ONE consistent snapshot: a transaction on the connection the app already holds on
DuckDB (a second process cannot open the file while the app runs, STACK-NOTES.md), a
read-only REPEATABLE READ transaction on PostgreSQL, so it is consistent while people keep
working. The same folder restores into either store. It is written under a temporary name
and renamed when complete, so a half-written backup never looks like a backup.

Restore checks the copy first (manifest, every file, the row counts) and loads it:
- DuckDB: into a new file next to the database, checked again, then the current database is
  moved aside (`<name>.vervangen-<time>.duckdb`) and the new file put in its place;
- PostgreSQL: in ONE transaction (tables dropped, the backup's migrations run, its rows
  loaded, newer migrations run): other processes see the old or the new database, never a
  mix; a failure leaves the database as it was.

`copy_to` (`dorp copy --to`) moves a whole programme between stores the same way, without a
folder in between: accounts, sessions, audit and read logs, versions and step history
included (the exchange workbook carries none of those).

Backups of the first format (`dorp-backup/1`, DuckDB's EXPORT DATABASE) still restore.

Automatic backups (before an import that replaces data, before a migration of a database
that holds data) go to `backup_root()`; only the last `config.backups_to_keep()` are kept.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from dorp import config
from dorp.errors import Refused

MANIFEST = "manifest.json"
PREFIX = "dorp-backup-"
FORMAT = "dorp-backup/2"
OLD_FORMAT = "dorp-backup/1"
BATCH = 50_000


def _store(x):
    from dorp.db import as_store
    return as_store(x)


# --- neutral column types ------------------------------------------------------------------------

def neutral_type(sql_type: str) -> str:
    """A column's type in either store's spelling -> one neutral name."""
    t = sql_type.strip().upper()
    if t in ("BIGINT", "INT8"):
        return "BIGINT"
    if t in ("INTEGER", "INT", "INT4", "SMALLINT", "INT2"):
        return "INTEGER"
    if t in ("DOUBLE", "DOUBLE PRECISION", "FLOAT8", "REAL", "FLOAT", "FLOAT4"):
        return "DOUBLE"
    if t == "DATE":
        return "DATE"
    if t.startswith("TIMESTAMP"):
        return "TIMESTAMP"
    if t in ("BOOLEAN", "BOOL"):
        return "BOOLEAN"
    if t in ("JSON", "JSONB"):
        return "JSON"
    m = re.match(r"(DECIMAL|NUMERIC)\s*\((\d+)\s*,\s*(\d+)\)", t)
    if m:
        return f"DECIMAL({m.group(2)},{m.group(3)})"
    if t in ("DECIMAL", "NUMERIC"):
        return "DECIMAL(38,10)"
    return "VARCHAR"


def _arrow_type(neutral: str) -> pa.DataType:
    m = re.match(r"DECIMAL\((\d+),(\d+)\)", neutral)
    if m:
        return pa.decimal128(int(m.group(1)), int(m.group(2)))
    return {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
            "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_(),
            }.get(neutral, pa.string())


def _schema(store, cur) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, neutral type)]} of every table of the store."""
    if store.dialect == "duckdb":
        sql = ("SELECT table_name, column_name, data_type FROM information_schema.columns"
               " WHERE table_schema = 'main' AND table_catalog = current_database()"
               " ORDER BY table_name, ordinal_position")
    else:
        sql = ("SELECT c.table_name, c.column_name, CASE WHEN c.data_type = 'numeric' AND"
               " c.numeric_precision IS NOT NULL THEN 'DECIMAL(' || c.numeric_precision || ','"
               " || c.numeric_scale || ')' ELSE c.data_type END"
               " FROM information_schema.columns c JOIN information_schema.tables t"
               " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
               " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
               " ORDER BY c.table_name, c.ordinal_position")
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in cur.execute(sql).fetchall():
        out.setdefault(table, []).append((column, neutral_type(dtype)))
    return out


def _batches(store, cur, table: str, columns: list[tuple[str, str]]) -> Iterator[pa.RecordBatch]:
    """Every row of `table` as Arrow record batches with the neutral types."""
    schema = pa.schema([(c, _arrow_type(t)) for c, t in columns])
    names = ", ".join(c for c, _ in columns)
    cur.execute(f"SELECT {names} FROM {table} ORDER BY 1")
    while True:
        rows = cur.fetchmany(BATCH)
        if not rows:
            break
        cols = list(zip(*rows))
        arrays = []
        for (c, t), values in zip(columns, cols):
            if t == "JSON":
                values = [v if v is None or isinstance(v, str) else json.dumps(v) for v in values]
            arrays.append(pa.array(list(values), type=_arrow_type(t)))
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _tables(x) -> list[str]:
    return _store(x).tables()


def _db_file(x) -> Path | None:
    return _store(x).file()


def backup_root(con=None) -> Path:
    """Where automatic backups go: $DORP_BACKUP_DIR, else `backups/` beside the DuckDB file
    (with PostgreSQL: data/backups under the working directory)."""
    if os.environ.get("DORP_BACKUP_DIR"):
        return config.backup_dir()
    f = _db_file(con) if con is not None else None
    return (f.parent if f else config.db_path().parent) / "backups"


def has_data(con) -> bool:
    """True when the database holds a programme, villages or accounts."""
    store = _store(con)
    tables = set(store.tables())
    cur = store.cursor()
    return any(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("programme", "villages", "users") if t in tables)


def is_empty(con) -> bool:
    """No row in any table (besides the record of applied migrations)."""
    store = _store(con)
    cur = store.cursor()
    return not any(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in store.tables() if t != "schema_migrations")


# --- writing a backup ----------------------------------------------------------------------------

def create(con, target: Path | str | None = None, reason: str = "handmatig") -> Path:
    """Write a consistent backup. `target`: a folder that does not exist yet or is empty;
    None: a new folder under backup_root() (and old automatic ones beyond the limit go)."""
    store = _store(con)
    now = datetime.now()
    auto = target is None
    if auto:
        root = backup_root(store)
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
    tmp.mkdir(parents=True)
    try:
        with store.transaction(snapshot=True) as cur:   # one snapshot for every table
            schema = _schema(store, cur)
            counts, sequence = {}, store.sequence_value(cur)
            for table, columns in schema.items():
                arrow_schema = pa.schema([(c, _arrow_type(t)) for c, t in columns])
                n = 0
                with pq.ParquetWriter(tmp / f"{table}.parquet", arrow_schema) as w:
                    for batch in _batches(store, cur, table, columns):
                        w.write_batch(batch)
                        n += batch.num_rows
                counts[table] = n
            migrations = [r[0] for r in cur.execute(
                "SELECT version FROM schema_migrations ORDER BY version").fetchall()] \
                if "schema_migrations" in schema else []
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds"),
                "reason": reason, "database": store.where, "store": store.dialect,
                "migrations": migrations, "sequence": sequence, "tables": counts,
                "columns": {t: [[c, ty] for c, ty in cols] for t, cols in schema.items()}}
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
    if m.get("format") not in (FORMAT, OLD_FORMAT) or not isinstance(m.get("tables"), dict):
        raise Refused(f"{p} bevat geen back-up in een bekend formaat.")
    needed = ("schema.sql", "load.sql") if m["format"] == OLD_FORMAT \
        else [f"{t}.parquet" for t in m["tables"]]
    for f in needed:
        if not (p / f).exists():
            raise Refused(f"De back-up in {p} is onvolledig: {f} ontbreekt.")
    return m


# --- reading a backup back -----------------------------------------------------------------------

class _Source:
    """Tables to load: from a backup folder, or straight from another store's snapshot."""

    migrations: list[int]
    sequence: int | None
    counts: dict[str, int]

    def tables(self) -> list[str]:
        raise NotImplementedError

    def batches(self, table: str) -> Iterator[pa.RecordBatch]:
        raise NotImplementedError

    def max_id(self) -> int | None:
        raise NotImplementedError


class _FolderSource(_Source):
    def __init__(self, path: Path, manifest: dict):
        self.path, self.m = path, manifest
        self.migrations = list(manifest.get("migrations", []))
        self.sequence = manifest.get("sequence")
        self.counts = dict(manifest["tables"])

    def tables(self) -> list[str]:
        return list(self.counts)

    def max_id(self) -> int | None:
        import pyarrow.compute as pc
        top = []
        for table, cols in self.m.get("columns", {}).items():
            if any(c == "id" for c, _ in cols) and self.counts.get(table):
                try:
                    col = pq.read_table(self.path / f"{table}.parquet", columns=["id"])["id"]
                except (OSError, pa.ArrowException, KeyError):
                    continue
                v = pc.max(col).as_py()
                if v is not None:
                    top.append(int(v))
        return max(top, default=None)

    def batches(self, table: str) -> Iterator[pa.RecordBatch]:
        try:
            f = pq.ParquetFile(self.path / f"{table}.parquet")
            yield from f.iter_batches(batch_size=BATCH)
        except (OSError, pa.ArrowException) as e:
            raise Refused(f"De back-up in {self.path} is beschadigd ({table}: {e}). "
                          "Er is niets vervangen.") from None


class _StoreSource(_Source):
    """Another store, read inside its snapshot transaction `cur`."""

    def __init__(self, store, cur):
        self.store, self.cur = store, cur
        self.schema = _schema(store, cur)
        self.migrations = [r[0] for r in cur.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()]
        self.sequence = store.sequence_value(cur)
        self.counts = {}

    def tables(self) -> list[str]:
        return list(self.schema)

    def max_id(self) -> int | None:
        top = [self.cur.execute(f"SELECT max(id) FROM {t}").fetchone()[0]
               for t, cols in self.schema.items() if any(c == "id" for c, _ in cols)]
        return max([int(x) for x in top if x is not None], default=None)

    def batches(self, table: str) -> Iterator[pa.RecordBatch]:
        n = 0
        for b in _batches(self.store, self.cur, table, self.schema[table]):
            n += b.num_rows
            yield b
        self.counts[table] = n


def _check_migrations(source: _Source, where: str) -> None:
    from dorp.db import migration_files
    known = {n for n, _, _ in migration_files()}
    newer = sorted(set(source.migrations) - known)
    if newer:
        raise Refused(f"{where} is gemaakt met een nieuwere versie van Dorpsregie (migratie "
                      f"{', '.join(map(str, newer))} is hier onbekend). Werk Dorpsregie eerst "
                      "bij. Er is niets vervangen.")


def _fill(store, cur, source: _Source) -> dict[str, int]:
    """Create the schema of the source's migrations in the (empty) store inside transaction
    `cur`, load every table, continue the id sequence, then run newer migrations."""
    from dorp.db import migration_files, MIGRATIONS_TABLE
    cur.execute(MIGRATIONS_TABLE)
    # The id sequence first, already past every id of the copy: the migrations create it
    # only "IF NOT EXISTS", so new records after the restore get new ids.
    start = max(source.sequence or 0, source.max_id() or 0) + 1
    cur.execute(f"CREATE SEQUENCE IF NOT EXISTS id_seq START {int(start)}")
    files = migration_files()
    have = set(source.migrations)
    for number, name, sql in files:
        if number in have:
            store.run_script(cur, store.ddl(sql))
            cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, datetime.now()])
    target_tables = set(store.tables(cur))
    loaded: dict[str, int] = {}
    for table in source.tables():
        if table == "schema_migrations":
            continue
        if table not in target_tables:
            raise Refused(f"De tabel {table} uit de kopie bestaat niet in dit schema. "
                          "Er is niets vervangen.")
        n = 0
        for batch in source.batches(table):
            if batch.num_rows:
                store.load_frame(cur, table, batch)
                n += batch.num_rows
        loaded[table] = n
    for number, name, sql in files:   # migrations newer than the copy
        if number not in have:
            store.run_script(cur, store.ddl(sql))
            cur.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, datetime.now()])
    if store.dialect == "postgresql":   # fresh tables: give the planner its statistics
        for table in store.tables(cur):
            cur.execute(f"ANALYZE {table}")
    return loaded


def _check_counts(where: str, expected: dict[str, int], have: dict[str, int]) -> None:
    wrong = [f"{t} ({have.get(t, 'ontbreekt')} rijen, verwacht {n})"
             for t, n in expected.items() if t != "schema_migrations" and have.get(t) != n]
    if wrong:
        raise Refused(f"De back-up in {where} klopt niet met haar beschrijving: "
                      + ", ".join(wrong) + ". Er is niets vervangen.")


def _drop_all(store, cur) -> None:
    """Empty a PostgreSQL schema of the app's tables and sequence (inside a transaction)."""
    for t in store.tables(cur):
        cur.execute(f"DROP TABLE {t} CASCADE")
    cur.execute("DROP SEQUENCE IF EXISTS id_seq CASCADE")


def _source_for(path: Path, m: dict, stack: list) -> _Source:
    if m["format"] == FORMAT:
        return _FolderSource(path, m)
    # The first format: DuckDB's own EXPORT DATABASE; import it into a scratch file first.
    import duckdb
    from dorp.store import DuckStore
    scratch = Path(tempfile.mkdtemp(prefix="dorp-oud-")) / "oud.duckdb"
    stack.append(lambda: shutil.rmtree(scratch.parent, ignore_errors=True))
    con = duckdb.connect(str(scratch))
    try:
        con.execute(f"IMPORT DATABASE '{str(path).replace(chr(39), chr(39) * 2)}'")
    except duckdb.Error as e:
        con.close()
        raise Refused(f"De back-up in {path} kan niet worden teruggezet: {e}") from None
    old = DuckStore(con, scratch)
    stack.append(old.close)
    tx = old.transaction(snapshot=True)
    cur = tx.__enter__()
    stack.append(lambda: tx.__exit__(None, None, None))
    src = _StoreSource(old, cur)
    src.counts = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in src.tables()}
    return src


def verify_into(path: Path | str, new_file: Path) -> dict:
    """Load the backup into DuckDB file `new_file` (which must not exist) and check it
    against the manifest. Raises Refused (and removes `new_file`) when anything is wrong."""
    from dorp.store import DuckStore
    p = Path(path).resolve()
    m = read_manifest(p)
    _remove(new_file)
    stack: list = []
    try:
        source = _source_for(p, m, stack)
        _check_migrations(source, f"De back-up in {p}")
        store = DuckStore.open(new_file)
        try:
            with store.transaction() as cur:
                loaded = _fill(store, cur, source)
            _check_counts(str(p), m["tables"], loaded)
        finally:
            store.close()
    except BaseException as e:
        _remove(new_file)
        if isinstance(e, Refused):
            raise
        from dorp.store import db_errors
        if isinstance(e, db_errors()) or isinstance(e, (pa.ArrowException, ValueError)):
            raise Refused(f"De back-up in {p} kan niet worden teruggezet: {e}") from None
        raise
    finally:
        for f in reversed(stack):
            f()
    return m


def _remove(f: Path) -> None:
    for g in (f, Path(str(f) + ".wal")):
        if g.exists():
            g.unlink()


def restore(path: Path | str, db_file: Path | str | None = None) -> Path | None:
    """Put a backup back as the database ($DORP_DB, or `db_file`: a DuckDB file or a
    PostgreSQL URL). Returns where a replaced DuckDB file was put (None if there was none,
    and always None on PostgreSQL). Raises DatabaseLocked when a DuckDB file is in use."""
    from dorp.db import connect
    from dorp.store import is_url

    target = db_file if db_file is not None else config.db_target()
    if is_url(target):
        return _restore_pg(Path(path).resolve(), str(target))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    new_file = target.with_name(target.name + ".terugzetten")
    verify_into(path, new_file)
    aside = None
    if target.exists():
        try:
            store = connect(target)  # refuses (DatabaseLocked) while the app runs
            store.close()            # closing checkpoints: the WAL is folded into the file
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


def _restore_pg(path: Path, url: str) -> None:
    from dorp.store import PgStore
    m = read_manifest(path)
    stack: list = []
    store = PgStore.open(url, max_size=2)
    try:
        source = _source_for(path, m, stack)
        _check_migrations(source, f"De back-up in {path}")
        from dorp.store import db_errors
        try:
            with store.migration_lock(), store.transaction() as cur:
                _drop_all(store, cur)
                loaded = _fill(store, cur, source)
                _check_counts(str(path), m["tables"], loaded)   # Refused -> rolled back
        except db_errors() as e:
            raise Refused(f"De back-up in {path} kan niet worden teruggezet: {e}. "
                          "Er is niets vervangen.") from None
    finally:
        for f in reversed(stack):
            f()
        store.close()
    return None


# --- copying a whole programme between stores ------------------------------------------------------

def copy_to(source_db, target: str | Path, replace: bool = False) -> dict[str, int]:
    """Copy every table of `source_db` (one consistent snapshot) into the store `target`
    (a DuckDB file, created if needed, or a PostgreSQL URL), in one transaction there.
    A target that holds anything is refused unless `replace`. Returns rows per table."""
    from dorp.db import connect, migrate
    from dorp.store import db_errors

    src_store = _store(source_db)
    dst = connect(target)
    try:
        if src_store.where == dst.where and src_store.dialect == dst.dialect:
            raise Refused("De bron en het doel zijn dezelfde database.")
        if dst.dialect == "duckdb":
            migrate(dst)
        if not replace and not is_empty(dst):
            raise Refused(f"De database {dst.where} is niet leeg. Gebruik --replace om haar "
                          "te vervangen (alles wat erin staat gaat dan verloren).")
        with src_store.transaction(snapshot=True) as src_cur:
            source = _StoreSource(src_store, src_cur)
            _check_migrations(source, "De bron")
            try:
                with dst.migration_lock(), dst.transaction() as cur:
                    _drop_all(dst, cur)
                    loaded = _fill(dst, cur, source)
            except db_errors() as e:
                raise Refused(f"Kopiëren naar {dst.where} is niet gelukt: {e}. "
                              "Het doel is niet veranderd.") from None
        return loaded
    finally:
        dst.close()


def zip_bytes(path: Path | str) -> bytes:
    """A backup folder as a .zip (for download from the app)."""
    p = Path(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p.rglob("*")):
            if f.is_file():
                z.write(f, arcname=f"{p.name}/{f.relative_to(p)}")
    return buf.getvalue()
