"""The Burgerkrachtgenerator's sheets of the exchange workbook (INTERFACES.md): the checks that
look across sheets, and the numbering of group conversations. Pure pandas; dorp.exchange turns
the checks into pandera checks (row-level Dutch problems), dorp.repo.bulk uses the numbering
and the theme links when loading.

- a conversation's number is unique in its village; empty numbers follow the given ones, in
  date order (so a workbook may leave them out);
- a theme's `conversations` ("1, 3") name conversations of the same village;
- a theme, a summary or a working group's name may not name a resident the pilot knows
  (bkg_lead_group and steering_members of the same village): step 4 of the method presents
  the themes "geanonimiseerd" to the whole village;
- working groups refer to a theme of their village; contacts and modes to a working group;
  subgroups to a village meeting and a theme; a contact lies on or after the group's start.
"""

from __future__ import annotations

import re

import pandas as pd

from dorp import burgerkracht as bk

# Problem codes of the checks below: the column the problem is reported in, and its message.
CODES: dict[str, tuple[str, str]] = {
    "bkg_number_dup": ("number", "Dit gespreksnummer komt in dit dorp twee keer voor."),
    "bkg_unknown_conversation": (
        "conversations", "Noem gesprekken met hun nummer, gescheiden door komma's (bijv. 1, 3), "
        "en alleen gesprekken van dit dorp op het blad 'bkg_conversations'."),
    "bkg_unknown_theme": ("theme", "Dit thema staat voor dit dorp niet op het blad 'bkg_themes'."),
    "bkg_unknown_group": ("working_group", "Deze werkgroep staat voor dit dorp niet op het blad "
                                           "'working_groups'."),
    "bkg_unknown_meeting": ("meeting_date", "Er is geen dorpsbijeenkomst van dit dorp op deze "
                                            "datum (blad 'bkg_village_meetings')."),
    "bkg_before_group": ("date", "Het contact ligt vóór de start van de werkgroep."),
    "bkg_mode_before_group": ("started_on", "De werkwijze begint vóór de start van de werkgroep."),
    "bkg_names": ("", ""),   # the message names the person: see name_message
}

# The columns whose text is shown to the whole village, per sheet.
ANONYMOUS = {"bkg_conversations": "summary", "bkg_themes": "theme", "working_groups": "name"}

_NUMBER = re.compile(r"^\d+$")


def numbered(conversations: pd.DataFrame) -> pd.Series:
    """The number of every conversation row: the given one, or (empty) the next free number of
    its village in date order after the highest given one. Columns: village, date, number."""
    df = conversations
    out = pd.Series(pd.NA, index=df.index, dtype="Int64")
    if df.empty:
        return out
    given = df["number"] if "number" in df.columns else pd.Series(pd.NA, index=df.index)
    given = pd.to_numeric(given, errors="coerce").astype("Int64")
    out[:] = given
    for village, rows in df.groupby("village", dropna=False, sort=False):
        have = given.loc[rows.index]
        nxt = int(have.max()) + 1 if have.notna().any() else 1
        empty = rows[have.isna()]
        if "date" in empty.columns:
            empty = empty.assign(_d=pd.to_datetime(empty["date"])).sort_values(
                ["_d"], kind="mergesort")
        for i in empty.index:
            out[i] = nxt
            nxt += 1
    return out


def parse_numbers(text) -> list[int] | None:
    """ "1, 3" -> [1, 3]; None when it is not a list of numbers (empty -> [])."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return []
    parts = [p.strip() for p in re.split(r"[,;]", str(text)) if p.strip()]
    if not all(_NUMBER.match(p) for p in parts):
        return None
    return sorted({int(p) for p in parts})


def theme_links(themes: pd.DataFrame) -> pd.DataFrame:
    """One row per (village, theme, number) named in the themes' `conversations` column."""
    rows = []
    if "conversations" in themes.columns:
        for r in themes.itertuples(index=False):
            for n in parse_numbers(r.conversations) or []:
                rows.append({"village": r.village, "theme": r.theme, "number": n})
    return pd.DataFrame(rows, columns=["village", "theme", "number"])


def _pairs(df: pd.DataFrame, *cols: str) -> pd.Series:
    return pd.Series(list(zip(*(df[c].astype(object).where(df[c].notna(), None) for c in cols))),
                     index=df.index, dtype=object)


