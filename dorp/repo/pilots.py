"""Pilots: the facts the method's rules need, for every pilot at once (no N+1 queries)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import rules
from dorp.access import AccessDenied, User
from dorp.method import ROLES
from dorp.db import Db
from dorp.repo.cache import memo
from dorp.repo.scope import village_filter

# One row per pilot with everything the rules need. `?` parameters: today (x2), then scope.
_FACTS_SQL = """
WITH
chosen AS (SELECT village_id, bool_or(chosen) AS chosen FROM pitches GROUP BY village_id),
cons AS (SELECT village_id, list(DISTINCT party) AS parties FROM consent GROUP BY village_id),
latest_mbc AS (
    SELECT village_id,
           arg_max(willingness, assessed_on) AS willingness,
           arg_max(ability, assessed_on) AS ability,
           arg_max(presented_village_on, assessed_on) AS presented_village_on,
           arg_max(presented_municipality_on, assessed_on) AS presented_municipality_on
    FROM (SELECT * FROM mbc ORDER BY assessed_on, id) GROUP BY village_id),
members AS (
    SELECT village_id, list(DISTINCT party) AS parties FROM steering_members
    WHERE (until_date IS NULL OR until_date >= $today) AND (from_date IS NULL OR from_date <= $today)
    GROUP BY village_id),
meet AS (
    SELECT village_id,
           max(held_on) AS last_meeting_on,
           arg_max(municipality_satisfaction, held_on) AS mun_sat,
           arg_max(community_satisfaction, held_on) AS com_sat,
           bool_or(municipality_satisfaction >= 3 AND community_satisfaction >= 3) AS satisfied
    FROM steering_meetings GROUP BY village_id),
lines AS (
    SELECT village_id, map(list(line), list(last_two)) AS history FROM (
        -- the two latest scores, oldest first: a top-2 aggregate (no sort of the history;
        -- ten years of monthly scores for 1000 villages: 113 -> 75 ms)
        SELECT village_id, line, list_reverse(arg_max(score, (scored_on, id), 2)) AS last_two
        FROM line_scores GROUP BY village_id, line)
    GROUP BY village_id),
plan AS (
    SELECT village_id FROM safeguarding
    WHERE exit_date IS NOT NULL AND coalesce(trim(successor), '') <> ''),
last_move AS (
    SELECT village_id, arg_max(override, id) AS override FROM step_moves GROUP BY village_id),
modes AS (
    SELECT village_id, list(DISTINCT mode ORDER BY mode) AS modes FROM working_modes
    WHERE started_on <= $today AND (ended_on IS NULL OR ended_on > $today) GROUP BY village_id),
activity AS (
    SELECT village_id, max(d) AS last_activity FROM (
        SELECT village_id, given_on AS d FROM consent
        UNION ALL SELECT village_id, assessed_on FROM mbc
        UNION ALL SELECT village_id, held_on FROM steering_meetings
        UNION ALL SELECT village_id, scored_on FROM line_scores
        UNION ALL SELECT village_id, moved_on FROM step_moves
        UNION ALL SELECT village_id, started_on FROM working_modes
        UNION ALL SELECT p.village_id, sm.meeting_date FROM pitches p
                  JOIN start_meetings sm ON sm.id = p.meeting_id
    ) WHERE d <= $today GROUP BY village_id)
SELECT v.id AS village_id, v.name AS village, m.name AS municipality,
       p.step, p.status, p.started_on,
       coalesce(c.chosen, FALSE) AS chosen,
       coalesce(cons.parties, []) AS consent,
       mb.willingness, mb.ability,
       mb.presented_village_on IS NOT NULL AS presented_village,
       mb.presented_municipality_on IS NOT NULL AS presented_municipality,
       coalesce(mem.parties, []) AS member_parties,
       meet.last_meeting_on, meet.mun_sat, meet.com_sat,
       coalesce(meet.satisfied, FALSE) AS satisfied_meeting,
       lines.history,
       plan.village_id IS NOT NULL AS has_exit_plan,
       coalesce(lm.override, FALSE) AS override_current,
       act.last_activity,
       coalesce(modes.modes, []) AS modes
