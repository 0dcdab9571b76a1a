"""The programme plan (issue 18): storage, and the plan against what happened for the funder.

Tables (migration 0012): plan_steps (per pilot the planned date of each step and of
completion, and the lead's explanation; the row without a village holds the programme's
explanation), plan_milestones, plan_spend (per half-year and source), plan_line_targets.
A NULL village_id means the programme as a whole. Leads edit them (capability
`edit_budget`, like the budget and the funder's texts); every write goes through Tx
(versioned and audited). The comparisons themselves are pure functions in dorp/plan.py.

Reads for the funder (`view`) hold no personal data: dates, stages, money, scores and the
texts the lead writes for the funder (explanations, milestone names; both are refused when
they hold an e-mail address or a steering member's name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

import pandas as pd

from dorp import plan as P
from dorp import textcheck
from dorp.access import User, require
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid
from dorp.method import BUDGET_SOURCES, LINES, SCORES
from dorp.repo.cache import memo
from dorp.repo.scope import village_filter

CAP_READ = "view_funder"
CAP_EDIT = "edit_budget"
MAX_TEXT = 3000
MAX_NAME = 200
MAX_AMOUNT = Decimal("999999999999.99")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_STEP_COLS = ", ".join(P.STAGE_COLUMNS.values())


def _day(v) -> date | None:
    return P._day(v)


def _records(df: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows with attribute access (itertuples on text columns held by Arrow is slow)."""
    return [SimpleNamespace(**r) for r in df.to_dict("records")]


def _vf(village_id: int | None, column: str) -> tuple[str, list]:
    return ("", []) if village_id is None else (f" AND {column} = ?", [village_id])


# --- reads ------------------------------------------------------------------------------------

@memo
def due_dates(db: Db, user: User) -> dict[int, dict[str, date]]:
    """village_id -> {stage: planned date} of every pilot with a plan the user may see (for
    the alert `behind_plan`; dates only, no texts)."""
    scope, params = village_filter(user, "p.village_id") if user.role != "funder" else ("", [])
    rows = db.rows(f"SELECT ps.village_id, {_STEP_COLS} FROM plan_steps ps"
                   " JOIN pilots p ON p.village_id = ps.village_id"
                   f" WHERE TRUE {scope}", params)
    return {r["village_id"]: d for r in rows if (d := P.plan_dates(r))}


def steps_rows(db: Db, user: User) -> pd.DataFrame:
    """Every plan_steps row (id, version, village_id, village, the dates, explanation), the
    programme's row (village_id NULL) first."""
    require(user, CAP_READ)
    df = db.df(f"SELECT ps.id, ps.version, ps.village_id, v.name AS village, {_STEP_COLS},"
               " ps.explanation FROM plan_steps ps LEFT JOIN villages v ON v.id = ps.village_id"
               " ORDER BY v.name NULLS FIRST, ps.id")
    for c in P.STAGE_COLUMNS.values():
        df[c] = [_day(d) for d in df[c]]
    return df


def milestones(db: Db, user: User, village_id: int | None = None) -> pd.DataFrame:
    """Planned milestones (id, version, village_id, village, name, planned_on, reached_on):
    all, or one pilot's."""
    require(user, CAP_READ)
    vf, params = _vf(village_id, "m.village_id")
    df = db.df("SELECT m.id, m.version, m.village_id, v.name AS village, m.name, m.planned_on,"
               " m.reached_on FROM plan_milestones m LEFT JOIN villages v ON v.id = m.village_id"
               f" WHERE TRUE {vf} ORDER BY m.planned_on, v.name NULLS FIRST, m.name", params)
    for c in ("planned_on", "reached_on"):
        df[c] = [_day(d) for d in df[c]]
    return df


def spend_rows(db: Db, user: User) -> pd.DataFrame:
    """Planned spending (id, version, village_id, village, period, source, planned)."""
    require(user, CAP_READ)
    df = db.df("SELECT s.id, s.version, s.village_id, v.name AS village, s.period, s.source,"
               " CAST(s.planned AS DOUBLE PRECISION) AS planned"
               " FROM plan_spend s LEFT JOIN villages v ON v.id = s.village_id"
               " ORDER BY s.period, v.name NULLS FIRST, s.source")
    df["period"] = [_day(d) for d in df["period"]]
    return df


