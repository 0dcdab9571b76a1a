"""Issue 14, points 3-6, against a real Streamlit server, Debian chromium and plain HTTP
requests (what an attacker would send):

3. login CSRF: a hand-off code obtained by someone else does not log the victim in, neither
   through another site nor typed in;
4. logout CSRF: links, images and posts from another site log no one out; Uitloggen is a
   POST and ends the session;
5. security headers from the app itself; every page renders under the CSP; no framing;
6. /_stcore/metrics only for leads; X-Forwarded-Proto only from configured proxies; the
   websocket only from the app's own origin (configurable).

"Another site" is http://localhost:<port> while the app is http://127.0.0.1:<port>: for the
browser these are different sites, as evil.example would be."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from dorp import httpsec, ui
from dorp.access import User, role_can
from dorp.sessions import LOGIN_ROUTE, LOGOUT_PAGE, LOGOUT_ROUTE
from tests.conftest import FUNDER, LEAD, PASSWORDS, Server, free_port, login, shot

pytestmark = pytest.mark.browser

CSP_PROBE = ("document.addEventListener('securitypolicyviolation', e => window.reportCsp("
             "location.pathname + ': ' + e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_template):
    """The app as shipped: no proxies trusted, DORP_ORIGINS unset."""
    db_file = tmp_path_factory.mktemp("websec") / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    srv = Server(db_file, free_port(), env={"DORP_TRUSTED_PROXIES": "", "DORP_ORIGINS": ""})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, demo_template):
    """The app configured behind a proxy on 127.0.0.1 and published as http://localhost:P."""
    db_file = tmp_path_factory.mktemp("websec-proxied") / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    port = free_port()
    srv = Server(db_file, port, env={"DORP_TRUSTED_PROXIES": "127.0.0.1",
                                     "DORP_ORIGINS": f"http://localhost:{port}"})
    srv.public_url = f"http://localhost:{port}"
    yield srv
    srv.stop()


class Evil:
    """Another website: serves the HTML the test gives it, at http://localhost:<port>."""

    def __init__(self):
        pages: dict[str, str] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0], "<p>niets</p>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.pages = pages
        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://localhost:{self.httpd.server_address[1]}{path}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def evil():
    site = Evil()
    yield site
    site.stop()


def _context(browser):
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30000)
    return ctx


def _session_cookie(ctx) -> str | None:
    return next((c["value"] for c in ctx.cookies() if c["name"] == httpsec.SESSION_COOKIE), None)


def _metrics_status(srv, token: str | None) -> int:
    cookies = {httpsec.SESSION_COOKIE: token} if token else {}
    return requests.get(srv.url + httpsec.METRICS_PATH, cookies=cookies, timeout=10).status_code


def _still_logged_in(page, srv) -> None:
    page.goto(srv.url + "/")
    page.get_by_role("button", name="Uitloggen").wait_for()


# --- 3. login CSRF -------------------------------------------------------------------------------

def _attackers_code(browser, srv) -> str:
    """The attacker logs in as himself and keeps the hand-off URL instead of following it."""
    ctx = _context(browser)
    page = ctx.new_page()
    seen: list[str] = []

    def keep(route):
        seen.append(route.request.url)
        route.abort()

    page.route(f"**{LOGIN_ROUTE}?*", keep)
    page.goto(srv.url)
    page.get_by_role("textbox", name="Gebruikersnaam").fill(FUNDER)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORDS[FUNDER])
    page.get_by_role("button", name="Inloggen").click()
    for _ in range(100):
        if seen:
            break
        page.wait_for_timeout(100)
    ctx.close()
    assert seen and "code=" in seen[0]
    return seen[0]


