"""The two stores behind one seam: an embedded DuckDB file, or a PostgreSQL server (15+).

`DORP_DB` is either a file path (DuckDB, one process) or a URL
`postgresql://USER[:PW]@HOST:PORT/DB` (any number of app processes and commands at once).
The app keeps ONE set of queries, written in portable SQL with `?` parameters
(docs/ARCHITECTURE.md); everything that truly differs between the two lives in this module:

- opening (file lock -> DatabaseLocked, exit 3; server faults -> StoreUnavailable, exit 4);
- parameters: `?` becomes psycopg's `%s` (and a literal `%` becomes `%%`);
- cursors: DuckDB's own cursor; on PostgreSQL a small cursor over a pooled connection
  (psycopg-pool) with the same methods the app uses (execute, fetchone, fetchall,
  description, df, register, rowcount);
- `df()`: a PostgreSQL result becomes the same pandas dtypes DuckDB's `.df()` gives;
- `register(name, DataFrame)`: DuckDB scans the frame; PostgreSQL copies it into a
  temporary table (dropped at commit);
- DDL of the migrations (DuckDB's DOUBLE is PostgreSQL's DOUBLE PRECISION), the migration
  lock (an advisory lock on PostgreSQL; DuckDB's file lock already allows one process),
  listing tables and text columns, reading the id sequence.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

MIN_PG_VERSION = 150000
MIGRATION_LOCK_KEY = 4_711_2026  # pg_advisory_lock key of `dorp init` / app start
POOL_TIMEOUT = float(os.environ.get("DORP_PG_TIMEOUT", "10"))


# --- errors ------------------------------------------------------------------------------------

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


class StoreUnavailable(Exception):
    """The PostgreSQL server cannot be used (exit code 4). The message is plain Dutch, names
    host and port, and never holds the password."""

    def __init__(self, message: str, lost: bool = False):
        self.lost = lost   # True: the connection broke while the app was running
        super().__init__(message)


def is_url(target: str | Path | None) -> bool:
    return isinstance(target, str) and re.match(r"^postgres(ql)?://", target) is not None


def describe(target: str | Path) -> str:
    """Where the data lives, for messages: a file path, or user@host:port/db (never the
    password)."""
    if not is_url(target):
        return str(target)
    i = _conninfo(str(target))
    return f"postgresql://{i.get('user', '')}@{i.get('host', '')}:{i.get('port', '5432')}" \
           f"/{i.get('dbname', '')}"


def _conninfo(url: str) -> dict:
    from psycopg.conninfo import conninfo_to_dict
    try:
        return conninfo_to_dict(url)
    except Exception:
        raise StoreUnavailable(
            "De PostgreSQL-URL in DORP_DB is niet te lezen. Gebruik de vorm "
            "postgresql://GEBRUIKER:WACHTWOORD@SERVER:POORT/DATABASE.") from None


def _where(info: dict) -> str:
    return f"{info.get('host') or 'localhost'}:{info.get('port') or '5432'}"


def connect_error(exc: Exception, info: dict) -> StoreUnavailable:
    """A Dutch message for a failed connection attempt (never the password)."""
    text = str(exc)
    where, user, db = _where(info), info.get("user", ""), info.get("dbname", "")
    if "password authentication failed" in text or "no password supplied" in text \
            or "authentication failed" in text:
        return StoreUnavailable(
            f"Inloggen bij de PostgreSQL-server op {where} als gebruiker '{user}' is mislukt: "
            "het wachtwoord of de gebruikersnaam in DORP_DB klopt niet.")
    if re.search(r'database "[^"]*" does not exist', text):
        return StoreUnavailable(
            f"De database '{db}' bestaat niet op de PostgreSQL-server op {where}. Maak haar "
            f"eerst aan (bijvoorbeeld: createdb -h {info.get('host') or 'localhost'} "
            f"-p {info.get('port') or '5432'} -U {user} {db}) en start dan opnieuw.")
    if re.search(r'role "[^"]*" does not exist', text):
        return StoreUnavailable(
            f"De gebruiker '{user}' bestaat niet op de PostgreSQL-server op {where}.")
    if "too many clients" in text or "remaining connection slots" in text:
        return StoreUnavailable(
            f"De PostgreSQL-server op {where} neemt geen verbindingen meer aan (te veel "
            "verbindingen). Probeer het zo opnieuw of verhoog max_connections.")
    return StoreUnavailable(
        f"De PostgreSQL-server op {where} is niet bereikbaar. Controleer of de server draait "
        "en of server en poort in DORP_DB kloppen, en probeer het opnieuw.")


def lost_message(where: str) -> str:
    return (f"De verbinding met de database ({where}) is verbroken. Er is niets half "
            "opgeslagen; probeer het opnieuw (de app maakt zelf opnieuw verbinding).")


# --- parameters --------------------------------------------------------------------------------

@lru_cache(maxsize=2048)
def to_pyformat(sql: str) -> str:
    """`?` -> `%s` outside string literals, quoted names and comments; `%` -> `%%`."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:   # doubled quote inside
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif ch == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i)
            j = n if j < 0 else j + 2
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _py(v: Any) -> Any:
    """Plain Python values for psycopg (numpy scalars, pandas timestamps, lists of them)."""
    if v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if v is None or isinstance(v, (str, int, float, bool, date, Decimal)):
        if isinstance(v, float) and v != v:
            return None
        return v
    if isinstance(v, (list, tuple)):
        return [_py(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_py(x) for x in v.tolist()]
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.generic):
        return _py(v.item())
    if v is pd.NaT or v is pd.NA:
        return None
    return v


