"""The browser sections of `make bench` (Debian's chromium through Playwright).

- browser: the overview's first chart, at scale and at demo scale, against a near-empty
  Streamlit page and a bare page with one small chart, interleaved in one run;
- cold: the first page after a cold server start and after a fresh log-in, against later
  visits; `make run` from a fresh database to the log-in form;
- crowd: ten people opening the overview at the same moment, against one person alone;
- sessions: the server's memory with 20 sessions; pg_sessions: 30 sessions over two app
  processes on PostgreSQL.

Times are the page's own: performance.now() when a condition first holds (milliseconds since
that document's navigation started), polled in the page every 20 ms; where a log-in with its
redirects lies in between, the time is taken in Python from the click.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import (LEAD, LEAD_PASSWORD, PG_SESSIONS, ROOT, SCALE, SESSIONS, TARGETS,
                          TODAY, Server, chromium, demo_db, load, log, median, scale_db, server,
                          working_copy)

VIEWPORT = {"width": 1400, "height": 1000}
POLL_MS = 20

# Conditions polled in the page. Each returns performance.now() once it holds; -1 when the
# page shows an exception, -2 when it shows the log-in form (unless arg.login: the log-in form
# is where the wait starts). A document left from before a navigation (window.__benchOld) is
# not the one measured.
_GUARD = """
  if (window.__benchOld) return false;
  if (document.querySelector('[data-testid="stException"]')) return -1;
  if (!(arg && arg.login) && document.querySelector('input[aria-label="Gebruikersnaam"]'))
    return -2;"""
FIRST_CHART = "(arg) => {" + _GUARD + """
  for (const c of document.querySelectorAll('.vega-embed'))
    if (c.querySelector('svg, canvas')) return performance.now();
  return false; }"""
ALL_DRAWN = "(arg) => {" + _GUARD + """
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = document.querySelectorAll('.vega-embed');
  if (!charts.length) return false;
  for (const c of charts) if (!c.querySelector('svg, canvas')) return false;
  return performance.now(); }"""
HEADING = "(arg) => {" + _GUARD + """
  return document.querySelector('h1') ? performance.now() : false; }"""

EMPTY_PAGE = 'import streamlit as st\n\nst.title("Leeg")\n'
ONE_CHART_PAGE = """import altair as alt
import pandas as pd
import streamlit as st

st.title("Een grafiek")
st.altair_chart(alt.Chart(pd.DataFrame({"stap": list("ABCD"), "n": [3, 5, 2, 4]}))
                .mark_bar().encode(x="stap", y="n"))
"""


def until(page, js: str, timeout_ms: float = 120000, login: bool = False) -> float:
    """Milliseconds since the page's navigation when `js` first held."""
    v = page.wait_for_function(js, arg={"login": login}, polling=POLL_MS,
                               timeout=timeout_ms).json_value()
    if v == -1:
        raise RuntimeError("the page shows an exception: " + page.locator(
            "[data-testid='stException']").first.inner_text()[:200].replace("\n", " "))
    if v == -2:
        raise RuntimeError("the log-in form appeared: the session did not survive the visit")
    return float(v)


def visit(page, url: str, js: str = FIRST_CHART) -> float:
    """Open `url`; milliseconds from its navigation until `js` held."""
    page.goto(url, wait_until="commit")
    return until(page, js)


def log_in(page, url: str) -> float:
    """Log in as the lead from the log-in form; seconds from the click until the landing
    page (the overview) has drawn its first chart."""
    page.goto(url)
    page.get_by_role("textbox", name="Gebruikersnaam").fill(LEAD)
    page.get_by_role("textbox", name="Wachtwoord").fill(LEAD_PASSWORD)
    page.evaluate("() => { window.__benchOld = true; }")   # the log-in page is not measured
    t0 = time.perf_counter()
    page.get_by_role("button", name="Inloggen").click()
    until(page, FIRST_CHART)
    return time.perf_counter() - t0


