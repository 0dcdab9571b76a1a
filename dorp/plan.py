"""The programme plan against what happened: pure functions (no database, no Streamlit).

The plan is what the funder funded: per pilot the planned date of entering each step and of
completion, planned milestones, planned spending per half-year and source, and targets per
line. These functions compare it with the pilot's timeline, its line scores and the spending
recorded on the budget lines. Sources in ../shared/seed/000_258159f2a27b481a.txt:

- the stages compared are the method's four steps and the end of the support:
  "Het proces verloopt in vier stappen" (Methodiek: Dorp als Verzorgingshuis) and lijn 5,
  Borging: "De betrokkenheid van Spectrum is altijd van tijdelijke aard" - an end that can be
  planned ("Het lastige van niets doen is dat je niet weet wanneer je ermee klaar bent",
  5. Slotsom);
- spending per source: "Cofinanciering van de Provincie Gelderland bij projecten die
  gemeente-overstijgend zijn" next to the municipality and others (INTERFACES.md budget
  sources);
- the lines with targets: "Een vijftal lijnen komt in alle projecten terug".

`behind_plan` is exactly INTERFACES.md: an active pilot whose planned date for entering its
next step (or for completion, at step 4) lies more than 30 days before today; none without a
plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dorp.method import BUDGET_SOURCES, LINES

# The stages a pilot passes, in order, with their column in plan_steps.
STAGES: tuple[str, ...] = ("1", "2", "3", "4", "completed")
STAGE_COLUMNS: dict[str, str] = {"1": "step_1_on", "2": "step_2_on", "3": "step_3_on",
                                 "4": "step_4_on", "completed": "completed_on"}
# INTERFACES.md behind_plan: "more than 30 days before today". The funder's summary uses the
# same margin, so lead and funder call the same pilots "behind".
BEHIND_AFTER_DAYS = 30
HALF_YEAR_MONTHS = 6


def stage_of(step: int, status: str) -> str:
    """Where a pilot stands as a stage key: "1".."4", or "completed" ("0": not started yet,
    for a day before its start)."""
    return "completed" if status == "completed" else str(int(step))


def next_stage(step: int, status: str) -> str | None:
    """The stage a pilot enters next: the next step, completion at step 4; None when it is
    completed or stopped."""
    if status in ("completed", "stopped"):
        return None
    return "completed" if int(step) >= 4 else str(int(step) + 1)


def plan_dates(row: dict | None) -> dict[str, date]:
    """{stage: planned date} of one plan_steps row (only the dates filled in)."""
    if not row:
        return {}
    out = {}
    for stage, col in STAGE_COLUMNS.items():
        d = _day(row.get(col))
        if d is not None:
            out[stage] = d
    return out


# --- one date against its plan --------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """A planned date against what happened.

    kind: on_time (reached on the planned day), late (reached `days` after it), ahead
    (reached `days` before it), due (not reached, planned in `days` days; 0 = today),
    overdue (not reached, planned `days` days ago), reached (reached, no plan or no date to
    compare), no_plan (not reached, nothing planned), not_reached (the pilot stopped)."""

    kind: str
    days: int = 0


def compare(planned: date | None, reached: date | None, today: date, passed: bool | None = None,
            closed: bool = False) -> Comparison:
    """Compare one planned date with the day it was reached.

    `passed`: whether the stage (or milestone) was reached at all; by default, whether a
    reached date is known (a pilot imported without its timeline has passed its earlier
    steps on unknown days). `closed`: the pilot stopped, so what it did not reach is no
    longer due."""
    if passed is None:
        passed = reached is not None
    if passed:
        if planned is None or reached is None:
            return Comparison("reached")
        d = (reached - planned).days
        if d == 0:
            return Comparison("on_time")
        return Comparison("late", d) if d > 0 else Comparison("ahead", -d)
    if closed:
        return Comparison("not_reached")
    if planned is None:
        return Comparison("no_plan")
    d = (planned - today).days
    return Comparison("due", d) if d >= 0 else Comparison("overdue", -d)


# --- the pilot against its plan ---------------------------------------------------------------

def days_past_next(step: int, status: str, plan: dict[str, date], today: date) -> int | None:
    """Days since the planned date of the pilot's next stage (negative: still to come);
    None without a planned date for it (or when the pilot is closed)."""
    nxt = next_stage(step, status)
    if nxt is None or nxt not in plan:
        return None
    return (today - plan[nxt]).days


def behind_plan(step: int, status: str, plan: dict[str, date], today: date) -> bool:
    """INTERFACES.md `behind_plan`: an active pilot whose planned date for entering its next
    step (or for completion, at step 4) lies more than 30 days before today; none without a
    plan."""
    if status != "active":
        return False
    past = days_past_next(step, status, plan, today)
    return past is not None and past > BEHIND_AFTER_DAYS


@dataclass(frozen=True)
class Standing:
    """Where a pilot stands against its plan today.

    kind: behind (its next stage is more than 30 days past its planned date: `days` past,
    `stage` the next stage), ahead (it stands at a stage planned for later: `days` before the
    planned date it reached it, `stage` that stage), on_plan (`days` > 0: past the planned
    date of `stage` by at most 30 days), no_plan, stopped."""

    kind: str
    days: int = 0
    stage: str | None = None


STANDINGS: tuple[str, ...] = ("on_plan", "behind", "ahead", "no_plan", "stopped")


def standing(step: int, status: str, plan: dict[str, date], reached: dict[str, date | None],
             today: date) -> Standing:
    """The pilot's standing against its plan (see Standing)."""
    if not plan:
        return Standing("no_plan")
    if status == "stopped":
        return Standing("stopped")
    now = stage_of(step, status)
    nxt = next_stage(step, status)
    past = days_past_next(step, status, plan, today)
    if past is not None and past > BEHIND_AFTER_DAYS:
        return Standing("behind", past, nxt)
    if now in plan and plan[now] > today:
        on = reached.get(now) or today
        return Standing("ahead", max(0, (plan[now] - on).days), now)
    if past is not None and past > 0:
        return Standing("on_plan", past, nxt)
    return Standing("on_plan")


