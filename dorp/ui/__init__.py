"""The only Streamlit-aware module of the package: cached connection, the access guard,
the login form, the language switch and small display helpers. Pages import this."""

from __future__ import annotations

from datetime import date  # noqa: F401  (type of today())

import streamlit as st

from dorp import config, i18n
from dorp.access import AccessDenied, User, can, role_can
from dorp.db import Db, DatabaseLocked, StaleVersion, open_db
from dorp.errors import Invalid
from dorp.repo import programme, users


# --- storage ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _connection():
    """One DuckDB connection per server process; migrations run at app start."""
    return open_db().con


def db() -> Db:
    try:
        return Db(_connection())
    except DatabaseLocked:
        st.error(t("app.db_locked"))
        st.stop()


def after_write() -> None:
    """Called after every successful write: cached views must never show stale data."""
    st.cache_data.clear()


def write(action, success: str | None = None):
    """Run a data-layer write and answer the user in Dutch. Returns the action's result,
    or None when it was refused (the form keeps the user's input: nothing is cleared).

    - Invalid: each problem is shown (pages may also show e.problems next to fields, via
      the returned None and st.session_state["form_errors"]);
    - StaleVersion: who changed it and when; the input stays on screen to re-apply;
    - AccessDenied: a refusal.
    """
    st.session_state["form_errors"] = {}
    try:
        result = action()
    except Invalid as e:
        st.session_state["form_errors"] = e.problems
        st.error(t("app.invalid"))
        for msg in e.problems.values():
            st.error(msg)
        return None
    except StaleVersion as e:
        st.warning(str(e))
        return None
    except AccessDenied as e:
        st.error(str(e))
        return None
    after_write()
    if success:
        st.toast(success)
    return result


def field_error(name: str) -> None:
    """Show the server's message for one field, next to that field."""
    msg = st.session_state.get("form_errors", {}).get(name)
    if msg:
        st.error(msg)


def today() -> date:
    return st.session_state.get("today_override") or config.today()


# --- language ----------------------------------------------------------------------------------

def lang() -> str:
    value = st.session_state.get("lang", i18n.DEFAULT_LANG)
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def t(key: str, **kwargs) -> str:
    return i18n.t(key, lang(), **kwargs)


def label(kind: str, code) -> str:
    return i18n.label(kind, code, lang())


def fmt_date(d) -> str:
    return i18n.fmt_date(d, lang())


def language_switch() -> None:
    st.sidebar.radio(
        "Taal / Language", options=list(i18n.LANGS), key="lang", horizontal=True,
        format_func=lambda code: {"nl": "Nederlands", "en": "English"}[code],
    )


# --- access -----------------------------------------------------------------------------------

def current_user() -> User | None:
    return st.session_state.get("user")


def login_form() -> None:
    st.title(t("login.title"))
    st.write(t("login.intro"))
    database = db()
    if users.count(database) == 0:
        st.info(t("login.no_accounts"))
        st.code("echo 'een-sterk-wachtwoord' | dorp user add NAAM --role lead --password-stdin",
                language="bash")
    with st.form("login"):
        username = st.text_input(t("login.username"))
        password = st.text_input(t("login.password"), type="password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if submitted:
        if not username or not password:
            st.error(t("login.missing"))
            return
        user = users.authenticate(database, username.strip(), password)
        if user is None:
            st.error(t("login.failed"))
            return
        st.session_state["user"] = user
        st.rerun()


def logout() -> None:
    st.session_state.pop("user", None)
    st.rerun()


def guard(capability: str, village_id: int | None = None) -> User:
    """First call of every page: shows the login form, or a refusal, and stops the script
    unless the current user may use `capability`. Pages opened by a deep link run without
    app.py, so this must not rely on app.py having run."""
    user = current_user()
    if user is None:
        login_form()
        st.stop()
    if not can(user, capability, village_id):
        st.error(t("app.no_access"))
        st.stop()
    return user


def sidebar(user: User) -> None:
    language_switch()
    st.sidebar.caption(t("app.logged_in_as", user=user.username, role=label("role", user.role)))
    if st.sidebar.button(t("login.logout"), key="logout"):
        logout()


def demo_banner(database: Db, user: User) -> None:
    prog = programme.get(database, user)
    if prog and prog["is_demo"]:
        st.info(t("app.demo_banner"), icon="ℹ️")


# --- navigation ---------------------------------------------------------------------------------
# (script, title key, section key, capability, url path). One list; app.py builds the menu
# from it for the current role.
PAGES = [
    ("pages/overzicht.py", "nav.overview", "nav.section_programme", "view_programme", "overzicht"),
    ("pages/pilot.py", "nav.pilot", "nav.section_programme", "view_village_any", "pilot"),
]


def pages_for(user: User) -> dict[str, list]:
    menu: dict[str, list] = {}
    for script, title, section, capability, url in PAGES:
        if role_can(user, capability):
            menu.setdefault(t(section), []).append(st.Page(script, title=t(title), url_path=url))
    return menu
