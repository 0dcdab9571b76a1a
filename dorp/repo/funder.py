"""The funder's view: aggregate queries only (issue 7).

The province co-finances the programme and "never needs, and must never see, personal data
of residents" (DOMAIN.md, "Who uses the tool"). Every query here therefore selects only
pilot-level facts (village, municipality, step, status, dates), scores, money and counts,
and the two texts the lead writes *for the funder* (pilots.progress_text, pilots.lessons).
No query in this module reads a column holding a person's name, an e-mail address or an
internal note (steering_members.name/email, *.note(s), decisions, evidence, pitch_note...);
tests/test_funder_privacy.py checks both the SQL text and the results.

The funder page (pages/financiers.py), the PDF report and the Excel summary (dorp/report.py)
all call `view()` below, so they always show the same figures.

Counts of people (residents at start meetings, steering members) go through `suppress()`:
a count of 1 to 4 is shown as "<5" (small-cell suppression); their programme totals go
through `suppress_total()`, so that a total cannot be used to work a pilot's suppressed count
out by subtraction. Counts of pilots and of initiatives are not counts of people: shown as
they are. The plan against what happened (dorp.repo.plan.view) is part of the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from dorp import i18n
from dorp.access import User, require
from dorp.db import Db
from dorp.repo import plan as plan_repo
from dorp.repo.cache import memo
from dorp.method import BUDGET_SOURCES, LINES, SCORES

# --- small-cell suppression -----------------------------------------------------------------

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


def suppress(n, lang: str = i18n.DEFAULT_LANG) -> str:
    """A count for display: 1..4 -> "<5"; 0 and 5 or more as the number (Dutch format).

    Zero is shown: it identifies no one, and "<5" for an empty cell would hide that nothing
    happened. None (unknown) shows as "–"."""
    if n is None or (isinstance(n, float) and pd.isna(n)):
        return "–"
    n = int(n)
    if 0 < n < SUPPRESS_BELOW:
        return SUPPRESSED
    return i18n.fmt_number(n, lang)


# --- periods --------------------------------------------------------------------------------

PERIOD_KINDS = ("quarter", "half", "year", "programme")


@dataclass(frozen=True)
class Period:
    kind: str    # quarter | half | year | programme
    start: date
    end: date    # inclusive

    def cutoff(self, today: date) -> date:
        """The last day that counts: the period's end, or today while it is running."""
        return min(self.end, today)


def _period_containing(kind: str, day: date) -> Period:
    if kind == "quarter":
        m = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, m, 1)
        nxt = date(day.year + (m + 3 > 12), (m + 2) % 12 + 1, 1)
    elif kind == "half":
        m = 1 if day.month <= 6 else 7
        start = date(day.year, m, 1)
        nxt = date(day.year + (m == 7), 7 if m == 1 else 1, 1)
    elif kind == "year":
        start, nxt = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    else:
        raise ValueError(kind)
    return Period(kind, start, nxt - timedelta(days=1))


def periods(kind: str, first: date | None, today: date, last: date | None = None) -> list[Period]:
    """The periods of `kind` from the one containing today back to the one containing
    `first` (the programme's start), latest first. "programme": one period, start to end."""
    first = first or today
    if kind == "programme":
        return [Period("programme", first, max(last or today, today))]
    out, p = [], _period_containing(kind, today)
    while p.end >= first:
        out.append(p)
        p = _period_containing(kind, p.start - timedelta(days=1))
    return out or [_period_containing(kind, today)]


