"""PostgreSQL as the shared store: one product on two stores, many processes at once, and
the faults a server brings (issue 16). The store-facing tests of the other modules run on
both stores as well (their `both_stores` marker)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from dorp import backup, exchange, pgcluster, store as stores
from dorp.access import SYSTEM
from dorp.db import Db, StaleVersion, connect, migration_files, open_db
from dorp.store import StoreUnavailable, pg_ddl, split_statements, to_pyformat
from tests.conftest import AS_OF, ROOT

PASSWORD = "zeer-geheim-wachtwoord"


def dorp(*args, db, extra_env=None, input=None, timeout=180):
    env = {**os.environ, "DORP_DB": str(db), "DORP_TODAY": AS_OF.isoformat(),
           **(extra_env or {})}
    env.pop("DORP_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "dorp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=timeout, input=input)


@pytest.fixture
def pg_db(pg_server, tmp_path, monkeypatch):
    """A new, empty PostgreSQL database (URL), dropped afterwards."""
    monkeypatch.setenv("DORP_BACKUP_DIR", str(tmp_path / "backups"))
    url = pg_server.create_db()
    yield url
    stores.close_all()
    pg_server.drop_db(url)


@pytest.fixture
def pg_demo(pg_server, pg_demo_template, tmp_path, monkeypatch):
    monkeypatch.setenv("DORP_BACKUP_DIR", str(tmp_path / "backups"))
    url = pg_server.create_db(template=pg_demo_template)
    yield url
    stores.close_all()
    pg_server.drop_db(url)


# --- the adapter's pieces --------------------------------------------------------------------------

def test_question_marks_become_pyformat_outside_literals_and_comments():
    assert to_pyformat("SELECT * FROM t WHERE a = ? AND b LIKE '%?%'") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%?%%'"
    assert to_pyformat('SELECT "we?ird", ? -- is it?\n, x % 2') == \
        'SELECT "we?ird", %s -- is it?\n, x %% 2'
    assert to_pyformat("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"


def test_migration_scripts_split_into_statements_and_types_are_spelled_for_postgresql():
    sql = "CREATE TABLE a (x DOUBLE, y DOUBLE PRECISION); -- a; comment\nINSERT INTO a VALUES (';');"
    assert split_statements(sql) == ["CREATE TABLE a (x DOUBLE, y DOUBLE PRECISION)",
                                     "INSERT INTO a VALUES (';')"]
    assert pg_ddl("lat DOUBLE, lon DOUBLE PRECISION") == \
        "lat DOUBLE PRECISION, lon DOUBLE PRECISION"


def test_a_query_gives_the_same_frame_on_both_stores(demo_template, pg_demo, tmp_path):
    path = tmp_path / "d.duckdb"
    shutil.copy(demo_template, path)
    duck, pg = open_db(path), open_db(pg_demo)
    try:
        queries = [
            "SELECT id, name, population, lat, cbs_code FROM villages ORDER BY id",
            "SELECT village_id, line, scored_on, score, note FROM line_scores ORDER BY id",
            "SELECT id, may_ok, willingness, presented_village_on FROM mbc ORDER BY id",
            "SELECT category, budgeted, spent, period FROM budget ORDER BY id",
            "SELECT count(*) AS n, max(scored_on) AS last FROM line_scores",
            "SELECT username, created_at, disabled FROM users ORDER BY id",
            "SELECT id, name FROM villages WHERE id < 0",
        ]
        for q in queries:
            a, b = duck.df(q), pg.df(q)
            if "created_at" in q:   # made when the template was loaded: times differ
                a, b = a.drop(columns="created_at"), b.drop(columns="created_at")
            pd.testing.assert_frame_equal(a, b, check_dtype=True, obj=q)
        # rows(): the same Python values (JSON as text, dates as dates)
        q = "SELECT table_name, before, after FROM audit_log WHERE action = 'insert' ORDER BY id"
        assert [type(r["after"]) for r in pg.rows(q)] == [type(r["after"]) for r in duck.rows(q)]
    finally:
        duck.close()
        pg.close()


# --- one product, two stores -----------------------------------------------------------------------

def test_init_demo_and_status_equal_duckdbs(pg_db, tmp_path):
    duck = tmp_path / "d.duckdb"
    outs = {}
    for name, target in (("duckdb", duck), ("postgresql", pg_db)):
        r = dorp("init", db=target)
        assert r.returncode == 0 and "bijgewerkt" in r.stdout, r.stderr
        assert dorp("init", db=target).stdout.strip().endswith("is al bij.")
        r = dorp("demo", db=target)
        assert r.returncode == 0, r.stderr
        r = dorp("status", "--json", "--as-of", AS_OF.isoformat(), db=target)
        assert r.returncode == 0, r.stderr
        outs[name] = json.loads(r.stdout)
    assert outs["postgresql"] == outs["duckdb"]
    assert outs["postgresql"]["programme"]["pilots"] == 10
    assert PASSWORD not in r.stdout


def test_export_from_duckdb_import_into_postgresql_export_again_is_the_same(demo_db, pg_db):
    first = exchange.export(demo_db, SYSTEM)
    pg = open_db(pg_db)
    try:
        result = exchange.import_file(pg, SYSTEM, first, replace=False)
        assert result.counts["villages"] == 14
        second = exchange.export(pg, SYSTEM)
    finally:
        pg.close()
    from tests.test_exchange_workbook import content
    assert content(first) == content(second)


def test_the_cli_on_postgresql_export_import_user_backup_restore(pg_demo, tmp_path):
    r = dorp("export", str(tmp_path / "p.xlsx"), db=pg_demo)
    assert r.returncode == 0, r.stderr
    r = dorp("import", str(tmp_path / "p.xlsx"), db=pg_demo)
    assert r.returncode == 1 and "--replace" in r.stderr
    r = dorp("import", str(tmp_path / "p.xlsx"), "--replace", db=pg_demo)
    assert r.returncode == 0, r.stderr
    r = dorp("user", "add", "anna", "--role", "lead", "--password-stdin", db=pg_demo,
             input="een-sterk-wachtwoord\n")
    assert r.returncode == 0, r.stderr
    r = dorp("backup", str(tmp_path / "bk"), db=pg_demo)
    assert r.returncode == 0 and "Back-up gemaakt" in r.stdout, r.stderr
    db = open_db(pg_demo)
    before = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in ("line_scores", "users",
                                                                   "audit_log", "sessions")}
    with db.tx("leider") as tx:
        tx.execute("DELETE FROM line_scores")
    db.close()
    r = dorp("restore", str(tmp_path / "bk"), db=pg_demo)
    assert r.returncode == 0, r.stderr
    db = open_db(pg_demo)
    try:
        assert {t: db.scalar(f"SELECT count(*) FROM {t}") for t in before} == before
        with db.tx("leider") as tx:   # the sequence continues after the restored ids
            new_id = tx.insert("municipalities", {"name": "Nieuwgemeente"})
        assert new_id > db.scalar("SELECT max(id) FROM audit_log WHERE id < ?", [new_id])
    finally:
        db.close()


def test_a_damaged_backup_changes_nothing_on_postgresql(pg_demo, tmp_path):
    db = open_db(pg_demo)
    path = backup.create(db, tmp_path / "bk")
    n = db.scalar("SELECT count(*) FROM line_scores")
    m = json.loads((path / "manifest.json").read_text())
    m["tables"]["line_scores"] += 1
    (path / "manifest.json").write_text(json.dumps(m))
    from dorp.errors import Refused
    with pytest.raises(Refused, match="klopt niet"):
        backup.restore(path, pg_demo)
    assert db.scalar("SELECT count(*) FROM line_scores") == n
    db.close()


def test_a_backup_restores_into_the_other_store(pg_demo, tmp_path):
    db = open_db(pg_demo)
    path = backup.create(db, tmp_path / "bk")
    want = exchange.export_tables(db, SYSTEM)
    db.close()
    target = tmp_path / "terug.duckdb"
    assert backup.restore(path, target) is None
    duck = open_db(target)
    try:
        got = exchange.export_tables(duck, SYSTEM)
        assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in want.items()}
        assert duck.scalar("SELECT count(*) FROM users") == 3
    finally:
        duck.close()


def test_copy_moves_everything_and_refuses_a_non_empty_target(demo_db, db_path, pg_db):
    with demo_db.tx("leider") as tx:   # a versioned record, so versions must survive
        vid = demo_db.scalar("SELECT min(id) FROM villages")
        tx.update("villages", vid, {"population": 1234}, expected_version=None)
    tables = ("users", "user_villages", "audit_log", "step_moves", "line_scores", "read_log")
    want = {t: demo_db.scalar(f"SELECT count(*) FROM {t}") for t in tables}
    demo_db.close()
    r = dorp("copy", "--to", pg_db, db=db_path)
    assert r.returncode == 0, r.stderr
    assert PASSWORD not in r.stdout
    pg = open_db(pg_db)
    try:
        assert {t: pg.scalar(f"SELECT count(*) FROM {t}") for t in tables} == want
        assert pg.scalar("SELECT version FROM villages WHERE id = ?", [vid]) == 2
        from dorp.repo import users
        assert users.authenticate(pg, "leider", "demo-leider") is not None
    finally:
        pg.close()
    r = dorp("copy", "--to", pg_db, db=db_path)
    assert r.returncode == 1 and "--replace" in r.stderr and "Traceback" not in r.stderr
    r = dorp("copy", "--to", pg_db, "--replace", db=db_path)
    assert r.returncode == 0, r.stderr
    # and back into a new DuckDB file
    r = dorp("copy", "--to", str(db_path.parent / "terug.duckdb"), db=pg_db)
    assert r.returncode == 0, r.stderr


# --- faults ---------------------------------------------------------------------------------------

def _url_with_password(url: str, password: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@")


def test_an_unreachable_server_names_host_and_port_exit_4(pg_server):
    url = f"postgresql://dorp:{PASSWORD}@127.0.0.1:1/dorp"
    for cmd in (["init"], ["status", "--json"], ["copy", "--to", "x.duckdb"]):
        r = dorp(*cmd, db=url)
        assert r.returncode == 4, r.stderr
        assert "127.0.0.1:1" in r.stderr and "niet bereikbaar" in r.stderr
        assert PASSWORD not in r.stderr + r.stdout and "Traceback" not in r.stderr
    r = dorp("copy", "--to", url, db="x.duckdb", extra_env={"DORP_DB": str(ROOT / "data" / "nope.duckdb")})
    assert r.returncode == 4 and PASSWORD not in r.stderr


def test_a_wrong_password_and_a_missing_database_each_get_their_own_message(pg_server):
    import psycopg
    with psycopg.connect(pg_server.admin_url, autocommit=True) as c:
        c.execute("DROP ROLE IF EXISTS dorp_pw")
        c.execute(f"CREATE ROLE dorp_pw LOGIN PASSWORD '{PASSWORD}'")
    base = pg_server.url("postgres").replace("postgresql://postgres@", "postgresql://dorp_pw:{}@")
    # the private cluster trusts every local login; a server that checks passwords refuses
    # a wrong one with its own message (checked in-process against that message's text)
    err = stores.connect_error(Exception('FATAL:  password authentication failed for user "dorp_pw"'),
                               {"host": "db.example.nl", "port": "5432", "user": "dorp_pw"})
    assert "wachtwoord" in str(err) and "db.example.nl:5432" in str(err)
    r = dorp("init", db=base.format(PASSWORD).rsplit("/", 1)[0] + "/bestaat_niet")
    assert r.returncode == 4 and "bestaat_niet" in r.stderr and "bestaat niet" in r.stderr
    assert PASSWORD not in r.stderr and "Traceback" not in r.stderr


def test_a_server_older_than_15_is_refused_plainly(pg_db, monkeypatch):
    monkeypatch.setattr(stores, "MIN_PG_VERSION", 990000)
    with pytest.raises(StoreUnavailable, match="PostgreSQL 15 of nieuwer"):
        connect(pg_db)


def test_a_server_restart_loses_nothing_and_the_next_action_works(monkeypatch, tmp_path):
    """A private cluster of its own: stopped while the app holds its pool, a read says the
    connection is lost (not a traceback); a save in flight is all or nothing; after the
    restart the next action works without restarting the app."""
    monkeypatch.setattr(stores, "POOL_TIMEOUT", 2.0)
    srv = pgcluster.start()
    try:
        url = srv.create_db()
        db = open_db(url)
        with db.tx("anna") as tx:
            mid = tx.insert("municipalities", {"name": "Lochem"})
        pg_ctl = str(pgcluster.bin_dir() / "pg_ctl")
        data = str(srv.cluster_dir / "data")
        pgcluster._run_as(srv.user, [pg_ctl, "-D", data, "-m", "fast", "-w", "stop"])
        with pytest.raises(StoreUnavailable) as e:
            db.rows("SELECT * FROM municipalities")
        assert e.value.lost and "verbroken" in str(e.value)
        with pytest.raises(StoreUnavailable):
            with db.tx("anna") as tx:
                tx.update("municipalities", mid, {"name": "Half"}, expected_version=1)
        port = srv.admin_url.rsplit(":", 1)[1].split("/")[0]
        log = str(srv.cluster_dir / "log")
        opts = f"-p {port} -k {srv.cluster_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        pgcluster._run_as(srv.user, [pg_ctl, "-D", data, "-l", log, "-w", "-o", opts, "start"])
        assert db.scalar("SELECT name FROM municipalities WHERE id = ?", [mid]) == "Lochem"
        with db.tx("anna") as tx:
            assert tx.update("municipalities", mid, {"name": "Lochem (Gld)"}, 1) == 2
        db.close()
    finally:
        stores.close_all()
        srv.stop()


# --- many processes at once ----------------------------------------------------------------------

def test_two_processes_starting_at_once_migrate_once(pg_db):
    procs = [subprocess.Popen([sys.executable, "-m", "dorp.cli", "init"], cwd=ROOT,
                              env={**os.environ, "DORP_DB": pg_db}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert sum("bijgewerkt" in o for o, _ in outs) == 1
    assert sum("al bij" in o for o, _ in outs) == 2
    db = open_db(pg_db, migrate_now=False)
    versions = [r["version"] for r in db.rows("SELECT version FROM schema_migrations")]
    assert sorted(versions) == [n for n, _, _ in migration_files()]
    db.close()


_HOLD_SCRIPT = textwrap.dedent("""
    import sys, time
    from dorp.db import open_db
    db = open_db(sys.argv[1])
    with db.tx("bert") as tx:
        tx.update("municipalities", int(sys.argv[2]), {"name": "Lochem (bert)"}, 1)
        print("saved", flush=True)
        time.sleep(2)          # the save commits after the other process has started its own
    db.close()
