"""Shared fixtures: temporary databases (empty / demo), AppTest as a role, and a real
Streamlit server with Debian's chromium for browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from dorp import demo, pgcluster, store as stores
from dorp.access import SYSTEM, User
from dorp.db import Db, open_db
from dorp.repo import bulk, users

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 29)  # "today" of every test with demo data
ARTIFACTS = ROOT / "tests" / "artifacts"   # screenshots (git-ignored; README images in docs/)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def load_demo(db: Db, today: date = AS_OF) -> None:
    bulk.replace_all(db, SYSTEM, demo.build(today), replace=False)
    for username, password, role, villages in demo.DEMO_ACCOUNTS:
        users.add(db, SYSTEM, username, role, password, villages)


# --- the two stores ----------------------------------------------------------------------------
# Store-facing test modules carry `pytestmark = pytest.mark.both_stores`: each of their tests
# that uses a database fixture runs on DuckDB and on PostgreSQL (a private cluster started
# once per session, or $DORP_TEST_PG). A test that is about the DuckDB file itself carries
# `pytest.mark.duckdb_only`.
STORES = ("duckdb", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_stores: run each test on DuckDB and PostgreSQL")
    config.addinivalue_line("markers", "duckdb_only: about the DuckDB file itself")


def pytest_generate_tests(metafunc):
    if "store" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        kinds = [k for k in STORES if k == "duckdb"
                 or not metafunc.definition.get_closest_marker("duckdb_only")]
        metafunc.parametrize("store", kinds, indirect=True)


@pytest.fixture
def store(request) -> str:
    """Which store the test's database fixtures use: "duckdb" (default) or "postgresql"."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the session: $DORP_TEST_PG, else a private cluster that is
    removed afterwards."""
    try:
        srv = pgcluster.server()
    except RuntimeError as e:
        pytest.fail(str(e))
    yield srv
    stores.close_all()
    srv.stop()


@pytest.fixture(scope="session")
def pg_demo_template(pg_server) -> str:
    """The name of a PostgreSQL database holding the demo; tests get copies (TEMPLATE)."""
    import uuid
    name = "dorp_demo_" + uuid.uuid4().hex[:8]
    db = open_db(pg_server.create_db(name))
    load_demo(db)
    db.close()
    yield name
    pg_server.drop_db(name)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A demo database built once per session; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    db = open_db(path)
    load_demo(db)
    db.con.close()
    return path


def _reset_streamlit_caches() -> None:
    import streamlit as st
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def db_path(store, tmp_path, monkeypatch, request):
    """$DORP_DB of the test: a DuckDB file path (not created yet), or the URL of a new,
    empty PostgreSQL database (dropped afterwards)."""
    monkeypatch.setenv("DORP_TODAY", AS_OF.isoformat())
    if store == "postgresql":
        pg = request.getfixturevalue("pg_server")
        target = pg.create_db()
        monkeypatch.setenv("DORP_BACKUP_DIR", str(tmp_path / "backups"))
    else:
        target = tmp_path / "dorp.duckdb"
    monkeypatch.setenv("DORP_DB", str(target))
    _reset_streamlit_caches()
    yield target
    _reset_streamlit_caches()
    if store == "postgresql":
        stores.close_all()
        pg.drop_db(target)


@pytest.fixture
def empty_db(db_path) -> Db:
    db = open_db(db_path)
    yield db
    db.con.close()


@pytest.fixture
def demo_db(db_path, store, request) -> Db:
    if store == "postgresql":
        pg = request.getfixturevalue("pg_server")
        pg.drop_db(db_path)
        pg.create_db(db_path.rsplit("/", 1)[1], template=request.getfixturevalue("pg_demo_template"))
    else:
        shutil.copy(request.getfixturevalue("demo_template"), db_path)
    db = open_db(db_path)
    yield db
    db.con.close()


def user_of(db: Db, username: str) -> User:
    u = users.load(db, username)
    assert u is not None, username
    return u


LEAD = "leider"
STEERING = "stuurgroep-vorden"
FUNDER = "provincie"



def page_as(db: Db, page: str, who: str | None):
    """A page run on its own (as a deep link runs it) by `who` (None: not logged in). A
    user whose role may not see it gets the access message; nobody gets a traceback."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    if who:
        at.session_state["user"] = user_of(db, who)
    at.run()
    assert not at.exception
    if who:
        assert any("geen toegang" in e.value for e in at.error), who
    return at


@pytest.fixture
def app_as(demo_db):
    """app_as("leider", page="pages/x.py") -> a run AppTest logged in as that user.
    The app shares the test's connection through the cache (one connection per process)."""
    from streamlit.testing.v1 import AppTest

    def make(username: str | None, page: str | None = None, lang: str = "nl", **state):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if username:
            at.session_state["user"] = user_of(demo_db, username)
        at.session_state["lang"] = lang
        for k, v in state.items():
            at.session_state[k] = v
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return make


def pilot_tab(at, n: int, run: bool = True):
    """Open tab n of the pilot page (0 = status, 1-4 = the steps, 5 = the
    Burgerkrachtgenerator, 6 = De Vonk): only the open tab is drawn. With run=False the tab opens on the
    next run (e.g. when the pilot is chosen)."""
    at.session_state["pilot_tab"] = at.tabs[n].label
    if run:
        at.run()
        assert not at.exception, at.exception
    return at


def chart_spec(el) -> dict:
    """The Vega-Lite spec of an AppTest chart element."""
    import json
    return json.loads(el.proto.spec)


def chart_data(el):
    """The data of an AppTest chart element (Streamlit sends it Arrow-encoded) as a DataFrame;
    with several datasets, concatenated."""
    import pandas as pd
    import pyarrow as pa
    frames = [pa.ipc.open_stream(ds.data.data).read_pandas() for ds in el.proto.datasets]
    if el.proto.data.data:
        frames.append(pa.ipc.open_stream(el.proto.data.data).read_pandas())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --- browser ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_file: Path, port: int, env: dict[str, str] | None = None):
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.db_file = db_file   # read it after stop() (DuckDB: one process at a time)
        env = {**os.environ, "DORP_DB": str(db_file), "DORP_TODAY": AS_OF.isoformat(),
               **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        import urllib.request
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=1)
                return
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode())
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_server(tmp_path_factory, demo_template, name: str = "server") -> Server:
    db_file = tmp_path_factory.mktemp(name) / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    return Server(db_file, free_port())


@pytest.fixture(scope="session")
def server(tmp_path_factory, demo_template):
    """A fresh Streamlit server on a free port with a copy of the demo database."""
    srv = start_server(tmp_path_factory, demo_template)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    yield pg
    ctx.close()


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url)
    page.get_by_role("textbox", name="Gebruikersnaam").fill(username)
    page.get_by_role("textbox", name="Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # the app's own fonts (text and the icon font) first: a screenshot taken before the icon
    # font is in shows icon names as text ("keyboard_arrow_right")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(path), full_page=True)
    return path


PASSWORDS = {u: p for u, p, _, _ in demo.DEMO_ACCOUNTS}


def form_widget(at, kind: str, form: str, field: str = "__submit"):
    """The AppTest widget of `field` in the ui.Form named `form` (keys are
    form:<name>:<scope>:<record>:<generation>:<field>); kind is "button", "selectbox", ..."""
    matches = [e for e in getattr(at, kind)
               if e.key and e.key.startswith(f"form:{form}:") and e.key.endswith(f":{field}")]
    assert matches, f"no {kind} {field!r} in form {form!r}"
    return matches[0]