def target_rows(db: Db, user: User) -> pd.DataFrame:
    """Targets per line (id, version, village_id, village, line, score, by_month)."""
    require(user, CAP_READ)
    return db.df("SELECT t.id, t.version, t.village_id, v.name AS village, t.line, t.score,"
                 " t.by_month FROM plan_line_targets t LEFT JOIN villages v ON v.id = t.village_id"
                 " ORDER BY v.name NULLS FIRST, t.line")


_REACHED_SQL = """
SELECT s.village_id,
       CASE WHEN s.to_status = 'completed' THEN 'completed' ELSE CAST(s.to_step AS VARCHAR) END
           AS stage,
       min(s.moved_on) AS reached_on
FROM step_moves s
WHERE s.moved_on <= ? AND s.to_status IN ('active', 'completed') {vf}
GROUP BY s.village_id,
         CASE WHEN s.to_status = 'completed' THEN 'completed' ELSE CAST(s.to_step AS VARCHAR) END
"""

_PILOTS_SQL = """
SELECT p.village_id, v.name AS village, m.name AS municipality, p.step, p.status, p.started_on,
       p.progress_text, p.lessons
FROM pilots p JOIN villages v ON v.id = p.village_id
JOIN municipalities m ON m.id = v.municipality_id
WHERE TRUE {vf}
ORDER BY v.name
"""


def _reached(db: Db, cutoff: date, pilots: pd.DataFrame, village_id: int | None
             ) -> dict[int, dict[str, date | None]]:
    """village_id -> {stage: first day it was reached} from the timeline (a pilot without any
    recorded move: its start date for step 1)."""
    vf, params = _vf(village_id, "s.village_id")
    out: dict[int, dict[str, date | None]] = {int(v): {} for v in pilots["village_id"]}
    for r in db.rows(_REACHED_SQL.format(vf=vf), [cutoff, *params]):
        if r["village_id"] in out:
            out[r["village_id"]][r["stage"]] = _day(r["reached_on"])
    for r in _records(pilots):
        mine = out[int(r.village_id)]
        if not mine and _day(r.started_on) is not None:
            mine["1"] = _day(r.started_on)
    return out


_STATE_SQL = """
SELECT village_id, to_step, to_status FROM (
    SELECT s.village_id, s.to_step, s.to_status,
           ROW_NUMBER() OVER (PARTITION BY s.village_id ORDER BY s.moved_on DESC, s.id DESC) AS rn
    FROM step_moves s WHERE s.moved_on <= ? {vf}) latest
WHERE rn = 1
"""


def _as_of(db: Db, pilots: pd.DataFrame, cutoff: date, today: date,
           village_id: int | None) -> pd.DataFrame:
    """The pilots' step and status on the cut-off day: today's for a running period, else from
    the timeline (the latest move on or before it). A pilot that had not started by then gets
    step 0 (its start is what comes next)."""
    if cutoff >= today or pilots.empty:
        return pilots
    vf, params = _vf(village_id, "s.village_id")
    state = {r["village_id"]: r for r in db.rows(_STATE_SQL.format(vf=vf), [cutoff, *params])}
    moved = {r["village_id"] for r in db.rows(
        f"SELECT DISTINCT s.village_id FROM step_moves s WHERE TRUE {vf}", params)}
    out = pilots.copy()
    steps, statuses = [], []
    for r in _records(pilots):
        vid = int(r.village_id)
        if vid in state:
            steps.append(int(state[vid]["to_step"]))
            statuses.append(state[vid]["to_status"])
        elif vid in moved or (_day(r.started_on) is not None and _day(r.started_on) > cutoff):
            steps.append(0)
            statuses.append("active")
        else:
            steps.append(int(r.step))
            statuses.append(r.status)
    out["step"], out["status"] = steps, statuses
    return out