def stage_rows(step: int, status: str, plan: dict[str, date], reached: dict[str, date | None],
               today: date) -> list[dict]:
    """Per stage: {stage, planned, reached, comparison} (every stage that is planned or
    reached). Stages up to where the pilot stands count as passed, with or without a date."""
    now = stage_of(step, status)
    order = STAGES.index(now) if now in STAGES else -1
    out = []
    for i, stage in enumerate(STAGES):
        planned = plan.get(stage)
        passed = i <= order
        when = reached.get(stage) if passed else None
        if planned is None and not passed:
            continue
        out.append({"stage": stage, "planned": planned, "reached": when,
                    "comparison": compare(planned, when, today, passed=passed,
                                          closed=status == "stopped")})
    return out


def summary(standings: list[Standing]) -> dict[str, int]:
    """How many pilots have each standing (every kind, zeros included)."""
    out = {k: 0 for k in STANDINGS}
    for s in standings:
        out[s.kind] += 1
    return out


# --- spending per half-year and source ----------------------------------------------------------

def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def half_year_start(d: date) -> date:
    return date(d.year, 1 if d.month <= 6 else 7, 1)


def half_year_end(d: date) -> date:
    start = half_year_start(d)
    nxt = date(start.year + (start.month == 7), 7 if start.month == 1 else 1, 1)
    return nxt - timedelta(days=1)


def is_half_year_start(d: date) -> bool:
    return d.day == 1 and d.month in (1, 7)


def _months(periods: pd.Series) -> pd.Series:
    """Month numbers (year * 12 + month - 1) of a column of days (NaN where empty)."""
    days = pd.to_datetime(periods)
    return days.dt.year * 12 + days.dt.month - 1


def planned_between(plan_rows: pd.DataFrame, start: date | None, end: date) -> pd.Series:
    """Planned spending per source in the months from `start` to `end` (a half-year's plan
    counts by the share of its months in between: a quarter gets half of it)."""
    if plan_rows.empty:
        return pd.Series(0.0, index=list(BUDGET_SOURCES))
    h0 = _months(plan_rows["period"])
    lo = h0 if start is None else h0.clip(lower=_month_index(start))
    hi = (h0 + HALF_YEAR_MONTHS - 1).clip(upper=_month_index(end))
    share = ((hi - lo + 1).clip(lower=0) / HALF_YEAR_MONTHS).fillna(0.0)
    amounts = plan_rows["planned"].astype(float) * share
    return amounts.groupby(plan_rows["source"]).sum().reindex(list(BUDGET_SOURCES), fill_value=0.0)


def spent_between(spent_rows: pd.DataFrame, start: date | None, end: date) -> pd.Series:
    """Spending per source on the budget lines whose period starts between `start` and `end`
    (start None: from the beginning, lines without a period included)."""
    if spent_rows.empty:
        return pd.Series(0.0, index=list(BUDGET_SOURCES))
    days = pd.to_datetime(spent_rows["period"])
    keep = days.notna() & (days <= pd.Timestamp(end))
    if start is None:
        keep |= days.isna()
    else:
        keep &= days >= pd.Timestamp(start)
    rows = spent_rows[keep.to_numpy()]
    return rows["spent"].astype(float).groupby(rows["source"]).sum().reindex(
        list(BUDGET_SOURCES), fill_value=0.0)