""")


def test_two_processes_saving_the_same_record_never_overwrite_each_other(pg_db):
    db = open_db(pg_db)
    with db.tx("anna") as tx:
        mid = tx.insert("municipalities", {"name": "Lochem"})
    other = subprocess.Popen([sys.executable, "-c", _HOLD_SCRIPT, pg_db, str(mid)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "saved", other.stderr.read()
        # both started from version 1; bert's save is not committed yet: anna waits for it,
        # then is refused with bert's name instead of overwriting his change
        with pytest.raises(StaleVersion) as e:
            with db.tx("anna") as tx:
                tx.update("municipalities", mid, {"name": "Lochem (anna)"}, 1)
        assert e.value.changed_by == "bert" and "bert" in str(e.value)
        assert e.value.current_version == 2
    finally:
        other.wait(30)
    assert db.scalar("SELECT name FROM municipalities WHERE id = ?", [mid]) == "Lochem (bert)"
    audit = db.rows("SELECT username, action FROM audit_log WHERE record_id = ? ORDER BY id",
                    [mid])
    assert audit == [{"username": "anna", "action": "insert"},
                     {"username": "bert", "action": "update"}]
    db.close()


def test_the_cli_and_a_second_process_work_on_one_database_at_once(pg_demo, tmp_path):
    """What DuckDB refuses (exit 3) works on PostgreSQL: a process holds the store open
    while the CLI exports and adds an account."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from dorp.db import open_db
        db = open_db({pg_demo!r})
        with db.tx("x") as tx:
            tx.execute("SELECT count(*) FROM villages")
            print("ready", flush=True)
            time.sleep(20)
    """)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        r = dorp("export", str(tmp_path / "x.xlsx"), db=pg_demo)
        assert r.returncode == 0, r.stderr
        r = dorp("user", "add", "cees", "--role", "funder", "--password-stdin", db=pg_demo,
                 input="een-sterk-wachtwoord\n")
        assert r.returncode == 0, r.stderr
    finally:
        holder.kill()


def test_a_page_says_the_connection_was_lost_and_works_again_after_the_restart(
        monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import _reset_streamlit_caches, load_demo, user_of
    monkeypatch.setattr(stores, "POOL_TIMEOUT", 2.0)
    srv = pgcluster.start()
    try:
        url = srv.create_db()
        db = open_db(url)
        load_demo(db)
        lead = user_of(db, "leider")
        db.close()
        monkeypatch.setenv("DORP_DB", url)
        monkeypatch.setenv("DORP_TODAY", AS_OF.isoformat())
        monkeypatch.setenv("DORP_BACKUP_DIR", str(tmp_path / "backups"))
        _reset_streamlit_caches()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["user"] = lead
        at.run()
        at.switch_page("pages/accounts.py").run()
        assert not at.exception and "leider" in at.dataframe[0].value.to_string()
        pg_ctl = str(pgcluster.bin_dir() / "pg_ctl")
        data = str(srv.cluster_dir / "data")
        pgcluster._run_as(srv.user, [pg_ctl, "-D", data, "-m", "fast", "-w", "stop"])
        at.run()
        assert not at.exception
        assert any("verbinding" in e.value for e in at.error), [e.value for e in at.error]
        assert url.split("@")[0] not in str([e.value for e in at.error])
        port = srv.admin_url.rsplit(":", 1)[1].split("/")[0]
        opts = f"-p {port} -k {srv.cluster_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        pgcluster._run_as(srv.user, [pg_ctl, "-D", data, "-l", str(srv.cluster_dir / "log"),
                                     "-w", "-o", opts, "start"])
        at.run()   # the next action: the same app process, without a restart
        assert not at.exception and not at.error
        assert "leider" in at.dataframe[0].value.to_string()
    finally:
        _reset_streamlit_caches()
        stores.close_all()
        srv.stop()
