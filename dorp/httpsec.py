"""The web app's HTTP security, enforced by the app itself so that it holds with or without a
reverse proxy in front. app.py mounts `SecurityMiddleware` on `st.App(middleware=...)`.

Every HTTP response gets the security headers: a Content-Security-Policy that lets
Streamlit run (its own scripts and styles, its websocket, data: images of charts) and
nothing else, with `frame-ancestors 'none'` (and X-Frame-Options DENY for old browsers),
X-Content-Type-Options nosniff, Referrer-Policy same-origin, and HSTS when the page was
served over https.

Besides the headers the middleware
- accepts the websocket (/_stcore/stream) only from the app's own origin ($DORP_ORIGINS,
  default: the scheme and host the browser asked for), never from another site or another
  port on the same host;
- answers /_stcore/metrics only with a programme lead's session cookie;
- refuses Streamlit's own `GET /auth/logout` (its single sign-on log-out) from other sites;
- gives every browser a random key in an HttpOnly cookie on its first page load, before any
  log-in form can be shown; a log-in's one-time hand-off code is bound to that key
  (dorp/sessions.py), so a code obtained by someone else is worthless in this browser.

https: uvicorn decides from the connection, and believes X-Forwarded-Proto/-For only from
$DORP_TRUSTED_PROXIES (`align_proxy_trust`; uvicorn's own default would trust any local
client). Cross-site requests are recognised by the browser's Sec-Fetch-Site header and by
Origin (`foreign`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import logging
import os
import re
import secrets
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

from dorp import config, i18n

log = logging.getLogger(__name__)

BROWSER_COOKIE = "dorp_browser"
SESSION_COOKIE = "dorp_session"
HSTS = "max-age=31536000"
METRICS_PATH = "/_stcore/metrics"
WEBSOCKET_PATH = "/_stcore/stream"
STREAMLIT_SSO_LOGOUT = "/auth/logout"   # Streamlit's own GET route (st.logout, OIDC)


# --- Content-Security-Policy -----------------------------------------------------------------

@lru_cache(maxsize=1)
def streamlit_inline_script_hashes() -> tuple[str, ...]:
    """CSP hashes of the inline <script> blocks of Streamlit's index.html (one line that sets
    window.prerenderReady), computed from the installed file, so the policy needs no
    'unsafe-inline' for scripts and follows a Streamlit upgrade by itself."""
    spec = importlib.util.find_spec("streamlit")   # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return ()
    index = Path(list(spec.submodule_search_locations)[0]) / "static" / "index.html"
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return ()
    blocks = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", text, flags=re.S)
    return tuple("'sha256-" + base64.b64encode(hashlib.sha256(b.encode("utf-8")).digest())
                 .decode("ascii") + "'" for b in blocks)


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    """What the pages may load. Streamlit's frontend needs: its own scripts (plus the inline
    line in index.html, by hash), inline styles (its CSS-in-JS writes <style> elements),
    its websocket and HTTP endpoints on the same origin ('self' includes ws(s): of the
    same host), data:/blob: images (charts, downloads) and its bundled fonts. Nothing may
    frame the app, and forms may only post to the app itself. With a base map for the
    village map ($DORP_MAP_TILES) images may also come from that tile server's origin, and
    from nowhere else."""
    # 'wasm-unsafe-eval' lets WebAssembly compile (long.js inside Streamlit's protobuf probes
    # for it on every page); it does not allow eval() of JavaScript.
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *streamlit_inline_script_hashes()])
    tiles = config.map_tiles()
    images = " ".join(["'self'", "data:", "blob:", *([tiles.origin] if tiles else [])])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(https: bool) -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


# --- where a request comes from ----------------------------------------------------------------

def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers") or ():
        if k == name:
            return v.decode("latin-1")
    return None


def is_https(scope) -> bool:
    """Served over https (directly, or by a trusted proxy that says so: uvicorn has already
    applied X-Forwarded-Proto from $DORP_TRUSTED_PROXIES, and only from those)."""
    return scope.get("scheme") in ("https", "wss")


def own_origin(scope) -> str | None:
    """The origin the browser asked for: scheme and Host of this very request."""
    host = _header(scope, b"host")
    if not host:
        return None
    return ("https" if is_https(scope) else "http") + "://" + host.lower()


def allowed_origins(scope) -> set[str]:
    """$DORP_ORIGINS when set, else the request's own origin."""
    configured = config.allowed_origins()
    if configured:
        return set(configured)
    own = own_origin(scope)
    return {own} if own else set()


