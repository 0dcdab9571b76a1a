"""What the two dashboards show: the programme overview (leads) and one village's dashboard
(leads and that village's steering group). All SQL of the dashboards lives here and in
dorp.repo.lines; every function applies the user's scope itself.

Cost: queries aggregate in DuckDB (arg_max, quantiles) and return only what is drawn, so a
page's cost follows what it shows, not how much history the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import pandas as pd

from dorp import rules
from dorp.access import AccessDenied, User, can, require
from dorp.db import Db
from dorp.repo import lines, pilots
from dorp.repo.scope import village_filter

PILOT_COLUMNS = ["village_id", "village", "municipality", "step", "status", "started_on",
                 "last_activity", "alerts", "rank", "scored", "lat", "lon"]


@dataclass
class Filters:
    """The overview's filters; empty means "all"."""

    municipalities: tuple[str, ...] = ()
    steps: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()

    def keep(self, df: pd.DataFrame) -> pd.DataFrame:
        mask = pd.Series(True, index=df.index)
        if self.municipalities:
            mask &= df["municipality"].isin(self.municipalities)
        if self.steps:
            mask &= df["step"].isin(self.steps)
        if self.statuses:
            mask &= df["status"].isin(self.statuses)
        return df[mask]


@dataclass
class Programme:
    """Everything the programme overview draws, already filtered."""

    pilots: pd.DataFrame                 # PILOT_COLUMNS, ranked: most urgent first
    facts: dict[int, rules.PilotFacts]   # village_id -> facts (filtered pilots only)
    all_municipalities: list[str] = field(default_factory=list)


def municipalities(db: Db, user: User) -> list[str]:
    """Names of the municipalities with a pilot the user may see (the overview's filter)."""
    require(user, "view_programme")
    scope_sql, params = village_filter(user)
    return [r["name"] for r in db.rows(
        "SELECT DISTINCT m.name FROM pilots p JOIN villages v ON v.id = p.village_id"
        f" JOIN municipalities m ON m.id = v.municipality_id WHERE TRUE {scope_sql}"
        " ORDER BY m.name", params)]


def _geo(db: Db, ids: list[int]) -> pd.DataFrame:
    return db.df("SELECT id AS village_id, lat, lon FROM villages"
                 " WHERE id = ANY(CAST(? AS BIGINT[]))", [ids])


def programme(db: Db, user: User, today: date, filters: Filters | None = None) -> Programme:
    """The pilots the user may see (a lead: all), filtered, with their alerts ranked."""
    require(user, "view_programme")
    filters = filters or Filters()
    all_facts = pilots.facts(db, user, today)
    rows = []
    for vid, f in all_facts:
        codes = rules.alerts(f, today)
        rows.append({"village_id": vid, "village": f.village, "municipality": f.municipality,
                     "step": f.step, "status": f.status, "started_on": f.started_on,
                     "last_activity": f.last_activity, "alerts": codes,
                     "rank": rules.alert_rank(codes), "scored": bool(f.line_history)})
    df = pd.DataFrame(rows, columns=[c for c in PILOT_COLUMNS if c not in ("lat", "lon")])
    municipalities = sorted(df["municipality"].unique().tolist()) if not df.empty else []
    df = filters.keep(df)
    ids = [int(v) for v in df["village_id"]]
    if ids:
        df = df.merge(_geo(db, ids), on="village_id", how="left")
    else:
        df = df.assign(lat=pd.Series(dtype="float"), lon=pd.Series(dtype="float"))
    df = df.sort_values(["rank", "village"], ascending=[False, True]).reset_index(drop=True)
    keep = set(ids)
    facts = {vid: f for vid, f in all_facts if vid in keep}
    return Programme(df[PILOT_COLUMNS], facts, municipalities)


def latest(db: Db, user: User, village_ids: Iterable[int]) -> pd.DataFrame:
    """Latest score per line of the pilots on screen (heatmap rows, attention cards) only."""
    require(user, "view_programme")
    return lines.latest(db, user, [int(v) for v in village_ids])