def _stage(step, status) -> str:
    if int(step) == 0:
        return "0"
    return status if status in ("completed", "stopped") else str(int(step))


@dataclass
class PlanView:
    """The plan against what happened, for one period (and optionally one pilot)."""

    pilots: pd.DataFrame        # village_id, village, municipality, stage, standing, days,
                                # standing_stage, standing_planned, next_stage, next_planned,
                                # explanation
    steps: pd.DataFrame         # village, stage, planned, reached, kind, days
    summary: dict               # standing -> number of pilots
    explanation: str | None     # the lead's explanation for the programme (or the pilot)
    spend: pd.DataFrame         # source (+ total), planned, spent, planned_cum, spent_cum, ...
    curve: pd.DataFrame         # day, kind (planned / spent), amount
    targets: pd.DataFrame       # per pilot and line: village, line, target, by_month, ...
    targets_summary: pd.DataFrame  # line, pilots, met, met_late, missed, on_track, open, ...
    milestones: pd.DataFrame    # village (None: programme), name, planned_on, reached_on,
                                # kind, days
    spend_planned: bool = False  # any spending planned at all
    has_plan: bool = False       # any plan at all
    cutoff: date | None = None
    period: object = None        # the dorp.repo.funder.Period shown

    def standing_text(self, row: dict, lang: str = "nl") -> str:
        """A row of `pilots` as words ("45 dagen achter: de afronding was gepland op ...")."""
        st = P.Standing(row["standing"], int(row["days"] or 0),
                        None if pd.isna(row["standing_stage"]) else row["standing_stage"])
        return P.standing_text(st, _day(row["standing_planned"]), lang)

    def summary_lines(self, lang: str = "nl") -> list[str]:
        """The plain summary at the top: pilots on plan, behind, ahead; spending in the
        period against the plan."""
        from dorp import i18n
        t = lambda k, **kw: i18n.t(f"plan.{k}", lang, **kw)  # noqa: E731
        if not self.has_plan:
            return [t("summary_no_plan_at_all")]
        out = []
        day = i18n.fmt_date(self.cutoff, lang, "long")
        if len(self.pilots) == 1:
            row = self.pilots.iloc[0].to_dict()
            out.append(t("summary_village", village=row["village"],
                         standing=self.standing_text(row, lang)))
        else:
            s = self.summary
            out.append(t("summary_pilots", date=day, n=len(self.pilots), on_plan=s["on_plan"],
                         behind=s["behind"], ahead=s["ahead"]))
            if s["no_plan"]:
                out.append(t("summary_no_plan", n=s["no_plan"]))
            if s["stopped"]:
                out.append(t("summary_stopped", n=s["stopped"]))
        total = self.spend.set_index("source").loc["total"]
        money = lambda x: i18n.fmt_money(x, lang)  # noqa: E731
        if total["planned_to_date"]:
            from dorp.repo.funder import period_label
            out.append(t("summary_spend", period=period_label(self.period, lang),
                         spent=money(total["spent"]),
                         planned=money(total["planned_to_date"]), date=day,
                         share=i18n.fmt_percent(total["share"], lang)))
        else:
            out.append(t("summary_spend_none", spent=money(total["spent"])))
        parts = []
        for r in self.spend[self.spend["source"] != "total"].itertuples():
            label = i18n.t(f"funder.source_{r.source}", lang)
            if r.planned_to_date:
                parts.append(t("summary_source_planned", source=label, spent=money(r.spent),
                               share=i18n.fmt_percent(r.share, lang)))
            else:
                parts.append(t("summary_source", source=label, spent=money(r.spent)))
        out.append(t("summary_sources", parts="; ".join(parts)))
        return out


