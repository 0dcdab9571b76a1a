"""Pilots: the facts the method's rules need, for every pilot at once (no N+1 queries)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import burgerkracht as bk, rules
from dorp.access import AccessDenied, User
from dorp.method import LINES, ROLES
from dorp.db import Db
from dorp.repo import burgerkracht as bk_repo
from dorp.repo.cache import memo
from dorp.repo.scope import village_filter


def _lines_pivot() -> str:
    """The two latest scores of each line as columns <line>_1 (latest) and <line>_2."""
    return ",\n           ".join(
        f"max(CASE WHEN t.g - t.village_id * 8 = {i} THEN {tab}.key % 10 END) AS {ln}_{k}"
        for i, ln in enumerate(LINES) for k, tab in ((1, "t"), (2, "u")))


# One integer per (village, line): village id times 8 plus the line's place in LINES.
_LINE_GROUP = "(l.village_id * 8 + CASE l.line {} END)".format(
    " ".join(f"WHEN '{ln}' THEN {i}" for i, ln in enumerate(LINES)))


# "The latest record" as one number that sorts like (date, id): days since 1970 times 10^11
# plus the record's id (ids stay far below 10^11). Its maximum picks the whole latest record
# (the id is the key modulo 10^11); for a line score the score (1-5) is one more digit. Two
# aggregates instead of a window over every row: ten years of monthly scores for 1000 villages
# in about a tenth of the time of ROW_NUMBER(), in SQL that DuckDB and PostgreSQL both run.
_IDS = 100000000000


def _key(alias: str, day: str) -> str:
    return f"(CAST({alias}.{day} - DATE '1970-01-01' AS BIGINT) * {_IDS} + {alias}.id)"


# One row per pilot with everything the rules need, in portable SQL (DuckDB and PostgreSQL:
# `?` parameters, window functions, no DuckDB-only functions or types). One `?` for today,
# then the scope's. "Latest" is always a whole record: ROW_NUMBER() over (date, id), never
# the latest value of each column on its own.
#
# The records are read as of two days per pilot (`judged`): k = 0 today, k = 1 the day of the
# latest recorded move into the stage it stands at (`entry`; none without such a move). A
# move's stage is its to_step, or 5 for a move to "completed"; a move is *into* its stage
# when the stage it came from (from_step / from_status, or else the stage of the move
# recorded before it) differs.
_FACTS_SQL = """
WITH
params AS (SELECT CAST(? AS DATE) AS today),
pil AS (
    SELECT p.village_id, v.name AS village, m.name AS municipality, p.step, p.status,
           p.started_on, CASE WHEN p.status = 'completed' THEN 5 ELSE p.step END AS stage
    FROM pilots p
    JOIN villages v ON v.id = p.village_id
    JOIN municipalities m ON m.id = v.municipality_id
    WHERE TRUE {scope}),
mv AS (
    SELECT s.village_id, s.id, s.moved_on, s.override,
           CASE WHEN s.to_status = 'completed' THEN 5 ELSE s.to_step END AS stage,
           CASE WHEN s.from_status = 'completed' THEN 5 ELSE s.from_step END AS from_stage,
           ROW_NUMBER() OVER (PARTITION BY s.village_id ORDER BY s.moved_on, s.id) AS pos
    FROM step_moves s
    JOIN pil ON pil.village_id = s.village_id
    CROSS JOIN params
    WHERE s.moved_on <= params.today),
mv2 AS (
    SELECT mv.*, LAG(mv.stage) OVER (PARTITION BY mv.village_id ORDER BY mv.pos) AS lag_stage
    FROM mv),
entry AS (
    SELECT x.village_id, x.moved_on AS entered_on, x.pos FROM (
        SELECT mv2.village_id, mv2.moved_on, mv2.pos,
               ROW_NUMBER() OVER (PARTITION BY mv2.village_id ORDER BY mv2.pos DESC) AS rn
        FROM mv2
        JOIN pil ON pil.village_id = mv2.village_id AND mv2.stage = pil.stage
        WHERE COALESCE(mv2.from_stage, mv2.lag_stage) IS DISTINCT FROM mv2.stage) x
    WHERE x.rn = 1),
ovr AS (
    SELECT mv2.village_id, bool_or(mv2.override) AS override
    FROM mv2
    JOIN pil ON pil.village_id = mv2.village_id AND mv2.stage = pil.stage
    LEFT JOIN entry e ON e.village_id = mv2.village_id
    WHERE mv2.pos >= COALESCE(e.pos, 0)
    GROUP BY mv2.village_id),
judged AS (
    SELECT pil.village_id, 0 AS k, params.today AS d FROM pil CROSS JOIN params
    UNION ALL
    SELECT entry.village_id, 1 AS k, entry.entered_on AS d FROM entry),