def spend_by_source(plan_rows: pd.DataFrame, spent_rows: pd.DataFrame, start: date, end: date,
                    cutoff: date, whole_programme: bool = False) -> pd.DataFrame:
    """Planned against spent per source (and a "total" row), in the period and cumulatively.

    - planned: the plan for the whole period (a half-year's plan counts by the share of its
      months in the period: a quarter gets half of it);
    - planned_to_date: the plan for the period's months up to the cut-off's month; spent:
      the budget lines of the period up to the cut-off; difference = spent - planned_to_date;
      share = spent / planned_to_date (None when nothing was planned);
    - planned_cum / spent_cum: everything planned / spent from the start up to the cut-off.
    With `whole_programme` the period is the whole programme: its plan is the whole plan."""
    if whole_programme:
        planned = planned_between(plan_rows, None, date.max)
        spent = spent_between(spent_rows, None, cutoff)
    else:
        planned = planned_between(plan_rows, start, end)
        spent = spent_between(spent_rows, start, cutoff)
    planned_to_date = planned_between(plan_rows, None if whole_programme else start, cutoff)
    planned_cum = planned_between(plan_rows, None, cutoff)
    spent_cum = spent_between(spent_rows, None, cutoff)
    df = pd.DataFrame({"planned": planned, "planned_to_date": planned_to_date, "spent": spent,
                       "planned_cum": planned_cum, "spent_cum": spent_cum})
    df.loc["total"] = df.sum()
    df = df.reset_index(names="source")
    df["difference"] = df["spent"] - df["planned_to_date"]
    df["share"] = pd.Series([s / p if p else None for p, s in zip(df["planned_to_date"], df["spent"])],
                            index=df.index, dtype=object)
    return df


def curve_days(first: date, last: date) -> list[date]:
    """The end of every half-year from `first`'s to `last`'s."""
    out, d = [], half_year_end(first)
    while d <= half_year_end(last):
        out.append(d)
        d = half_year_end(d + timedelta(days=1))
    return out


def spend_curve(plan_rows: pd.DataFrame, spent_rows: pd.DataFrame, first: date, last: date,
                cutoff: date) -> pd.DataFrame:
    """The cumulative spending curve, planned against actual: columns day, kind ("planned" /
    "spent"), amount. Planned at the end of every half-year from `first` to `last`; spent at
    every half-year end up to the cut-off, and at the cut-off itself. (The columns are
    converted once: at scale a programme has tens of thousands of budget lines.)"""
    rows = []
    if not plan_rows.empty:
        h0 = _months(plan_rows["period"]).to_numpy()
        amounts = plan_rows["planned"].astype(float).to_numpy()
    for d in curve_days(first, last):
        total = 0.0
        if not plan_rows.empty:
            share = ((pd.Series(h0 + HALF_YEAR_MONTHS - 1).clip(upper=_month_index(d)) - h0 + 1)
                     .clip(lower=0) / HALF_YEAR_MONTHS).fillna(0.0).to_numpy()
            total = float((amounts * share).sum())
        rows.append({"day": d, "kind": "planned", "amount": total})
    days = pd.to_datetime(spent_rows["period"]) if not spent_rows.empty else pd.Series(dtype="datetime64[ns]")
    spent = spent_rows["spent"].astype(float) if not spent_rows.empty else pd.Series(dtype=float)
    undated = float(spent[days.isna()].sum())
    spent_days = [d for d in curve_days(first, cutoff) if d < cutoff] + [cutoff]
    for d in spent_days:
        rows.append({"day": d, "kind": "spent",
                     "amount": undated + float(spent[(days <= pd.Timestamp(d)).to_numpy()].sum())})
    return pd.DataFrame(rows, columns=["day", "kind", "amount"])


# --- targets per line ---------------------------------------------------------------------------

TARGET_RESULTS: tuple[str, ...] = ("met", "met_late", "missed", "on_track", "open", "no_start")


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(d.day, (nxt - timedelta(days=1)).day))


def targets_for(targets: pd.DataFrame, village_ids: list[int]) -> pd.DataFrame:
    """The targets that hold for each pilot: its own for a line, else the programme's
    (columns village_id, line, score, by_month)."""
    cols = ["village_id", "line", "score", "by_month"]
    if targets.empty or not village_ids:
        return pd.DataFrame(columns=cols)
    own = targets[targets["village_id"].notna()]
    general = targets[targets["village_id"].isna()]
    rows = []
    for vid in village_ids:
        mine = own[own["village_id"] == vid]
        for ln in LINES:
            t = mine[mine["line"] == ln]
            if t.empty:
                t = general[general["line"] == ln]
            for r in t.itertuples():
                rows.append({"village_id": vid, "line": ln, "score": int(r.score),
                             "by_month": int(r.by_month)})
    return pd.DataFrame(rows, columns=cols)


