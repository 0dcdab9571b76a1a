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
    new_run()


def new_run() -> None:
    """Forget what this run knew about the store's write stamp (ui.guard calls this first
    thing in every run, after_write after each save), so ui.cached reads it afresh."""
    st.session_state.pop("_view_key", None)


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


def dashes(frame):
    """A table for display: an empty text cell shows "–", never Python's None or NaN."""
    import pandas as pd
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or str(out[c].dtype).startswith(("str", "string")):
            out[c] = out[c].map(lambda v: "–" if v is None or (not isinstance(v, str)
                                                               and pd.isna(v)) or v == "" else v)
    return out


def link(page: str, label: str, query_params: dict | None = None, where=None) -> None:
    """A link to another page of the app that reads as a link (blue, with an arrow), not as
    grey text: st.page_link draws its label as markdown in the body colour."""
    (where or st).page_link(page, label=f":blue[{label} →]", query_params=query_params)


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


# Where each role starts: its own work (issue 17). "/" leads there; every page keeps its own
# address (/overzicht opened directly shows the overview, also after a reload).
START = {"lead": "overzicht", "steering": "dorpsdashboard", "funder": "financiers"}


def start_url(user: User) -> str:
    return START.get(user.role, "overzicht")


def _start_page() -> None:
    """The app's root URL: sends the logged-in user to where their work is."""
    from dorp.ui.session import current_user
    user = current_user()
    target = start_url(user) if user else "overzicht"
    script = next(sc for sc, _t, _s, _c, url in PAGES if url == target)
    st.switch_page(script)


def pages_for(user: User) -> dict[str, list]:
    """The menu of the user's role, the section of the role's start page first (a steering
    member's village pages, with the pilot among them), preceded by the hidden root page."""
    start = start_url(user)
    menu: dict[str, list] = {"": [st.Page(_start_page, title=t("nav.start_page"),
                                          url_path="start", default=True,
                                          visibility="hidden")]}
    sections = []
    for script, title, section, capability, url in PAGES:
        if not role_can(user, capability):
            continue
        if user.role == "steering" and url == "pilot":
            section = "nav.section_village"
        page = st.Page(script, title=t(title), url_path=url)
        sections.append((t(section), page, url == start))
    first = next((sec for sec, _p, is_start in sections if is_start), None)
    for sec, page, is_start in sorted(sections, key=lambda x: x[0] != first):
        if is_start:
            menu.setdefault(sec, []).insert(0, page)
        else:
            menu.setdefault(sec, []).append(page)
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
    """build(), memoised per user scope (role and villages), today, language and `key`, which
    must name everything else build() depends on (page, filters, choices). Every ui.write()
    ends the memo (after_write), so no cached view outlives a save."""
    return _memo((*_view_key(), *key), build)


def _view_key() -> tuple:
    """What every cached view of this run depends on besides its own key: the generation,
    the store's write stamp, the user's scope, today and the language. Read once per run (a
    page has several cached views; the stamp is a query): ui.guard starts each run afresh,
    and a save in this run (after_write) makes it read again."""
    from dorp.repo import cache as write_stamp
    user = current_user()
    who = (user.role, tuple(sorted(user.village_ids))) if user else None
    known = st.session_state.get("_view_key")
    if known is None or known[2] != who or known[3] != today().isoformat() or known[4] != lang():
        known = (_generation(), write_stamp.stamp(db()), who, today().isoformat(), lang())
        st.session_state["_view_key"] = known
    return known


def chart(key: tuple, build_spec, width="stretch", *, summary: str, **kwargs) -> None:
    """Every chart of the app is drawn here: a Vega-Lite spec (build_spec() -> dict), cached
    with ui.cached and with its datasets already in Arrow, so a re-run neither rebuilds nor
    re-serialises it.

    Its text alternative (WCAG 1.1.1) comes with it: `summary`, a short sentence saying what
    the chart shows and how to read it, is the chart's accessible name (Vega's description,
    the aria-label of the drawing) and stands under it; a toggle shows the chart's numbers
    as a table (chart_table: the fields its tooltips name, under their titles)."""
    from streamlit import dataframe_util

    def build():
        spec = build_spec()
        spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(values)
                            for name, values in spec.get("datasets", {}).items()}
        return spec

    spec = dict(cached(("chart", *key), build))
    spec["description"] = summary
    # Marks stay out of the accessibility tree: the summary and the table say what they
    # show (Vega would otherwise name each dot "lon: 5,7; lat: 52,1", and an empty layer
    # would be an unnamed graphic).
    config = dict(spec.get("config", {}))
    config["mark"] = {**config.get("mark", {}), "aria": False}
    spec["config"] = config
    st.vega_lite_chart(spec, width=width, **kwargs)
    st.caption(md(summary))
    if st.toggle(t("chart.show_table"), key="chart_table:" + ":".join(map(str, key))):
        for table in cached(("chart_table", *key), lambda: chart_table(build_spec(), lang())):
            st.dataframe(table, hide_index=True, width="stretch")


def chart_table(spec: dict, lang_: str) -> list:
    """The numbers behind a Vega-Lite spec as readable tables: for each dataset, the fields its
    tooltips show, under the tooltips' titles (dates as dates, in the chosen language)."""
    import pandas as pd

    found: dict[str, list] = {}

    def walk(node, data_name=None):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and data.get("name"):
                data_name = data["name"]
            tips = node.get("encoding", {}).get("tooltip") if isinstance(node.get("encoding"), dict) else None
            if isinstance(tips, dict):
                tips = [tips]
            if data_name and isinstance(tips, list):
                fields = found.setdefault(data_name, [])
                for tip in tips:
                    if isinstance(tip, dict) and tip.get("field") and tip not in fields:
                        fields.append(tip)
            for k, v in node.items():
                if k not in ("data", "datasets"):
                    walk(v, data_name)
        elif isinstance(node, list):
            for v in node:
                walk(v, data_name)

    walk(spec)
    tables = []
    for name, tips in found.items():
        rows = pd.DataFrame(spec.get("datasets", {}).get(name, []))
        cols, titles = [], []
        for tip in tips:
            field = tip["field"]
            if field not in rows.columns or field in cols:
                continue
            cols.append(field)
            title = str(tip.get("title") or field).strip()
            titles.append(title if title and title not in titles else field)
        if not cols:
            continue
        table = rows[cols].copy()
        for tip in tips:
            field = tip["field"]
            if field in table.columns and tip.get("type") == "temporal":
                table[field] = pd.to_datetime(table[field], errors="coerce").map(
                    lambda d: i18n.fmt_date(None if pd.isna(d) else d.date(), lang_))
        table.columns = titles
        tables.append(table.drop_duplicates().reset_index(drop=True))
    return tables