chosen AS (
    -- Chosen at a start meeting held by that day. A village without votes (0) counts only
    -- when the meeting records an explicit decision with a reason (vote.py).
    SELECT j.village_id, j.k, COUNT(*) > 0 AS chosen
    FROM judged j
    JOIN pitches pt ON pt.village_id = j.village_id AND pt.chosen
    JOIN start_meetings sm ON sm.id = pt.meeting_id AND sm.meeting_date <= j.d
    WHERE pt.votes IS NULL OR pt.votes > 0 OR COALESCE(TRIM(sm.tie_reason), '') <> ''
    GROUP BY j.village_id, j.k),
cons AS (
    SELECT j.village_id, j.k,
           bool_or(c.party = 'municipality') AS municipality,
           bool_or(c.party = 'community') AS community
    FROM judged j JOIN consent c ON c.village_id = j.village_id AND c.given_on <= j.d
    GROUP BY j.village_id, j.k),
mbc_key AS (
    SELECT j.village_id, j.k, max({key_b}) AS key
    FROM judged j JOIN mbc b ON b.village_id = j.village_id AND b.assessed_on <= j.d
    GROUP BY j.village_id, j.k),
mbc_at AS (
    SELECT mk.village_id, mk.k, b.assessed_on, b.may_ok, b.willingness, b.ability,
           b.presented_village_on, b.presented_municipality_on
    FROM mbc_key mk JOIN mbc b ON b.id = mk.key % {ids}),
members AS (
    SELECT j.village_id, j.k,
           bool_or(s.party = 'municipality') AS municipality,
           bool_or(s.party = 'community') AS community
    FROM judged j JOIN steering_members s ON s.village_id = j.village_id
         AND (s.from_date IS NULL OR s.from_date <= j.d)
         AND (s.until_date IS NULL OR s.until_date >= j.d)
    GROUP BY j.village_id, j.k),
meet_key AS (
    SELECT j.village_id, j.k, max({key_s}) AS key
    FROM judged j JOIN steering_meetings s ON s.village_id = j.village_id AND s.held_on <= j.d
    GROUP BY j.village_id, j.k),
meet AS (
    SELECT mk.village_id, mk.k, s.held_on, s.municipality_satisfaction AS mun_sat,
           s.community_satisfaction AS com_sat
    FROM meet_key mk JOIN steering_meetings s ON s.id = mk.key % {ids}),
guard AS (
    SELECT j.village_id, j.k, max({key_l} * 10 + l.score) % 10 AS score
    FROM judged j JOIN line_scores l ON l.village_id = j.village_id
         AND l.line = 'safeguarding' AND l.scored_on <= j.d
    WHERE j.k = 1
    GROUP BY j.village_id, j.k),
top1 AS (
    SELECT l.village_id, {line_group} AS g, max({key_l} * 10 + l.score) AS key
    FROM line_scores l CROSS JOIN params
    WHERE l.scored_on <= params.today
    GROUP BY l.village_id, {line_group}),
top2 AS (
    SELECT t.g, max({key_l} * 10 + l.score) AS key
    FROM line_scores l CROSS JOIN params
    JOIN top1 t ON t.g = {line_group}
    WHERE l.scored_on <= params.today AND {key_l} * 10 + l.score < t.key
    GROUP BY t.g),
lines AS (
    SELECT t.village_id,
           {lines}
    FROM top1 t LEFT JOIN top2 u ON u.g = t.g
    GROUP BY t.village_id),
plan AS (
    SELECT DISTINCT village_id FROM safeguarding
    WHERE exit_date IS NOT NULL AND COALESCE(TRIM(successor), '') <> ''),
modes AS (
    SELECT w.village_id, string_agg(DISTINCT w.mode, ',' ORDER BY w.mode) AS modes
    FROM working_modes w CROSS JOIN params
    WHERE w.started_on <= params.today
      AND (w.ended_on IS NULL OR w.ended_on > params.today)
    GROUP BY w.village_id),
activity AS (
    -- Anything recorded with a date: the pilot's own events (not plans or deadlines).
    SELECT a.village_id, max(a.d) AS last_activity FROM (
        SELECT village_id, given_on AS d FROM consent
        UNION ALL SELECT village_id, assessed_on FROM mbc
        UNION ALL SELECT village_id, presented_village_on FROM mbc
        UNION ALL SELECT village_id, presented_municipality_on FROM mbc
        UNION ALL SELECT village_id, held_on FROM steering_meetings
        UNION ALL SELECT village_id, from_date FROM steering_members
        UNION ALL SELECT village_id, until_date FROM steering_members
        UNION ALL SELECT village_id, scored_on FROM line_scores
        UNION ALL SELECT village_id, moved_on FROM step_moves
        UNION ALL SELECT village_id, started_on FROM working_modes
        UNION ALL SELECT village_id, ended_on FROM working_modes
        UNION ALL SELECT village_id, changed_on FROM initiative_phases
        UNION ALL SELECT p.village_id, sm.meeting_date FROM pitches p
                  JOIN start_meetings sm ON sm.id = p.meeting_id
    ) a
    JOIN pil ON pil.village_id = a.village_id
    CROSS JOIN params
    WHERE a.d <= params.today
    GROUP BY a.village_id)