@memo
def view(db: Db, user: User, period, today: date, village_id: int | None = None) -> PlanView:
    """The plan against what happened, as the funder sees it (dorp.repo.funder.view includes
    it). `period` is a dorp.repo.funder.Period."""
    require(user, CAP_READ)
    cutoff = period.cutoff(today)
    vf, params = _vf(village_id, "p.village_id")
    pilots = db.df(_PILOTS_SQL.format(vf=vf), params)
    reached = _reached(db, cutoff, pilots, village_id)
    pilots = _as_of(db, pilots, cutoff, today, village_id)
    steps_df = steps_rows(db, user)
    by_village = {int(r["village_id"]): r for r in steps_df.to_dict("records")
                  if r["village_id"] is not None and not pd.isna(r["village_id"])}
    programme_row = next((r for r in steps_df.to_dict("records")
                          if r["village_id"] is None or pd.isna(r["village_id"])), None)

    rows, step_rows, standings = [], [], []
    for r in _records(pilots):
        vid = int(r.village_id)
        prow = by_village.get(vid)
        dates = P.plan_dates(prow)
        got = reached.get(vid, {})
        st = P.standing(int(r.step), r.status, dates, got, cutoff)
        standings.append(st)
        nxt = P.next_stage(int(r.step), r.status)
        rows.append({"village_id": vid, "village": r.village, "municipality": r.municipality,
                     "stage": _stage(r.step, r.status), "standing": st.kind, "days": st.days,
                     "standing_stage": st.stage,
                     "standing_planned": dates.get(st.stage) if st.stage else None,
                     "next_stage": nxt,
                     "next_planned": dates.get(nxt) if nxt else None,
                     "explanation": _text(prow.get("explanation")) if prow else None})
        if dates:
            for s in P.stage_rows(int(r.step), r.status, dates, got, cutoff):
                c = s["comparison"]
                step_rows.append({"village": r.village, "stage": s["stage"],
                                  "planned": s["planned"], "reached": s["reached"],
                                  "kind": c.kind, "days": c.days})
    pilots_view = pd.DataFrame(rows, columns=["village_id", "village", "municipality", "stage",
                                              "standing", "days", "standing_stage",
                                              "standing_planned", "next_stage", "next_planned",
                                              "explanation"])
    steps_view = pd.DataFrame(step_rows, columns=["village", "stage", "planned", "reached",
                                                  "kind", "days"])
    if village_id is None:
        explanation = _text(programme_row.get("explanation")) if programme_row else None
    else:
        explanation = pilots_view["explanation"].iloc[0] if not pilots_view.empty else None

    # Spending: the plan and the budget lines of the pilot (or of the whole programme).
    plan_spend = spend_rows(db, user)
    if village_id is not None:
        plan_spend = plan_spend[plan_spend["village_id"] == village_id]
    bvf, bparams = _vf(village_id, "b.village_id")
    spent = db.df("SELECT b.period, b.source, CAST(b.spent AS DOUBLE PRECISION) AS spent"
                  f" FROM budget b WHERE TRUE {bvf}", bparams)
    whole = period.kind == "programme"
    spend = P.spend_by_source(plan_spend, spent, period.start, period.end, cutoff, whole)
    prog = db.one("SELECT start_date, end_date FROM programme ORDER BY id LIMIT 1") or {}
    first_candidates = [d for d in [_day(prog.get("start_date")),
                                    *[_day(x) for x in plan_spend["period"]]] if d]
    last_candidates = [d for d in [_day(prog.get("end_date")), cutoff,
                                   *[P.half_year_end(_day(x)) for x in plan_spend["period"]]] if d]
    first = min(first_candidates) if first_candidates else period.start
    last = max(last_candidates) if last_candidates else cutoff
    curve = P.spend_curve(plan_spend, spent, first, last, cutoff)

    # Lines against their targets.
    targets = target_rows(db, user)
    if not targets.empty and not pilots.empty:
        tvf, tparams = _vf(village_id, "ls.village_id")
        lines_wanted = sorted(set(targets["line"]))
        marks = ", ".join("?" for _ in lines_wanted)
        scores = db.df("SELECT ls.village_id, ls.line, ls.scored_on, ls.score FROM line_scores ls"
                       f" WHERE ls.scored_on <= ? AND ls.line IN ({marks}) {tvf}",
                       [cutoff, *lines_wanted, *tparams])
        per_pilot = P.line_targets(targets, pilots, scores, cutoff)
    else:
        per_pilot = P.line_targets(pd.DataFrame(columns=["village_id", "line", "score",
                                                         "by_month"]), pilots,
                                   pd.DataFrame(), cutoff)

    # Milestones: the pilot's own, or all of them for the programme.
    ms = milestones(db, user)
    if village_id is not None:
        ms = ms[ms["village_id"] == village_id]
    ms_rows = []
    for m in ms.itertuples():
        c = P.compare(m.planned_on, m.reached_on if m.reached_on and m.reached_on <= cutoff else None,
                      cutoff)
        ms_rows.append({"village": None if pd.isna(m.village_id) else m.village, "name": m.name,
                        "planned_on": m.planned_on,
                        "reached_on": m.reached_on if m.reached_on and m.reached_on <= cutoff else None,
                        "kind": c.kind, "days": c.days})
    ms_view = pd.DataFrame(ms_rows, columns=["village", "name", "planned_on", "reached_on",
                                             "kind", "days"])
    has_plan = bool(by_village) or not plan_spend.empty or not targets.empty or not ms.empty
    return PlanView(
        pilots=pilots_view, steps=steps_view, summary=P.summary(standings),
        explanation=explanation, spend=spend, curve=curve, targets=per_pilot,
        targets_summary=P.targets_summary(per_pilot), milestones=ms_view,
        spend_planned=not plan_spend.empty, has_plan=has_plan, cutoff=cutoff, period=period)