def foreign(scope) -> bool:
    """True for a request another site made the browser send: Sec-Fetch-Site says
    cross-site or same-site (another subdomain), or Origin is not the app's own. A request
    typed or bookmarked by the user (Sec-Fetch-Site none) and non-browser clients (neither
    header; they cannot carry a victim's cookies) are not foreign."""
    site = _header(scope, b"sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return True
    origin = _header(scope, b"origin")
    if origin is not None and origin.strip().lower().rstrip("/") not in allowed_origins(scope):
        return True
    return False


def websocket_origin_allowed(scope) -> bool:
    """The websocket carries the whole app: only the app's own origin may open it. Browsers
    always send Origin on a websocket; a handshake without one is refused too."""
    origin = _header(scope, b"origin")
    return origin is not None and origin.strip().lower().rstrip("/") in allowed_origins(scope)


# --- small pages of the app's own routes --------------------------------------------------------

def lang_of(scope) -> str:
    from urllib.parse import parse_qs
    q = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    value = (q.get("lang") or [i18n.DEFAULT_LANG])[0]
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def simple_page(title: str, paragraphs: list[str], lang: str, *, form: str | None = None,
                button: str | None = None, link: tuple[str, str] | None = None,
                script: str | None = None) -> str:
    """A minimal page for the app's own HTTP routes (refusals, log-out). Every text is
    escaped; no user input ever reaches it unescaped."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"{e(lang)}\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<title>{e(title)} – Dorpsregie</title>",
             "<style>body{font-family:sans-serif;max-width:36rem;margin:4rem auto;"
             "padding:0 1rem;color:#262730}button{font-size:1rem;padding:.5rem 1.2rem;"
             "background:#1f6f8b;color:#fff;border:0;border-radius:.4rem;cursor:pointer}"
             "a{color:#1f6f8b}</style>"]
    if script:
        parts.append(f"<script src=\"{e(script)}\" defer></script>")
    parts.append(f"</head><body><main><h1>{e(title)}</h1>")
    parts += [f"<p>{e(p)}</p>" for p in paragraphs]
    if form and button:
        parts.append(f"<form id=\"dorp-form\" method=\"post\" action=\"{e(form)}\">"
                     f"<button type=\"submit\">{e(button)}</button></form>")
    if link:
        parts.append(f"<p><a href=\"{e(link[0])}\">{e(link[1])}</a></p>")
    parts.append("</main></body></html>")
    return "".join(parts)


def refusal(scope, status: int = 403):
    """The answer to a request from another site: nothing happens, and the user is told."""
    from starlette.responses import HTMLResponse
    lang = lang_of(scope)
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    body = simple_page(t("security.refused_title"), [t("security.refused_cross_site")], lang,
                       link=("/", t("security.to_app")))
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


# --- the page's language -----------------------------------------------------------------------

STREAMLIT_LANG = b'<html lang="en">'
STYLESHEET = b'<link rel="stylesheet" href="./app/static/dorp.css" />'


def page_shell(body: bytes, lang: str = i18n.DEFAULT_LANG) -> bytes:
    """Streamlit's index.html, the shell every page loads in: it declares
    `<html lang="en">`, but the app speaks Dutch, and screen readers must be told so (WCAG
    3.1.1); and it gets the app's stylesheet (static/dorp.css: focus outlines and the phone
    layout, what the theme options cannot say). Other HTML passes unchanged."""
    at = body.find(STREAMLIT_LANG, 0, 4096)
    if at < 0:
        return body
    body = body[:at] + f'<html lang="{lang}">'.encode("ascii") + body[at + len(STREAMLIT_LANG):]
    return body.replace(b"</head>", STYLESHEET + b"</head>", 1)


# --- the middleware -------------------------------------------------------------------------------

class SecurityMiddleware:
    """Pure ASGI middleware (also sees the websocket handshake). `get_db` gives the store;
    `is_lead(db, session_token)` says whether a session cookie belongs to a programme lead."""

    def __init__(self, app, get_db: Callable, is_lead: Callable):
        self.app = app
        self.get_db = get_db
        self.is_lead = is_lead

    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind == "websocket":
            if scope["path"].endswith(WEBSOCKET_PATH) and not websocket_origin_allowed(scope):
                log.warning("websocket refused: origin %r is not the app's own",
                            _header(scope, b"origin"))
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return

        path = scope["path"]
        https = is_https(scope)
        response = None
        if path.endswith(METRICS_PATH) and not await self._lead(scope):
            from starlette.responses import PlainTextResponse
            response = PlainTextResponse(i18n.t("security.metrics_refused", lang_of(scope)),
                                         status_code=403, headers={"Cache-Control": "no-store"})
        elif path == STREAMLIT_SSO_LOGOUT and scope["method"] in ("GET", "HEAD") \
                and foreign(scope):
            response = refusal(scope)
        if response is not None:
            await response(scope, receive, self._with_headers(send, https, False))
            return
        needs_key = scope["method"] == "GET" and not self._cookie(scope, BROWSER_COOKIE)
        await self.app(scope, receive, self._with_headers(send, https, needs_key))

    def _with_headers(self, send, https: bool, give_browser_key: bool):
        page = {"html": False}

        async def wrapped(message):
            if message["type"] == "http.response.start":
                from starlette.datastructures import MutableHeaders
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(https):
                    if name not in headers:
                        headers[name] = value
                html_page = headers.get("content-type", "").startswith("text/html")
                page["html"] = html_page and "content-encoding" not in headers
                if page["html"] and "content-length" in headers:
                    del headers["content-length"]      # page_shell may add a line
                if give_browser_key and html_page:
                    headers.append("Set-Cookie", browser_key_cookie(https))
            elif message["type"] == "http.response.body" and page["html"]:
                message = {**message, "body": page_shell(message.get("body", b""))}
            await send(message)
        return wrapped

    @staticmethod
    def _cookie(scope, name: str) -> str | None:
        from starlette.requests import HTTPConnection
        return HTTPConnection(scope).cookies.get(name) or None

    async def _lead(self, scope) -> bool:
        token = self._cookie(scope, SESSION_COOKIE)
        if not token:
            return False
        from starlette.concurrency import run_in_threadpool
        try:
            return bool(await run_in_threadpool(self.is_lead, self.get_db(), token))
        except Exception:   # no store, locked database...: refuse, never leak
            log.exception("metrics: session check failed")
            return False


def browser_key_cookie(https: bool) -> str:
    """Set-Cookie value of a new browser key: random, HttpOnly (no script reads it), SameSite
    Lax, for this browser session only."""
    value = f"{BROWSER_COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; SameSite=Lax"
    return value + ("; Secure" if https else "")


# --- which clients may say they are a proxy -------------------------------------------------------

def align_proxy_trust() -> bool:
    """Make uvicorn believe X-Forwarded-Proto/-For only from $DORP_TRUSTED_PROXIES.

    uvicorn (under `streamlit run`) trusts these headers from 127.0.0.1 and ::1 unless
    FORWARDED_ALLOW_IPS says otherwise, and reads that variable before it imports app.py.
    So this sets the variable (for any later server start in this process) and adjusts the
    server configuration that is importing us right now; uvicorn builds its proxy-header
    middleware from it after the import. Returns False when no uvicorn configuration was
    found (another ASGI server: then set its own trusted-proxy option to the same list)."""
    trusted = config.trusted_proxies()
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(trusted)
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if type(candidate).__module__ == "uvicorn.config" \
                and type(candidate).__name__ == "Config" \
                and hasattr(candidate, "forwarded_allow_ips"):
            candidate.forwarded_allow_ips = list(trusted)
            return True
        frame = frame.f_back
    log.warning("DORP_TRUSTED_PROXIES: no uvicorn configuration found; make sure the ASGI "
                "server trusts X-Forwarded-* only from %s", trusted or "no one")
    return False
