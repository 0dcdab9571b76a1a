"""Keeping a log-in across reloads and tabs: two small HTTP routes beside the Streamlit app
(app.py mounts them with `st.App(..., routes=...)`).

Streamlit's own session lives in one tab's websocket, and a script cannot set an HttpOnly
cookie. So a successful log-in in the page creates a one-time code and sends the browser to
`/auth/session?code=...`, which sets the session cookie (HttpOnly, SameSite=Lax, Secure on
https) and returns to the page. Every script run reads the cookie (`st.context.cookies`)
and checks the session in the database (dorp/repo/sessions.py). `/auth/logout` ends the
session and clears the cookie.
"""

from __future__ import annotations

import re
from typing import Callable

from dorp.db import Db
from dorp.repo import sessions as store

COOKIE = "dorp_session"
LOGIN_ROUTE = "/auth/session"
LOGOUT_ROUTE = "/auth/logout"
_SAFE_NEXT = re.compile(r"^/[A-Za-z0-9_\-]*$")


def safe_next(value: str | None) -> str:
    """Only a local page path such as /overzicht (no other site, no //host)."""
    return value if value and _SAFE_NEXT.match(value) else "/"


def make_routes(get_db: Callable[[], Db]) -> list:
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    def _secure(request) -> bool:
        proto = request.headers.get("x-forwarded-proto", request.url.scheme)
        return proto == "https"

    def login(request):
        token = store.redeem_handoff(get_db(), request.query_params.get("code", ""))
        response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
        response.headers["Cache-Control"] = "no-store"
        if token:
            response.set_cookie(COOKIE, token, max_age=int(store.ABSOLUTE.total_seconds()),
                                path="/", httponly=True, samesite="lax", secure=_secure(request))
        return response

    def logout(request):
        store.end(get_db(), request.cookies.get(COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.headers["Cache-Control"] = "no-store"
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                               secure=_secure(request))
        return response

    return [Route(LOGIN_ROUTE, login, methods=["GET"]),
            Route(LOGOUT_ROUTE, logout, methods=["GET", "POST"])]
