"""Backups: consistent while the app holds the connection, restore checks the copy first and
keeps the replaced database aside, the last N are kept, and a migration of a database with
data is preceded by a backup."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from dorp import backup, db as dbmod, exchange
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.errors import Refused
from tests.conftest import AS_OF, ROOT

pytestmark = pytest.mark.both_stores


def counts(path) -> dict:
    db = open_db(path)
    try:
        return {k: len(v) for k, v in exchange.export_tables(db, SYSTEM).items()} | {
            "users": db.scalar("SELECT count(*) FROM users"),
            "audit": db.scalar("SELECT count(*) FROM audit_log")}
    finally:
        db.con.close()


def test_backup_is_consistent_while_another_transaction_is_open(demo_db, tmp_path):
    expected = {k: len(v) for k, v in exchange.export_tables(demo_db, SYSTEM).items()}
    with pytest.raises(RuntimeError):
        with demo_db.tx("leider") as tx:
            tx.execute("DELETE FROM line_scores")  # not committed: must not be in the copy
            path = backup.create(demo_db.con, tmp_path / "kopie")
            raise RuntimeError("roll back")
    manifest = backup.read_manifest(path)
    assert manifest["tables"]["line_scores"] == expected["line_scores"] > 0
    restored = tmp_path / "terug.duckdb"
    assert backup.restore(path, restored) is None
    assert {k: v for k, v in counts(restored).items() if k in expected} == expected


@pytest.mark.duckdb_only
def test_restore_replaces_the_database_and_keeps_the_old_one_aside(demo_db, db_path, tmp_path):
    path = backup.create(demo_db.con, tmp_path / "kopie")
    before = {k: len(v) for k, v in exchange.export_tables(demo_db, SYSTEM).items()}
    with demo_db.tx("leider") as tx:
        tx.execute("DELETE FROM line_scores")
    demo_db.con.close()
    aside = backup.restore(path, db_path)
    assert aside is not None and aside.exists() and "vervangen" in aside.name
    after = counts(db_path)
    assert {k: after[k] for k in before} == before
    assert counts(aside)["line_scores"] == 0   # the replaced database, as it was
    # the sequence continues: new records get new ids
    db = open_db(db_path)
    with db.tx("leider") as tx:
        new_id = tx.insert("partners", {"village_id": 1, "partner_type": "kerk"})
    assert new_id > db.scalar("SELECT max(id) FROM villages")
    db.con.close()


@pytest.mark.duckdb_only
@pytest.mark.parametrize("damage", ["manifest_counts", "missing_file", "no_manifest",
                                    "not_a_dir"])
def test_restore_checks_the_copy_first_and_changes_nothing_when_it_is_bad(
        demo_db, db_path, tmp_path, damage):
    path = backup.create(demo_db.con, tmp_path / "kopie")
    demo_db.con.close()
    if damage == "manifest_counts":
        m = json.loads((path / "manifest.json").read_text())
        m["tables"]["villages"] += 1
        (path / "manifest.json").write_text(json.dumps(m))
    elif damage == "missing_file":
        (path / "villages.parquet").unlink()
    elif damage == "no_manifest":
        (path / "manifest.json").unlink()
    else:
        path = tmp_path / "bestaat-niet"
    before = db_path.read_bytes()
    with pytest.raises(Refused):
        backup.restore(path, db_path)
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("*.vervangen-*")) and not list(tmp_path.glob("*.terugzetten"))


def test_backup_refuses_a_folder_that_is_not_empty(demo_db, tmp_path):
    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "iets.txt").write_text("x")
    with pytest.raises(Refused, match="niet leeg"):
        backup.create(demo_db.con, tmp_path / "vol")


def test_automatic_backups_keep_the_last_n(demo_db, db_path, store, monkeypatch):
    monkeypatch.setenv("DORP_BACKUPS_KEEP", "2")
    made = [backup.create(demo_db.con, reason=f"test{i}") for i in range(4)]
    left = backup.list_backups(backup.backup_root(demo_db.con))
    assert [b["path"] for b in left] == [made[3], made[2]]
    if store == "duckdb":
        assert backup.backup_root(demo_db.con) == db_path.parent / "backups"
    assert left[0]["reason"] == "test3" and left[0]["rows"] > 0
    assert backup.zip_bytes(made[3])[:2] == b"PK"


def test_a_migration_of_a_database_with_data_is_backed_up_first(demo_db, db_path,
                                                                monkeypatch):
    real = dbmod.migration_files()
    extra = (9999, "9999_test.sql", "CREATE TABLE test_extra (x INTEGER);")
    monkeypatch.setattr(dbmod, "migration_files", lambda: [*real, extra])
    assert dbmod.migrate(demo_db.con) == ["9999_test.sql"]
    root = backup.backup_root(demo_db.con)
    found = backup.list_backups(root)
    assert len(found) == 1 and found[0]["reason"] == "voor-migratie"
    assert 9999 not in backup.read_manifest(found[0]["path"])["migrations"]
    assert dbmod.migrate(demo_db.con) == []          # nothing pending: no new backup
    assert len(backup.list_backups(root)) == 1


def test_a_new_database_is_not_backed_up(tmp_path):
    db = open_db(tmp_path / "nieuw.duckdb")
    db.con.close()
    assert not (tmp_path / "backups").exists()


def run(*args, db):
    env = {**os.environ, "DORP_DB": str(db), "DORP_TODAY": AS_OF.isoformat()}
    return subprocess.run([sys.executable, "-m", "dorp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.duckdb_only
def test_cli_backup_and_restore(demo_template, tmp_path):
    db = tmp_path / "dorp.duckdb"
    shutil.copy(demo_template, db)
    before = counts(db)
    r = run("backup", str(tmp_path / "bk"), db=db)
    assert r.returncode == 0 and "Back-up gemaakt" in r.stdout, r.stderr
    assert run("backup", str(tmp_path / "bk"), db=db).returncode == 1  # not empty
    fresh = tmp_path / "ander.duckdb"
    r = run("restore", str(tmp_path / "bk"), db=fresh)
    assert r.returncode == 0, r.stderr
    assert counts(fresh) == before
    r = run("restore", str(tmp_path / "nergens"), db=db)
    assert r.returncode == 1 and "Traceback" not in r.stderr


@pytest.mark.duckdb_only
def test_cli_restore_while_the_app_runs_is_refused(demo_db, db_path, tmp_path):
    path = backup.create(demo_db.con, tmp_path / "bk")
    r = run("restore", str(path), db=db_path)
    assert r.returncode == 3 and "in gebruik" in r.stderr
    assert not list(tmp_path.glob("*.terugzetten*"))
