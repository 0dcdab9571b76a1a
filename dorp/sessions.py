"""Keeping a log-in across reloads and tabs: small HTTP routes beside the Streamlit app
(app.py mounts them with `st.App(..., routes=...)`; the security middleware is in
dorp/httpsec.py).

Streamlit's own session lives in one tab's websocket, and a script cannot set an HttpOnly
cookie. So a successful log-in in the page creates a one-time code and sends the browser to
`/auth/session?code=...`, which sets the session cookie (HttpOnly, SameSite=Lax, Secure on
https) and returns to the page. Every script run reads the cookie (`st.context.cookies`)
and checks the session in the database (dorp/repo/sessions.py).

Login CSRF: the code is bound to the browser that submitted the log-in form (the hash of
its `dorp_browser` key cookie is stored with the code) and /auth/session refuses requests
made by another site. A code someone obtained by logging in themselves is worthless in
anyone else's browser.

Log-out is a same-origin POST to /auth/logout: it ends the server session and clears the
cookie. A GET never logs anyone out (a link or an image cannot). The Uitloggen button
ends the session through the page's own (origin-checked) websocket at once and then sends
the browser to /auth/uitloggen, a tiny page whose form POSTs to /auth/logout to clear the
cookie; it submits itself only for a session that has already ended, and only when the
browser reports a same-origin navigation, so it cannot log anyone out on another site's
behalf. (Streamlit's own GET /auth/logout, used by single sign-on, is a different route;
it never touches this session cookie, and httpsec refuses it from other sites.)
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urlencode

from dorp import httpsec, i18n
from dorp.db import Db
from dorp.repo import sessions as store
from dorp.repo import users

COOKIE = httpsec.SESSION_COOKIE
BROWSER_COOKIE = httpsec.BROWSER_COOKIE
LOGIN_ROUTE = "/auth/session"
LOGOUT_ROUTE = "/auth/logout"            # POST only
LOGOUT_PAGE = "/auth/uitloggen"          # GET: the page whose form posts to LOGOUT_ROUTE
LOGOUT_SCRIPT = "/auth/uitloggen.js"     # submits that form (CSP: scripts only from 'self')
LOGIN_FAILED = "inloggen=mislukt"        # query a failed hand-off returns with
_SAFE_NEXT = re.compile(r"^/[A-Za-z0-9_\-]*$")
_SUBMIT_JS = ("var f = document.getElementById('dorp-form');\n"
              "if (f) { f.submit(); }\n")


def safe_next(value: str | None) -> str:
    """Only a local page path such as /overzicht (no other site, no //host)."""
    return value if value and _SAFE_NEXT.match(value) else "/"


def logout_page_url(lang: str) -> str:
    return LOGOUT_PAGE + "?" + urlencode({"lang": lang})


def is_lead_session(db: Db, token: str | None) -> bool:
    """Whether a session cookie belongs to a live session of an enabled programme lead."""
    uid = store.resolve(db, token)
    user = users.load_by_id(db, uid) if uid is not None else None
    return user is not None and user.is_lead


def make_routes(get_db: Callable[[], Db]) -> list:
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    def _no_store(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    def _clear_cookie(response, request) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                               secure=httpsec.is_https(request.scope))

    def login(request):
        if httpsec.foreign(request.scope):
            return httpsec.refusal(request.scope)
        target = safe_next(request.query_params.get("next"))
        token = store.redeem_handoff(get_db(), request.query_params.get("code", ""),
                                     request.cookies.get(BROWSER_COOKIE))
        if not token:
            return _no_store(RedirectResponse(f"{target}?{LOGIN_FAILED}", status_code=303))
        response = _no_store(RedirectResponse(target, status_code=303))
        response.set_cookie(COOKIE, token, max_age=int(store.ABSOLUTE.total_seconds()),
                            path="/", httponly=True, samesite="lax",
                            secure=httpsec.is_https(request.scope))
        return response

    def logout(request):
        """POST only, same origin only: end the server session and clear the cookie."""
        if httpsec.foreign(request.scope):
            return httpsec.refusal(request.scope)
        store.end(get_db(), request.cookies.get(COOKIE))
        response = _no_store(RedirectResponse("/", status_code=303))
        _clear_cookie(response, request)
        return response

    def logout_page(request):
        """Never logs out by itself. Shows a form that POSTs to LOGOUT_ROUTE; the form
        submits itself (the Uitloggen button's second half: clearing the cookie) only when
        the session has already ended and the browser says this navigation came from the
        app itself. Otherwise the user decides with the button."""
        lang = httpsec.lang_of(request.scope)
        t = lambda key: i18n.t(key, lang)  # noqa: E731
        token = request.cookies.get(COOKIE)
        live = bool(token) and store.resolve(get_db(), token) is not None
        same_origin = request.headers.get("sec-fetch-site", "same-origin") == "same-origin"
        auto = not live and same_origin and not httpsec.foreign(request.scope)
        if auto:
            body = httpsec.simple_page(t("logout_page.title"), [t("logout_page.busy")], lang,
                                       form=LOGOUT_ROUTE, button=t("logout_page.continue"),
                                       script=LOGOUT_SCRIPT)
        elif live:
            body = httpsec.simple_page(t("logout_page.title"), [t("logout_page.confirm")],
                                       lang, form=LOGOUT_ROUTE, button=t("logout_page.button"),
                                       link=("/", t("logout_page.back")))
        else:
            body = httpsec.simple_page(t("logout_page.title"), [t("logout_page.done")], lang,
                                       form=LOGOUT_ROUTE, button=t("logout_page.continue"))
        return _no_store(HTMLResponse(body))

    def logout_script(request):
        return Response(_SUBMIT_JS, media_type="text/javascript",
                        headers={"Cache-Control": "no-store"})

    return [Route(LOGIN_ROUTE, login, methods=["GET"]),
            Route(LOGOUT_ROUTE, logout, methods=["POST"]),
            Route(LOGOUT_PAGE, logout_page, methods=["GET"]),
            Route(LOGOUT_SCRIPT, logout_script, methods=["GET"])]