def pilot(db: Db, user: User, village_id: int, today: date) -> dict:
    """One pilot's plan against what happened (pilot page; the village's steering group may
    see it): {record (plan_steps row or None), standing, steps (list of dicts), milestones
    (DataFrame with kind/days)}."""
    require(user, "view_village", village_id)
    p = db.one("SELECT step, status, started_on FROM pilots WHERE village_id = ?", [village_id])
    if p is None:
        return {"record": None, "standing": P.Standing("no_plan"), "steps": [],
                "milestones": pd.DataFrame()}
    rec = db.one(f"SELECT id, version, village_id, {_STEP_COLS}, explanation FROM plan_steps"
                 " WHERE village_id = ?", [village_id])
    if rec:
        for c in P.STAGE_COLUMNS.values():
            rec[c] = _day(rec[c])
    pilots_df = pd.DataFrame([{"village_id": village_id, "started_on": p["started_on"]}])
    got = _reached(db, today, pilots_df, village_id).get(village_id, {})
    dates = P.plan_dates(rec)
    ms = db.df("SELECT id, version, name, planned_on, reached_on FROM plan_milestones"
               " WHERE village_id = ? ORDER BY planned_on, name", [village_id])
    ms["planned_on"] = [_day(d) for d in ms["planned_on"]]
    ms["reached_on"] = [_day(d) for d in ms["reached_on"]]
    comps = [P.compare(a, b, today) for a, b in zip(ms["planned_on"], ms["reached_on"])]
    ms["kind"] = [c.kind for c in comps]
    ms["days"] = [c.days for c in comps]
    return {"record": rec,
            "standing": P.standing(int(p["step"]), p["status"], dates, got, today),
            "steps": P.stage_rows(int(p["step"]), p["status"], dates, got, today) if dates else [],
            "milestones": ms}


def text_findings(db: Db, user: User, today: date, village_id: int | None = None
                  ) -> list[textcheck.Finding]:
    """The check before sending (dorp.textcheck) over the texts of every pilot (or one): for
    the lead, before a report goes out."""
    require(user, CAP_EDIT)
    vf, params = _vf(village_id, "p.village_id")
    pilots = db.rows(_PILOTS_SQL.format(vf=vf), params)
    plans = {r["village_id"]: r for r in db.rows(
        f"SELECT village_id, {_STEP_COLS}, explanation FROM plan_steps WHERE village_id IS NOT NULL")}
    items = []
    for p in pilots:
        row = plans.get(p["village_id"])
        item = {"village": p["village"], "step": p["step"], "status": p["status"],
                "progress_text": p["progress_text"], "lessons": p["lessons"]}
        if row is not None:
            dates = P.plan_dates(row)
            item["explanation"] = row["explanation"]
            item["behind"] = P.standing(int(p["step"]), p["status"], dates, {}, today).kind \
                == "behind"
        items.append(item)
    return textcheck.check(items)


