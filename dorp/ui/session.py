"""Log-in, the session cookie, Uitloggen and the access guard (re-exported by dorp.ui).

In a browser the user comes from the HttpOnly session cookie, checked against the
`sessions` table on every script run (so Uitloggen in one tab, an idle or absolute time-out,
or a disabled account take effect everywhere). Without a browser connection (AppTest) only
the server-side `st.session_state["user"]` counts; a client can never set that.
"""

from __future__ import annotations

import inspect
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from dorp import sessions as cookie
from dorp.access import User, can
from dorp.repo import sessions as store
from dorp.repo import users


def _ui():
    from dorp import ui  # late: dorp.ui imports this module
    return ui


def _browser() -> bool:
    """True when a real browser is connected (it always sends request headers)."""
    try:
        return bool(st.context.headers)
    except Exception:
        return False


def _cookie(name: str) -> str | None:
    """A cookie the browser sent when this tab's websocket connected."""
    try:
        value = st.context.cookies.get(name)
    except Exception:
        return None
    return value if isinstance(value, str) and value else None


def _token() -> str | None:
    return _cookie(cookie.COOKIE)


def _oidc() -> bool:
    """DORP_AUTH=oidc: log in at the organisation's OIDC provider (st.login, streamlit[auth],
    an [auth] section in .streamlit/secrets.toml) instead of with a local password."""
    return os.environ.get("DORP_AUTH", "").lower() == "oidc"


def _oidc_user() -> User | None:
    info = st.user
    try:
        if not info.is_logged_in:
            return None
    except AttributeError:   # no [auth] section in secrets.toml: nobody can be logged in
        return None
    user = users.from_identity(_ui().db(), info.get("email"), info.get("email_verified", True))
    if user is None:
        st.session_state["oidc_unknown"] = info.get("email") or "?"
    return user


def current_user() -> User | None:
    """The logged-in user of this run, or None."""
    if _oidc():
        return _oidc_user()
    if st.session_state.pop("logging_out", False):
        st.session_state.pop("user", None)
        if _browser():
            # The session has ended already (logout()). The log-out page POSTs to
            # /auth/logout, which clears the cookie and returns to the log-in form; nothing
            # is drawn here meanwhile.
            _redirect(cookie.logout_page_url(_ui().lang()))
            st.caption(_ui().t("logout_page.busy"))
            st.stop()
        return None
    if not _browser():
        return st.session_state.get("user")
    database = _ui().db()
    token = _token()
    # One check per run is enough: helpers that ask again within a second reuse it.
    seen = st.session_state.get("_session_seen")
    if seen and token and seen[0] == store.token_hash(token) and time.monotonic() - seen[1] < 1.0 \
            and st.session_state.get("user") is not None:
        return st.session_state["user"]
    uid = store.resolve(database, token)
    if uid is None:
        st.session_state.pop("_session_seen", None)
        if st.session_state.pop("user", None) is not None or _token():
            st.session_state["session_ended"] = True
        return None
    user = st.session_state.get("user")
    if user is None or user.id != uid:
        user = users.load_by_id(database, uid)
        st.session_state["user"] = user
    st.session_state["_session_seen"] = (store.token_hash(token), time.monotonic())
    return user


