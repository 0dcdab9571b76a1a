"""Pages: each page's warm re-run as a lead (Streamlit's AppTest), at demo scale and at scale,
the pilot page once per tab (only the open tab is drawn). One database per child process;
every page is also profiled once (pyinstrument, one warm re-run), so a page that misses a
target can be shown with where its time goes."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time

from bench.common import LEAD, ROOT, TODAY, demo_db, log, median, scale_db, working_copy

PILOT = "pages/pilot.py"
PROFILE_LINES = 28


def pages() -> list[tuple[str, str]]:
    """(script, url) of every page in dorp.ui.PAGES (other issues keep adding pages)."""
    code = "import json; from dorp import ui; print(json.dumps([(p[0], p[4]) for p in ui.PAGES]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [tuple(x) for x in json.loads(out.strip().splitlines()[-1])]


def tab_row(script: str, tab: int) -> str:
    """The report's row of one tab of the pilot page (tab 0 is the page's own row)."""
    return script if tab == 0 else f"{script} · tab {tab}"


def _profiled(at) -> str:
    """One re-run of `at` under pyinstrument (the script runs in AppTest's own thread)."""
    from pyinstrument import Profiler
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    done = []
    original = LocalScriptRunner._run_script_thread

    def run(self):
        prof = Profiler(interval=0.0005)
        prof.start()
        try:
            original(self)
        finally:
            prof.stop()
            done.append(prof)

    LocalScriptRunner._run_script_thread = run
    try:
        at.run()
    finally:
        LocalScriptRunner._run_script_thread = original
    text = done[-1].output_text(unicode=False, color=False, show_all=False) if done else ""
    lines = text.splitlines()
    start = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("Profile at")), 0)
    return "\n".join([ln for ln in lines[start:] if ln.strip()][:PROFILE_LINES])


def _measure(at, runs: int, warmup: int, budget_s: float) -> dict:
    """Wall and CPU milliseconds of `runs` warm re-runs (fewer, at least 3, when a slow page
    would eat the budget). CPU is the process's: nearly all of it is the script's run, and
    unlike wall time it hardly grows with the machine's load."""
    for _ in range(warmup):
        at.run()
    times, cpu, spent = [], [], 0.0
    while len(times) < runs and (len(times) < 3 or spent < budget_s):
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        spent += times[-1] / 1000
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return {"times": times, "cpu": cpu}


def apptest_child(db_file: str, runs: int, warmup: int, budget_s: float,
                  profile: bool = False) -> None:
    """In a child process (one database per process): each page as a lead, re-run warm."""
    os.environ["DORP_DB"] = db_file
    os.environ["DORP_TODAY"] = TODAY.isoformat()
    AppTest = importlib.import_module("streamlit.testing.v1").AppTest
    from dorp import ui
    from dorp.db import open_db
    from dorp.repo import users

    con = open_db(db_file)
    lead = users.load(con, LEAD)
    result = {}
    for script, *_ in ui.PAGES:
        row = {}
        try:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.session_state["user"] = lead
            at.session_state["lang"] = "nl"
            at.run()
            t0 = time.perf_counter()
            at.switch_page(script).run()
            row["first_ms"] = (time.perf_counter() - t0) * 1000
            if at.exception:
                raise RuntimeError(at.exception[0].message)
            row.update(_measure(at, runs, warmup, budget_s))
            if profile:
                row["profile"] = _profiled(at)
            if script == PILOT:          # the other tabs, each opened as a user would
                for n in range(1, len(at.tabs)):
                    at.session_state["pilot_tab"] = at.tabs[n].label
                    at.run()
                    try:
                        tab = {"tab": at.tabs[n].label, **_measure(at, runs, warmup, budget_s)}
                        if profile:
                            tab["profile"] = _profiled(at)
                        result[tab_row(script, n)] = tab
                    except Exception as e:  # noqa: BLE001
                        result[tab_row(script, n)] = {"error": f"{type(e).__name__}: {str(e)[:120]}"}
        except Exception as e:  # report, do not stop the benchmark
            row["error"] = f"{type(e).__name__}: {str(e)[:120]}"
        result[script] = row
    print("RESULT " + json.dumps(result))


def _pages_child(target: str, runs: int, warmup: int, budget_s: float, profile: bool) -> dict:
    r = subprocess.run([sys.executable, "-m", "bench", "--apptest-child", target,
                        "--runs", str(runs), "--warmup", str(warmup), "--budget", str(budget_s)]
                       + (["--profile"] if profile else []),
                       cwd=ROOT, capture_output=True, text=True, timeout=1800)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    if not line:
        raise RuntimeError(f"AppTest child failed:\n{r.stderr[-3000:]}")
    return json.loads(line[-1][7:])


def _merge(rounds: list[dict]) -> dict:
    """The rounds' samples of each page together: medians, the number of runs, a profile."""
    out: dict[str, dict] = {}
    for rnd in rounds:
        for row, r in rnd.items():
            m = out.setdefault(row, {"times": [], "cpu": []})
            for k, v in r.items():
                if k in ("times", "cpu"):
                    m[k] += v
                else:
                    m.setdefault(k, v)
    for m in out.values():
        if m["times"]:
            m.update(warm_ms=median(m["times"]), cpu_ms=median(m["cpu"]), runs=len(m["times"]))
            m.pop("error", None)
        del m["times"], m["cpu"]
    return out


def bench_pages(runs: int, warmup: int, budget_s: float, pg_url: str | None = None,
                rounds: int = 2) -> dict:
    """Demo and scale in alternating rounds (a change of the machine's load then falls on
    both), each round a fresh child process per database; the last scale round profiles."""
    out = {"load": [os.getloadavg()[0]]}
    samples: dict[str, list] = {"demo": [], "scale": []}
    per_round = max(3, -(-runs // rounds))
    for r in range(rounds):
        for label, path in (("demo", demo_db()), ("scale", scale_db())):
            with working_copy(path) as copy:
                log(f"pages: AppTest warm re-runs on the {label} database, round {r + 1} of "
                    f"{rounds} ({per_round} runs each)")
                samples[label].append(_pages_child(str(copy), per_round, warmup, budget_s,
                                                   profile=r == rounds - 1))
    out["demo"], out["scale"] = _merge(samples["demo"]), _merge(samples["scale"])
    if pg_url:
        log(f"pages: AppTest warm re-runs on PostgreSQL at scale ({runs} runs each)")
        out["pg"] = _merge([_pages_child(pg_url, runs, warmup, budget_s, profile=False)])
    out["load"].append(os.getloadavg()[0])
    return out