def timed_visit(page, url: str) -> float:
    """Seconds from navigation to the first chart, taken in Python (as log_in's figure)."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    until(page, FIRST_CHART)
    return time.perf_counter() - t0


class Cpu:
    """CPU seconds used by the browser's processes and by a server, between two readings."""

    def __init__(self, server_pid: int | None = None):
        import psutil
        self.psutil = psutil
        self.server = psutil.Process(server_pid) if server_pid else None

    def _browser(self) -> float:
        total = 0.0
        for p in self.psutil.Process().children(recursive=True):
            try:
                if "chrom" in p.name():
                    c = p.cpu_times()
                    total += c.user + c.system
            except self.psutil.Error:
                pass
        return total

    def _server(self) -> float:
        if self.server is None:
            return 0.0
        c = self.server.cpu_times()
        return c.user + c.system

    def start(self) -> None:
        self.b0, self.s0 = self._browser(), self._server()

    def stop(self) -> tuple[float, float]:
        return self._browser() - self.b0, self._server() - self.s0


# --- the overview's first chart ------------------------------------------------------------------

def bench_browser(runs: int, budget_s: float = 90.0) -> dict:
    """The overview's first chart at scale and at demo scale, a near-empty page and a bare page
    with one small chart: interleaved, each in its own browser context, after two warm rounds."""
    load0 = load()
    with tempfile.TemporaryDirectory(prefix="dorp-pages-") as d, \
            working_copy(scale_db()) as big, working_copy(demo_db()) as small:
        empty, one = Path(d) / "leeg.py", Path(d) / "een_grafiek.py"
        empty.write_text(EMPTY_PAGE, encoding="utf-8")
        one.write_text(ONE_CHART_PAGE, encoding="utf-8")
        with server(ROOT / "app.py", big) as app_big, server(ROOT / "app.py", small) as app_small, \
                server(empty, None) as blank, server(one, None) as bare, chromium() as b:
            log(f"browser: the overview's first chart at scale {SCALE} and at demo scale, "
                f"an empty page, a page with one chart ({runs} loads each)")
            pg = {k: b.new_context(viewport=VIEWPORT, locale="nl-NL").new_page()
                  for k in ("scale", "demo", "empty", "one_chart")}
            log_in(pg["scale"], app_big.url)
            log_in(pg["demo"], app_small.url)
            targets = {"scale": (app_big.url + "/overzicht", FIRST_CHART),
                       "demo": (app_small.url + "/overzicht", FIRST_CHART),
                       "empty": (blank.url, HEADING), "one_chart": (bare.url, FIRST_CHART)}
            cpu = {"scale": Cpu(app_big.proc.pid), "empty": Cpu(blank.proc.pid)}
            for _ in range(2):         # warm: first loads compile and import
                for k, (url, js) in targets.items():
                    visit(pg[k], url, js)
            t = {k: [] for k in targets}
            drawn, used = [], {"scale": [], "empty": []}
            t_end = time.perf_counter() + budget_s
            while len(t["scale"]) < runs and (len(t["scale"]) < 3 or time.perf_counter() < t_end):
                for k, (url, js) in targets.items():
                    if k in cpu:
                        cpu[k].start()
                    t[k].append(visit(pg[k], url, js))
                    if k == "scale":
                        drawn.append(until(pg[k], ALL_DRAWN))
                    if k in cpu:
                        time.sleep(0.2)         # what the page still does after it
                        used[k].append(cpu[k].stop())
            charts = pg["scale"].locator(".vega-embed").count()
    return {"scale_ms": median(t["scale"]), "scale_all_ms": median(drawn),
            "demo_ms": median(t["demo"]), "empty_ms": median(t["empty"]),
            "one_chart_ms": median(t["one_chart"]), "runs": len(t["scale"]), "charts": charts,
            "cpu": {k: {"browser_s": median([u[0] for u in v]), "server_s": median([u[1] for u in v])}
                    for k, v in used.items()},
            "load": [load0, load()]}


# --- cold start and fresh log-in ----------------------------------------------------------------

def bench_cold(later: int = 5) -> dict:
    """A server started cold (no caches, nothing imported) on the scale database: the first
    visitor logs in at once and lands on the overview; then later visits of the same person.
    Then a second person with a fresh browser (no cache, no session) logs in on the running
    server. Each first page against that person's later visits."""
    load0 = load()
    with working_copy(scale_db()) as db, chromium() as b:
        log("cold: the first page after a cold server start and after a fresh log-in")
        srv = Server(ROOT / "app.py", db)
        try:
            ready = srv.wait_ready()
            out = {"ready_s": ready, "load": None}
            for who in ("cold", "login"):
                page = b.new_context(viewport=VIEWPORT, locale="nl-NL").new_page()
                out[f"{who}_first_s"] = log_in(page, srv.url)
                if who == "cold":
                    out["cold_since_start_s"] = time.perf_counter() - srv.started
                out[f"{who}_later_s"] = median([timed_visit(page, srv.url + "/overzicht")
                                                for _ in range(later)])
                page.context.close()
        finally:
            srv.stop()
    out["load"] = [load0, load()]
    return out


