"""Loading and reading whole programmes as exchange tables (demo, import, export).

Tables refer to villages and municipalities by name, as the exchange workbook does; the
SQL here resolves names to ids. Loading is all-or-nothing in one transaction.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from dorp import bkg_sheets
from dorp.access import User, require
from dorp.db import Db, Tx
from dorp.sheets import BY_NAME, SHEETS

# Tables emptied by a replace, children first.
DATA_TABLES = (
    "ballot_tallies", "ballot_codes", "ballot_options", "ballot_rounds", "vonk_ideas",
    "plan_steps", "plan_milestones", "plan_spend", "plan_line_targets",
    "working_group_contacts", "working_group_modes", "working_groups", "bkg_subgroups",
    "bkg_village_meetings", "bkg_theme_sources", "bkg_themes", "bkg_conversations",
    "bkg_lead_group",
    "vonk_contests", "initiative_phases", "actions", "mbc_effects", "pitches", "start_meetings", "consent", "mbc", "partners",
    "steering_members", "steering_meetings", "line_scores", "working_modes", "initiatives",
    "safeguarding", "budget", "step_moves", "user_villages", "pilots", "villages",
    "municipalities", "programme",
)

# INSERT ... SELECT per sheet; `src` is the registered DataFrame (all sheet columns present).
_V = "JOIN villages v ON v.name = src.village"
LOAD_SQL: dict[str, list[str]] = {
    "programme": ["""INSERT INTO programme (name, funder, start_date, end_date, is_demo)
        SELECT name, funder, start_date, end_date, coalesce(is_demo, FALSE) FROM src"""],
    "villages": [
        """INSERT INTO municipalities (name) SELECT DISTINCT municipality FROM src
           WHERE municipality NOT IN (SELECT name FROM municipalities)""",
        """INSERT INTO villages (name, municipality_id, cbs_code, population, lat, lon)
           SELECT src.village, m.id, src.cbs_code, src.population, src.lat, src.lon
           FROM src JOIN municipalities m ON m.name = src.municipality""",
    ],
    "pilots": [f"""INSERT INTO pilots (village_id, step, status, started_on, progress_text, lessons)
        SELECT v.id, src.step, src.status, src.started_on, src.progress_text, src.lessons
        FROM src {_V}"""],
    "start_meetings": ["""INSERT INTO municipalities (name) SELECT DISTINCT municipality FROM src
           WHERE municipality NOT IN (SELECT name FROM municipalities)""",
        """INSERT INTO start_meetings (municipality_id, meeting_date, residents_present, seats,
           tie_decision, tie_reason, note)
        SELECT m.id, src.meeting_date, src.residents_present, src.seats, src.tie_decision,
               src.tie_reason, src.note
        FROM src JOIN municipalities m ON m.name = src.municipality"""],
    "votes": [
        """INSERT INTO start_meetings (municipality_id, meeting_date)
           SELECT DISTINCT m.id, src.meeting_date FROM src
           JOIN municipalities m ON m.name = src.municipality
           WHERE NOT EXISTS (SELECT 1 FROM start_meetings s
                             WHERE s.municipality_id = m.id AND s.meeting_date = src.meeting_date)""",
        f"""INSERT INTO pitches (meeting_id, village_id, votes, chosen, pitch_note)
           SELECT s.id, v.id, src.votes, coalesce(src.chosen, FALSE), src.pitch_note
           FROM src {_V}
           JOIN municipalities m ON m.name = src.municipality
           JOIN start_meetings s ON s.municipality_id = m.id AND s.meeting_date = src.meeting_date""",
    ],
    "consent": [f"""INSERT INTO consent (village_id, party, given_on, given_by)
        SELECT v.id, src.party, src.given_on, src.given_by FROM src {_V}"""],
    "mbc": [f"""INSERT INTO mbc (village_id, assessed_on, willingness, ability, source,
            opportunities, resistances, presented_village_on, presented_municipality_on, may_ok,
            may_note, willingness_source, willingness_evidence, ability_source, ability_evidence)
        SELECT v.id, src.assessed_on, src.willingness, src.ability, src.source, src.opportunities,
               src.resistances, src.presented_village_on, src.presented_municipality_on,
               src.may_ok, src.may_note, src.willingness_source, src.willingness_evidence,
               src.ability_source, src.ability_evidence
        FROM src {_V}"""],
    "mbc_effects": [f"""INSERT INTO mbc_effects (mbc_id, stakeholder, investment_kind, amount,
            expected_effect, beneficiary)
        SELECT b.id, src.stakeholder, src.investment_kind, src.amount, src.expected_effect,
               src.beneficiary
        FROM src {_V} JOIN mbc b ON b.village_id = v.id AND b.assessed_on = src.assessed_on"""],
    "partners": [f"""INSERT INTO partners (village_id, partner_type, name, formal, note)
        SELECT v.id, src.partner_type, src.name, src.formal, src.note FROM src {_V}"""],
    "steering_members": [f"""INSERT INTO steering_members (village_id, name, organisation, party,
            role, email, from_date, until_date)
        SELECT v.id, src.name, src.organisation, src.party, src.role, src.email, src.from_date,
               src.until_date FROM src {_V}"""],
    "steering_meetings": [f"""INSERT INTO steering_meetings (village_id, held_on,
            municipality_satisfaction, community_satisfaction, decisions, notes)
        SELECT v.id, src.date, src.municipality_satisfaction, src.community_satisfaction,
               src.decisions, src.notes FROM src {_V}"""],
    "actions": [f"""INSERT INTO actions (meeting_id, village_id, description, who, due_on, done)
        SELECT sm.id, v.id, src.description, src.who, src.due_on, coalesce(src.done, FALSE)
        FROM src {_V} JOIN steering_meetings sm ON sm.village_id = v.id
             AND sm.held_on = src.meeting_date"""],
    "line_scores": [f"""INSERT INTO line_scores (village_id, line, scored_on, score, note,
            evidence, source)
        SELECT v.id, src.line, src.date, src.score, src.note, src.evidence, src.source
        FROM src {_V}"""],
    "working_modes": [f"""INSERT INTO working_modes (village_id, mode, started_on, ended_on, reason)
        SELECT v.id, src.mode, src.started_on, src.ended_on, src.reason FROM src {_V}"""],
    "initiatives": [f"""INSERT INTO initiatives (village_id, name, phase, description, since)
        SELECT v.id, src.name, src.phase, src.description, src.since FROM src {_V}"""],
    "safeguarding": [f"""INSERT INTO safeguarding (village_id, exit_date, successor, notes,
            handed_over)
        SELECT v.id, src.exit_date, src.successor, src.notes, src.handed_over FROM src {_V}"""],
    "budget": ["""INSERT INTO budget (village_id, category, source, period, budgeted, spent)
        SELECT v.id, src.category, src.source, src.period, coalesce(src.budgeted, 0),
               coalesce(src.spent, 0)
        FROM src LEFT JOIN villages v ON v.name = src.village"""],
    # The plan: an empty village is the programme as a whole (LEFT JOIN keeps it NULL).
    "plan_steps": ["""INSERT INTO plan_steps (village_id, step_1_on, step_2_on, step_3_on,
            step_4_on, completed_on, explanation)
        SELECT v.id, src.step_1_on, src.step_2_on, src.step_3_on, src.step_4_on,
               src.completed_on, src.explanation
        FROM src LEFT JOIN villages v ON v.name = src.village"""],
    "plan_milestones": ["""INSERT INTO plan_milestones (village_id, name, planned_on, reached_on)
        SELECT v.id, src.milestone, src.planned_on, src.reached_on
        FROM src LEFT JOIN villages v ON v.name = src.village"""],
    "plan_spend": ["""INSERT INTO plan_spend (village_id, period, source, planned)
        SELECT v.id, src.period, src.source, coalesce(src.planned, 0)
        FROM src LEFT JOIN villages v ON v.name = src.village"""],
    "plan_line_targets": ["""INSERT INTO plan_line_targets (village_id, line, score, by_month)
        SELECT v.id, src.line, src.score, src.by_month
        FROM src LEFT JOIN villages v ON v.name = src.village"""],
    "initiative_phases": [f"""INSERT INTO initiative_phases (initiative_id, village_id,
            from_phase, to_phase, changed_on, changed_by)
        SELECT i.id, v.id, src.from_phase, src.to_phase, src.changed_on, src.changed_by
        FROM src {_V} JOIN initiatives i ON i.village_id = v.id AND i.name = src.initiative"""],
    "step_moves": [f"""INSERT INTO step_moves (village_id, from_step, to_step, from_status,
            to_status, moved_on, moved_by, reason, override)
        SELECT v.id, src.from_step, src.to_step, src.from_status, src.to_status, src.moved_on,
               src.moved_by, src.reason, coalesce(src.override, FALSE) FROM src {_V}"""],
    "vonk_contests": [f"""INSERT INTO vonk_contests (village_id, title, started_on, phase, winners,
            project_group, plan, communication, prize_event_on, prize_event_note, tie_decision,
            tie_reason)
        SELECT v.id, src.title, src.started_on, src.phase, src.winners, src.project_group,
               src.plan, src.communication, src.prize_event_on, src.prize_event_note,
               src.tie_decision, src.tie_reason FROM src {_V}"""],
    "vonk_ideas": [f"""INSERT INTO vonk_ideas (contest_id, village_id, title, initiator,
            submitted_on, description, jury_kept, jury_reason, votes, winner, prize, aftercare,
            aftercare_on, initiative_id)
        SELECT c.id, v.id, src.title, src.initiator, src.submitted_on, src.description,
               src.jury_kept, src.jury_reason, src.votes, coalesce(src.winner, FALSE), src.prize,
               src.aftercare, src.aftercare_on, i.id
        FROM src {_V} JOIN vonk_contests c ON c.village_id = v.id AND c.title = src.contest
        LEFT JOIN initiatives i ON i.village_id = v.id AND i.name = src.initiative"""],
    # Closed rounds only, counts only. Codes cannot come back (only their hashes were ever
    # stored): each round gets as many placeholders as it issued, the used ones marked, so
    # the turnout stays; a placeholder can never match a code (not a hex hash).
    "ballot_results": [
        """INSERT INTO ballot_rounds (kind, meeting_id, contest_id, village_id, title, choices,
               status, opened_at, expires_at, closed_at, codes_issued, applied)
           SELECT DISTINCT src.kind, s.id, c.id, v.id, src.round, coalesce(src.choices, 1),
                  'closed', CAST(src.opened_on AS TIMESTAMP),
                  CAST(coalesce(src.closed_on, src.opened_on) AS TIMESTAMP),
                  CAST(coalesce(src.closed_on, src.opened_on) AS TIMESTAMP),
                  coalesce(src.codes_issued, 0), TRUE
           FROM src LEFT JOIN municipalities m ON m.name = src.municipality
           LEFT JOIN start_meetings s ON s.municipality_id = m.id
                AND s.meeting_date = src.meeting_date AND src.kind = 'start_meeting'
           LEFT JOIN villages v ON v.name = src.village
           LEFT JOIN vonk_contests c ON c.village_id = v.id AND c.title = src.contest
                AND src.kind = 'vonk'""",
        """INSERT INTO ballot_options (round_id, position, label, pitch_id, idea_id)
           SELECT r.id, ROW_NUMBER() OVER (PARTITION BY r.id ORDER BY src.option), src.option,
                  p.id, i.id
           FROM src JOIN ballot_rounds r ON r.title = src.round
                AND r.opened_at = CAST(src.opened_on AS TIMESTAMP)
           LEFT JOIN villages ov ON ov.name = src.option
           LEFT JOIN pitches p ON p.meeting_id = r.meeting_id AND p.village_id = ov.id
           LEFT JOIN vonk_ideas i ON i.contest_id = r.contest_id AND i.title = src.option""",
        """INSERT INTO ballot_tallies (round_id, option_id, votes)
           SELECT r.id, o.id, src.votes
           FROM src JOIN ballot_rounds r ON r.title = src.round
                AND r.opened_at = CAST(src.opened_on AS TIMESTAMP)
           JOIN ballot_options o ON o.round_id = r.id AND o.label = src.option""",
        """INSERT INTO ballot_codes (code_hash, round_id, used)
           SELECT 'import:' || md5(CAST(r.id AS VARCHAR) || '-' || CAST(g.n AS VARCHAR) || '-'
                                   || CAST(random() AS VARCHAR)), r.id, g.n <= u.used
           FROM ballot_rounds r
           JOIN (SELECT DISTINCT round, opened_on, coalesce(codes_used, 0) AS used FROM src) u
                ON u.round = r.title AND CAST(u.opened_on AS TIMESTAMP) = r.opened_at
           CROSS JOIN LATERAL generate_series(1, r.codes_issued) AS g(n)
           WHERE NOT EXISTS (SELECT 1 FROM ballot_codes k WHERE k.round_id = r.id)""",
    ],
    # The Burgerkrachtgenerator (issue 15).
    "bkg_lead_group": [f"""INSERT INTO bkg_lead_group (village_id, name, role, joined_on)
        SELECT v.id, src.name, src.role, src.joined_on FROM src {_V}"""],
    "bkg_conversations": [f"""INSERT INTO bkg_conversations (village_id, seq, held_on,
            participants, question, summary, led_by)
        SELECT v.id, src.number, src.date, src.participants, src.question, src.summary,
               src.led_by FROM src {_V}"""],
    "bkg_themes": [
        f"""INSERT INTO bkg_themes (village_id, theme, found_on)
            SELECT v.id, src.theme, src.found_on FROM src {_V}""",
        """INSERT INTO bkg_theme_sources (village_id, theme_id, conversation_id)
           SELECT v.id, t.id, c.id FROM links l
           JOIN villages v ON v.name = l.village
           JOIN bkg_themes t ON t.village_id = v.id AND t.theme = l.theme
           JOIN bkg_conversations c ON c.village_id = v.id AND c.seq = l.number"""],
    "bkg_village_meetings": [f"""INSERT INTO bkg_village_meetings (village_id, held_on,
            attendees, themes_recognised, additions)
        SELECT v.id, src.date, src.attendees, src.themes_recognised, src.additions
        FROM src {_V}"""],
    "bkg_subgroups": [f"""INSERT INTO bkg_subgroups (village_id, meeting_id, theme_id, volunteers)
        SELECT v.id, m.id, t.id, src.volunteers FROM src {_V}
        JOIN bkg_village_meetings m ON m.village_id = v.id AND m.held_on = src.meeting_date
        JOIN bkg_themes t ON t.village_id = v.id AND t.theme = src.theme"""],
    "working_groups": [f"""INSERT INTO working_groups (village_id, theme_id, name, started_on,
            plan_presented_on, willingness, ability, status)
        SELECT v.id, t.id, src.name, src.started_on, src.plan_presented_on, src.willingness,
               src.ability, src.status FROM src {_V}
        JOIN bkg_themes t ON t.village_id = v.id AND t.theme = src.theme"""],
    "working_group_modes": [f"""INSERT INTO working_group_modes (village_id, group_id, mode,
            started_on, ended_on, reason)
        SELECT v.id, g.id, src.mode, src.started_on, src.ended_on, src.reason FROM src {_V}
        JOIN working_groups g ON g.village_id = v.id AND g.name = src.working_group"""],
    "working_group_contacts": [f"""INSERT INTO working_group_contacts (village_id, group_id,
            contact_on, kind, note)
        SELECT v.id, g.id, src.date, src.kind, src.note FROM src {_V}
        JOIN working_groups g ON g.village_id = v.id AND g.name = src.working_group"""],
}

# Sheets whose rows need preparing before loading, and extra tables a sheet's SQL reads.
PREPARE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    # conversations without a number are numbered after the given ones, in date order
    "bkg_conversations": lambda df: df.assign(number=bkg_sheets.numbered(df)),
}
EXTRA_FRAMES: dict[str, Callable[[pd.DataFrame], dict[str, tuple[pd.DataFrame, dict]]]] = {
    "bkg_themes": lambda df: {"links": (bkg_sheets.theme_links(df),
                                        {"village": "VARCHAR", "theme": "VARCHAR",
                                         "number": "BIGINT"})},
}

_FIRST_PHASES = """INSERT INTO initiative_phases (initiative_id, village_id, from_phase, to_phase,
        changed_on, changed_by)
    SELECT i.id, i.village_id, NULL, i.phase, i.since, NULL FROM initiatives i
    WHERE NOT EXISTS (SELECT 1 FROM initiative_phases h WHERE h.initiative_id = i.id)"""

# Load order: parents before children.
LOAD_ORDER = ("programme", "villages", "pilots", "start_meetings", "votes", "consent", "mbc",
              "mbc_effects", "partners", "steering_members", "steering_meetings", "actions",
              "line_scores", "working_modes", "initiatives", "initiative_phases", "safeguarding",
              "budget", "step_moves", "bkg_lead_group", "bkg_conversations", "bkg_themes",
              "bkg_village_meetings", "bkg_subgroups", "working_groups", "working_group_modes",
              "working_group_contacts", "plan_steps", "plan_milestones", "plan_spend",
              "plan_line_targets", "vonk_contests", "vonk_ideas", "ballot_results")
assert set(LOAD_ORDER) == set(BY_NAME) == set(LOAD_SQL)


def _complete(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """All columns of the sheet present (missing optional ones as empty)."""
    df = df.copy()
    for c in BY_NAME[name].columns:
        if c not in df.columns:
            df[c] = None
    return df[list(BY_NAME[name].columns)]


_KIND_SQL = {"text": "VARCHAR", "int": "BIGINT", "float": "DOUBLE PRECISION",
             "money": "DECIMAL(14, 2)", "date": "DATE", "bool": "BOOLEAN"}


def _sql_types(name: str) -> dict[str, str]:
    """The SQL type of each column of a sheet (a column that is empty in every row still
    needs one on PostgreSQL, where the sheet is copied into a temporary table)."""
    from dorp.sheets import COLUMNS
    return {c: _KIND_SQL.get(col.kind, "VARCHAR") for c, col in COLUMNS.get(name, {}).items()}


def clear(tx: Tx) -> None:
    for t in DATA_TABLES:
        tx.execute(f"DELETE FROM {t}")


def load(tx: Tx, tables: dict[str, pd.DataFrame],
         progress: Callable[[str, int], None] | None = None,
         note: dict | None = None) -> dict[str, int]:
    """Insert every given sheet (already validated) inside the caller's transaction."""
    counts: dict[str, int] = {}
    for name in LOAD_ORDER:
        df = tables.get(name)
        if df is None or df.empty:
            continue
        src = _complete(name, df)
        if name in PREPARE:
            src = PREPARE[name](src)
        frames = {"src": (src, _sql_types(name)),
                  **(EXTRA_FRAMES[name](src) if name in EXTRA_FRAMES else {})}
        for alias, (frame, types) in frames.items():
            tx.register(alias, frame, types)
        try:
            for sql in LOAD_SQL[name]:
                tx.execute(sql)
        finally:
            for alias in frames:
                tx.unregister(alias)
        counts[name] = len(src)
        if progress:
            progress(name, len(src))
    # An initiative without a recorded phase history starts it with its current phase.
    tx.execute(_FIRST_PHASES)
    tx.log("import", after={"rows": counts, **(note or {})})
    return counts


