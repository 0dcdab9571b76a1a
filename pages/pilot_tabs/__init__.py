"""The pilot page's tabs, one module per tab (pages/pilot.py only arranges them).

Each module has `render(view)`; `View` carries what every tab needs (the store, the user,
today, the chosen pilot and its facts, and what the user may do there). Forms are built with
ui.Form: keyed by pilot and record, carrying the version they were shown with."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dorp import rules, ui
from dorp.access import User
from dorp.db import Db
from dorp.errors import Invalid
from dorp.method import SCORES


@dataclass(frozen=True)
class View:
    db: Db
    user: User
    today: object
    lang: str
    village_id: int
    f: rules.PilotFacts
    lead: bool        # may edit this pilot
    may_meet: bool    # may record steering meetings and actions
    may_move: bool    # may move it between steps


def t(key: str, **kw) -> str:
    return ui.t(key, **kw)


def score_box(label: str, key: str, value=None):
    options = [None, *SCORES]
    return st.selectbox(label, options, index=options.index(value), key=key,
                        format_func={v: t("steps.choose") if v is None else str(v)
                                     for v in options}.get)


def choice(label: str, kind: str, codes, key: str, empty: bool = False, index: int | None = 0):
    options = ([None] if empty else []) + list(codes)
    return st.selectbox(label, options, key=key, index=index,
                        format_func={c: t("steps.choose") if c is None else ui.label(kind, c)
                                     for c in options}.get)


def day(v):
    """A date from a DataFrame cell (Timestamp / NaT / None)."""
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def yes_no(v) -> str:
    return "–" if v is None or pd.isna(v) else (t("steps.yes") if v else t("steps.no"))


def table(df: pd.DataFrame, columns: dict[str, str], dates=(), labels: dict | None = None):
    """A read-only table: only `columns` (renamed), dates formatted, codes labelled."""
    if df.empty:
        st.caption(t("steps.nothing_yet"))
        return
    d = df[list(columns)].copy()
    for c in dates:
        d[c] = d[c].map(lambda v: ui.fmt_date(day(v)))
    for c, fn in (labels or {}).items():
        d[c] = d[c].map(fn)
    for c in d.columns:
        if d[c].dtype == object or str(d[c].dtype).startswith("str"):
            d[c] = d[c].map(lambda v: "–" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
    st.dataframe(d.rename(columns=columns), hide_index=True, width="stretch")


def versions(df: pd.DataFrame) -> dict[int, int]:
    """id -> version of the records a chooser form offers (captured when it is shown)."""
    return {int(i): int(v) for i, v in zip(df["id"], df["version"])} if not df.empty else {}


def chosen(x: dict, field: str = "which") -> int:
    """The record picked in a chooser form. Nothing is preselected there: one click must not
    end, close or change a record nobody chose."""
    if x[field] is None:
        raise Invalid({field: t("steps.choose_first")})
    return x[field]
