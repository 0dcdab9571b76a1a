"""The residents' ballot page: small server-rendered HTTP routes beside the Streamlit app
(app.py mounts them with `st.App(routes=...)`, under the security middleware of
dorp/httpsec.py). The one page reachable without login (INTERFACES.md, Browser).

Why not a Streamlit page: 200 phones voting within a minute would be 200 websocket sessions,
each running a script and holding session state, with a JavaScript bundle of several MB to
load on a village hall's Wi-Fi. A plain HTML form is a few KB, works without JavaScript and on
any phone, and a vote is one POST (docs/ARCHITECTURE.md, "The live ballot").

    GET  /stem              a field for the code (the short address printed on the card)
    GET  /stem?code=XXXX    the open round's options for that code (the QR code's link), or
                            a plain Dutch message (unknown, used, expired, closed, throttled)
    POST /stem              the vote: code, keuze (one or more), csrf; then 303 to /stem/bedankt
    GET  /stem/bedankt      "Bedankt, uw stem is geteld."

CSRF: the POST must come from the app's own origin (httpsec.foreign: Sec-Fetch-Site/Origin)
and carry the token of a cookie set by the GET (double submit; SameSite=Strict, HttpOnly).
All text goes through Jinja2 with autoescaping. Nothing here changes state on a GET, except
that an unknown code counts as a failed attempt (throttling).
"""

from __future__ import annotations

import hmac
import secrets
from functools import lru_cache
from typing import Callable

from dorp import httpsec, i18n
from dorp.db import Db

PATH = "/stem"
THANKS_PATH = "/stem/bedankt"
CSRF_COOKIE = "dorp_stem"
MAX_FORM_FIELDS = 50


@lru_cache(maxsize=1)
def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape
    return Environment(loader=PackageLoader("dorp", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def render(lang: str, **ctx) -> str:
    """The ballot page. Every value is escaped by Jinja2 (autoescape)."""
    base = {"lang": lang, "t": lambda key, **kw: i18n.t(key, lang, **kw), "problem": None,
            "lang_param": "" if lang == i18n.DEFAULT_LANG else lang,
            "thanks": None, "message": None, "options": [], "ask_code": False, "code": "",
            "csrf": "", "intro": None, "choices": 1, "chosen": [], "legend": "",
            "action": PATH + ("" if lang == i18n.DEFAULT_LANG else f"?lang={lang}")}
    return _templates().get_template("stem.html").render({**base, **ctx})


def make_routes(get_db: Callable[[], Db]) -> list:
    from starlette.responses import HTMLResponse, RedirectResponse
    from starlette.routing import Route

    from dorp import ballot as rules
    from dorp.repo import ballot as store

    def _page(body: str, status: int = 200, csrf: str | None = None, https: bool = False):
        r = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
        if csrf:
            r.set_cookie(CSRF_COOKIE, csrf, path=PATH, httponly=True, samesite="strict",
                         secure=https)
        return r

    def _message(lang: str, key: str, status: int, **kw) -> str:
        t = lambda k, **x: i18n.t(k, lang, **x)  # noqa: E731
        ask = key in ("unknown", "malformed")
        return render(lang, title=t("ballot.message_title"), message=t(f"ballot.{key}", **kw),
                      ask_code=ask)

    STATUS = {"unknown": 404, "malformed": 400, "used": 409, "expired": 410, "closed": 410,
              "throttled": 429}

    def _show(request, lang: str, b: store.Ballot, code: str, problem: str | None = None,
              chosen: list[int] | None = None):
        t = lambda k, **x: i18n.t(k, lang, **x)  # noqa: E731
        https = httpsec.is_https(request.scope)
        if b.state != "open":
            return _page(_message(lang, b.state, 0, minutes=b.wait_minutes),
                         STATUS.get(b.state, 400))
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        legend = t("ballot.legend_one") if b.choices == 1 else t("ballot.legend_many",
                                                                  n=b.choices)
        body = render(lang, title=b.title, options=b.options, choices=b.choices,
                      code=rules.display(rules.normalise(code)), csrf=token, legend=legend,
                      problem=problem, chosen=chosen or [])
        return _page(body, 422 if problem else 200, csrf=token, https=https)

    def ballot_page(request):
        lang = httpsec.lang_of(request.scope)
        code = request.query_params.get("code")
        if not code:
            t = lambda k, **x: i18n.t(k, lang, **x)  # noqa: E731
            return _page(render(lang, title=t("ballot.enter_title"), ask_code=True,
                                intro=t("ballot.enter_intro")))
        client = request.client.host if request.client else None
        b = store.ballot_for_code(get_db(), code[:40], client)
        return _show(request, lang, b, code)

    async def vote(request):
        from starlette.concurrency import run_in_threadpool
        if httpsec.foreign(request.scope):
            return httpsec.refusal(request.scope)
        lang = httpsec.lang_of(request.scope)
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
        code = str(form.get("code") or "")[:40]
        chosen = [str(v)[:20] for v in form.getlist("keuze")]
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        sent = str(form.get("csrf") or "")
        client = request.client.host if request.client else None
        db = get_db()
        if not cookie or not hmac.compare_digest(cookie, sent):
            b = await run_in_threadpool(store.ballot_for_code, db, code, client)
            return _show(request, lang, b, code, i18n.t("ballot.stale_form", lang))
        outcome = await run_in_threadpool(store.cast, db, code, chosen, client)
        if outcome.state == "counted":
            target = THANKS_PATH + ("?lang=en" if lang == "en" else "")
            r = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
            r.delete_cookie(CSRF_COOKIE, path=PATH)
            return r
        if outcome.state in ("none", "too_many"):
            keep = [int(c) for c in chosen if c.isdigit()]
            b = outcome.ballot
            return _show(request, lang, b, code,
                         i18n.t(f"ballot.{outcome.state}", lang, n=b.choices), keep)
        return _page(_message(lang, outcome.state, 0,
                              minutes=outcome.ballot.wait_minutes if outcome.ballot else 1),
                     STATUS.get(outcome.state, 400))

    def thanks(request):
        lang = httpsec.lang_of(request.scope)
        t = lambda k, **x: i18n.t(k, lang, **x)  # noqa: E731
        return _page(render(lang, title=t("ballot.thanks_title"), thanks=t("ballot.thanks")))

    return [Route(PATH, ballot_page, methods=["GET"]),
            Route(PATH, vote, methods=["POST"]),
            Route(THANKS_PATH, thanks, methods=["GET"])]