def test_login_csrf_someone_elses_code_does_not_log_the_victim_in(app, evil, browser):
    code_url = _attackers_code(browser, app)
    evil.pages["/navigate"] = f"<script>location.href = {code_url!r};</script>"
    evil.pages["/img"] = f'<img src="{code_url}">'
    evil.pages["/form"] = (f'<form id="f" method="get" action="{code_url.split("?")[0]}">'
                           + "".join(f'<input type="hidden" name="{k}" value="{v}">'
                                     for k, v in (p.split("=", 1) for p in
                                                  code_url.split("?", 1)[1].split("&")))
                           + '</form><script>document.getElementById("f").submit()</script>')
    ctx = _context(browser)
    page = ctx.new_page()
    page.goto(app.url)                     # the victim has used the app before
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    for attack in ("/navigate", "/form"):  # another site sends the victim to the code
        page.goto(evil.url(attack))
        page.get_by_text("kwam van een andere website").wait_for()
        assert _session_cookie(ctx) is None, attack
    shot(page, "security-login-csrf-refused")
    page.goto(evil.url("/img"))
    page.wait_for_timeout(1500)
    assert _session_cookie(ctx) is None
    # typed in by the victim (no other site involved): the code belongs to another browser
    page.goto(code_url)
    page.get_by_text("kon niet worden afgerond").wait_for()
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    assert _session_cookie(ctx) is None
    assert page.get_by_role("button", name="Uitloggen").count() == 0
    shot(page, "security-login-code-other-browser")
    ctx.close()


def test_login_hand_off_still_works_in_the_browser_that_logged_in(app, browser):
    """The control for the test above: the same kind of code works where it was made."""
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, FUNDER, PASSWORDS[FUNDER])
    keys = [c for c in ctx.cookies() if c["name"] == httpsec.BROWSER_COOKIE]
    assert len(keys) == 1 and keys[0]["httpOnly"] and keys[0]["sameSite"] == "Lax"
    assert _session_cookie(ctx)
    ctx.close()


# --- 4. logout CSRF ------------------------------------------------------------------------------

def test_logout_csrf_nothing_from_another_site_logs_out(app, evil, browser):
    base = app.url
    evil.pages["/images"] = (f'<img src="{base}{LOGOUT_ROUTE}"><img src="{base}{LOGOUT_PAGE}">'
                             f'<img src="{base}/auth/uitloggen.js">')
    evil.pages["/link"] = f"<script>location.href = '{base}{LOGOUT_ROUTE}';</script>"
    evil.pages["/page"] = f"<script>location.href = '{base}{LOGOUT_PAGE}';</script>"
    evil.pages["/post"] = (f'<form id="f" method="post" action="{base}{LOGOUT_ROUTE}"></form>'
                           '<script>document.getElementById("f").submit()</script>')
    evil.pages["/fetch"] = (f"<script>fetch('{base}{LOGOUT_ROUTE}', {{method: 'POST', "
                            "mode: 'no-cors', credentials: 'include'}).finally(() => "
                            "document.title = 'sent');</script>")
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, base, LEAD, PASSWORDS[LEAD])
    token = _session_cookie(ctx)
    assert token and _metrics_status(app, token) == 200

    page.goto(evil.url("/images"))
    page.wait_for_timeout(1500)
    page.goto(evil.url("/fetch"))
    page.wait_for_function("document.title === 'sent'")
    page.goto(evil.url("/link"))           # GET /auth/logout, top level, from another site
    page.get_by_text("kwam van een andere website").wait_for()
    page.goto(evil.url("/page"))           # the log-out page does not submit itself
    page.get_by_text("Wilt u uitloggen").wait_for()
    page.wait_for_timeout(1000)
    assert page.url.startswith(base + LOGOUT_PAGE)
    shot(page, "security-logout-page-asks")
    page.goto(evil.url("/post"))           # a cross-site POST is refused as a whole
    page.get_by_text("kwam van een andere website").wait_for()
    shot(page, "security-logout-csrf-refused")

    assert _session_cookie(ctx) == token   # cookie not cleared...
    assert _metrics_status(app, token) == 200   # ...and the server session still valid
    _still_logged_in(page, app)
    ctx.close()