# --- writes -----------------------------------------------------------------------------------

def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    s = str(v).strip()
    return s or None


def _pilot_exists(db: Db, village_id: int | None) -> bool:
    return village_id is None or bool(db.scalar(
        "SELECT count(*) FROM pilots WHERE village_id = ?", [village_id]))


def _member_names(db: Db, village_id: int | None) -> list[str]:
    vf, params = _vf(village_id, "village_id")
    return [r["name"] for r in db.rows(
        "SELECT DISTINCT name FROM steering_members WHERE coalesce(trim(name), '') <> ''"
        f" {vf}", params)]


def _personal(db: Db, village_id: int | None, text: str | None) -> str | None:
    """A Dutch refusal when a text for the funder holds an e-mail address or the name of a
    steering member (of the village; for the programme: of any village)."""
    if not text:
        return None
    if _EMAIL.search(text):
        return ("Deze tekst gaat naar de financier: haal het e-mailadres weg "
                "(geen persoonsgegevens).")
    found = [n for n in _member_names(db, village_id) if n.lower() in text.lower()]
    if found:
        return f"Deze tekst gaat naar de financier: noem geen namen van personen ({', '.join(found)})."
    return None


def _as_date(v, field: str, problems: dict, needed: bool = False) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if v is None or v == "":
        if needed:
            problems[field] = "Vul een datum in."
        return None
    if isinstance(v, date):
        return v
    problems[field] = "Vul een geldige datum in."
    return None


def validate_steps(db: Db, village_id: int | None, values: dict) -> dict:
    """Check one pilot's planned dates (in the order of the steps) and explanation."""
    problems: dict[str, str] = {}
    if not _pilot_exists(db, village_id):
        problems["village_id"] = "Deze pilot bestaat niet (meer)."
    clean: dict = {}
    last: tuple[str, date] | None = None
    for stage, col in P.STAGE_COLUMNS.items():
        d = _as_date(values.get(col), col, problems)
        if village_id is None and d is not None:
            problems[col] = ("Het plan van het programma zelf heeft alleen een toelichting; "
                             "datums horen bij een pilot.")
        if d is not None and last is not None and d < last[1] and col not in problems:
            problems[col] = ("Deze datum ligt vóór de geplande datum van "
                             f"{_stage_name(last[0])}; de stappen volgen elkaar op.")
        if d is not None:
            last = (stage, d)
        clean[col] = d
    text = _text(values.get("explanation"))
    if text and len(text) > MAX_TEXT:
        problems["explanation"] = f"De toelichting is te lang (hoogstens {MAX_TEXT} tekens)."
    elif (msg := _personal(db, village_id, text)):
        problems["explanation"] = msg
    clean["explanation"] = text
    if problems:
        raise Invalid(problems)
    return clean


def _stage_name(stage: str) -> str:
    return "de afronding" if stage == "completed" else f"stap {stage}"


def save_steps(db: Db, user: User, village_id: int | None, values: dict,
               expected_version: int | None) -> int:
    """Save a pilot's planned step dates and explanation (village None: the programme's
    explanation). expected_version None: the form was shown before a plan existed."""
    require(user, CAP_EDIT)
    clean = validate_steps(db, village_id, values)
    where = "village_id IS NULL" if village_id is None else "village_id = ?"
    current = db.one(f"SELECT id, version, updated_by, updated_at FROM plan_steps WHERE {where}"
                     " ORDER BY id LIMIT 1", [] if village_id is None else [village_id])
    if current and expected_version is None:
        raise StaleVersion("plan_steps", current["id"], current["updated_by"],
                           current["updated_at"], current["version"])
    with db.tx(user.username) as tx:
        if current:
            return tx.update("plan_steps", current["id"], clean, expected_version,
                             village_id=village_id)
        return tx.insert("plan_steps", {"village_id": village_id, **clean}, village_id=village_id)