def replace_all(db: Db, user: User, tables: dict[str, pd.DataFrame], replace: bool,
                progress: Callable[[str, int], None] | None = None,
                note: dict | None = None) -> dict[str, int]:
    """Load tables into the database in one transaction; `replace` empties it first.
    Accounts keep their villages (matched by name) when a replace brings them back."""
    require(user, "exchange")
    with db.tx(user.username) as tx:
        links = []
        if replace:
            links = tx.execute("SELECT uv.user_id, v.name FROM user_villages uv"
                               " JOIN villages v ON v.id = uv.village_id").fetchall()
            before = {t: tx.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in DATA_TABLES}
            tx.log("replace", after={"rows_before": before, **(note or {})})
            clear(tx)
        counts = load(tx, tables, progress, note)
        if links:
            tx.register("links", pd.DataFrame(links, columns=["user_id", "village"]),
                        {"user_id": "BIGINT", "village": "VARCHAR"})
            try:
                tx.execute("INSERT INTO user_villages (user_id, village_id)"
                           " SELECT DISTINCT l.user_id, v.id FROM links l"
                           " JOIN villages v ON v.name = l.village")
            finally:
                tx.unregister("links")
        return counts


# --- reading the whole programme back as exchange tables (export) ------------------------------

_VJ = "JOIN villages v ON v.id = t.village_id"
EXPORT_SQL: dict[str, str] = {
    "programme": "SELECT name, funder, start_date, end_date, is_demo FROM programme t",
    "villages": """SELECT t.name AS village, m.name AS municipality, t.cbs_code, t.population,
        t.lat, t.lon FROM villages t JOIN municipalities m ON m.id = t.municipality_id""",
    "pilots": f"""SELECT v.name AS village, t.step, t.status, t.started_on, t.progress_text,
        t.lessons FROM pilots t {_VJ}""",
    "votes": f"""SELECT s.meeting_date, m.name AS municipality, v.name AS village, t.votes,
        t.chosen, t.pitch_note FROM pitches t {_VJ}
        JOIN start_meetings s ON s.id = t.meeting_id
        JOIN municipalities m ON m.id = s.municipality_id""",
    "consent": f"SELECT v.name AS village, t.party, t.given_on, t.given_by FROM consent t {_VJ}",
    "mbc": f"""SELECT v.name AS village, t.assessed_on, t.willingness, t.ability, t.source,
        t.opportunities, t.resistances, t.presented_village_on, t.presented_municipality_on,
        t.may_ok, t.may_note, t.willingness_source, t.willingness_evidence, t.ability_source,
        t.ability_evidence FROM mbc t {_VJ}""",
    "steering_members": f"""SELECT v.name AS village, t.name, t.organisation, t.party, t.role,
        t.email, t.from_date, t.until_date FROM steering_members t {_VJ}""",
    "steering_meetings": f"""SELECT v.name AS village, t.held_on AS date,
        t.municipality_satisfaction, t.community_satisfaction, t.decisions, t.notes
        FROM steering_meetings t {_VJ}""",
    "line_scores": f"""SELECT v.name AS village, t.line, t.scored_on AS date, t.score, t.note,
        t.evidence, t.source FROM line_scores t {_VJ}""",
    "safeguarding": f"""SELECT v.name AS village, t.exit_date, t.successor, t.notes,
        t.handed_over FROM safeguarding t {_VJ}""",
    "budget": """SELECT v.name AS village, t.category, t.source, t.budgeted, t.spent, t.period
        FROM budget t LEFT JOIN villages v ON v.id = t.village_id""",
    "start_meetings": """SELECT t.meeting_date, m.name AS municipality, t.residents_present,
        t.seats, t.tie_decision, t.tie_reason, t.note FROM start_meetings t
        JOIN municipalities m ON m.id = t.municipality_id""",
    "mbc_effects": """SELECT v.name AS village, b.assessed_on, t.stakeholder, t.investment_kind,
        t.amount, t.expected_effect, t.beneficiary FROM mbc_effects t
        JOIN mbc b ON b.id = t.mbc_id JOIN villages v ON v.id = b.village_id""",
    "partners": f"""SELECT v.name AS village, t.partner_type, t.name, t.formal, t.note
        FROM partners t {_VJ}""",
    "actions": f"""SELECT v.name AS village, sm.held_on AS meeting_date, t.description, t.who,
        t.due_on, t.done FROM actions t {_VJ} JOIN steering_meetings sm ON sm.id = t.meeting_id""",
    "working_modes": f"""SELECT v.name AS village, t.mode, t.started_on, t.ended_on, t.reason
        FROM working_modes t {_VJ}""",
    "initiatives": f"""SELECT v.name AS village, t.name, t.phase, t.description, t.since
        FROM initiatives t {_VJ}""",
    "initiative_phases": f"""SELECT v.name AS village, i.name AS initiative, t.to_phase,
        t.from_phase, t.changed_on, t.changed_by FROM initiative_phases t {_VJ}
        JOIN initiatives i ON i.id = t.initiative_id""",
    "step_moves": f"""SELECT v.name AS village, t.to_step, t.to_status, t.moved_on, t.from_step,
        t.from_status, t.moved_by, t.reason, t.override FROM step_moves t {_VJ}""",
    "vonk_contests": f"""SELECT v.name AS village, t.title, t.started_on, t.phase, t.winners,
        t.project_group, t.plan, t.communication, t.prize_event_on, t.prize_event_note,
        t.tie_decision, t.tie_reason FROM vonk_contests t {_VJ}""",
    "vonk_ideas": f"""SELECT v.name AS village, c.title AS contest, t.title, t.initiator,
        t.submitted_on, t.description, t.jury_kept, t.jury_reason, t.votes, t.winner, t.prize,
        t.aftercare, t.aftercare_on, i.name AS initiative FROM vonk_ideas t {_VJ}
        JOIN vonk_contests c ON c.id = t.contest_id
        LEFT JOIN initiatives i ON i.id = t.initiative_id""",
    # Closed rounds only (an open round's counts are never shown), counts only (no codes).
    "ballot_results": """SELECT r.title AS round, r.kind, CAST(r.opened_at AS DATE) AS opened_on,
        o.label AS option, t.votes, m.name AS municipality, s.meeting_date, v.name AS village,
        c.title AS contest, CAST(r.closed_at AS DATE) AS closed_on, r.choices, r.codes_issued,
        (SELECT count(*) FROM ballot_codes k WHERE k.round_id = r.id AND k.used) AS codes_used
        FROM ballot_rounds r JOIN ballot_options o ON o.round_id = r.id
        JOIN ballot_tallies t ON t.option_id = o.id AND t.round_id = r.id
        LEFT JOIN start_meetings s ON s.id = r.meeting_id
        LEFT JOIN municipalities m ON m.id = s.municipality_id
        LEFT JOIN villages v ON v.id = r.village_id
        LEFT JOIN vonk_contests c ON c.id = r.contest_id
        WHERE r.status = 'closed'""",
    "plan_steps": """SELECT v.name AS village, t.step_1_on, t.step_2_on, t.step_3_on,
        t.step_4_on, t.completed_on, t.explanation
        FROM plan_steps t LEFT JOIN villages v ON v.id = t.village_id""",
    "plan_milestones": """SELECT v.name AS village, t.name AS milestone, t.planned_on,
        t.reached_on FROM plan_milestones t LEFT JOIN villages v ON v.id = t.village_id""",
    "plan_spend": """SELECT v.name AS village, t.period, t.source, t.planned
        FROM plan_spend t LEFT JOIN villages v ON v.id = t.village_id""",
    "plan_line_targets": """SELECT v.name AS village, t.line, t.score, t.by_month
        FROM plan_line_targets t LEFT JOIN villages v ON v.id = t.village_id""",
    "bkg_lead_group": f"""SELECT v.name AS village, t.name, t.role, t.joined_on
        FROM bkg_lead_group t {_VJ}""",
    "bkg_conversations": f"""SELECT v.name AS village, t.held_on AS date, t.participants,
        t.summary, t.seq AS number, t.question, t.led_by FROM bkg_conversations t {_VJ}""",
    "bkg_themes": f"""SELECT v.name AS village, t.theme, t.found_on,
        (SELECT string_agg(CAST(c.seq AS VARCHAR), ', ' ORDER BY c.seq)
         FROM bkg_theme_sources s JOIN bkg_conversations c ON c.id = s.conversation_id
         WHERE s.theme_id = t.id) AS conversations
        FROM bkg_themes t {_VJ}""",
    "bkg_village_meetings": f"""SELECT v.name AS village, t.held_on AS date, t.attendees,
        t.themes_recognised, t.additions FROM bkg_village_meetings t {_VJ}""",
    "working_groups": f"""SELECT v.name AS village, th.theme, t.name, t.started_on,
        t.willingness, t.ability, t.plan_presented_on, t.status
        FROM working_groups t {_VJ} JOIN bkg_themes th ON th.id = t.theme_id""",
    "working_group_contacts": f"""SELECT v.name AS village, g.name AS working_group,
        t.contact_on AS date, t.kind, t.note
        FROM working_group_contacts t {_VJ} JOIN working_groups g ON g.id = t.group_id""",
    "bkg_subgroups": f"""SELECT v.name AS village, m.held_on AS meeting_date, th.theme,
        t.volunteers FROM bkg_subgroups t {_VJ}
        JOIN bkg_village_meetings m ON m.id = t.meeting_id
        JOIN bkg_themes th ON th.id = t.theme_id""",
    "working_group_modes": f"""SELECT v.name AS village, g.name AS working_group, t.mode,
        t.started_on, t.ended_on, t.reason
        FROM working_group_modes t {_VJ} JOIN working_groups g ON g.id = t.group_id""",
}
assert set(EXPORT_SQL) == set(BY_NAME)


def export_tables(db: Db, user: User) -> dict[str, pd.DataFrame]:
    """Every exchange sheet as a DataFrame with the sheet's columns (ids replaced by names).
    Holds personal data: only for who may exchange the whole programme."""
    require(user, "exchange")
    out = {}
    with db.snapshot() as snap:  # one consistent state for all sheets
        for name, sql in EXPORT_SQL.items():
            df = snap.execute(sql).df()
            out[name] = df.reindex(columns=list(BY_NAME[name].columns))
    return out