def test_a_get_of_the_logout_route_logs_no_one_out(app, browser):
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    token = _session_cookie(ctx)
    page.goto(app.url + LOGOUT_ROUTE)      # typed in: Streamlit's own sign-on log-out
    page.wait_for_timeout(1000)
    assert _session_cookie(ctx) == token and _metrics_status(app, token) == 200
    _still_logged_in(page, app)
    ctx.close()


def test_uitloggen_posts_and_ends_the_session_everywhere(app, browser):
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    tab2 = ctx.new_page()
    tab2.goto(app.url + "/pilot")
    tab2.get_by_role("button", name="Uitloggen").wait_for()
    token = _session_cookie(ctx)
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.method, r.url.split("?")[0])))
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url == app.url + LOGOUT_ROUTE) as posted:
        page.get_by_role("button", name="Uitloggen").click()
    assert posted.value.status == 303
    page.wait_for_url(app.url + "/")
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    assert ("POST", app.url + LOGOUT_ROUTE) in sent
    assert ("GET", app.url + LOGOUT_ROUTE) not in sent
    assert _session_cookie(ctx) is None
    assert _metrics_status(app, token) == 403          # the old token is worthless
    tab2.reload()
    tab2.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    ctx.close()


def test_logout_page_by_hand_asks_and_then_logs_out(app, browser):
    """Someone who opens the log-out page themselves (a bookmark) decides with the button."""
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    token = _session_cookie(ctx)
    page.goto(app.url + LOGOUT_PAGE)
    page.get_by_text("Wilt u uitloggen").wait_for()
    assert _metrics_status(app, token) == 200
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    assert _session_cookie(ctx) is None and _metrics_status(app, token) == 403
    ctx.close()


# --- 5. headers, CSP, framing ----------------------------------------------------------------------

def test_security_headers_from_the_app_itself(app):
    for path in ("/", "/overzicht", "/static/favicon.png", "/_stcore/health", LOGOUT_PAGE):
        r = requests.get(app.url + path, timeout=10)
        h = r.headers
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"], path
        assert h["X-Frame-Options"] == "DENY", path
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Referrer-Policy"] == "same-origin", path
        assert "Strict-Transport-Security" not in h, path    # plain http


def _lead_pages() -> list[str]:
    """Every page of the app: a lead's menu holds them all."""
    lead = User(LEAD, "lead")
    pages = [url for _script, _title, _s, cap, url in ui.PAGES if role_can(lead, cap)]
    assert len(pages) == len(ui.PAGES)
    return pages


def test_every_page_renders_under_the_csp(app, browser):
    """Streamlit works under the policy: every page of the app, its charts, the log-in and
    the log-out page, without a single violation reported by the browser."""
    ctx = _context(browser)
    violations: list[str] = []
    ctx.expose_binding("reportCsp", lambda source, text: violations.append(text))
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app.url)
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    charts = 0
    for i, url in enumerate(_lead_pages()):
        page.goto(app.url + ("/" if i == 0 else "/" + url))
        page.get_by_role("button", name="Uitloggen").wait_for()
        page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()
        page.wait_for_timeout(2000)
        assert page.locator("[data-testid='stException']").count() == 0, url
        charts += page.locator(".vega-embed").count()
        if url == "overzicht":
            chart = page.locator(".vega-embed canvas, .vega-embed svg").first
            chart.wait_for()
            chart.scroll_into_view_if_needed()
            shot(page, "security-csp-overview")
    assert charts >= 4   # the charts drew (they need data: images and no eval)
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url == app.url + LOGOUT_ROUTE):
        page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    page.wait_for_timeout(1000)
    assert violations == []
    assert errors == []
    # the probe does report a violation when there is one (so the silence above means it)
    page.evaluate("() => { const s = document.createElement('script');"
                  " s.textContent = 'window.x = 1'; document.head.appendChild(s); }")
    page.wait_for_timeout(500)
    assert any("script-src" in v for v in violations)
    ctx.close()