def line_targets(targets: pd.DataFrame, pilots: pd.DataFrame, scores: pd.DataFrame,
                 cutoff: date) -> pd.DataFrame:
    """Each pilot's lines against their targets as of `cutoff`.

    pilots: village_id, village, started_on; scores: village_id, line, scored_on, score.
    Returns village_id, village, line, target, by_month, due_on, at_due (latest score on or
    before the due day), latest (latest score up to the cut-off), result:
    met (reached by the due day), met_late (not by the due day, but by now), missed (due,
    not reached), on_track (not yet due, already reached), open (not yet due, not reached
    yet), no_start (the pilot has no start date to count months from)."""
    cols = ["village_id", "village", "line", "target", "by_month", "due_on", "at_due", "latest",
            "result"]
    applying = targets_for(targets, [int(v) for v in pilots["village_id"]])
    if applying.empty:
        return pd.DataFrame(columns=cols)
    names = dict(zip(pilots["village_id"].astype(int), pilots["village"]))
    starts = {int(v): _day(s) for v, s in zip(pilots["village_id"], pilots["started_on"])}
    history: dict[tuple[int, str], list[tuple[date, int]]] = {}
    for r in scores.itertuples():
        d = _day(r.scored_on)
        if d is not None and d <= cutoff:
            history.setdefault((int(r.village_id), r.line), []).append((d, int(r.score)))
    for k in history:
        history[k].sort()
    rows = []
    for r in applying.itertuples():
        start = starts.get(int(r.village_id))
        h = history.get((int(r.village_id), r.line), [])
        latest = h[-1][1] if h else None
        if start is None:
            rows.append({"village_id": r.village_id, "village": names[r.village_id],
                         "line": r.line, "target": r.score, "by_month": r.by_month,
                         "due_on": None, "at_due": None, "latest": latest, "result": "no_start"})
            continue
        due = add_months(start, r.by_month)
        before = [s for d, s in h if d <= due]
        at_due = before[-1] if before else None
        if due <= cutoff:
            if at_due is not None and at_due >= r.score:
                result = "met"
            elif latest is not None and latest >= r.score:
                result = "met_late"
            else:
                result = "missed"
        else:
            result = "on_track" if latest is not None and latest >= r.score else "open"
        rows.append({"village_id": r.village_id, "village": names[r.village_id], "line": r.line,
                     "target": r.score, "by_month": r.by_month, "due_on": due,
                     "at_due": at_due if due <= cutoff else None, "latest": latest,
                     "result": result})
    return pd.DataFrame(rows, columns=cols)


def targets_summary(per_pilot: pd.DataFrame) -> pd.DataFrame:
    """Per line: how many pilots have a target, and how many of each result."""
    rows = []
    for ln in LINES:
        sub = per_pilot[per_pilot["line"] == ln] if not per_pilot.empty else per_pilot
        if sub.empty:
            continue
        row = {"line": ln, "pilots": len(sub)}
        for res in TARGET_RESULTS:
            row[res] = int((sub["result"] == res).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["line", "pilots", *TARGET_RESULTS])


def _day(v) -> date | None:
    if v is None:
        return None
    if isinstance(v, float) and pd.isna(v):
        return None
    if v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date()
    if hasattr(v, "date") and not isinstance(v, date):
        return v.date()
    if isinstance(v, date) and hasattr(v, "hour"):
        return v.date()  # datetime
    return v if isinstance(v, date) else None


# --- in words (page, report, pilot page) ----------------------------------------------------------

def stage_text(stage: str | None, lang: str = "nl") -> str:
    from dorp import i18n
    return i18n.t(f"plan.stage.{stage}", lang) if stage is not None else "–"


def comparison_text(c: Comparison, lang: str = "nl") -> str:
    """A comparison in words: "op tijd", "3 dagen te laat", "1 dag eerder", "vandaag gepland"."""
    from dorp import i18n
    if c.kind == "due" and c.days == 0:
        return i18n.t("plan.kind.due_today", lang)
    if c.kind in ("late", "ahead", "due", "overdue") and c.days == 1:
        return i18n.t(f"plan.kind.{c.kind}_one", lang)
    return i18n.t(f"plan.kind.{c.kind}", lang, days=c.days)


def standing_text(s: Standing, planned: date | None, lang: str = "nl") -> str:
    """A pilot's standing in words; `planned` is the planned date of `s.stage`."""
    from dorp import i18n
    if s.kind == "on_plan" and s.days > 0:
        return i18n.t("plan.standing.on_plan_margin", lang, stage=stage_text(s.stage, lang),
                      days=s.days)
    if s.kind in ("behind", "ahead"):
        return i18n.t(f"plan.standing.{s.kind}", lang, days=s.days,
                      stage=stage_text(s.stage, lang), date=i18n.fmt_date(planned, lang))
    return i18n.t(f"plan.standing.{s.kind}", lang)
