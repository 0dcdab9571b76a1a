"""Storage: migrations from empty, idempotent init, the lock message, audited writes.
On both stores (DuckDB file and PostgreSQL)."""

import subprocess
import sys
import textwrap

import pytest

from dorp.db import DatabaseLocked, StaleVersion, connect, migrate, migration_files, open_db

pytestmark = pytest.mark.both_stores


def test_migrations_apply_from_empty_and_are_recorded(db_path):
    con = connect(db_path)
    applied = migrate(con)
    assert applied == [name for _, name, _ in migration_files()]
    rows = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [n for n, _, _ in migration_files()]
    assert migrate(con) == []  # idempotent
    con.close()


def test_dorp_init_twice(db_path):
    env = {"DORP_DB": str(db_path), "PATH": "/usr/bin:/bin"}
    for expected in ("bijgewerkt", "al bij"):
        r = subprocess.run([sys.executable, "-m", "dorp.cli", "init"], env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert expected in r.stdout


@pytest.mark.duckdb_only
def test_locked_database_gives_dutch_message_and_exit_3(tmp_path):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseLocked) as e:
            connect(path)
        assert "in gebruik" in str(e.value)
        r = subprocess.run([sys.executable, "-m", "dorp.cli", "status", "--json"],
                           env={"DORP_DB": str(path)}, capture_output=True, text=True)
        assert r.returncode == 3
        assert "in gebruik" in r.stderr and "Traceback" not in r.stderr
    finally:
        holder.kill()


def test_update_with_stale_version_is_refused_and_audited(empty_db):
    db = empty_db
    with db.tx("anna") as tx:
        mid = tx.insert("municipalities", {"name": "Lochem"})
    with db.tx("bert") as tx:
        tx.update("municipalities", mid, {"name": "Lochem (Gld)"}, expected_version=1)
    with pytest.raises(StaleVersion) as e:
        with db.tx("anna") as tx:
            tx.update("municipalities", mid, {"name": "Lochem!"}, expected_version=1)
    assert e.value.changed_by == "bert" and "bert" in str(e.value)
    assert db.scalar("SELECT name FROM municipalities WHERE id = ?", [mid]) == "Lochem (Gld)"
    audit = db.rows("SELECT username, action, before, after FROM audit_log ORDER BY id")
    assert [(a["username"], a["action"]) for a in audit] == [("anna", "insert"), ("bert", "update")]
    assert "Lochem (Gld)" in audit[1]["after"] and '"Lochem"' in audit[1]["before"]


def test_failed_transaction_leaves_nothing(empty_db):
    db = empty_db
    with pytest.raises(Exception):
        with db.tx("anna") as tx:
            tx.insert("municipalities", {"name": "Ede"})
            tx.insert("municipalities", {"name": "Ede"})  # unique violation
    assert db.scalar("SELECT count(*) FROM municipalities") == 0
    assert db.scalar("SELECT count(*) FROM audit_log") == 0
