"""What the benchmark sections share: constants and targets, the cached databases, servers
(`streamlit run` on a free port) and Debian's chromium."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "data" / "bench"
TODAY = date(2026, 11, 29)          # fixed "today": cached databases stay valid
SCALE = 1000
IMPORT_ROWS = 100_000
SESSIONS = 20
PG_SESSIONS = 30
LEAD, LEAD_PASSWORD = "leider", "demo-leider"
CHROMIUM = "/usr/bin/chromium"
# The same flags as tests/conftest.py CHROMIUM_ARGS (Debian's chromium, no downloads).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

TARGETS = {
    "page_ratio": 1.5,        # page at scale within 1.5x of demo
    "page_ms": 150.0,         # warm re-run at scale under 150 ms
    "pg_page_ms": 200.0,      # PostgreSQL: warm re-run at scale under 200 ms
    "pg_ratio": 1.5,          # and within 1.5x of DuckDB's at scale
    "browser_ratio": 1.5,     # overview's first chart within 1.5x of an empty page
    "browser_demo_ratio": 1.5,  # ... and within 1.5x of its own time at demo scale
    "browser_s": 1.5,         # ... and under 1.5 s
    "cold_ratio": 2.0,        # first page after a cold start / a fresh log-in: 2x a later visit
    "crowd_ratio": 3.0,       # ten people at once: each within 3x of one person alone
    "crowd_people": 10,
    "query_speedup": 2.0,     # DuckDB at least 2x faster than pandas
    "import_ratio": 2.0,      # import within 2x of the bare read
    "rss_mb": 600.0,          # server with 20 sessions
    "ballot_p95_s": 1.0,      # 200 phones within a minute: p95 tap -> "Bedankt" under 1 s
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")




def load() -> float:
    """The machine's load average over the last minute (reported with every figure)."""
    return os.getloadavg()[0]


def _src_hash(*modules: str) -> str:
    h = hashlib.sha256()
    for m in modules:
        h.update((ROOT / m).read_bytes())
    return h.hexdigest()[:10]


# --- databases (cached) ------------------------------------------------------------------------

def _build_db(path: Path, tables) -> None:
    from dorp import demo
    from dorp.access import SYSTEM
    from dorp.db import open_db
    from dorp.repo import bulk, users

    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    db = open_db(tmp)
    bulk.replace_all(db, SYSTEM, tables, replace=False)
    first = tables["villages"]["village"].iloc[0]
    for username, password, role, villages in demo.DEMO_ACCOUNTS:
        users.add(db, SYSTEM, username, role, password, (first,) if role == "steering" else villages)
    db.con.execute("CHECKPOINT")
    db.con.close()
    tmp.rename(path)


def demo_db() -> Path:
    from dorp import demo
    path = BENCH_DIR / f"demo-{TODAY}-{_src_hash('dorp/demo.py')}.duckdb"
    if not path.exists():
        log(f"building the demo database {path.name}")
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        _build_db(path, demo.build(TODAY))
    return path


def scale_db(n: int = SCALE) -> Path:
    from dorp import demo_scale
    key = f"g{demo_scale.GENERATOR_VERSION}-{_src_hash('dorp/demo_scale.py')}"
    path = BENCH_DIR / f"scale{n}-{TODAY}-{key}.duckdb"
    if not path.exists():
        log(f"building the scale database {path.name} ({n} villages, ten years)")
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        _build_db(path, demo_scale.build(n, TODAY))
        log(f"  built in {time.perf_counter() - t0:.1f} s")
    return path


@contextmanager
def working_copy(path: Path):
    """A throw-away copy (servers write sessions and logs; the cache stays pristine)."""
    with tempfile.TemporaryDirectory(prefix="dorp-bench-") as d:
        copy = Path(d) / "dorp.duckdb"
        shutil.copy(path, copy)
        yield copy


# --- servers and the browser -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run` of a script on a free port (cwd = project: its .streamlit config)."""

    def __init__(self, script: Path, db_file: Path | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DORP_TODAY": TODAY.isoformat()}
        if db_file:
            env["DORP_DB"] = str(db_file)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port",
             str(self.port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, path: str = "/_stcore/health", timeout: float = 90) -> float:
        """Seconds from start until `path` answers HTTP 200."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError("streamlit stopped")
            time.sleep(0.05)
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@contextmanager
def server(script: Path, db_file: Path | None):
    srv = Server(script, db_file)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