def _redirect(url: str) -> None:
    """Send the browser to `url` (a full page load), the way st.login/st.logout do."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.enqueue(msg)


def _page_path(user: User) -> str:
    """The URL path of the page being run, if it is in the user's menu, so a log-in returns
    to a deep link ("/" otherwise: the start page of the user's role)."""
    from dorp.access import role_can
    ui = _ui()
    scripts = {Path(script).name: url for script, _t, _s, cap, url in ui.PAGES
               if role_can(user, cap)}
    for frame in inspect.stack():
        name = Path(frame.filename).name
        if Path(frame.filename).parent.name == "pages" and name in scripts:
            return "/" + scripts[name]
    return "/"


def login_form() -> None:
    ui = _ui()
    t = ui.t
    st.title(t("login.title"))
    st.write(t("login.intro"))
    if st.session_state.pop("session_ended", False):
        st.info(t("login.ended"))
    key, value = cookie.LOGIN_FAILED.split("=")
    if st.query_params.get(key) == value:   # /auth/session refused the hand-off
        del st.query_params[key]
        st.warning(t("login.handoff_failed"))
    database = ui.db()
    if _oidc():
        unknown = st.session_state.pop("oidc_unknown", None)
        if unknown:
            st.error(t("login.oidc_unknown", email=unknown))
            st.button(t("login.logout"), on_click=st.logout)
        else:
            st.button(t("login.oidc"), type="primary", on_click=st.login)
        return
    if users.count(database) == 0:
        st.info(t("login.no_accounts"))
        st.code("echo 'een-sterk-wachtwoord' | dorp user add NAAM --role lead --password-stdin",
                language="bash")
    with st.form("login"):
        username = st.text_input(t("login.username"), max_chars=64)
        password = st.text_input(t("login.password"), type="password", max_chars=128)
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if not submitted:
        return
    username = username.strip()
    if not username or not password:
        st.error(t("login.missing"))
        return
    browser_key = _cookie(cookie.BROWSER_COOKIE)
    if _browser() and not browser_key:
        # The hand-off code is bound to this browser's key cookie (login CSRF); without it
        # (cookies refused for this site) a log-in cannot be completed.
        st.error(t("login.no_cookie"))
        return
    try:
        user = users.authenticate(database, username, password)
    except users.Throttled as e:
        st.error(t("login.throttled", seconds=e.wait_seconds))
        return
    if user is None:
        wait = users.wait_seconds(database, username)
        st.error(t("login.failed_wait", seconds=wait) if wait else t("login.failed"))
        return
    if not _browser():
        st.session_state["user"] = user
        st.rerun()
    code = store.create_handoff(database, user.id, browser_key)
    url = cookie.LOGIN_ROUTE + "?" + urlencode({"code": code, "next": _page_path(user)})
    st.success(t("login.redirecting"))
    st.link_button(t("login.continue"), url)
    _redirect(url)
    st.stop()


def logout() -> None:
    """Uitloggen: end the session in the database at once (its token is worthless from now
    on, in every tab), forget the user, and let the next run clear the cookie. Used as the
    button's on_click callback, so it runs before the script draws anything."""
    if _oidc():
        st.logout()
        return
    store.end(_ui().db(), _token())
    st.session_state.pop("user", None)
    st.session_state["logging_out"] = True


def guard(capability: str, village_id: int | None = None) -> User:
    """First call of every page: shows the login form, or a refusal, and stops the script
    unless the current user may use `capability`. Pages opened by a deep link run without
    app.py, so this must not rely on app.py having run."""
    ui = _ui()
    ui.new_run()
    ui.check_store()
    user = current_user()
    if user is None:
        login_form()
        st.stop()
    if not can(user, capability, village_id):
        st.error(ui.t("app.no_access"))
        st.stop()
    return user


def sidebar(user: User, menu: dict[str, list] | None = None) -> None:
    """The sidebar: the user's menu (sections of page links), language, who is logged in,
    Uitloggen. The menu is drawn with st.page_link, not by st.navigation: Streamlit's own
    sectioned menu puts <li> elements inside <div>s of a <ul> (invalid list markup, which
    screen readers announce wrongly; WCAG 1.3.1). A single page needs no menu."""
    ui = _ui()
    # the hidden root page (it sends each role to its start page) is not in the menu
    shown = {section: [p for p in pages if getattr(p, "visibility", "visible") != "hidden"]
             for section, pages in (menu or {}).items()}
    shown = {section: pages for section, pages in shown.items() if pages}
    if sum(len(pages) for pages in shown.values()) > 1:
        with st.sidebar.container(key="menu"):
            for section, pages in shown.items():
                st.caption(section)
                for page in pages:
                    st.page_link(page)
    ui.language_switch()
    st.sidebar.caption(ui.t("app.logged_in_as", user=user.username,
                            role=ui.label("role", user.role)))
    st.sidebar.button(ui.t("login.logout"), key="logout", on_click=logout)


def always_navigate() -> None:
    """Make every request run app.py (with its st.navigation), also the first deep link on a
    freshly started server. Streamlit otherwise runs a pages/ script directly, by the old
    multipage rules, until some session has called st.navigation. Pages still guard
    themselves (ui.guard), so this is comfort, not the security boundary."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
        PagesManager.uses_pages_directory = False
    except Exception:  # a future Streamlit without the flag: the guards still hold
        pass
