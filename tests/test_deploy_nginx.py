"""Two real app processes on one PostgreSQL database, with and without nginx in front
(deploy/nginx): log-ins shared, Uitloggen everywhere, sticky routing, the app's headers
passed through, HSTS under TLS, the forwarded headers trusted, Streamlit's internals blocked.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dorp import store as stores
from dorp.db import open_db
from dorp.repo import sessions, users
from tests.conftest import ROOT, Server, free_port, login, shot

DEPLOY = ROOT / "deploy" / "nginx"


@pytest.fixture(scope="module")
def pg_apps(pg_server, pg_demo_template, tmp_path_factory):
    """Two app processes on one PostgreSQL database holding the demo."""
    url = pg_server.create_db(template=pg_demo_template)
    env = {"DORP_BACKUP_DIR": str(tmp_path_factory.mktemp("backups")),
           "DORP_TRUSTED_PROXIES": "127.0.0.1"}   # nginx (deploy/README.md)
    apps = [Server(url, free_port(), env), Server(url, free_port(), env)]
    yield url, apps
    for a in apps:
        a.stop()
    stores.close_all()
    pg_server.drop_db(url)


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.fail("Debian's nginx is missing: run `make test` (it installs it).")
    return found


@pytest.fixture(scope="module")
def proxy(pg_apps, tmp_path_factory):
    """nginx with the shipped configuration (ports and paths adapted) in front of both app
    processes: http on one port, https (a self-signed certificate) on another."""
    _, apps = pg_apps
    d = tmp_path_factory.mktemp("nginx")
    os.chmod(d, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem")], check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    upstream = (DEPLOY / "dorpsregie-upstream.conf").read_text()
    ports = [a.url.rsplit(":", 1)[1] for a in apps]
    upstream = upstream.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}") \
                       .replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")
    locations = (DEPLOY / "dorpsregie-locations.conf").read_text().replace(
        "/etc/nginx/snippets/dorpsregie-extra*.conf", str(d / "extra*.conf"))
    # test-only site addition (the extension point of the shipped file): which process served
    (d / "extra-test.conf").write_text("add_header X-Test-Upstream $upstream_addr always;\n")
    (d / "locations.conf").write_text(locations)
    site = (DEPLOY / "dorpsregie.conf").read_text()
    site = (site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
                .replace("/etc/ssl/certs/dorpsregie.pem", str(d / "cert.pem"))
                .replace("/etc/ssl/private/dorpsregie.key", str(d / "key.pem"))
                .replace("/etc/nginx/snippets/dorpsregie-locations.conf", str(d / "locations.conf"))
                .replace("return 301 https://$host$request_uri;",
                         "include " + str(d / "locations.conf") + ";"))
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    (d / "nginx.conf").write_text(f"""
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    {upstream}
    {site}
}}
""")
    nginx = _nginx()
    r = subprocess.run([nginx, "-t", "-p", str(d), "-c", str(d / "nginx.conf")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    proc = subprocess.Popen([nginx, "-p", str(d), "-c", str(d / "nginx.conf"),
                             "-g", "daemon off;"], stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http_port}/_stcore/health", timeout=2)
            break
        except Exception:
            time.sleep(0.2)
    yield {"http": f"http://127.0.0.1:{http_port}", "https": f"https://127.0.0.1:{https_port}",
           "dir": d}
    proc.terminate()
    proc.wait(10)


_NO_VERIFY = ssl.create_default_context()
_NO_VERIFY.check_hostname = False
_NO_VERIFY.verify_mode = ssl.CERT_NONE


def get(url: str, cookie: str | None = None):
    """GET without following redirects: (status, headers as a list of (name, value))."""
    scheme, rest = url.split("://", 1)
    hostport, _, path = rest.partition("/")
    host, port = hostport.split(":")
    conn = (http.client.HTTPSConnection(host, int(port), context=_NO_VERIFY, timeout=20)
            if scheme == "https" else http.client.HTTPConnection(host, int(port), timeout=20))
    conn.request("GET", "/" + path, headers={"Cookie": cookie} if cookie else {})
    r = conn.getresponse()
    r.read()
    conn.close()
    return r.status, r.getheaders()


def header(headers, name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


# --- two app processes, one database ---------------------------------------------------------------

@pytest.mark.browser
def test_a_login_in_one_process_is_valid_in_the_other_and_logout_ends_it_everywhere(
        pg_apps, page):
    _, (a, b) = pg_apps
    login(page, a.url, "leider", "demo-leider")
    page.goto(b.url)       # the other process: same cookie (same host), same database
    page.get_by_role("button", name="Uitloggen").wait_for()
    shot(page, "twee-processen-ingelogd")
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    page.goto(a.url)       # ended in the database: the first process refuses it too
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    assert page.get_by_role("button", name="Uitloggen").count() == 0


# --- nginx in front ---------------------------------------------------------------------------------

def test_internals_are_blocked_by_the_proxy(proxy, pg_apps):
    _, (a, _b) = pg_apps
    for path in ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/mcp"):
        assert get(proxy["http"] + path)[0] == 404, path
        assert get(proxy["https"] + path)[0] == 404, path
    assert get(a.url + "/_stcore/metrics")[0] != 404   # the app has it: nginx keeps it in
    assert get(proxy["http"] + "/_stcore/health")[0] == 200   # the page itself needs these
    assert get(proxy["https"] + "/_stcore/host-config")[0] == 200


def test_routing_is_sticky_per_browser_and_uses_both_processes(proxy, pg_apps):
    _, apps = pg_apps
    status, first = get(proxy["http"] + "/")
    assert status == 200
    cookie = [c for c in header(first, "Set-Cookie") if c.startswith("dorp_route=")]
    assert cookie and "HttpOnly" in cookie[0]
    route = cookie[0].split(";")[0]
    served = header(first, "X-Test-Upstream")[0]
    for _ in range(8):    # the same browser (its cookie) always reaches the same process
        status, h = get(proxy["http"] + "/_stcore/health", cookie=route)
        assert header(h, "X-Test-Upstream") == [served]
        assert not [c for c in header(h, "Set-Cookie") if c.startswith("dorp_route=")]
    seen = {header(get(proxy["http"] + "/_stcore/health", cookie=f"dorp_route=b{i}")[1],
                   "X-Test-Upstream")[0] for i in range(24)}
    assert seen == {a.url.split("//")[1] for a in apps}   # and browsers are spread over both


def test_app_headers_pass_through_and_hsts_only_under_tls(proxy, pg_apps):
    _, (a, _b) = pg_apps
    _, direct = get(a.url + "/")
    hop = {"date", "server", "connection", "transfer-encoding", "content-length", "keep-alive",
           "set-cookie", "etag", "last-modified", "strict-transport-security"}
    assert header(direct, "Content-Security-Policy")   # the app's own security headers
    for scheme in ("http", "https"):
        _, via = get(proxy[scheme] + "/")
        for k, v in direct:
            if k.lower() not in hop:
                assert v in header(via, k), (scheme, k)
    assert header(get(proxy["https"] + "/")[1], "Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains"]   # exactly one: the proxy's
    assert not header(get(proxy["http"] + "/")[1], "Strict-Transport-Security")


def test_the_app_trusts_the_forwarded_proto_secure_cookie_under_tls(proxy, pg_apps):
    url, _ = pg_apps
    db = open_db(url, migrate_now=False)
    try:
        uid = users.load(db, "leider").id
        codes = {s: sessions.create_handoff(db, uid, "browser-key-" + s) for s in ("http", "https")}
    finally:
        db.close()
    for scheme, code in codes.items():
        status, h = get(f"{proxy[scheme]}/auth/session?code={code}&next=/overzicht",
                        cookie=f"dorp_browser=browser-key-{scheme}")
        assert status == 303
        cookie = [c for c in header(h, "Set-Cookie") if c.startswith("dorp_session=")]
        assert cookie and "HttpOnly" in cookie[0]
        assert ("Secure" in cookie[0]) == (scheme == "https"), cookie
        assert header(h, "Cache-Control") == ["no-store"]   # the app's own header, passed


@pytest.mark.browser
def test_a_browser_works_through_the_proxy_over_tls(proxy, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL",
                              ignore_https_errors=True)
    pg = ctx.new_page()
    pg.set_default_timeout(30000)
    try:
        login(pg, proxy["https"], "leider", "demo-leider")   # websocket through nginx
        pg.get_by_role("heading", name="Programma-overzicht").wait_for()
        shot(pg, "via-nginx-tls")
        pg.locator("[data-testid='stVegaLiteChart']").first.wait_for()
        route = [c for c in ctx.cookies() if c["name"] == "dorp_route"]
        assert route and route[0]["httpOnly"]
    finally:
        ctx.close()
