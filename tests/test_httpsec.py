"""The security middleware at the ASGI level (no server): headers, HSTS only over https, the
websocket's origin, /_stcore/metrics for leads only, the browser key cookie, what counts as
a request from another site, and the settings. The same points against a real server and
browser: tests/test_browser_websec.py."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from dorp import config, httpsec


def _scope(path="/", method="GET", scheme="http", headers=None, kind="http", query=b""):
    raw = [(b"host", b"127.0.0.1:8501")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return {"type": kind, "method": method, "path": path, "scheme": scheme, "headers": raw,
            "query_string": query, "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 5000),
            "root_path": ""}


class _Inner:
    """Stands in for Streamlit: answers HTML (or JS) and accepts websockets."""

    def __init__(self, content_type=b"text/html; charset=utf-8"):
        self.content_type = content_type
        self.called = False

    async def __call__(self, scope, receive, send):
        self.called = True
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", self.content_type)]})
        await send({"type": "http.response.body", "body": b"ok"})


def _run(scope, *, inner=None, is_lead=lambda db, token: token == "lead-token"):
    inner = inner or _Inner()
    mw = httpsec.SecurityMiddleware(inner, get_db=lambda: None, is_lead=is_lead)
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    # in a thread of its own: Playwright's sync API (browser tests in the same run) keeps
    # an event loop running in the main thread
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, mw(scope, receive, send)).result()
    return inner, sent


def _headers(sent) -> dict[str, list[str]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    out: dict[str, list[str]] = {}
    for k, v in start["headers"]:
        out.setdefault(k.decode().lower(), []).append(v.decode())
    return out


def _status(sent) -> int:
    return next(m for m in sent if m["type"] == "http.response.start")["status"]


def test_security_headers_on_every_response_hsts_only_over_https():
    _, sent = _run(_scope())
    h = _headers(sent)
    csp = h["content-security-policy"][0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self'" in csp
    assert h["x-frame-options"] == ["DENY"]
    assert h["x-content-type-options"] == ["nosniff"]
    assert h["referrer-policy"] == ["same-origin"]
    assert "strict-transport-security" not in h
    _, sent = _run(_scope(scheme="https"))
    assert _headers(sent)["strict-transport-security"] == [httpsec.HSTS]
    # also on scripts and refusals
    _, sent = _run(_scope("/static/app.js"), inner=_Inner(b"text/javascript"))
    assert "content-security-policy" in _headers(sent)


def test_csp_allows_streamlits_own_inline_script_by_hash_only():
    hashes = httpsec.streamlit_inline_script_hashes()
    assert hashes and all(h.startswith("'sha256-") for h in hashes)
    csp = httpsec.content_security_policy()
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert all(h in script_src for h in hashes)


def test_browser_key_cookie_on_a_first_page_load_only():
    _, sent = _run(_scope())
    cookies = _headers(sent).get("set-cookie", [])
    assert len(cookies) == 1 and cookies[0].startswith(f"{httpsec.BROWSER_COOKIE}=")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]
    assert "Secure" not in cookies[0]
    _, sent = _run(_scope(scheme="https"))
    assert "Secure" in _headers(sent)["set-cookie"][0]
    # a browser that has one keeps it; scripts and images do not get one
    _, sent = _run(_scope(headers={"Cookie": f"{httpsec.BROWSER_COOKIE}=abc"}))
    assert "set-cookie" not in _headers(sent)
    _, sent = _run(_scope("/static/app.js"), inner=_Inner(b"text/javascript"))
    assert "set-cookie" not in _headers(sent)
    # two first loads get two different keys
    keys = {_headers(_run(_scope())[1])["set-cookie"][0] for _ in range(2)}
    assert len(keys) == 2


def test_metrics_only_with_a_leads_session():
    for headers in ({}, {"Cookie": "dorp_session=steering-token"},
                    {"Cookie": "dorp_session=made-up"}):
        inner, sent = _run(_scope(httpsec.METRICS_PATH, headers=headers))
        assert not inner.called and _status(sent) == 403, headers
        assert "x-frame-options" in _headers(sent)
    inner, sent = _run(_scope(httpsec.METRICS_PATH, method="OPTIONS"))
    assert not inner.called and _status(sent) == 403
    inner, sent = _run(_scope(httpsec.METRICS_PATH, headers={"Cookie": "dorp_session=lead-token"}))
    assert inner.called and _status(sent) == 200


def test_metrics_refused_when_the_session_check_fails():
    def broken(db, token):
        raise RuntimeError("database locked")
    inner, sent = _run(_scope(httpsec.METRICS_PATH, headers={"Cookie": "dorp_session=x"}),
                       is_lead=broken)
    assert not inner.called and _status(sent) == 403


def test_websocket_only_from_the_apps_own_origin(monkeypatch):
    monkeypatch.delenv("DORP_ORIGINS", raising=False)
    ws = dict(path=httpsec.WEBSOCKET_PATH, kind="websocket", scheme="ws")
    for origin, ok in [("http://127.0.0.1:8501", True), ("http://127.0.0.1:9999", False),
                       ("http://localhost:8501", False), ("https://127.0.0.1:8501", False),
                       ("http://evil.example", False), ("null", False), (None, False)]:
        headers = {"Origin": origin} if origin else {}
        inner, sent = _run(_scope(headers=headers, **ws))
        assert inner.called is ok, origin
        if not ok:
            assert sent == [{"type": "websocket.close", "code": 1008}]
    # configured: exactly those origins (a proxy may rewrite Host)
    monkeypatch.setenv("DORP_ORIGINS", "https://dorpsregie.example.nl")
    inner, _ = _run(_scope(headers={"Origin": "http://127.0.0.1:8501"}, **ws))
    assert not inner.called
    inner, _ = _run(_scope(headers={"Origin": "https://dorpsregie.example.nl"}, **ws))
    assert inner.called


def test_what_counts_as_another_site(monkeypatch):
    monkeypatch.delenv("DORP_ORIGINS", raising=False)
    cases = [({}, False), ({"Sec-Fetch-Site": "same-origin"}, False),
             ({"Sec-Fetch-Site": "none"}, False), ({"Sec-Fetch-Site": "cross-site"}, True),
             ({"Sec-Fetch-Site": "same-site"}, True), ({"Origin": "http://127.0.0.1:8501"}, False),
             ({"Origin": "http://127.0.0.1:8502"}, True), ({"Origin": "null"}, True),
             ({"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"}, True)]
    for headers, expected in cases:
        assert httpsec.foreign(_scope(headers=headers)) is expected, headers


def test_streamlits_own_sso_logout_refused_from_other_sites():
    inner, sent = _run(_scope(httpsec.STREAMLIT_SSO_LOGOUT,
                              headers={"Sec-Fetch-Site": "cross-site"}))
    assert not inner.called and _status(sent) == 403
    inner, _ = _run(_scope(httpsec.STREAMLIT_SSO_LOGOUT, headers={"Sec-Fetch-Site": "same-origin"}))
    assert inner.called


def test_settings_are_checked(monkeypatch):
    monkeypatch.setenv("DORP_TRUSTED_PROXIES", " 10.0.0.1, 192.168.0.0/16 ,")
    assert config.trusted_proxies() == ["10.0.0.1", "192.168.0.0/16"]
    monkeypatch.setenv("DORP_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(config.SettingError, match="geen IP-adres"):
        config.trusted_proxies()
    monkeypatch.delenv("DORP_TRUSTED_PROXIES")
    assert config.trusted_proxies() == []
    monkeypatch.setenv("DORP_ORIGINS", "https://Dorpsregie.example.nl/, http://localhost:8501")
    assert config.allowed_origins() == ["https://dorpsregie.example.nl", "http://localhost:8501"]
    for bad in ("dorpsregie.example.nl", "https://x.nl/pad", "ftp://x.nl", "https://x.nl:99999"):
        monkeypatch.setenv("DORP_ORIGINS", bad)
        with pytest.raises(config.SettingError, match="DORP_ORIGINS"):
            config.allowed_origins()


def test_uvicorn_trusts_forwarded_headers_only_from_the_configured_proxies(monkeypatch):
    """uvicorn's default believes X-Forwarded-Proto from any local client; app.py's import
    (inside uvicorn's Config.load) narrows that to $DORP_TRUSTED_PROXIES."""
    import uvicorn
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    def load(self):   # stands in for uvicorn.Config.load, which imports app.py
        return httpsec.align_proxy_trust()

    for setting, trusted, untrusted in [("", [], ["127.0.0.1", "::1"]),
                                        ("10.0.0.7", ["10.0.0.7"], ["127.0.0.1"])]:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
        monkeypatch.setenv("DORP_TRUSTED_PROXIES", setting)
        cfg = uvicorn.Config("app:app")
        assert "127.0.0.1" in ProxyHeadersMiddleware(None, cfg.forwarded_allow_ips).trusted_hosts
        assert load(cfg) is True
        hosts = ProxyHeadersMiddleware(None, cfg.forwarded_allow_ips).trusted_hosts
        assert all(h in hosts for h in trusted)
        assert not any(h in hosts for h in untrusted)
