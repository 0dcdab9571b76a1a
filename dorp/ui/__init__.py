"""The only Streamlit-aware module of the package: cached connection, the access guard,
the login form, the language switch and small display helpers. Pages import this."""

from __future__ import annotations

import re
from datetime import date  # noqa: F401  (type of today())

import streamlit as st

from dorp import config, i18n
from dorp.access import AccessDenied, User, can, role_can
from dorp.db import Db, DatabaseLocked, StaleVersion, StoreUnavailable, open_db
from dorp.errors import Invalid
from dorp.repo import programme, users


# --- storage ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _connection():
    """One store per server process (a DuckDB connection, or a PostgreSQL connection pool);
    migrations run at app start (on PostgreSQL under an advisory lock, so processes that
    start at once migrate once). A failure is not cached: the next run tries again."""
    return open_db().con


def db() -> Db:
    try:
        return Db(_connection())
    except DatabaseLocked:
        st.error(t("app.db_locked"))
        st.stop()
    except StoreUnavailable as e:
        store_unavailable(e)


def store_unavailable(e: StoreUnavailable) -> None:
    """The database cannot be reached: say so plainly (never a traceback, never the
    password) and stop this run. The connection pool reconnects by itself, so the next
    action works again once the server is back."""
    st.error(t("app.db_lost") if e.lost else t("app.db_unreachable"))
    st.caption(str(e))
    st.stop()


def check_store() -> None:
    """First thing of every run (ui.guard): is the database reachable right now? If not,
    the page says so instead of failing halfway."""
    try:
        db().store.ping()
    except StoreUnavailable as e:
        store_unavailable(e)


def run_page(nav) -> None:
    """Run the chosen page; a database connection lost meanwhile becomes a message (each
    save is one transaction, so nothing is half written)."""
    try:
        nav.run()
    except StoreUnavailable as e:
        store_unavailable(e)


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
    except StoreUnavailable as e:
        st.error(t("app.db_lost"))
        st.caption(str(e))
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
# Log-in, session cookie, Uitloggen and the guard live in dorp/ui/session.py.
from dorp.ui.session import (  # noqa: E402,F401
    always_navigate, current_user, guard, login_form, logout, sidebar)
# Edit and add forms: one mechanism (keys per record, the version shown, messages in place).
from dorp.ui.forms import CONFIRM, Form, confirm_button, flash, form_message  # noqa: E402,F401
# The check before sending (leads): texts for the funder that need a second look.
from dorp.ui.checks import check_before_sending  # noqa: E402,F401


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text) -> str:
    """User-entered text made inert inside st.markdown: every markdown character escaped, so a
    note cannot format, link or load an image. (Plain st.text needs no escaping.)"""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def log_read(user: User, village_id: int, *what: str) -> None:
    """Record that this page shows people and/or notes of one pilot (audit of reads)."""
    from dorp.repo import privacy
    for kind in what or (privacy.PEOPLE, privacy.NOTES):
        privacy.log_read(db(), user, kind, village_id)


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
    ("pages/dorpsdashboard.py", "nav.village_dashboard", "nav.section_village",
     "view_village_any", "dorpsdashboard"),
    ("pages/metingen.py", "nav.scores", "nav.section_village", "view_village_any", "metingen"),
    ("pages/begroting.py", "nav.budget", "nav.section_programme", "edit_budget", "begroting"),
    ("pages/plan.py", "nav.plan", "nav.section_programme", "edit_budget", "programmaplan"),
    ("pages/financiers.py", "nav.funder", "nav.section_funder", "view_funder", "financiers"),
    ("pages/startbijeenkomst.py", "nav.start", "nav.section_programme", "edit_village",
     "startbijeenkomst"),
    ("pages/stemronde.py", "nav.ballot", "nav.section_programme", "edit_village", "stemronde"),
    ("pages/gegevens.py", "nav.gegevens", "nav.section_admin", "exchange", "gegevens"),
    ("pages/accounts.py", "nav.accounts", "nav.section_admin", "manage_users", "accounts"),
]


def pages_for(user: User) -> dict[str, list]:
    menu: dict[str, list] = {}
    for script, title, section, capability, url in PAGES:
        if role_can(user, capability):
            menu.setdefault(t(section), []).append(st.Page(script, title=t(title), url_path=url))
    return menu


def all_pages() -> list:
    """Every page, for the logged-out navigation (each page then shows only the log-in)."""
    return [st.Page(script, title=t(title), url_path=url) for script, title, _s, _c, url in PAGES]


# --- cached views (dashboards) ------------------------------------------------------------------
# Dashboards keep what they computed per user, day, language and view key. Entries live in a
# resource cache (no copy on every hit: unpickling a programme of 1000 pilots costs more than a
# re-run may take) under the database's write stamp (dorp.repo.cache.stamp: every committed
# write, from any session, changes it) and a "generation" in st.cache_data that after_write()
# clears. So no earlier entry can be served after a save. Callers must not modify what they
# get back.

@st.cache_data(show_spinner=False)
def _generation() -> str:
    import uuid
    return uuid.uuid4().hex


@st.cache_resource(show_spinner=False, max_entries=512)
def _memo(key: tuple, _build):
    return _build()


def cached(key: tuple, build):
    """build(), memoised per user (name, role, villages), today, language and `key`, which must
    name everything else build() depends on (page, filters, choices). Every ui.write() ends
    the memo (after_write), so no cached view outlives a save."""
    from dorp.repo import cache as write_stamp
    user = current_user()
    who = (user.username, user.role, tuple(sorted(user.village_ids))) if user else None
    stamp = write_stamp.stamp(db())
    return _memo((_generation(), stamp, who, today().isoformat(), lang(), *key), build)


def chart(key: tuple, build_spec, width="stretch", **kwargs) -> None:
    """A chart from a Vega-Lite spec (build_spec() -> dict), cached with ui.cached and with its
    datasets already in Arrow, so a re-run neither rebuilds nor re-serialises it."""
    from streamlit import dataframe_util

    def build():
        spec = build_spec()
        spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(values)
                            for name, values in spec.get("datasets", {}).items()}
        return spec

    spec = cached(("chart", *key), build)
    st.vega_lite_chart(dict(spec), width=width, **kwargs)