def compare(db: Db, user: User, band_ids: Iterable[int] | None, pilot_ids: Iterable[int],
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Month-of-pilot comparison: the spread of `band_ids` (None: every pilot the user sees)
    per line and month, and the monthly scores of the few `pilot_ids` drawn as own lines."""
    require(user, "view_programme")
    band_ids = None if band_ids is None else [int(v) for v in band_ids]
    pilot_ids = [int(v) for v in pilot_ids]
    return lines.month_band(db, user, band_ids), lines.by_month_of_pilot(db, user, pilot_ids)


# --- one village -----------------------------------------------------------------------------

@dataclass
class Village:
    village_id: int
    facts: rules.PilotFacts
    scores: pd.DataFrame        # lines.history
    latest: pd.DataFrame        # lines.latest: village_id, line, score, scored_on, previous
    meetings: pd.DataFrame      # held_on, municipality_satisfaction, community_satisfaction, decisions
    actions: pd.DataFrame       # open actions: description, who, due_on, meeting_on
    modes: pd.DataFrame         # mode, started_on, ended_on, reason
    assessments: pd.DataFrame   # assessed_on, willingness, ability, advised
    initiatives: pd.DataFrame   # name, phase, since, description
    partners: pd.DataFrame      # partner_type, name, formal
    plan: dict | None           # safeguarding plan


def villages_for(db: Db, user: User, today: date) -> dict[int, str]:
    """Village id -> name of the pilots the user may open on the village dashboard."""
    require(user, "view_village_any")
    return {vid: f.village for vid, f in pilots.facts(db, user, today)}


def village(db: Db, user: User, village_id: int, today: date) -> Village | None:
    """One village's dashboard; None when it has no pilot. Steering members only their own."""
    if not can(user, "view_village", village_id):
        raise AccessDenied()
    # facts() applies the user's scope; narrowing the scope to this one village keeps the
    # cost of the query independent of the size of the programme.
    one = User(user.username, "steering", frozenset({village_id}), user.id)
    found = pilots.facts(db, one, today)
    if not found:
        return None
    p = [village_id]

    def q(sql: str, *date_columns: str) -> pd.DataFrame:
        return lines.as_dates(db.df(sql, p), *date_columns)

    assessments = q("SELECT assessed_on, willingness, ability, may_ok FROM mbc"
                    " WHERE village_id = ? ORDER BY assessed_on, id", "assessed_on")
    assessments["advised"] = [
        rules.advised_mode(None if pd.isna(w) else int(w), None if pd.isna(a) else int(a),
                           None if pd.isna(m) else bool(m))
        for w, a, m in zip(assessments["willingness"], assessments["ability"],
                           assessments["may_ok"])]
    return Village(
        village_id=village_id,
        facts=found[0][1],
        scores=lines.history(db, user, village_id),
        latest=lines.latest(db, user, p),
        meetings=q("SELECT id, held_on, municipality_satisfaction, community_satisfaction,"
                   " decisions FROM steering_meetings WHERE village_id = ? ORDER BY held_on, id",
                   "held_on"),
        actions=q("SELECT a.description, a.who, a.due_on, m.held_on AS meeting_on"
                  " FROM actions a LEFT JOIN steering_meetings m ON m.id = a.meeting_id"
                  " WHERE a.village_id = ? AND NOT a.done ORDER BY a.due_on NULLS LAST, a.id",
                  "due_on", "meeting_on"),
        modes=q("SELECT mode, started_on, ended_on, reason FROM working_modes"
                " WHERE village_id = ? ORDER BY started_on, id", "started_on", "ended_on"),
        assessments=assessments,
        initiatives=q("SELECT name, phase, since, description FROM initiatives"
                      " WHERE village_id = ? ORDER BY name", "since"),
        partners=q("SELECT partner_type, name, formal FROM partners WHERE village_id = ?"
                   " ORDER BY formal DESC NULLS LAST, partner_type, name"),
        plan=db.one("SELECT exit_date, successor, handed_over FROM safeguarding"
                    " WHERE village_id = ?", p),
    )
