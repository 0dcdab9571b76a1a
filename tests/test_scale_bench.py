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
