"""The five lines: scoring them, correcting scores, and reading them back.

Source: "Methodiek: Dorp als Verzorgingshuis" - "Een vijftal lijnen komt in alle projecten
terug" (breed draagvlak, doelgroep betrokken, kracht van het dorp, koppeling informeel/formeel,
borging). A score is a whole number 1-5 (INTERFACES.md); each rests on a source (chapter 3.4:
statistics, professionals' eyes and ears, residents themselves).

Every function takes the current user: reads are limited to the villages the user may see
(dorp.access.village_scope), writes need "score_lines" for that village.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Iterable

import numpy as np
import pandas as pd

from dorp import i18n
from dorp.access import AccessDenied, User, can, require, village_scope
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid
from dorp.method import LINES, SCORES, SOURCES

NOTE_MAX, EVIDENCE_MAX = 2000, 1000
EDIT_FIELDS = ("scored_on", "score", "note", "evidence", "source")


def level_text(line: str, score: int, lang: str = i18n.DEFAULT_LANG) -> str:
    """The written-out meaning of `score` on `line`, so two advisers score alike."""
    return i18n.t(f"lines.scale.{line}.{int(score)}", lang)


def _scope_ids(user: User, village_ids: Iterable[int] | None) -> list[int] | None:
    """Village ids to query: the caller's selection cut down to the user's scope.
    None means "all" (a lead without a selection)."""
    scope = village_scope(user)
    if village_ids is not None:
        ids = {int(v) for v in village_ids}
        return sorted(ids if scope is None else ids & scope)
    return None if scope is None else sorted(scope)


def _ids_clause(ids: list[int] | None, column: str = "village_id") -> tuple[str, list]:
    if ids is None:
        return "", []
    # One array parameter (standard SQL, DuckDB and PostgreSQL alike).
    return f" AND {column} = ANY(CAST(? AS BIGINT[]))", [ids]


def as_dates(df: pd.DataFrame, *columns: str, timestamps: tuple[str, ...] = ()) -> pd.DataFrame:
    """DuckDB dates arrive as pandas timestamps; pages and charts want `date` (or None),
    and `datetime` (or None) for the `timestamps` columns."""
    for c in columns:
        if c in df:
            df[c] = pd.Series([None if pd.isna(x) else pd.Timestamp(x).date() for x in df[c]],
                              index=df.index, dtype=object)
    for c in timestamps:
        if c in df:
            df[c] = pd.Series([None if pd.isna(x) else pd.Timestamp(x).to_pydatetime()
                               for x in df[c]], index=df.index, dtype=object)
    return df


def _require_view(user: User, village_id: int) -> None:
    if not can(user, "view_village", village_id):
        raise AccessDenied()


# --- reads --------------------------------------------------------------------------------------

def latest(db: Db, user: User, village_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Latest score per (village, line) of the villages asked for (the newest date, then the
    highest id), so the cost follows the number of villages shown. Columns: village_id, line, score,
    scored_on. (The score before it, for "line_declining", comes with pilots.facts.)"""
    if user.role not in ("lead", "steering"):
        raise AccessDenied()
    ids = _scope_ids(user, village_ids)
    where, params = _ids_clause(ids)
    return as_dates(db.df(
        f"""SELECT village_id, line, score, scored_on FROM (
                SELECT village_id, line, score, scored_on,
                       ROW_NUMBER() OVER (PARTITION BY village_id, line
                                          ORDER BY scored_on DESC, id DESC) AS rn
                FROM line_scores WHERE TRUE {where}) t
            WHERE rn = 1 ORDER BY village_id, line""",
        params,
    ), "scored_on")