def split_statements(sql: str) -> list[str]:
    """A migration script as single statements (no comments; `;` inside quotes kept)."""
    stmts, buf, i, n = [], [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "'":
            j = i + 1
            while j < n and not (sql[j] == "'" and not sql.startswith("''", j)):
                j += 2 if sql.startswith("''", j) else 1
            buf.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif ch == ";":
            stmts.append("".join(buf).strip())
            buf = []
            i += 1
        else:
            buf.append(ch)
            i += 1
    stmts.append("".join(buf).strip())
    return [s for s in stmts if s]


_PG_DDL = (
    (re.compile(r"\bDOUBLE\b(?!\s+PRECISION)", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bFLOAT8?\b(?!\s*\()", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bHUGEINT\b", re.I), "NUMERIC(38)"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
    (re.compile(r"\bDATETIME\b", re.I), "TIMESTAMP"),
)


def pg_ddl(sql: str) -> str:
    """DuckDB type names of the early migrations in PostgreSQL's spelling (one place)."""
    for pattern, repl in _PG_DDL:
        sql = pattern.sub(repl, sql)
    return sql


# --- DuckDB --------------------------------------------------------------------------------------

class DuckStore:
    """One DuckDB connection per process; a cursor per query (STACK-NOTES.md)."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None = None):
        self.con, self.path = con, path

    @classmethod
    def open(cls, path: Path | str) -> "DuckStore":
        p = Path(path)
        if str(path) != ":memory:":
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls(duckdb.connect(str(p)), None if str(path) == ":memory:" else p)
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" in msg.lower():
                m = re.search(r"PID (\d+)", msg)
                raise DatabaseLocked(p, m.group(1) if m else None) from None
            raise

    @property
    def where(self) -> str:
        return str(self.path or ":memory:")

    def cursor(self):
        return self.con.cursor()

    def ping(self) -> None:
        """Nothing to check: an open DuckDB file stays open."""

    def execute(self, sql: str, params=None):
        return self.con.cursor().execute(sql, params or [])

    @contextmanager
    def transaction(self, snapshot: bool = False) -> Iterator[Any]:
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        if snapshot:
            cur.execute("ROLLBACK")
        else:
            cur.execute("COMMIT")

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        yield  # the file lock already keeps every other process out

    def ddl(self, sql: str) -> str:
        return sql

    def run_script(self, cur, sql: str) -> None:
        cur.execute(sql)

    @staticmethod
    def rowcount(cur) -> int:
        r = cur.fetchone()
        return int(r[0]) if r else 0

    def tables(self, cur=None) -> list[str]:
        cur = cur or self.con.cursor()
        return [r[0] for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            " AND schema_name = 'main' ORDER BY table_name").fetchall()]

    def text_columns(self, cur=None) -> list[tuple[str, str]]:
        cur = cur or self.con.cursor()
        return [tuple(r) for r in cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type = 'VARCHAR' AND table_schema = 'main'"
            " ORDER BY table_name, ordinal_position").fetchall()]

    def columns(self, table: str, cur=None) -> list[str]:
        cur = cur or self.con.cursor()
        return [r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main'"
            " AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]

    def sequence_value(self, cur=None) -> int | None:
        cur = cur or self.con.cursor()
        r = cur.execute("SELECT last_value FROM duckdb_sequences()"
                        " WHERE sequence_name = 'id_seq'").fetchone()
        return int(r[0]) if r and r[0] is not None else None

    def load_frame(self, cur, table: str, df) -> None:
        """Insert a DataFrame or Arrow record batch (its column names) into `table`."""
        if isinstance(df, pa.RecordBatch):
            df = pa.Table.from_batches([df])
        cols = ", ".join(df.column_names if isinstance(df, pa.Table) else df.columns)
        cur.register("_load_src", df)
        try:
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _load_src")
        finally:
            cur.unregister("_load_src")

    def file(self) -> Path | None:
        return self.path

    def close(self) -> None:
        self.con.close()


# --- PostgreSQL ----------------------------------------------------------------------------------

_PG_SQL_TYPES = {bool: "BOOLEAN", int: "BIGINT", float: "DOUBLE PRECISION", str: "VARCHAR",
                 date: "DATE", datetime: "TIMESTAMP", Decimal: "NUMERIC"}


class PgCursor:
    """The cursor methods the app uses, over one psycopg connection."""

    def __init__(self, store: "PgStore", conn):
        self.store, self.conn = store, conn
        self._cur = conn.cursor()
        self._rows: list | None = None
        self._pos = 0
        self.description = None
        self.rowcount = -1

    def execute(self, sql: str, params=None) -> "PgCursor":
        params = [_py(p) for p in (params or [])]
        try:
            if params:
                self._cur.execute(to_pyformat(sql), params)
            else:
                self._cur.execute(sql)
        except Exception as e:
            raise self.store.translate(e) from e
        self.rowcount = self._cur.rowcount
        self.description = self._cur.description
        self._rows = self._cur.fetchall() if self._cur.description is not None else []
        self._pos = 0
        return self

    def fetchone(self):
        if self._rows is None or self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchmany(self, size: int = 1):
        rows = (self._rows or [])[self._pos:self._pos + size]
        self._pos += len(rows)
        return rows

    def fetchall(self):
        rows = (self._rows or [])[self._pos:]
        self._pos = len(self._rows or [])
        return rows

    def df(self) -> pd.DataFrame:
        return frame(self.description or [], self.fetchall())

    def register(self, name: str, df: pd.DataFrame, types: dict | None = None) -> None:
        """Make `df` readable as table `name` until the end of the transaction."""
        types = types or {}
        cols = []
        for c in df.columns:
            t = types.get(c) or _infer_type(df[c])
            cols.append(f'{c} {t}')
        self.execute(f"CREATE TEMP TABLE {name} ({', '.join(cols)}) ON COMMIT DROP")
        _copy_in(self._cur, name, df)

    def unregister(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}")

    def close(self) -> None:
        self._cur.close()


def _infer_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(s.dtype):
        return "DOUBLE PRECISION"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "TIMESTAMP"
    for v in s:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA:
            continue
        v = _py(v)
        for t, name in _PG_SQL_TYPES.items():
            if type(v) is t:
                return name
        break
    return "VARCHAR"


def _copy_value(v):
    """A frame's value for COPY: whole floats as integers (pandas keeps an integer column
    with gaps as float; "1.0" is not a valid BIGINT, "1" is a valid DOUBLE)."""
    v = _py(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _copy_in(cur, table: str, df) -> None:
    """COPY a DataFrame or an Arrow batch into `table` (the fast way into PostgreSQL)."""
    if isinstance(df, (pa.RecordBatch, pa.Table)):
        names = df.schema.names
        rows = zip(*[c.to_pylist() for c in df.columns]) if df.num_rows else iter(())
    else:
        names = list(df.columns)
        rows = ([_copy_value(v) for v in row] for row in df.itertuples(index=False, name=None))
    try:
        with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
    except Exception as e:
        raise _translate_any(e) from e


class PgAutoCursor:
    """`store.cursor()` outside a transaction: each statement on a pooled connection in
    autocommit, its result kept in memory (like DuckDB's cursor after execute)."""

    def __init__(self, store: "PgStore"):
        self.store = store
        self._inner: PgCursor | None = None

    def execute(self, sql: str, params=None) -> "PgAutoCursor":
        def run(conn):
            self._inner = PgCursor(self.store, conn).execute(sql, params)
        self.store.on_fresh_connection(run)
        return self

    def __getattr__(self, name):
        if self._inner is None:
            raise AttributeError(name)
        return getattr(self._inner, name)

    @property
    def description(self):
        return self._inner.description if self._inner else None


# Result types as DuckDB's .df() gives them (so pages see the same frames on both stores).
_INT32, _INT64 = {"int2", "int4"}, {"int8", "oid"}
_FLOAT = {"float4", "float8", "numeric"}


def frame(description, rows: list) -> pd.DataFrame:
    names = [d.name for d in description]
    types = [_type_name(d.type_code) for d in description]
    cols = list(zip(*rows)) if rows else [()] * len(names)
    data = []
    for kind, values in zip(types, cols):
        has_null = any(v is None for v in values)
        if kind in _INT32 or kind in _INT64:
            big = kind in _INT64
            if has_null:
                col = pd.array(values, dtype="Int64" if big else "Int32")
            else:
                col = np.array(values, dtype=np.int64 if big else np.int32)
        elif kind in _FLOAT:
            col = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        elif kind == "bool":
            col = pd.array(values, dtype="boolean") if has_null else np.array(values, dtype=bool)
        elif kind in ("date", "timestamp"):
            col = pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]") if values \
                else np.array([], dtype="datetime64[us]")
        elif kind in ("text", "varchar", "bpchar", "json", "jsonb", "name", "unknown") and rows:
            col = pd.Series(list(values), dtype="str")
        else:
            col = pd.Series(list(values), dtype=object)
        data.append(col)
    out = pd.DataFrame({i: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                        for i, v in enumerate(data)})
    out.columns = names
    return out


@lru_cache(maxsize=256)
def _type_name(oid: int) -> str:
    from psycopg.postgres import types
    t = types.get(oid)
    return t.name if t else "unknown"


class PgStore:
    """A psycopg-pool of autocommit connections; a transaction holds one connection."""

    dialect = "postgresql"

    def __init__(self, url: str, pool):
        self.url, self.pool = url, pool
        _OPEN.add(self)
        self.info = _conninfo(url)
        self.where = describe(url)
        self.path = None
        self._renew_lock = threading.Lock()

    @classmethod
    def open(cls, url: str, min_size: int = 1, max_size: int | None = None) -> "PgStore":
        import psycopg

        info = _conninfo(url)
        try:  # one plain attempt first: a clear message for each fault
            with psycopg.connect(url, connect_timeout=5) as probe:
                version = probe.info.server_version
        except psycopg.Error as e:
            raise connect_error(e, info) from None
        if version < MIN_PG_VERSION:
            major = version // 10000
            raise StoreUnavailable(
                f"De PostgreSQL-server op {_where(info)} heeft versie {major}; Dorpsregie "
                "heeft PostgreSQL 15 of nieuwer nodig.")
        max_size = max_size or int(os.environ.get("DORP_PG_POOL", "8"))
        pool = cls._new_pool(url, min_size, max_size)
        try:
            pool.open(wait=True, timeout=POOL_TIMEOUT)
        except Exception as e:
            pool.close()
            raise connect_error(e, info) from None
        return cls(url, pool)

    # errors ------------------------------------------------------------------------------------
    def translate(self, exc: Exception) -> Exception:
        """A lost connection becomes StoreUnavailable; other errors pass unchanged."""
        import psycopg
        from psycopg_pool import PoolTimeout
        if isinstance(exc, StoreUnavailable):
            return exc
        if isinstance(exc, PoolTimeout) or (
                isinstance(exc, psycopg.OperationalError)
                and not isinstance(exc, psycopg.errors.QueryCanceled)
                and getattr(exc, "sqlstate", None) in (None, "57P01", "57P02", "57P03",
                                                       "08000", "08003", "08006")):
            return StoreUnavailable(lost_message(_where(self.info)), lost=True)
        return exc

    @classmethod
    def _new_pool(cls, url: str, min_size: int, max_size: int):
        from psycopg_pool import ConnectionPool
        return ConnectionPool(
            url, min_size=min_size, max_size=max(min_size, max_size), open=False,
            kwargs={"autocommit": True, "connect_timeout": 5},
            configure=_configure, name="dorp", timeout=POOL_TIMEOUT, reconnect_timeout=60)

    def _renew(self) -> bool:
        """After an outage the pool may still be waiting out its reconnect back-off: when
        the server answers again, start a fresh pool at once (the next action works)."""
        import psycopg
        with self._renew_lock:
            try:
                psycopg.connect(self.url, connect_timeout=3).close()
            except psycopg.Error:
                return False
            old = self.pool
            self.pool = self._new_pool(self.url, old.min_size, old.max_size)
            self.pool.open(wait=False)
            old.close(timeout=0)
            return True

    @contextmanager
    def connection(self):
        from psycopg_pool import PoolTimeout
        try:
            try:
                cm = self.pool.connection()
                conn = cm.__enter__()
            except PoolTimeout:
                if not self._renew():
                    raise
                cm = self.pool.connection()
                conn = cm.__enter__()
        except Exception as e:
            raise self.translate(e) from e
        try:
            yield conn
        except BaseException as e:
            cm.__exit__(type(e), e, e.__traceback__)
            raise
        else:
            cm.__exit__(None, None, None)

    def cursor(self) -> PgAutoCursor:
        return PgAutoCursor(self)

    def ping(self) -> None:
        """One round trip: StoreUnavailable when the server cannot be reached now."""
        self.execute("SELECT 1")

    def execute(self, sql: str, params=None) -> PgAutoCursor:
        return PgAutoCursor(self).execute(sql, params)

    def on_fresh_connection(self, fn):
        """fn(conn) on a pooled connection. Connections are not checked on every checkout
        (a round trip each); one found broken (the server restarted) makes the pool check
        its idle connections, and fn runs once more on a sound one. Only for work that did
        not reach the server (a single statement in autocommit, or BEGIN)."""
        for attempt in (1, 2):
            with self.connection() as conn:
                try:
                    return fn(conn)
                except StoreUnavailable:
                    if attempt == 2 or not conn.broken:
                        raise
            self.pool.check()

    @contextmanager
    def transaction(self, snapshot: bool = False) -> Iterator[PgCursor]:
        """One transaction on one connection. `snapshot`: a read-only repeatable-read
        transaction (one consistent view for backups and exports)."""
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if snapshot else "BEGIN"
        for attempt in (1, 2):
            cm = self.connection()
            conn = cm.__enter__()
            try:
                conn.execute(begin)
                break
            except Exception as e:
                broken = conn.broken
                cm.__exit__(type(e), e, e.__traceback__)
                if attempt == 2 or not broken:
                    raise self.translate(e) from e
                self.pool.check()
        try:
            cur = PgCursor(self, conn)
            try:
                yield cur
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except Exception:
                    pass
                raise
            try:
                conn.execute("ROLLBACK" if snapshot else "COMMIT")
            except Exception as e:
                raise self.translate(e) from e
        except BaseException as e:
            cm.__exit__(type(e), e, e.__traceback__)
            raise
        else:
            cm.__exit__(None, None, None)

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        """Two processes starting at once: the second waits here, then finds nothing to do."""
        with self.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])

    def ddl(self, sql: str) -> str:
        return pg_ddl(sql)

    def run_script(self, cur, sql: str) -> None:
        for stmt in split_statements(sql):
            cur.execute(stmt)

    @staticmethod
    def rowcount(cur) -> int:
        return cur.rowcount

    def tables(self, cur=None) -> list[str]:
        run = cur or self.cursor()
        return [r[0] for r in run.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema ="
            " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]

    def text_columns(self, cur=None) -> list[tuple[str, str]]:
        run = cur or self.cursor()
        return [tuple(r) for r in run.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type IN ('character varying', 'text')"
            " AND table_schema = current_schema()"
            " ORDER BY table_name, ordinal_position").fetchall()]

    def columns(self, table: str, cur=None) -> list[str]:
        run = cur or self.cursor()
        return [r[0] for r in run.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]

    def sequence_value(self, cur=None) -> int | None:
        run = cur or self.cursor()
        r = run.execute("SELECT last_value, is_called FROM id_seq").fetchone()
        return int(r[0]) if r and r[1] else None

    def load_frame(self, cur, table: str, df) -> None:
        """Insert a DataFrame or Arrow record batch (its column names) into `table`."""
        _copy_in(cur._cur, table, df)

    def file(self) -> Path | None:
        return None

    def close(self) -> None:
        _OPEN.discard(self)
        self.pool.close()


def _translate_any(exc: Exception) -> Exception:
    import psycopg
    if isinstance(exc, psycopg.OperationalError) and getattr(exc, "sqlstate", None) in (
            None, "57P01", "57P02", "57P03", "08000", "08003", "08006"):
        return StoreUnavailable(lost_message("de PostgreSQL-server"), lost=True)
    return exc


def _configure(conn) -> None:
    """Every pooled connection: JSON arrives as text (as from DuckDB)."""
    from psycopg.types.string import TextLoader
    conn.adapters.register_loader("json", TextLoader)
    conn.adapters.register_loader("jsonb", TextLoader)


# --- opening -------------------------------------------------------------------------------------

_OPEN: "weakref.WeakSet[PgStore]" = weakref.WeakSet()


def close_all() -> None:
    """Close every PostgreSQL pool of this process (tests: before a database is dropped)."""
    for store in list(_OPEN):
        store.close()


def open_store(target: str | Path) -> DuckStore | PgStore:
    if is_url(target):
        return PgStore.open(str(target))
    return DuckStore.open(target)


def db_errors() -> tuple[type[BaseException], ...]:
    """Errors of either store that mean "the database refused this statement"."""
    import psycopg
    return (duckdb.Error, psycopg.Error)