def test_no_other_site_can_frame_the_app(app, evil, browser):
    evil.pages["/frame"] = (f'<h1>Win een prijs</h1><iframe id="app" src="{app.url}/" '
                            'width="800" height="600"></iframe>')
    ctx = _context(browser)
    page = ctx.new_page()
    page.goto(evil.url("/frame"))
    page.wait_for_timeout(3000)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed, "the iframe should exist"
    for f in framed:
        assert f.locator("input").count() == 0   # no log-in form inside
        assert "Inloggen" not in (f.content() if not f.is_detached() else "")
    shot(page, "security-no-framing")
    ctx.close()


# --- 6. internals ----------------------------------------------------------------------------------

def test_metrics_only_for_a_lead(app, browser):
    assert _metrics_status(app, None) == 403
    assert _metrics_status(app, "made-up") == 403
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, FUNDER, PASSWORDS[FUNDER])
    funder = _session_cookie(ctx)
    assert _metrics_status(app, funder) == 403
    page.goto(app.url + httpsec.METRICS_PATH)
    page.get_by_text("alleen voor programmaleiders").wait_for()
    ctx.close()
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    r = requests.get(app.url + httpsec.METRICS_PATH, timeout=10,
                     cookies={httpsec.SESSION_COOKIE: _session_cookie(ctx)})
    assert r.status_code == 200 and "session" in r.text
    ctx.close()


def test_forwarded_proto_is_not_believed_from_any_client(app):
    r = requests.get(app.url + "/", headers={"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert "Strict-Transport-Security" not in r.headers
    assert "Secure" not in _browser_key_cookie(r)


def test_forwarded_proto_believed_from_a_configured_proxy(proxied):
    plain = requests.get(proxied.url + "/", timeout=10)
    assert "Strict-Transport-Security" not in plain.headers
    r = requests.get(proxied.url + "/", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert r.headers["Strict-Transport-Security"] == httpsec.HSTS
    assert "Secure" in _browser_key_cookie(r)
    assert "Secure" not in _browser_key_cookie(plain)


def _ws(url: str, origin: str | None):
    """A websocket handshake as any program can send it, with the Origin it chooses."""
    return connect(url.replace("http://", "ws://") + httpsec.WEBSOCKET_PATH, origin=origin,
                   subprotocols=["streamlit"], open_timeout=10)


def _browser_key_cookie(response) -> str:
    return next(c for c in response.raw.headers.getlist("Set-Cookie")
                if c.startswith(httpsec.BROWSER_COOKIE + "="))


def test_websocket_only_from_the_apps_own_origin(app):
    port = app.url.rsplit(":", 1)[1]
    with _ws(app.url, app.url):
        pass   # the app's own origin
    for origin in (f"http://localhost:{port}", "http://127.0.0.1:9999", "http://evil.example",
                   "null", None):
        with pytest.raises(InvalidStatus) as refused:
            with _ws(app.url, origin):
                pass
        assert refused.value.response.status_code == 403, origin


def test_websocket_from_another_site_in_the_browser(app, evil, browser):
    ws = app.url.replace("http://", "ws://") + httpsec.WEBSOCKET_PATH
    evil.pages["/ws"] = (f"<script>const s = new WebSocket({ws!r}, ['streamlit']);"
                         "s.onopen = () => document.title = 'open';"
                         "s.onerror = () => document.title = 'refused';</script>")
    ctx = _context(browser)
    page = ctx.new_page()
    page.goto(evil.url("/ws"))
    page.wait_for_function("document.title !== ''")
    assert page.title() == "refused"
    ctx.close()


def test_configured_origin_is_the_only_one(proxied, browser):
    """DORP_ORIGINS=http://localhost:P: the app works at that address and nowhere else."""
    with _ws(proxied.url, proxied.public_url):
        pass
    with pytest.raises(InvalidStatus):
        with _ws(proxied.url, proxied.url):
            pass
    ctx = _context(browser)
    page = ctx.new_page()
    login(page, proxied.public_url, LEAD, PASSWORDS[LEAD])
    ctx.close()