def _record_village(db: Db, table: str, record_id: int) -> int | None:
    assert table in {"plan_milestones", "plan_spend", "plan_line_targets"}
    row = db.one(f"SELECT village_id FROM {table} WHERE id = ?", [record_id])
    if row is None:
        raise Invalid({"record": "Dit gegeven bestaat niet (meer); laad de pagina opnieuw."})
    return row["village_id"]


def validate_milestone(db: Db, values: dict, record_id: int | None = None) -> dict:
    problems: dict[str, str] = {}
    village_id = values.get("village_id")
    if not _pilot_exists(db, village_id):
        problems["village_id"] = "Deze pilot bestaat niet (meer)."
    name = _text(values.get("name"))
    if not name:
        problems["name"] = "Geef de mijlpaal een naam, bijvoorbeeld 'Bewonersavond gehouden'."
    elif len(name) > MAX_NAME:
        problems["name"] = f"De naam is te lang (hoogstens {MAX_NAME} tekens)."
    elif (msg := _personal(db, village_id, name)):
        problems["name"] = msg
    elif "village_id" not in problems:
        where = "village_id IS NULL" if village_id is None else "village_id = ?"
        params = [] if village_id is None else [village_id]
        other = db.scalar(f"SELECT id FROM plan_milestones WHERE {where} AND lower(name) = lower(?)"
                          " AND id <> ?", [*params, name, record_id or -1])
        if other:
            problems["name"] = "Er is al een mijlpaal met deze naam."
    planned = _as_date(values.get("planned_on"), "planned_on", problems, needed=True)
    reached = _as_date(values.get("reached_on"), "reached_on", problems)
    if problems:
        raise Invalid(problems)
    return {"village_id": village_id, "name": name, "planned_on": planned, "reached_on": reached}


def add_milestone(db: Db, user: User, values: dict) -> int:
    require(user, CAP_EDIT)
    clean = validate_milestone(db, values)
    with db.tx(user.username) as tx:
        return tx.insert("plan_milestones", clean, village_id=clean["village_id"])


def update_milestone(db: Db, user: User, record_id: int, values: dict, expected_version: int
                     ) -> int:
    require(user, CAP_EDIT)
    _record_village(db, "plan_milestones", record_id)
    clean = validate_milestone(db, values, record_id)
    with db.tx(user.username) as tx:
        return tx.update("plan_milestones", record_id, clean, expected_version,
                         village_id=clean["village_id"])


def delete_milestone(db: Db, user: User, record_id: int, expected_version: int) -> None:
    require(user, CAP_EDIT)
    vid = _record_village(db, "plan_milestones", record_id)
    with db.tx(user.username) as tx:
        tx.delete("plan_milestones", record_id, expected_version, village_id=vid)