SELECT pil.village_id, pil.village, pil.municipality, pil.step, pil.status, pil.started_on,
       params.today,
       e.entered_on,
       COALESCE(o.override, FALSE) AS override_current,
       COALESCE(c0.chosen, FALSE) AS chosen_0, COALESCE(c1.chosen, FALSE) AS chosen_1,
       COALESCE(n0.municipality, FALSE) AS consent_municipality_0,
       COALESCE(n0.community, FALSE) AS consent_community_0,
       COALESCE(n1.municipality, FALSE) AS consent_municipality_1,
       COALESCE(n1.community, FALSE) AS consent_community_1,
       b0.assessed_on AS mbc_on_0, b0.may_ok AS may_0, b0.willingness AS willingness_0,
       b0.ability AS ability_0, b0.presented_village_on AS presented_village_0,
       b0.presented_municipality_on AS presented_municipality_0,
       b1.assessed_on AS mbc_on_1, b1.may_ok AS may_1, b1.willingness AS willingness_1,
       b1.ability AS ability_1, b1.presented_village_on AS presented_village_1,
       b1.presented_municipality_on AS presented_municipality_1,
       COALESCE(s0.municipality, FALSE) AS member_municipality_0,
       COALESCE(s0.community, FALSE) AS member_community_0,
       COALESCE(s1.municipality, FALSE) AS member_municipality_1,
       COALESCE(s1.community, FALSE) AS member_community_1,
       t0.held_on AS meeting_on_0, t0.mun_sat AS mun_sat_0, t0.com_sat AS com_sat_0,
       t1.held_on AS meeting_on_1, t1.mun_sat AS mun_sat_1, t1.com_sat AS com_sat_1,
       g1.score AS guard_1,
       {line_columns},
       plan.village_id IS NOT NULL AS has_exit_plan,
       act.last_activity,
       modes.modes
