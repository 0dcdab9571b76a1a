"""Crash safety: a SIGKILL in the middle of an import leaves a database that opens and holds
exactly what it held before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from dorp import exchange
from dorp.access import SYSTEM
from dorp.db import open_db
from tests.conftest import AS_OF, ROOT

pytestmark = pytest.mark.both_stores

# Runs in a child process: import a workbook with --replace semantics and get killed
# while the transaction is open. `mode` says where:
# - "between": after some sheets were loaded (the progress callback reports and waits);
# - "inside": a thread kills the process while a large INSERT ... SELECT is running.
CHILD = r"""
import os, signal, sys, threading, time
from pathlib import Path
from dorp import exchange
from dorp.access import SYSTEM
from dorp.db import open_db

db_file, workbook, mode = sys.argv[1], sys.argv[2], sys.argv[3]
tables = exchange.parse(Path(workbook).read_bytes(), max_bytes=None)
if mode == "inside":
    import pandas as pd
    big = pd.concat([tables["line_scores"]] * 400, ignore_index=True)
    big["note"] = [f"regel {i}" for i in range(len(big))]
    tables["line_scores"] = big
db = open_db(db_file)

def progress(sheet, n):
    if sheet == "villages":
        print("LOADING", flush=True)
        if mode == "between":
            time.sleep(120)
        else:
            def kill():
                time.sleep(0.15)
                os.kill(os.getpid(), signal.SIGKILL)
            threading.Thread(target=kill, daemon=True).start()

exchange.import_tables(db, SYSTEM, tables, replace=True, progress=progress)
print("COMMITTED", flush=True)
time.sleep(120)
"""


def snapshot(path) -> dict:
    db = open_db(path)
    try:
        tables = exchange.export_tables(db, SYSTEM)
        audit = db.scalar("SELECT count(*) FROM audit_log")
        return {"tables": {k: v.to_dict("list") for k, v in tables.items()}, "audit": audit}
    finally:
        db.con.close()


@pytest.mark.parametrize("mode", ["between", "inside"])
def test_sigkill_during_import_leaves_the_database_as_it_was(demo_db, db_path, tmp_path, mode):
    demo_db.close()   # the child process must be able to open a DuckDB file
    db_file = db_path
    before = snapshot(db_file)

    # the workbook: the same programme with one village more, so a finished import differs
    db = open_db(db_file)
    import io
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(exchange.export(db, SYSTEM)))
    db.con.close()
    wb["villages"].append(["Nieuwdorp", "Bronckhorst", "GM1876", 1200])
    workbook = tmp_path / "nieuw.xlsx"
    wb.save(workbook)

    env = {**os.environ, "DORP_DB": str(db_file), "DORP_TODAY": AS_OF.isoformat(),
           "DORP_BACKUP_DIR": str(tmp_path / "backups")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db_file), str(workbook), mode],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "LOADING", proc.stderr.read()
        if mode == "between":
            time.sleep(0.3)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    rest = proc.stdout.read()
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, rest, proc.stderr.read())
    assert "COMMITTED" not in rest

    after = snapshot(db_file)  # the database opens ...
    assert after == before     # ... and holds exactly what it held before
    # the automatic backup made before the import is complete and usable
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and not backups[0].name.endswith(".bezig")