def bench_make_run() -> dict:
    """`make run` on a fresh database: init + demo, then `streamlit run app.py` until the
    server answers and the first page (the login form) is rendered in the browser."""
    with tempfile.TemporaryDirectory(prefix="dorp-cold-") as d, chromium() as b:
        db = Path(d) / "dorp.duckdb"
        env = {**os.environ, "DORP_DB": str(db), "DORP_TODAY": TODAY.isoformat()}
        dorp = [sys.executable, "-m", "dorp.cli"]
        t0 = time.perf_counter()
        subprocess.run([*dorp, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*dorp, "demo", "--if-empty"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        setup = time.perf_counter() - t0
        log("cold start: streamlit run app.py on a fresh database")
        ctx = b.new_context(locale="nl-NL")
        pg = ctx.new_page()
        srv = Server(ROOT / "app.py", db)
        try:
            http = srv.wait_ready("/")
            pg.goto(srv.url)
            pg.get_by_role("button", name="Inloggen").wait_for(timeout=60000)
            first = time.perf_counter() - srv.started
        finally:
            ctx.close()
            srv.stop()
    return {"setup_s": setup, "http_s": http, "first_page_s": first}



# --- ten people at once -------------------------------------------------------------------------

def bench_crowd(people: int = TARGETS["crowd_people"], rounds: int = 3) -> dict:
    """`people` browsers, each logged in as a lead and idle on the overview; one person alone
    opens the overview (several times), then all of them at the same moment (several rounds).
    Each time is that page's own, from its navigation to its first chart. All browsers run on
    this machine: they share its two cores with the server (people in a meeting bring their
    own devices)."""
    load0 = load()
    with working_copy(scale_db()) as db, server(ROOT / "app.py", db) as app, chromium() as b:
        log(f"crowd: {people} people open the overview at the same moment vs one alone")
        url = app.url + "/overzicht"
        pages = []
        for _ in range(people):
            page = b.new_context(viewport=VIEWPORT, locale="nl-NL").new_page()
            log_in(page, app.url)
            pages.append(page)
        visit(pages[0], url)                       # warm
        alone = [visit(pages[0], url) for _ in range(rounds)]
        together, errors = [], []
        for _ in range(rounds):
            for p in pages:
                p.evaluate("() => { window.__benchOld = true; }")
            for p in pages:                        # all within a few milliseconds
                p.evaluate("u => { setTimeout(() => { location.href = u; }, 0); }", url)
            this_round = []
            for i, p in enumerate(pages):
                try:
                    this_round.append(until(p, FIRST_CHART))
                except Exception as e:  # noqa: BLE001 - counted, reported
                    errors.append(f"person {i + 1}: {type(e).__name__}: {str(e)[:120]}")
            together.append(this_round)
    worst = [max(r) for r in together if r]
    return {"people": people, "rounds": rounds, "alone_ms": median(alone),
            "together_median_ms": median([x for r in together for x in r]),
            "together_worst_ms": median(worst), "errors": errors, "load": [load0, load()]}


def _socket_people(app_url: str, cookies: list[dict], page: str, n: int, start: threading.Event,
                   out: list, ready: threading.Barrier) -> None:
    """n people whose browsers are elsewhere: each keeps Streamlit's websocket open (with the
    lead's cookies, as a browser would), asks for `page` when `start` is set and notes when
    the first chart arrives and when the run ends (seconds since asking). Runs its own event
    loop in this thread; `ready` is passed once every socket is connected."""
    import asyncio

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    ws_url = app_url.replace("http://", "ws://") + "/_stcore/stream"
    jar = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    xsrf = next((c["value"] for c in cookies if c["name"] == "_streamlit_xsrf"), "")

    async def person(go: asyncio.Event) -> tuple[float | None, float | None, str | None]:
        try:
            async with connect(ws_url, origin=app_url, additional_headers={"Cookie": jar},
                               subprotocols=["streamlit", xsrf], max_size=None,
                               open_timeout=120) as ws:
                await go.wait()
                msg = BackMsg()
                msg.rerun_script.page_name = page
                msg.rerun_script.context_info.locale = "nl-NL"
                msg.rerun_script.context_info.timezone = "UTC"
                msg.rerun_script.context_info.url = f"{app_url}/{page}"
                t0 = time.perf_counter()
                await ws.send(msg.SerializeToString())
                first = None
                while True:
                    fm = ForwardMsg()
                    fm.ParseFromString(await asyncio.wait_for(ws.recv(), 300))
                    kind = fm.WhichOneof("type")
                    if first is None and kind == "delta" \
                            and fm.delta.WhichOneof("type") == "new_element" \
                            and fm.delta.new_element.WhichOneof("type") == "vega_lite_chart":
                        first = time.perf_counter() - t0
                    if kind == "script_finished":
                        return first, time.perf_counter() - t0, None
        except Exception as e:  # noqa: BLE001 - reported
            return None, None, f"{type(e).__name__}: {str(e)[:100]}"

    async def main() -> None:
        go = asyncio.Event()
        tasks = [asyncio.create_task(person(go)) for _ in range(n)]
        await asyncio.sleep(1.0)                    # let every socket connect
        await asyncio.to_thread(ready.wait)
        await asyncio.to_thread(start.wait)
        go.set()
        out.extend(await asyncio.gather(*tasks))

    asyncio.run(main())


def bench_crowd_sockets(people: int = TARGETS["crowd_people"], rounds: int = 3) -> dict:
    """Ten people, each on their own device: one real browser here, the others as Streamlit
    websocket sessions that ask the server for the overview (the server does all its work for
    them: session, run, every element; only their drawing happens elsewhere). The browser's
    first chart when all ask at the same moment, against the browser alone."""
    load0 = load()
    with working_copy(scale_db()) as db, server(ROOT / "app.py", db) as app, chromium() as b:
        log(f"crowd: one browser and {people - 1} other devices' sessions at the same moment")
        url = app.url + "/overzicht"
        page = b.new_context(viewport=VIEWPORT, locale="nl-NL").new_page()
        log_in(page, app.url)
        cookies = page.context.cookies()
        visit(page, url)                           # warm
        alone = [visit(page, url) for _ in range(rounds)]
        together, others, errors = [], [], []
        for _ in range(rounds):
            start, ready, got = threading.Event(), threading.Barrier(2), []
            th = threading.Thread(target=_socket_people, daemon=True,
                                  args=(app.url, cookies, "overzicht", people - 1, start, got, ready))
            th.start()
            ready.wait(timeout=300)
            page.evaluate("() => { window.__benchOld = true; }")
            start.set()
            page.evaluate("u => { location.href = u; }", url)
            try:
                together.append(until(page, FIRST_CHART))
            except Exception as e:  # noqa: BLE001
                errors.append(f"browser: {type(e).__name__}: {str(e)[:120]}")
            th.join(timeout=600)
            others += [f * 1000 for f, _d, err in got if f is not None]
            errors += [f"session: {err}" for _f, _d, err in got if err]
    return {"people": people, "rounds": rounds, "alone_ms": median(alone),
            "together_ms": median(together), "together_worst_ms": max(together, default=float("nan")),
            "others_median_ms": median(others), "others_worst_ms": max(others, default=float("nan")),
            "errors": errors, "load": [load0, load()]}


# --- memory with many sessions; PostgreSQL with two app processes ------------------------------------

# Done = the page is rendered: every chart has drawn (svg/canvas), the script has finished.
_READY_JS = """(want) => {
  if (document.querySelector('[data-testid="stException"]')) return 'error';
  if (document.querySelector('input[aria-label="Gebruikersnaam"]')) return 'login';
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (want === 'charts') {
    const charts = document.querySelectorAll('.vega-embed');
    if (!charts.length) return false;
    for (const c of charts) if (!c.querySelector('svg, canvas')) return false;
    return 'ready';
  }
  return document.querySelector('h1') ? 'ready' : false;
}"""


def _wait(page, want: str, timeout_ms: float = 60000) -> str:
    state = page.wait_for_function(_READY_JS, arg=want, polling=25, timeout=timeout_ms).json_value()
    if state == "error":
        raise RuntimeError("the page shows an exception: " + page.locator(
            "[data-testid='stException']").first.inner_text()[:200].replace("\n", " "))
    return state


def bench_sessions(n: int = SESSIONS) -> dict:
    """Peak RSS of the app's server process with n logged-in browser sessions on the overview."""
    import psutil
    with working_copy(scale_db()) as db, server(ROOT / "app.py", db) as app, chromium() as b:
        log(f"memory: {n} browser sessions on the scale database")
        proc = psutil.Process(app.proc.pid)
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                try:
                    rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(True))
                    peak[0] = max(peak[0], rss)
                except psutil.Error:
                    pass
                time.sleep(0.1)

        idle_before = proc.memory_info().rss
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        contexts, pages_, failed = [], [], 0
        try:
            # All sessions at once, as a room full of people opening the app together:
            # the login forms, then every log-in submitted, then every overview drawn.
            for _ in range(n):
                ctx = b.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
                pg = ctx.new_page()
                pg.set_default_timeout(120000)
                pg.goto(app.url)
                contexts.append(ctx)
                pages_.append(pg)
            for pg in pages_:
                pg.get_by_role("textbox", name="Gebruikersnaam").fill(LEAD)
                pg.get_by_role("textbox", name="Wachtwoord").fill(LEAD_PASSWORD)
                pg.get_by_role("button", name="Inloggen").click()
            deadline = time.perf_counter() + 150     # bounded: keep `make bench` short
            for pg in pages_:
                left_ms = max(1000, (deadline - time.perf_counter()) * 1000)
                try:
                    pg.get_by_role("button", name="Uitloggen").wait_for(timeout=left_ms)
                    left_ms = max(1000, (deadline - time.perf_counter()) * 1000)
                    _wait(pg, "charts", timeout_ms=left_ms)
                except Exception:
                    failed += 1
            time.sleep(2)
            settled = proc.memory_info().rss
        finally:
            stop.set()
            th.join()
            for ctx in contexts:
                ctx.close()
    return {"sessions": len(contexts) - failed, "failed": failed, "peak_mb": peak[0] / 2**20,
            "settled_mb": settled / 2**20, "idle_mb": idle_before / 2**20}



def bench_pg_sessions(url: str, n: int = PG_SESSIONS) -> dict:
    """n browser sessions spread over two app processes on one PostgreSQL database: all log
    in at once (errors counted), then each opens the overview in turn while the others stay
    connected: the time from navigation to the first chart drawn, p95 over the sessions."""
    first_chart_js = """() => {
      if (document.querySelector('[data-testid="stException"]')) return 'error';
      if (document.querySelector('input[aria-label="Gebruikersnaam"]')) return 'login';
      const c = document.querySelector('.vega-embed svg, .vega-embed canvas');
      return c ? 'ready' : false;
    }"""
    with server(ROOT / "app.py", url) as a, server(ROOT / "app.py", url) as b_, chromium() as br:
        apps = [a, b_]
        log(f"PostgreSQL: {n} browser sessions over two app processes")
        contexts, pages_, errors = [], [], []
        try:
            for i in range(n):
                ctx = br.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
                pg = ctx.new_page()
                pg.set_default_timeout(120000)
                pg.goto(apps[i % 2].url)
                contexts.append(ctx)
                pages_.append(pg)
            for pg in pages_:
                pg.get_by_role("textbox", name="Gebruikersnaam").fill(LEAD)
                pg.get_by_role("textbox", name="Wachtwoord").fill(LEAD_PASSWORD)
                pg.get_by_role("button", name="Inloggen").click()
            for i, pg in enumerate(pages_):
                try:
                    pg.get_by_role("button", name="Uitloggen").wait_for(timeout=150000)
                    _wait(pg, "charts", timeout_ms=150000)
                except Exception as e:
                    errors.append(f"session {i}: {type(e).__name__}: {str(e)[:100]}")
            times = []
            for i, pg in enumerate(pages_):
                t0 = time.perf_counter()
                pg.goto(apps[i % 2].url + "/overzicht")
                try:
                    state = pg.wait_for_function(first_chart_js, polling=25,
                                                 timeout=60000).json_value()
                    if state != "ready":
                        raise RuntimeError(state)
                    times.append(time.perf_counter() - t0)
                except Exception as e:
                    errors.append(f"overview {i}: {type(e).__name__}: {str(e)[:100]}")
        finally:
            for ctx in contexts:
                ctx.close()
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
    return {"sessions": n, "errors": errors, "p95_s": p95, "median_s": median(times),
            "measured": len(times)}