FROM pil
CROSS JOIN params
LEFT JOIN entry e ON e.village_id = pil.village_id
LEFT JOIN ovr o ON o.village_id = pil.village_id
LEFT JOIN chosen c0 ON c0.village_id = pil.village_id AND c0.k = 0
LEFT JOIN chosen c1 ON c1.village_id = pil.village_id AND c1.k = 1
LEFT JOIN cons n0 ON n0.village_id = pil.village_id AND n0.k = 0
LEFT JOIN cons n1 ON n1.village_id = pil.village_id AND n1.k = 1
LEFT JOIN mbc_at b0 ON b0.village_id = pil.village_id AND b0.k = 0
LEFT JOIN mbc_at b1 ON b1.village_id = pil.village_id AND b1.k = 1
LEFT JOIN members s0 ON s0.village_id = pil.village_id AND s0.k = 0
LEFT JOIN members s1 ON s1.village_id = pil.village_id AND s1.k = 1
LEFT JOIN meet t0 ON t0.village_id = pil.village_id AND t0.k = 0
LEFT JOIN meet t1 ON t1.village_id = pil.village_id AND t1.k = 1
LEFT JOIN guard g1 ON g1.village_id = pil.village_id AND g1.k = 1
LEFT JOIN lines ON lines.village_id = pil.village_id
LEFT JOIN plan ON plan.village_id = pil.village_id
LEFT JOIN activity act ON act.village_id = pil.village_id
LEFT JOIN modes ON modes.village_id = pil.village_id
ORDER BY pil.village, pil.village_id
""".replace("{lines}", _lines_pivot()).replace("{ids}", str(_IDS)).replace(
    "{key_b}", _key("b", "assessed_on")).replace("{key_s}", _key("s", "held_on")).replace(
    "{key_l}", _key("l", "scored_on")).replace("{line_group}", _LINE_GROUP).replace(
    "{line_columns}", ", ".join(f"lines.{ln}_{k}" for ln in LINES for k in (1, 2)))

# Columns of a facts row (pilots.facts_rows); the benchmark's yardstick returns the same.
# Every name is distinct: a row is a dict (guard_1 is the safeguarding score of the day of
# entry, safeguarding_1 / _2 today's latest two).
FACT_COLUMNS: tuple[str, ...] = (
    "village_id", "village", "municipality", "step", "status", "started_on", "entered_on",
    "override_current", "chosen_0", "chosen_1", "consent_municipality_0",
    "consent_community_0", "consent_municipality_1", "consent_community_1",
    *(f"{c}_{k}" for k in (0, 1) for c in ("mbc_on", "may", "willingness", "ability",
                                            "presented_village", "presented_municipality")),
    "member_municipality_0", "member_community_0", "member_municipality_1",
    "member_community_1", "meeting_on_0", "mun_sat_0", "com_sat_0", "meeting_on_1",
    "mun_sat_1", "com_sat_1", "guard_1",
    *(f"{ln}_{k}" for ln in LINES for k in (1, 2)),
    "has_exit_plan", "last_activity", "modes",
)


def _int(v) -> int | None:
    return None if v is None else int(v)


def _records(r: dict, k: int, on: date, history: dict[str, list[int]]) -> rules.Records:
    """The records of one day (k = 0 today, 1 the day of entry) from a facts row."""
    mbc = None
    if r[f"mbc_on_{k}"] is not None:
        mbc = rules.Assessment(
            on=r[f"mbc_on_{k}"], willingness=_int(r[f"willingness_{k}"]),
            ability=_int(r[f"ability_{k}"]),
            may=None if r[f"may_{k}"] is None else bool(r[f"may_{k}"]),
            presented_village_on=r[f"presented_village_{k}"],
            presented_municipality_on=r[f"presented_municipality_{k}"])
    meeting = None
    if r[f"meeting_on_{k}"] is not None:
        meeting = rules.Meeting(r[f"meeting_on_{k}"], _int(r[f"mun_sat_{k}"]),
                                _int(r[f"com_sat_{k}"]))
    parties = lambda prefix: frozenset(  # noqa: E731
        p for p in ("municipality", "community") if r[f"{prefix}_{p}_{k}"])
    guard = (history.get("safeguarding") or [None])[-1] if k == 0 else _int(r["guard_1"])
    return rules.Records(
        on=on, chosen_by_vote=bool(r[f"chosen_{k}"]), consent=parties("consent"), mbc=mbc,
        member_parties=parties("member"), latest_meeting=meeting,
        has_exit_plan=bool(r["has_exit_plan"]), safeguarding=guard)


def _to_facts(r: dict, today: date) -> rules.PilotFacts:
    history = {}
    for ln in LINES:
        last, before = _int(r[f"{ln}_1"]), _int(r[f"{ln}_2"])
        if last is not None:
            history[ln] = [before, last] if before is not None else [last]
    entered = r["entered_on"]
    return rules.PilotFacts(
        village=r["village"],
        municipality=r["municipality"],
        step=int(r["step"]),
        status=r["status"],
        now=_records(r, 0, today, history),
        started_on=r["started_on"],
        entered_on=entered,
        at_entry=None if entered is None else _records(r, 1, entered, history),
        override_current=bool(r["override_current"]),
        line_history=history,
        last_activity=r["last_activity"],
        modes=sorted(r["modes"].split(",")) if r["modes"] else [],
    )


@memo  # recomputed after any write (dorp/repo/cache.py)
def facts_rows(db: Db, user: User, today: date) -> list[dict]:
    """The raw rows behind facts() (the benchmark compares them with plain pandas)."""
    if user.role not in ROLES:
        raise AccessDenied()
    scope_sql, scope_params = village_filter(user) if user.role != "funder" else ("", [])
    rows = db.rows(_FACTS_SQL.replace("{scope}", scope_sql), [today, *scope_params])
    return [{c: r[c] for c in FACT_COLUMNS} for r in rows]


def facts(db: Db, user: User, today: date) -> list[tuple[int, rules.PilotFacts]]:
    """(village_id, facts) for every pilot the user may see. Funders see all pilots here:
    facts carry no personal data (no names of people, no notes)."""
    instrument = bk_repo.facts_by_village(db, user, today)   # the Burgerkrachtgenerator (issue 15)
    out = [(r["village_id"], bk.attach(_to_facts(r, today), instrument.get(r["village_id"])))
           for r in facts_rows(db, user, today)]
    _add_plan(db, user, out)
    return out


def _add_plan(db: Db, user: User, facts_list: list[tuple[int, rules.PilotFacts]]) -> None:
    """The programme plan's dates (dorp.repo.plan) on each pilot's facts (alert behind_plan)."""
    from dorp.repo import plan
    due = plan.due_dates(db, user)
    for vid, f in facts_list:
        f.plan = due.get(vid, {})


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


assert len(set(FACT_COLUMNS)) == len(FACT_COLUMNS), "facts columns must have distinct names"