FROM pilots p
JOIN villages v ON v.id = p.village_id
JOIN municipalities m ON m.id = v.municipality_id
LEFT JOIN chosen c ON c.village_id = v.id
LEFT JOIN cons ON cons.village_id = v.id
LEFT JOIN latest_mbc mb ON mb.village_id = v.id
LEFT JOIN members mem ON mem.village_id = v.id
LEFT JOIN meet ON meet.village_id = v.id
LEFT JOIN lines ON lines.village_id = v.id
LEFT JOIN plan ON plan.village_id = v.id
LEFT JOIN last_move lm ON lm.village_id = v.id
LEFT JOIN modes ON modes.village_id = v.id
LEFT JOIN activity act ON act.village_id = v.id
WHERE TRUE {scope}
ORDER BY v.name
"""


def _to_facts(r: dict) -> rules.PilotFacts:
    meeting = None
    if r["last_meeting_on"] is not None:
        meeting = rules.Meeting(r["last_meeting_on"], r["mun_sat"], r["com_sat"])
    return rules.PilotFacts(
        village=r["village"],
        municipality=r["municipality"],
        step=int(r["step"]),
        status=r["status"],
        started_on=r["started_on"],
        chosen_by_vote=bool(r["chosen"]),
        consent=frozenset(r["consent"]),
        willingness=r["willingness"],
        ability=r["ability"],
        presented_village=bool(r["presented_village"]),
        presented_municipality=bool(r["presented_municipality"]),
        member_parties=frozenset(r["member_parties"]),
        latest_meeting=meeting,
        satisfied_meeting=bool(r["satisfied_meeting"]),
        line_history={k: list(v) for k, v in (r["history"] or {}).items()},
        has_exit_plan=bool(r["has_exit_plan"]),
        override_current=bool(r["override_current"]),
        last_activity=r["last_activity"],
        modes=list(r["modes"]),
    )


@memo  # recomputed after any write (dorp/repo/cache.py)
def facts_rows(db: Db, user: User, today: date) -> list[dict]:
    """The raw rows behind facts() (the benchmark compares them with plain pandas)."""
    if user.role not in ROLES:
        raise AccessDenied()
    scope_sql, scope_params = village_filter(user) if user.role != "funder" else ("", [])
    sql = _FACTS_SQL.replace("$today", "$1").format(scope=_renumber(scope_sql))
    return db.rows(sql, [today, *scope_params])


def facts(db: Db, user: User, today: date) -> list[tuple[int, rules.PilotFacts]]:
    """(village_id, facts) for every pilot the user may see. Funders see all pilots here:
    facts carry no personal data (no names of people, no notes)."""
    out = [(r["village_id"], _to_facts(r)) for r in facts_rows(db, user, today)]
    _add_plan(db, user, out)
    return out


def _add_plan(db: Db, user: User, facts_list: list[tuple[int, rules.PilotFacts]]) -> None:
    """The programme plan's dates (dorp.repo.plan) on each pilot's facts (alert behind_plan)."""
    from dorp.repo import plan
    due = plan.due_dates(db, user)
    for vid, f in facts_list:
        f.plan = due.get(vid, {})


def _renumber(scope_sql: str) -> str:
    """Turn the scope's `?` into $2, $3 ... so they follow the named-position $1 (today)."""
    out, n = [], 2
    for ch in scope_sql:
        if ch == "?":
            out.append(f"${n}")
            n += 1
        else:
            out.append(ch)
    return "".join(out)


@memo
def overview(db: Db, user: User, today: date) -> pd.DataFrame:
    """One row per pilot: village, municipality, step, status, last update, alerts."""
    rows = []
    for vid, f in facts(db, user, today):
        rows.append({
            "village_id": vid,
            "village": f.village,
            "municipality": f.municipality,
            "step": f.step,
            "status": f.status,
            "last_activity": f.last_activity,
            "alerts": rules.alerts(f, today),
            "verdict": f.verdict,
        })
    return pd.DataFrame(rows, columns=["village_id", "village", "municipality", "step", "status",
                                       "last_activity", "alerts", "verdict"])