def _amount(raw, problems: dict) -> Decimal | None:
    if isinstance(raw, str):
        text = raw.strip().replace("€", "").replace(" ", "").replace("\xa0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        raw = text
    if raw is None or raw == "":
        problems["planned"] = "Vul het geplande bedrag in euro's in, bijvoorbeeld 12.500."
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        problems["planned"] = "Vul een bedrag in euro's in, bijvoorbeeld 12.500 of 1250,50."
        return None
    if not value.is_finite() or value < 0:
        problems["planned"] = "Een bedrag kan niet negatief zijn."
        return None
    if value > MAX_AMOUNT:
        problems["planned"] = "Dit bedrag is te groot."
        return None
    return value.quantize(Decimal("0.01"))


def validate_spend(db: Db, values: dict, record_id: int | None = None) -> dict:
    problems: dict[str, str] = {}
    village_id = values.get("village_id")
    if not _pilot_exists(db, village_id):
        problems["village_id"] = "Deze pilot bestaat niet (meer)."
    period = _as_date(values.get("period"), "period", problems, needed=True)
    if period is not None and not P.is_half_year_start(period):
        problems["period"] = "Kies een halfjaar (het begint op 1 januari of 1 juli)."
    source = values.get("source")
    if source not in BUDGET_SOURCES:
        problems["source"] = "Kies de bron: provincie, gemeente of overig."
    planned = _amount(values.get("planned"), problems)
    if not problems:
        where = "village_id IS NULL" if village_id is None else "village_id = ?"
        params = [] if village_id is None else [village_id]
        other = db.scalar(f"SELECT id FROM plan_spend WHERE {where} AND period = ? AND source = ?"
                          " AND id <> ?", [*params, period, source, record_id or -1])
        if other:
            problems["period"] = ("Voor dit halfjaar en deze bron is al een bedrag gepland; "
                                  "wijzig dat bedrag.")
    if problems:
        raise Invalid(problems)
    return {"village_id": village_id, "period": period, "source": source, "planned": planned}


def add_spend(db: Db, user: User, values: dict) -> int:
    require(user, CAP_EDIT)
    clean = validate_spend(db, values)
    with db.tx(user.username) as tx:
        return tx.insert("plan_spend", clean, village_id=clean["village_id"])


def update_spend(db: Db, user: User, record_id: int, values: dict, expected_version: int) -> int:
    require(user, CAP_EDIT)
    _record_village(db, "plan_spend", record_id)
    clean = validate_spend(db, values, record_id)
    with db.tx(user.username) as tx:
        return tx.update("plan_spend", record_id, clean, expected_version,
                         village_id=clean["village_id"])


def delete_spend(db: Db, user: User, record_id: int, expected_version: int) -> None:
    require(user, CAP_EDIT)
    vid = _record_village(db, "plan_spend", record_id)
    with db.tx(user.username) as tx:
        tx.delete("plan_spend", record_id, expected_version, village_id=vid)


def validate_target(db: Db, values: dict, record_id: int | None = None) -> dict:
    problems: dict[str, str] = {}
    village_id = values.get("village_id")
    if not _pilot_exists(db, village_id):
        problems["village_id"] = "Deze pilot bestaat niet (meer)."
    line = values.get("line")
    if line not in LINES:
        problems["line"] = "Kies een van de vijf lijnen."
    score = values.get("score")
    if score not in SCORES:
        problems["score"] = "Kies een score van 1 tot en met 5."
    by_month = values.get("by_month")
    if not isinstance(by_month, int) or isinstance(by_month, bool) or not 1 <= by_month <= 240:
        problems["by_month"] = "Vul de maand van de pilot in: een heel getal van 1 tot en met 240."
    if not problems:
        where = "village_id IS NULL" if village_id is None else "village_id = ?"
        params = [] if village_id is None else [village_id]
        other = db.scalar(f"SELECT id FROM plan_line_targets WHERE {where} AND line = ?"
                          " AND id <> ?", [*params, line, record_id or -1])
        if other:
            problems["line"] = "Voor deze lijn is hier al een doel; wijzig dat doel."
    if problems:
        raise Invalid(problems)
    return {"village_id": village_id, "line": line, "score": score, "by_month": by_month}


def add_target(db: Db, user: User, values: dict) -> int:
    require(user, CAP_EDIT)
    clean = validate_target(db, values)
    with db.tx(user.username) as tx:
        return tx.insert("plan_line_targets", clean, village_id=clean["village_id"])


def update_target(db: Db, user: User, record_id: int, values: dict, expected_version: int) -> int:
    require(user, CAP_EDIT)
    _record_village(db, "plan_line_targets", record_id)
    clean = validate_target(db, values, record_id)
    with db.tx(user.username) as tx:
        return tx.update("plan_line_targets", record_id, clean, expected_version,
                         village_id=clean["village_id"])


def delete_target(db: Db, user: User, record_id: int, expected_version: int) -> None:
    require(user, CAP_EDIT)
    vid = _record_village(db, "plan_line_targets", record_id)
    with db.tx(user.username) as tx:
        tx.delete("plan_line_targets", record_id, expected_version, village_id=vid)
