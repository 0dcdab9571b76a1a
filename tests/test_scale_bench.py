"""The benchmark script (issue 8) without running the benchmark: it finds every page, writes
a readable table with the machine, says plainly what it could not measure and which targets
were missed."""

from __future__ import annotations

import subprocess
import sys
import time

from bench import run as bench
from dorp import ui
from tests.conftest import ROOT


def test_every_page_of_the_menu_is_benchmarked():
    assert bench.pages() == [(p[0], p[4]) for p in ui.PAGES]


def test_help_runs_without_streamlit_or_a_database():
    r = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0 and "--quick" in r.stdout


def _result(**extra):
    res = {
        "machine": {"cores": 2, "cpu": "Test CPU", "memory_gb": 8.0, "os": "Linux", "python": "3.11",
                    "versions": {"streamlit": "1.67.0", "duckdb": "2.0.1"}, "chromium": "Chromium 1",
                    "commit": "abc1234", "load": (1.0, 1.0, 1.0)},
        "page_list": [("pages/a.py", "a"), ("pages/b.py", "b")],
        "scale_rows": "600,000 line scores",
        "pages": {"demo": {"pages/a.py": {"warm_ms": 40.0, "runs": 15},
                           "pages/b.py": {"warm_ms": 50.0, "runs": 15}},
                  "scale": {"pages/a.py": {"warm_ms": 50.0, "runs": 15},
                            "pages/b.py": {"error": "KeyError: 'x'"}}},
        "queries": {"sql_ms": 50.0, "pandas_ms": 400.0, "same": True, "rows": 1000, "runs": 9},
        "import": {"available": False},
        "sessions": {"sessions": 20, "failed": 0, "peak_mb": 700.0, "settled_mb": 650.0,
                     "idle_mb": 150.0},
    }
    res.update(extra)
    return res


def test_report_says_which_targets_are_met_and_which_not():
    text = bench.report(_result(), time.perf_counter())
    assert "2 cores (Test CPU), 8.0 GB memory" in text and "streamlit 1.67.0" in text
    row_a = next(line for line in text.splitlines() if line.startswith("| pages/a.py"))
    assert "| 40.0 | 50.0 | 1.25 | met | met |" in row_a
    assert "error: KeyError" in next(line for line in text.splitlines() if "pages/b.py" in line)
    assert "8.0x" in text and "At least 2x faster: met" in text
    assert "`dorp import` is not available" in text
    assert "peak RSS 700 MB" in text and "Under 600 MB: **missed**" in text


def test_report_of_an_import_that_was_measured():
    res = _result(**{"import": {"available": True, "rows": 100_000, "read_s": 10.0,
                                "import_s": 25.0, "runs": 1, "error": None}})
    text = bench.report(res, time.perf_counter())
    assert "| ratio | 2.50 |" in text and "Within 2x: **missed**" in text


def _speed(**extra):
    return _result(
        page_list=[("pages/a.py", "a"), ("pages/pilot.py", "pilot")],
        pages={"load": [3.0, 4.0],
               "demo": {"pages/a.py": {"warm_ms": 40.0, "cpu_ms": 30.0, "runs": 16},
                        "pages/pilot.py": {"warm_ms": 50.0, "cpu_ms": 40.0, "runs": 16},
                        "pages/pilot.py · tab 2": {"warm_ms": 60.0, "cpu_ms": 50.0, "runs": 16,
                                                   "tab": "2 · mBc"}},
               "scale": {"pages/a.py": {"warm_ms": 50.0, "cpu_ms": 35.0, "runs": 16},
                         "pages/pilot.py": {"warm_ms": 70.0, "cpu_ms": 45.0, "runs": 16},
                         "pages/pilot.py · tab 2": {"warm_ms": 180.0, "cpu_ms": 120.0, "runs": 16,
                                                    "tab": "2 · mBc",
                                                    "profile": "0.18 render  step2.py:17"}}},
        browser={"scale_ms": 900.0, "scale_all_ms": 1300.0, "demo_ms": 700.0, "empty_ms": 400.0,
                 "one_chart_ms": 520.0, "runs": 9, "charts": 3, "load": [2.0, 2.5],
                 "cpu": {"scale": {"browser_s": 1.1, "server_s": 0.1},
                         "empty": {"browser_s": 0.3, "server_s": 0.01}}},
        cold={"ready_s": 2.0, "cold_first_s": 1.5, "cold_later_s": 1.0, "cold_since_start_s": 6.0,
              "login_first_s": 2.5, "login_later_s": 1.0, "load": [1.0, 1.5]},
        crowd={"devices": {"people": 10, "rounds": 3, "alone_ms": 800.0, "together_ms": 1500.0,
                           "together_worst_ms": 1600.0, "others_median_ms": 300.0,
                           "others_worst_ms": 500.0, "errors": [], "load": [5.0, 6.0]},
               "browsers": {"error": "RuntimeError: boom"}},
        **extra)