def period_label(p: Period, lang: str = i18n.DEFAULT_LANG) -> str:
    if p.kind == "quarter":
        return i18n.t("funder.label_quarter", lang, n=(p.start.month - 1) // 3 + 1, year=p.start.year)
    if p.kind == "half":
        return i18n.t("funder.label_half", lang, n=1 if p.start.month == 1 else 2, year=p.start.year)
    if p.kind == "year":
        return i18n.t("funder.label_year", lang, year=p.start.year)
    return i18n.t("funder.label_programme", lang, start=i18n.fmt_date(p.start, lang, "long"),
                  end=i18n.fmt_date(p.end, lang, "long"))


# --- stages ---------------------------------------------------------------------------------

# Where a pilot stands, for the funder: its step, or "completed" / "stopped".
STAGES: tuple[str, ...] = ("1", "2", "3", "4", "completed", "stopped")


def stage_label(stage: str, lang: str = i18n.DEFAULT_LANG) -> str:
    return i18n.t(f"funder.stage_{stage}", lang)


_STAGE_SQL = ("CASE WHEN {s} = 'completed' THEN 'completed' WHEN {s} = 'stopped' THEN 'stopped'"
              " ELSE CAST({p} AS VARCHAR) END")

# The stage of every pilot on each given day, from its timeline (step_moves). A pilot without
# any recorded move (e.g. imported without a timeline) counts at its current step from its
# start date on. Parameters: the list of days, then the village filter.
_STAGES_ON_SQL = f"""
WITH days AS (SELECT unnest(CAST(? AS DATE[])) AS day),
moved AS (
    SELECT day, village_id, step, status FROM (
        SELECT d.day, s.village_id, s.to_step AS step, s.to_status AS status,
               ROW_NUMBER() OVER (PARTITION BY d.day, s.village_id
                                  ORDER BY s.moved_on DESC, s.id DESC) AS rn
        FROM days d JOIN step_moves s ON s.moved_on <= d.day) last_move
    WHERE rn = 1),
unmoved AS (
    SELECT d.day, p.village_id, p.step, p.status
    FROM days d JOIN pilots p ON coalesce(p.started_on, DATE '1900-01-01') <= d.day
    WHERE NOT EXISTS (SELECT 1 FROM step_moves s WHERE s.village_id = p.village_id)),
pilot_stage AS (SELECT * FROM moved UNION ALL SELECT * FROM unmoved)
SELECT ps.day, {_STAGE_SQL.format(s='ps.status', p='ps.step')} AS stage, count(*) AS n
FROM pilot_stage ps JOIN pilots p ON p.village_id = ps.village_id
WHERE TRUE {{vf}}
GROUP BY 1, 2 ORDER BY 1, 2
"""


def _vf(village_id: int | None, column: str) -> tuple[str, list]:
    return ("", []) if village_id is None else (f" AND {column} = ?", [village_id])


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s month to `last`'s, and `last` itself."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(min(nxt - timedelta(days=1), last))
        y, m = nxt.year, nxt.month
    return out


def stages_on(db: Db, user: User, days: list[date], village_id: int | None = None) -> pd.DataFrame:
    """Pilots per stage on each day: columns day, stage, n (all stages, zeros included)."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "p.village_id")
    got = db.df(_STAGES_ON_SQL.format(vf=vf), [list(days), *params])
    full = pd.MultiIndex.from_product([list(days), list(STAGES)], names=["day", "stage"])
    if not got.empty:
        got["day"] = pd.to_datetime(got["day"]).dt.date
        got = got.set_index(["day", "stage"])["n"]
    else:
        got = pd.Series(dtype="int64")
    out = got.reindex(full, fill_value=0).reset_index(name="n")
    out["n"] = out["n"].astype(int)
    return out


# --- the five lines -------------------------------------------------------------------------

_LATEST_LINES_SQL = """
SELECT village_id, line, score FROM (
    SELECT ls.village_id, ls.line, ls.score,
           ROW_NUMBER() OVER (PARTITION BY ls.village_id, ls.line
                              ORDER BY ls.scored_on DESC, ls.id DESC) AS rn
    FROM line_scores ls JOIN pilots p ON p.village_id = ls.village_id
    WHERE ls.scored_on <= ? {vf}) latest
WHERE rn = 1
"""


def lines_distribution(db: Db, user: User, cutoff: date, village_id: int | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest score of every pilot on each line (as of `cutoff`), aggregated:
    (counts: line, score, n for every line x score 1..5; stats: line, pilots, min, median,
    mean, max). Never per pilot: only distributions leave this function."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "p.village_id")
    latest = db.df(_LATEST_LINES_SQL.format(vf=vf), [cutoff, *params])
    full = pd.MultiIndex.from_product([list(LINES), list(SCORES)], names=["line", "score"])
    counts = (latest.groupby(["line", "score"]).size() if not latest.empty
              else pd.Series(dtype="int64")).reindex(full, fill_value=0).reset_index(name="n")
    counts["n"] = counts["n"].astype(int)
    rows = []
    for ln in LINES:
        s = latest.loc[latest["line"] == ln, "score"] if not latest.empty else pd.Series(dtype=float)
        rows.append({"line": ln, "pilots": int(s.size),
                     "min": int(s.min()) if s.size else None,
                     "median": float(s.median()) if s.size else None,
                     "mean": round(float(s.mean()), 2) if s.size else None,
                     "max": int(s.max()) if s.size else None})
    return counts, pd.DataFrame(rows)


# --- budget ---------------------------------------------------------------------------------

_BUDGET_SQL = """
SELECT b.source, b.category, b.village_id IS NULL AS programme_level, b.period,
       CAST(sum(b.budgeted) AS DOUBLE PRECISION) AS budgeted,
       CAST(sum(b.spent) AS DOUBLE PRECISION) AS spent
FROM budget b
WHERE (b.period IS NULL OR b.period <= ?) {vf}
GROUP BY b.source, b.category, b.village_id IS NULL, b.period
"""


def _in_period(periods: pd.Series, start: date | None) -> pd.Series:
    """Which budget lines belong to the period: those whose period starts on or after its
    start (everything when start is None: the whole programme)."""
    if start is None:
        return pd.Series(True, index=periods.index)
    days = pd.to_datetime(periods)
    return (days.notna() & (days >= pd.Timestamp(start))).astype(bool)


def budget(db: Db, user: User, cutoff: date, village_id: int | None = None,
           start: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Budget against spending, cumulative up to `cutoff` (lines whose period starts on or
    before it; lines without a period always count), and in the period from `start` to
    `cutoff` (start None: the whole programme, so the same as cumulative).

    Returns (by_source: source, budgeted_period, spent_period, budgeted, spent, spent_share,
    budget_share - one row per source and a total row with source "total"; by_category:
    level, category, source, budgeted_period, spent_period, budgeted, spent). For one
    village: only that pilot's lines."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "b.village_id")
    raw = db.df(_BUDGET_SQL.format(vf=vf), [cutoff, *params])
    inside = _in_period(raw["period"], start) if not raw.empty else pd.Series(dtype=bool)
    raw = raw.assign(budgeted_period=raw["budgeted"].where(inside, 0.0),
                     spent_period=raw["spent"].where(inside, 0.0))
    cols = ["budgeted_period", "spent_period", "budgeted", "spent"]
    by = (raw.groupby("source")[cols].sum() if not raw.empty
          else pd.DataFrame(columns=cols, dtype=float))
    by = by.reindex(list(BUDGET_SOURCES), fill_value=0.0).astype(float)
    by.loc["total"] = by.sum()
    total_b = float(by.loc["total", "budgeted"])
    by = by.reset_index(names="source")
    by["spent_share"] = [s / b if b else None for b, s in zip(by["budgeted"], by["spent"])]
    by["budget_share"] = [b / total_b if total_b else None for b in by["budgeted"]]
    cat = (raw.assign(level=raw["programme_level"].map({True: "programme", False: "pilots"}))
           .groupby(["level", "category", "source"], as_index=False)[cols].sum()
           .sort_values(["level", "category", "source"], ascending=[False, True, True])
           if not raw.empty else
           pd.DataFrame(columns=["level", "category", "source", *cols]))
    return by, cat.reset_index(drop=True)


_BUDGET_PILOTS_SQL = """
SELECT v.name AS village, b.period, CAST(sum(b.budgeted) AS DOUBLE PRECISION) AS budgeted,
       CAST(sum(b.spent) AS DOUBLE PRECISION) AS spent
FROM budget b JOIN villages v ON v.id = b.village_id
WHERE (b.period IS NULL OR b.period <= ?) {vf}
GROUP BY v.name, b.period
"""


def budget_by_pilot(db: Db, user: User, cutoff: date, village_id: int | None = None,
                    start: date | None = None) -> pd.DataFrame:
    """Budgeted and spent per pilot (all sources): in the period from `start` (None: the
    whole programme) and cumulative up to `cutoff`. Columns village, budgeted_period,
    spent_period, budgeted, spent."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "b.village_id")
    raw = db.df(_BUDGET_PILOTS_SQL.format(vf=vf), [cutoff, *params])
    cols = ["budgeted_period", "spent_period", "budgeted", "spent"]
    if raw.empty:
        return pd.DataFrame(columns=["village", *cols])
    inside = _in_period(raw["period"], start)
    raw = raw.assign(budgeted_period=raw["budgeted"].where(inside, 0.0),
                     spent_period=raw["spent"].where(inside, 0.0))
    return raw.groupby("village", as_index=False)[cols].sum().sort_values("village") \
        .reset_index(drop=True)


# --- milestones -----------------------------------------------------------------------------

# The first date each pilot reached each stage, from its timeline.
_MILESTONES_SQL = f"""
SELECT v.name AS village, m.name AS municipality,
       {_STAGE_SQL.format(s='s.to_status', p='s.to_step')} AS stage,
       min(s.moved_on) AS reached_on
FROM step_moves s
JOIN pilots p ON p.village_id = s.village_id
JOIN villages v ON v.id = s.village_id
JOIN municipalities m ON m.id = v.municipality_id
WHERE s.moved_on <= ? AND s.to_status <> 'paused' {{vf}}
GROUP BY 1, 2, 3
ORDER BY reached_on, village
"""


def milestones(db: Db, user: User, period: Period, today: date,
               village_id: int | None = None) -> pd.DataFrame:
    """Every stage each pilot reached up to the period's cut-off (village, municipality,
    stage, reached_on, in_period). "How far are the pilots" over time, with true dates."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "p.village_id")
    cutoff = period.cutoff(today)
    df = db.df(_MILESTONES_SQL.format(vf=vf), [cutoff, *params])
    if df.empty:
        return pd.DataFrame(columns=["village", "municipality", "stage", "reached_on", "in_period"])
    df["reached_on"] = pd.to_datetime(df["reached_on"]).dt.date
    df["in_period"] = [period.start <= d <= cutoff for d in df["reached_on"]]
    return df


# --- per pilot: the funder's own texts ------------------------------------------------------

_PILOTS_SQL = f"""
SELECT v.id AS village_id, v.name AS village, m.name AS municipality,
       {_STAGE_SQL.format(s='p.status', p='p.step')} AS stage, p.started_on,
       p.progress_text, p.lessons
FROM pilots p
JOIN villages v ON v.id = p.village_id
JOIN municipalities m ON m.id = v.municipality_id
WHERE TRUE {{vf}}
ORDER BY v.name
"""


def pilot_texts(db: Db, user: User, village_id: int | None = None) -> pd.DataFrame:
    """Per pilot: village, municipality, stage, start, and the progress text and lessons the
    lead wrote for the funder (never the internal notes)."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "p.village_id")
    return db.df(_PILOTS_SQL.format(vf=vf), params)


def villages(db: Db, user: User) -> dict[int, str]:
    """Village id -> name of every pilot (for the village filter)."""
    require(user, "view_funder")
    return {r["id"]: r["name"] for r in db.rows(
        "SELECT v.id, v.name FROM pilots p JOIN villages v ON v.id = p.village_id ORDER BY v.name")}


def village_id_by_name(db: Db, user: User, name: str) -> int | None:
    require(user, "view_funder")
    return db.scalar("SELECT v.id FROM pilots p JOIN villages v ON v.id = p.village_id"
                     " WHERE lower(v.name) = lower(?)", [name.strip()])


# --- people, as counts only -----------------------------------------------------------------

# Counts of people: shown through `suppress` (and their totals through `suppress_total`).
# Counts of pilots and of initiatives are not counts of people and are shown as they are.
PEOPLE_FIGURES: tuple[str, ...] = ("residents_at_start", "steering_members")

_PEOPLE_SQL = """
WITH arg AS (SELECT CAST(? AS DATE) AS cutoff, CAST(? AS BIGINT) AS vid)
SELECT
  (SELECT coalesce(sum(sm.residents_present), 0) FROM start_meetings sm
    WHERE sm.meeting_date <= (SELECT cutoff FROM arg) AND sm.id IN (
      SELECT pi.meeting_id FROM pitches pi JOIN pilots p ON p.village_id = pi.village_id
      WHERE pi.chosen {vf})) AS residents_at_start,
  (SELECT count(*) FROM steering_members s JOIN pilots p ON p.village_id = s.village_id
    WHERE (s.from_date IS NULL OR s.from_date <= (SELECT cutoff FROM arg))
      AND (s.until_date IS NULL OR s.until_date >= (SELECT cutoff FROM arg)) {vf_s})
      AS steering_members,
  (SELECT count(*) FROM initiatives i JOIN pilots p ON p.village_id = i.village_id
    WHERE coalesce(i.since, DATE '1900-01-01') <= (SELECT cutoff FROM arg)
      AND i.phase IN ('exploitation', 'conservation', 'reorganisation') {vf_s}) AS initiatives
"""

# The parts a funder can see each people count split into, by choosing one pilot: residents
# per start meeting (a pilot shows those of the meeting that chose it), members per pilot.
_PEOPLE_PARTS_SQL = """
SELECT 'residents_at_start' AS figure, sm.id AS part,
       CAST(coalesce(sm.residents_present, 0) AS BIGINT) AS n
FROM start_meetings sm
WHERE sm.meeting_date <= ? AND sm.id IN (
    SELECT pi.meeting_id FROM pitches pi JOIN pilots p ON p.village_id = pi.village_id
    WHERE pi.chosen)
UNION ALL
SELECT 'steering_members' AS figure, s.village_id AS part, CAST(count(*) AS BIGINT) AS n
FROM steering_members s JOIN pilots p ON p.village_id = s.village_id
WHERE (s.from_date IS NULL OR s.from_date <= ?) AND (s.until_date IS NULL OR s.until_date >= ?)
GROUP BY s.village_id
"""


def people_counts(db: Db, user: User, cutoff: date, village_id: int | None = None) -> dict:
    """How many people took part (counts only; shown through `suppress`). For the whole
    programme also `parts`: {figure: [count of each part]} (see suppress_total)."""
    require(user, "view_funder")
    vf = "" if village_id is None else " AND p.village_id = (SELECT vid FROM arg)"
    out = dict(db.one(_PEOPLE_SQL.format(vf=vf, vf_s=vf), [cutoff, village_id]) or {})
    if village_id is None:
        parts: dict[str, list[int]] = {f: [] for f in PEOPLE_FIGURES}
        for r in db.rows(_PEOPLE_PARTS_SQL, [cutoff, cutoff, cutoff]):
            parts[r["figure"]].append(int(r["n"]))
        out["parts"] = parts
    return out


def suppress_total(total, parts: list[int] | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """A total of people for display, such that it cannot give away a count shown as "<5"
    elsewhere (a pilot's own figure). Knowing the total and every part shown exactly, the
    parts shown as "<5" add up to total - shown; that sum pins them down when there is one
    such part, or when they must all be 1 or all 4. Then the total is shown only as a lower
    bound ("≥ N", N = what the shown parts and one per hidden part already tell);
    otherwise as `suppress` shows any count."""
    if total is None or not parts:
        return suppress(total, lang)
    small = [n for n in parts if 0 < n < SUPPRESS_BELOW]
    if not small or int(total) < SUPPRESS_BELOW:
        return suppress(total, lang)
    shown = sum(n for n in parts if n >= SUPPRESS_BELOW)
    k, rest = len(small), int(total) - shown
    if k >= 2 and k < rest < (SUPPRESS_BELOW - 1) * k:
        return suppress(total, lang)
    return "≥ " + i18n.fmt_number(max(SUPPRESS_BELOW, shown + k), lang)


# --- the Burgerkrachtgenerator, as counts only (issue 15) ------------------------------------

_BKG_SQL = """
SELECT
  (SELECT count(*) FROM bkg_conversations c JOIN pilots p ON p.village_id = c.village_id
    WHERE c.held_on <= ? {vf}) AS conversations,
  (SELECT coalesce(sum(c.participants), 0) FROM bkg_conversations c
    JOIN pilots p ON p.village_id = c.village_id WHERE c.held_on <= ? {vf}) AS residents_heard,
  (SELECT count(*) FROM bkg_themes t JOIN pilots p ON p.village_id = t.village_id
    WHERE (t.found_on IS NULL OR t.found_on <= ?) {vf}) AS themes,
  (SELECT count(*) FROM working_groups g JOIN pilots p ON p.village_id = g.village_id
    WHERE g.started_on <= ? AND g.status = 'active' {vf}) AS active_groups
"""


def burgerkracht_counts(db: Db, user: User, cutoff: date, village_id: int | None = None) -> dict:
    """How far the Burgerkrachtgenerator got, as of `cutoff`: group conversations, residents
    heard in them, themes found, working groups active. Counts only: no names, no summaries."""
    require(user, "view_funder")
    vf, params = _vf(village_id, "p.village_id")
    return db.one(_BKG_SQL.format(vf=vf), [cutoff, *params] * 4)


# --- everything at once: what the page, the PDF and the Excel summary show --------------------

@dataclass
class FunderView:
    programme: dict
    period: Period
    today: date
    village: str | None
    stages_now: pd.DataFrame          # stage, n
    stages_over_time: pd.DataFrame    # day, stage, n
    line_counts: pd.DataFrame         # line, score, n
    line_stats: pd.DataFrame          # line, pilots, min, median, mean, max
    budget_by_source: pd.DataFrame    # source (+ total), budgeted_period, spent_period,
                                      # budgeted, spent, spent_share, budget_share
    budget_by_category: pd.DataFrame  # level, category, source, budgeted_period,
                                      # spent_period, budgeted, spent
    budget_by_pilot: pd.DataFrame     # village, budgeted_period, spent_period, budgeted, spent
    milestones: pd.DataFrame          # village, municipality, stage, reached_on, in_period
    pilots: pd.DataFrame              # village, municipality, stage, started_on, progress_text, lessons
    people: dict = field(default_factory=dict)
    plan: "plan_repo.PlanView | None" = None   # the plan against what happened (issue 18)
    burgerkracht: dict = field(default_factory=dict)   # burgerkracht_counts

    @property
    def cutoff(self) -> date:
        return self.period.cutoff(self.today)

    def figures(self) -> dict:
        """The summary figures (raw numbers; see `summary_rows` for display)."""
        now = self.stages_now.set_index("stage")["n"]
        total = self.budget_by_source.set_index("source").loc["total"]
        prov = self.budget_by_source.set_index("source").loc["province"]
        return {
            "pilots": int(now.sum()),
            "in_execution": int(now.get("4", 0)),
            "completed": int(now.get("completed", 0)),
            "milestones_in_period": int(self.milestones["in_period"].sum())
            if not self.milestones.empty else 0,
            "budgeted": float(total["budgeted"]),
            "spent": float(total["spent"]),
            "spent_period": float(total["spent_period"]),
            "spent_share": total["spent_share"],
            "province_share": prov["budget_share"],
            "residents_at_start": int(self.people.get("residents_at_start") or 0),
            "steering_members": int(self.people.get("steering_members") or 0),
            "initiatives": int(self.people.get("initiatives") or 0),
            **{f"bkg_{k}": int(self.burgerkracht.get(k) or 0)
               for k in ("conversations", "residents_heard", "themes", "active_groups")},
        }

    def summary_rows(self, lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str]]:
        """(label, formatted value) of each summary figure: the same on page, PDF and Excel.
        Counts of people are suppressed below 5 (and their programme totals so that they
        cannot give a pilot's suppressed count away); counts of pilots and initiatives are
        shown."""
        f = self.figures()
        t = lambda k: i18n.t(f"funder.fig_{k}", lang)  # noqa: E731
        parts = self.people.get("parts") or {}
        people = lambda k: suppress_total(f[k], parts.get(k), lang)  # noqa: E731
        return [
            (t("pilots"), i18n.fmt_number(f["pilots"], lang)),
            (t("in_execution"), i18n.fmt_number(f["in_execution"], lang)),
            (t("completed"), i18n.fmt_number(f["completed"], lang)),
            (t("milestones_in_period"), i18n.fmt_number(f["milestones_in_period"], lang)),
            (t("budgeted"), i18n.fmt_money(f["budgeted"], lang)),
            (t("spent"), i18n.fmt_money(f["spent"], lang)),
            (t("spent_period"), i18n.fmt_money(f["spent_period"], lang)),
            (t("spent_share"), i18n.fmt_percent(f["spent_share"], lang)),
            (t("province_share"), i18n.fmt_percent(f["province_share"], lang)),
            (t("residents_at_start"), people("residents_at_start")),
            (t("steering_members"), people("steering_members")),
            (t("initiatives"), i18n.fmt_number(f["initiatives"], lang)),
            # Burgerkrachtgenerator: people and groups of people suppressed below 5
            (t("bkg_conversations"), i18n.fmt_number(f["bkg_conversations"], lang)),
            (t("bkg_residents_heard"), suppress(f["bkg_residents_heard"], lang)),
            (t("bkg_themes"), i18n.fmt_number(f["bkg_themes"], lang)),
            (t("bkg_active_groups"), i18n.fmt_number(f["bkg_active_groups"], lang)),
        ]

    def line_table(self, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
        """Lines x scores: how many pilots have each latest score (counts of pilots, not of
        people: shown as they are), plus the mean: for tables."""
        wide = self.line_counts.pivot(index="line", columns="score", values="n").reindex(list(LINES))
        out = pd.DataFrame({"line": [i18n.label("line", ln, lang) for ln in LINES]})
        for s in SCORES:
            out[str(s)] = [i18n.fmt_number(int(v), lang) for v in wide[s]]
        stats = self.line_stats.set_index("line").reindex(list(LINES))
        out["mean"] = [i18n.fmt_number(m, lang, 1) if m is not None and not pd.isna(m) else "–"
                       for m in stats["mean"]]
        return out


@memo
def view(db: Db, user: User, period: Period, today: date,
         village_id: int | None = None) -> FunderView:
    """All aggregates of the funder's view for one period (and optionally one pilot).
    Cached until the next write (dorp.repo.cache): the page, the PDF and the Excel file of
    one period share one computation. Callers must not change the returned view."""
    require(user, "view_funder")
    prog = db.one("SELECT name, funder, start_date, end_date FROM programme ORDER BY id LIMIT 1") or {}
    cutoff = period.cutoff(today)
    first = prog.get("start_date") or period.start
    over_time = stages_on(db, user, month_ends(min(first, cutoff), cutoff), village_id)
    now = over_time[over_time["day"] == over_time["day"].max()][["stage", "n"]].reset_index(drop=True)
    counts, stats = lines_distribution(db, user, cutoff, village_id)
    start = None if period.kind == "programme" else period.start
    by_source, by_cat = budget(db, user, cutoff, village_id, start)
    name = None
    if village_id is not None:
        name = villages(db, user).get(village_id)
    return FunderView(
        programme=prog, period=period, today=today, village=name,
        stages_now=now, stages_over_time=over_time,
        line_counts=counts, line_stats=stats,
        budget_by_source=by_source, budget_by_category=by_cat,
        budget_by_pilot=budget_by_pilot(db, user, cutoff, village_id, start),
        milestones=milestones(db, user, period, today, village_id),
        pilots=pilot_texts(db, user, village_id),
        people=people_counts(db, user, cutoff, village_id),
        plan=plan_repo.view(db, user, period, today, village_id),
        burgerkracht=burgerkracht_counts(db, user, cutoff, village_id),
    )