def history(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """Every score of one village, oldest first, with its version and who changed it last."""
    _require_view(user, village_id)
    return as_dates(db.df(
        """SELECT id, village_id, line, scored_on, score, note, evidence, source, version,
                  updated_at, updated_by
           FROM line_scores WHERE village_id = ? ORDER BY scored_on, id""",
        [village_id],
    ), "scored_on", timestamps=("updated_at",))


def get(db: Db, user: User, score_id: int) -> dict | None:
    r = db.one("SELECT * FROM line_scores WHERE id = ?", [score_id])
    if r is None:
        return None
    _require_view(user, r["village_id"])
    return r


def audit_trail(db: Db, user: User, score_id: int) -> list[dict]:
    """The audit entries of one score (insert, updates, delete), oldest first."""
    village_id = db.scalar("SELECT village_id FROM line_scores WHERE id = ?", [score_id])
    if village_id is None:   # deleted: the audit log still knows its village
        village_id = db.scalar("SELECT village_id FROM audit_log WHERE table_name = 'line_scores'"
                               " AND record_id = ? AND village_id IS NOT NULL LIMIT 1", [score_id])
    if village_id is not None:
        _require_view(user, village_id)
    elif not user.is_lead:
        raise AccessDenied()
    out = db.rows("SELECT logged_at, username, action, before, after FROM audit_log "
                  "WHERE table_name = 'line_scores' AND record_id = ? ORDER BY logged_at, id",
                  [score_id])
    for r in out:
        r["before"] = json.loads(r["before"]) if r["before"] else {}
        r["after"] = json.loads(r["after"]) if r["after"] else {}
    return out


def by_month_of_pilot(db: Db, user: User, village_ids: Iterable[int] | None = None,
                      ) -> pd.DataFrame:
    """Each pilot's scores against the month of the pilot (whole months since `started_on`),
    the last score of each month. Columns: village_id, line, month, score."""
    if user.role not in ("lead", "steering"):
        raise AccessDenied()
    ids = _scope_ids(user, village_ids)
    where, params = _ids_clause(ids, "s.village_id")
    return db.df(
        f"""SELECT village_id, line, month, score FROM (
                SELECT s.village_id, s.line, {MONTH_SQL} AS month, s.score,
                       ROW_NUMBER() OVER (PARTITION BY s.village_id, s.line, {MONTH_SQL}
                                          ORDER BY s.scored_on DESC, s.id DESC) AS rn
                FROM line_scores s JOIN pilots p ON p.village_id = s.village_id
                WHERE p.started_on IS NOT NULL AND s.scored_on >= p.started_on {where}) t
            WHERE rn = 1 ORDER BY 1, 2, 3""",
        params,
    )


def month_band(db: Db, user: User, village_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The spread of the shown pilots' scores per (line, month of pilot): 25th percentile,
    median, 75th percentile and how many scores. DuckDB only counts scores per (line, month,
    score) - five score values make that a tiny histogram - and the quantiles are read from
    it, so no per-pilot rows leave the database. Every score in a month of a pilot counts.
    Columns: line, month, p25, median, p75, pilots."""
    if user.role not in ("lead", "steering"):
        raise AccessDenied()
    ids = _scope_ids(user, village_ids)
    where, params = _ids_clause(ids, "s.village_id")
    hist = db.df(
        f"""SELECT s.line, {MONTH_SQL} AS month, s.score, count(*) AS n
            FROM line_scores s JOIN pilots p ON p.village_id = s.village_id
            WHERE p.started_on IS NOT NULL AND s.scored_on >= p.started_on {where}
            GROUP BY 1, 2, 3""",
        params,
    )
    return band_from_histogram(hist)


def band_from_histogram(hist: pd.DataFrame) -> pd.DataFrame:
    """Quantiles (linear interpolation, as DuckDB's quantile_cont) from counts of each score
    per (line, month). Columns in: line, month, score, n. A few hundred groups: a plain loop
    over numpy arrays is faster than pandas group-bys here."""
    cols = ["line", "month", "p25", "median", "p75", "pilots"]
    if hist.empty:
        return pd.DataFrame(columns=cols)
    h = hist.sort_values(["line", "month", "score"])
    lines_, months = h["line"].to_numpy(), h["month"].to_numpy()
    scores, counts = h["score"].to_numpy(dtype=float), h["n"].to_numpy(dtype=np.int64)
    new_group = np.ones(len(h), dtype=bool)
    new_group[1:] = (lines_[1:] != lines_[:-1]) | (months[1:] != months[:-1])
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], len(h))
    rows = []
    for a, b in zip(starts, ends):
        s, upto = scores[a:b], np.cumsum(counts[a:b])
        total = int(upto[-1])
        values = []
        for q in (0.25, 0.5, 0.75):
            pos = q * (total - 1)
            lo = int(pos)
            hi = min(lo + 1, total - 1)
            v_lo = s[np.searchsorted(upto, lo, side="right")]
            v_hi = s[np.searchsorted(upto, hi, side="right")]
            values.append(float(v_lo + (v_hi - v_lo) * (pos - lo)))
        rows.append((lines_[a], int(months[a]), *values, total))
    return pd.DataFrame(rows, columns=cols)


# Whole months between the start of the pilot and the scoring date (a month is counted when
# the day of the month is reached again: 15 Jan -> 14 Mar is month 1, 15 Mar is month 2).
def _part(field: str, column: str) -> str:
    return f"CAST(EXTRACT({field} FROM {column}) AS INTEGER)"


MONTH_SQL = (f"(({_part('YEAR', 's.scored_on')} - {_part('YEAR', 'p.started_on')}) * 12"
             f" + {_part('MONTH', 's.scored_on')} - {_part('MONTH', 'p.started_on')}"
             f" - CASE WHEN {_part('DAY', 's.scored_on')} < {_part('DAY', 'p.started_on')}"
             " THEN 1 ELSE 0 END)")


# --- writes -------------------------------------------------------------------------------------

def _check_text(problems: dict, field: str, value: str | None, limit: int, lang: str) -> None:
    if value and len(value) > limit:
        problems[field] = i18n.t("lines.err.too_long", lang, n=limit)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _pilot_start(db: Db, village_id: int) -> tuple[bool, date | None]:
    r = db.one("SELECT started_on FROM pilots WHERE village_id = ?", [village_id])
    return (r is not None), (r["started_on"] if r else None)


def validate_entry(line: str, scored_on: date | None, score, source: str | None, note, evidence,
                   today: date, started_on: date | None, lang: str = i18n.DEFAULT_LANG,
                   prefix: str = "") -> dict[str, str]:
    """Problems of one score (field -> Dutch message); empty when it may be saved."""
    problems: dict[str, str] = {}
    if line not in LINES:
        problems[f"{prefix}line"] = i18n.t("lines.err.line", lang)
    if score is None or isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        problems[f"{prefix}score"] = i18n.t("lines.err.score", lang)
    if source is not None and source not in SOURCES:
        problems[f"{prefix}source"] = i18n.t("lines.err.source", lang)
    if scored_on is None:
        problems["scored_on"] = i18n.t("lines.err.date_missing", lang)
    elif scored_on > today:
        problems["scored_on"] = i18n.t("lines.err.date_future", lang)
    elif started_on is not None and scored_on < started_on:
        problems["scored_on"] = i18n.t("lines.err.date_before_start", lang,
                                       start=i18n.fmt_date(started_on, lang))
    _check_text(problems, f"{prefix}note", note, NOTE_MAX, lang)
    _check_text(problems, f"{prefix}evidence", evidence, EVIDENCE_MAX, lang)
    return problems


def add_moment(db: Db, user: User, village_id: int, scored_on: date | None,
               entries: dict[str, dict], today: date, lang: str = i18n.DEFAULT_LANG) -> list[int]:
    """Record one scoring moment: for each line in `entries` ({line: {score, note, evidence,
    source}}) with a score, one record. Lines without a score are skipped; at least one is
    needed. All-or-nothing: every problem is reported before anything is written."""
    require(user, "score_lines", village_id)
    has_pilot, started_on = _pilot_start(db, village_id)
    if not has_pilot:
        raise Invalid({"village": i18n.t("lines.err.village", lang)})
    problems: dict[str, str] = {}
    rows = []
    for line, e in entries.items():
        if e.get("score") is None:
            continue
        note, evidence = _clean(e.get("note")), _clean(e.get("evidence"))
        source = e.get("source") or None
        problems.update(validate_entry(line, scored_on, e["score"], source, note, evidence,
                                       today, started_on, lang, prefix=f"{line}."))
        rows.append({"village_id": village_id, "line": line, "scored_on": scored_on,
                     "score": e["score"], "note": note, "evidence": evidence, "source": source})
    if not rows and not problems:
        problems["scores"] = i18n.t("lines.err.none", lang)
    if not problems and scored_on is not None:
        taken = {r["line"] for r in db.rows(
            "SELECT DISTINCT line FROM line_scores WHERE village_id = ? AND scored_on = ?",
            [village_id, scored_on])}
        for r in rows:
            if r["line"] in taken:
                problems[f"{r['line']}.score"] = i18n.t(
                    "lines.err.duplicate", lang, line=i18n.label("line", r["line"], lang),
                    date=i18n.fmt_date(scored_on, lang))
    if problems:
        raise Invalid(problems)
    with db.tx(user.username) as tx:
        return [tx.insert("line_scores", r, village_id=village_id) for r in rows]


def correct(db: Db, user: User, score_id: int, values: dict, expected_version: int,
            today: date, lang: str = i18n.DEFAULT_LANG) -> int:
    """Correct an earlier score (date, score, note, evidence, source). Refused when someone
    changed it meanwhile (StaleVersion); the old values stay in the audit log."""
    current = db.one("SELECT * FROM line_scores WHERE id = ?", [score_id])
    if current is None:
        raise Invalid({"score": i18n.t("lines.err.missing", lang)})
    village_id = current["village_id"]
    require(user, "score_lines", village_id)
    if current["version"] != expected_version:
        raise StaleVersion("line_scores", score_id, current["updated_by"], current["updated_at"],
                           current["version"])
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    new = {**{k: current[k] for k in EDIT_FIELDS}, **values}
    new["note"], new["evidence"] = _clean(new["note"]), _clean(new["evidence"])
    new["source"] = new["source"] or None
    _, started_on = _pilot_start(db, village_id)
    problems = validate_entry(current["line"], new["scored_on"], new["score"], new["source"],
                              new["note"], new["evidence"], today, started_on, lang)
    if not problems and new["scored_on"] != current["scored_on"] and db.scalar(
            "SELECT count(*) FROM line_scores WHERE village_id = ? AND line = ? AND scored_on = ?"
            " AND id <> ?", [village_id, current["line"], new["scored_on"], score_id]):
        problems["scored_on"] = i18n.t("lines.err.duplicate", lang,
                                       line=i18n.label("line", current["line"], lang),
                                       date=i18n.fmt_date(new["scored_on"], lang))
    if problems:
        raise Invalid(problems)
    changed = {k: v for k, v in new.items() if v != current[k]}
    if not changed:
        return current["version"]
    with db.tx(user.username) as tx:
        return tx.update("line_scores", score_id, changed, expected_version, village_id=village_id)


def delete(db: Db, user: User, score_id: int, expected_version: int,
           lang: str = i18n.DEFAULT_LANG) -> None:
    current = db.one("SELECT village_id FROM line_scores WHERE id = ?", [score_id])
    if current is None:
        raise Invalid({"score": i18n.t("lines.err.missing", lang)})
    require(user, "score_lines", current["village_id"])
    with db.tx(user.username) as tx:
        tx.delete("line_scores", score_id, expected_version, village_id=current["village_id"])