def test_report_states_every_speed_target_with_figure_and_load():
    text = bench.report(_speed(), time.perf_counter())
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()
            if line.startswith("| ") and "load" in line}
    first = rows["overview's first chart at scale within 1.5x of a near-empty page"]
    assert "2.25x (0.90 s vs 0.40 s)" in first and "load 2.0 → 2.5" in first \
        and first.endswith("**missed** |")
    assert rows["... within 1.5x of its own time at demo scale"].endswith("| met |")
    assert rows["... under 1.5 s"].endswith("| met |")
    assert "0.90 s" in rows["... under 1.5 s"]
    assert "1.50x" in rows["first page after a cold server start within 2x of a later visit"]
    assert rows["first page after a fresh log-in within 2x of a later visit"].endswith(
        "**missed** |")
    crowd = next(v for k, v in rows.items() if k.startswith("10 people at once, each on"))
    assert "2.00x (1.60 s vs 0.80 s; 0 errors)" in crowd and crowd.endswith("| met |")
    assert "All browsers on this machine: not measured: RuntimeError: boom" in text
    pages = rows["every page's warm re-run under 150 ms at scale"]
    assert "2 of 3 (not: pilot.py · tab 2)" in pages and "load 3.0 → 4.0" in pages
    even = rows["every page at scale within 1.5x of demo scale"]
    assert "2 of 3 (not: pilot.py · tab 2)" in even and even.endswith("**missed** |")


def test_report_shows_each_pilot_tab_and_the_profile_of_what_misses():
    text = bench.report(_speed(), time.perf_counter())
    tab = next(line for line in text.splitlines() if line.startswith("| pages/pilot.py · tab 2"))
    assert "(2 · mBc) | 60.0 | 180.0 | 3.00 | **missed** | **missed** | 50 / 120 |" in tab
    profiles = text.split("### Profiles of the pages that miss a target")[1]
    assert "0.18 render  step2.py:17" in profiles
    assert "pages/a.py" not in profiles                   # met both targets: no profile
    assert "CPU per load (where the time goes)" in text and "1.10 s in the browser" in text



def test_the_import_workbook_is_one_the_app_accepts(tmp_path, monkeypatch):
    """The benchmark's import workbook (from the scale generator) has every promised sheet, so
    `dorp import` takes it: the import is measured, not refused (the Burgerkrachtgenerator's
    sheets came after the generator and have no rows there: their header only)."""
    import os

    import openpyxl

    from dorp.sheets import BY_NAME, SHEETS
    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path)
    path, rows = bench.import_workbook(rows=1000)
    assert rows >= 1000
    wb = openpyxl.load_workbook(path, read_only=True)
    assert {s.name for s in SHEETS if s.promised} <= set(wb.sheetnames)
    assert next(wb["bkg_themes"].iter_rows(values_only=True)) == BY_NAME["bkg_themes"].columns
    wb.close()
    env = {**os.environ, "DORP_DB": str(tmp_path / "dorp.duckdb")}
    r = subprocess.run([sys.executable, "-m", "dorp.cli", "import", str(path)], cwd=ROOT,
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, (r.stdout + r.stderr)[-600:]