def _set(typed_all: dict, sheet: str, *cols: str) -> set:
    t = typed_all.get(sheet)
    if t is None or not set(cols) <= set(t.columns):
        return set()
    return set(_pairs(t, *cols))


def known_names(typed_all: dict) -> dict[str, list[str]]:
    """village -> names of the people the workbook gives that village (lead group, steering)."""
    out: dict[str, list[str]] = {}
    for sheet in ("bkg_lead_group", "steering_members"):
        t = typed_all.get(sheet)
        if t is None or not {"village", "name"} <= set(t.columns):
            continue
        for v, n in zip(t["village"], t["name"]):
            if isinstance(v, str) and isinstance(n, str):
                out.setdefault(v, []).append(n)
    return out


def name_hits(name: str, typed: pd.DataFrame, typed_all: dict) -> dict[int, list[str]]:
    """Row -> the known names its anonymous text mentions (only sheets in ANONYMOUS)."""
    col = ANONYMOUS.get(name)
    if col is None or col not in typed.columns or "village" not in typed.columns:
        return {}
    names = known_names(typed_all)
    out = {}
    for row, v, text in zip(typed.index, typed["village"], typed[col]):
        if isinstance(text, str) and isinstance(v, str):
            found = bk.names_in(text, names.get(v, []))
            if found:
                out[int(row)] = found
    return out


def name_message(sheet: str, found: list[str]) -> str:
    what = {"bkg_conversations": "de samenvatting", "bkg_themes": "het thema",
            "working_groups": "de naam van de werkgroep"}[sheet]
    return bk.names_message(found, what)


def row_checks(name: str, typed: pd.DataFrame, typed_all: dict) -> list[tuple[str, pd.Series]]:
    """(code, ok-mask per row) of every cross-sheet check of sheet `name`."""
    cols = set(typed.columns)
    out: list[tuple[str, pd.Series]] = []
    if name == "bkg_conversations" and {"village", "number"} <= cols:
        given = typed[typed["number"].notna()]
        dup = _pairs(given, "village", "number").duplicated(keep=False)
        out.append(("bkg_number_dup", ~dup.reindex(typed.index, fill_value=False)))
    if name == "bkg_themes" and {"village", "conversations"} <= cols:
        conv = typed_all.get("bkg_conversations")
        known = set()
        if conv is not None and {"village", "date"} <= set(conv.columns):
            known = set(zip(conv["village"], numbered(conv).astype(object)))
        ok = [(nums := parse_numbers(c)) is not None and all((v, n) in known for n in nums)
              for v, c in zip(typed["village"], typed["conversations"])]
        out.append(("bkg_unknown_conversation", pd.Series(ok, index=typed.index)))
    if name in ("working_groups", "bkg_subgroups") and {"village", "theme"} <= cols:
        known = _set(typed_all, "bkg_themes", "village", "theme")
        out.append(("bkg_unknown_theme", _pairs(typed, "village", "theme").isin(known)
                    | typed[["village", "theme"]].isna().any(axis=1)))
    if name == "bkg_subgroups" and {"village", "meeting_date"} <= cols:
        known = _set(typed_all, "bkg_village_meetings", "village", "date")
        out.append(("bkg_unknown_meeting", _pairs(typed, "village", "meeting_date").isin(known)
                    | typed[["village", "meeting_date"]].isna().any(axis=1)))
    if name in ("working_group_contacts", "working_group_modes") and \
            {"village", "working_group"} <= cols:
        groups = typed_all.get("working_groups")
        known = _set(typed_all, "working_groups", "village", "name")
        out.append(("bkg_unknown_group", _pairs(typed, "village", "working_group").isin(known)
                    | typed[["village", "working_group"]].isna().any(axis=1)))
        day = "date" if name == "working_group_contacts" else "started_on"
        if groups is not None and {"village", "name", "started_on"} <= set(groups.columns) \
                and day in cols:
            start = dict(zip(_pairs(groups, "village", "name"), groups["started_on"]))
            first = _pairs(typed, "village", "working_group").map(start)
            before = (pd.to_datetime(typed[day]) < pd.to_datetime(first)).fillna(False)
            code = "bkg_before_group" if name == "working_group_contacts" else "bkg_mode_before_group"
            out.append((code, ~before.astype(bool)))
    hits = name_hits(name, typed, typed_all)
    if name in ANONYMOUS and ANONYMOUS[name] in cols:
        out.append(("bkg_names", pd.Series([i not in hits for i in typed.index], index=typed.index)))
    return out
