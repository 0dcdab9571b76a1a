"""Every edit form of the app loses nothing (issue 14, points 1, 2 and 7), table-driven:

(a) open record A, (type into its form), switch to record B, save untouched: B is unchanged,
    and so is A (a widget never carries one record's value into another);
(b) two sessions (two AppTest instances on one database) show the same record and both save:
    the second is refused with "Dit gegeven is intussen gewijzigd door … op …", the first's
    save is kept, and the second's input is still in its form.

Then the other points of the issue: a double submit stores one record, a second meeting on
the same date asks first, deleting asks and says what goes, a closed action can be reopened,
and steering members correct and remove only what they recorded themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

import pytest

from dorp import i18n
from dorp.access import SYSTEM
from dorp.repo import ballot, budget, lines, steps, users, vonk
from tests.conftest import (AS_OF, LEAD, PASSWORDS, STEERING, FUNDER, form_widget, pilot_tab,
                            user_of)

PILOT, METINGEN, BEGROTING, START, ACCOUNTS = (
    "pages/pilot.py", "pages/metingen.py", "pages/begroting.py", "pages/startbijeenkomst.py",
    "pages/accounts.py")
PLAN = "pages/plan.py"
LEAD2 = "leider2"            # a second programme lead, for the second session
A_NAME, B_NAME = "Laren", "Heteren"
D = AS_OF - timedelta(days=3)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def ok(at):
    assert not at.exception, at.exception
    return at


def submit(at, form):
    form_widget(at, "button", form).click().run()
    return ok(at)


def stale_warning(at, who: str) -> bool:
    return any(f"intussen gewijzigd door {who} op" in w and "Uw invoer staat hieronder nog" in w
               for w in texts(at.warning))


# --- navigation -----------------------------------------------------------------------------------

# The pilot page draws only its open tab: the tab each of its forms is on (0 = status, 1-4 = the
# steps, 5 = the Burgerkrachtgenerator, 6 = De Vonk).
PILOT_TABS = {"move": 0, "stop": 0, "presented": 2, "close_no_go": 2, "member_end": 3, "meeting_edit": 3,
              "action_edit": 3, "action_done": 3, "action_reopen": 3, "meeting": 3,
              "safeguarding": 4, "mode_end": 4, "phase": 4, "bkg_group": 5, "bkg_mode_end": 5,
              "vonk_phase": 6, "vonk_details": 6, "vonk_jury": 6, "vonk_tie": 6, "vonk_prize": 6,
              "vonk_aftercare": 6, "vonk_initiative": 6}


def on_page(app_as, user, case):
    """`user` on the case's page; on the pilot page its form's tab is opened."""
    at = ok(app_as(user, page=case.page))
    return pilot_tab(at, PILOT_TABS[case.form]) if case.page == PILOT else at


def meetings_tab(at):
    """The pilot page's step 3 tab (steering group: members, meetings, actions)."""
    return pilot_tab(at, PILOT_TABS["meeting"])


def pilot(at, village_id):
    next(s for s in at.selectbox if s.label == "Pilot").set_value(village_id).run()
    return ok(at)


def pilot_then(key_fmt: str):
    """Open the pilot of rec["vid"], then pick rec["id"] in the selectbox key_fmt.format(vid)."""
    def open_(at, rec):
        pilot(at, rec["vid"])
        at.selectbox(key=key_fmt.format(vid=rec["vid"])).set_value(rec["id"]).run()
        return ok(at)
    return open_


def open_pilot(at, rec):
    return pilot(at, rec["vid"])


def open_score(at, rec):
    at.selectbox(key="mt_village").set_value(rec["vid"]).run()
    at.selectbox(key=f"mt_pick_{rec['vid']}").set_value(rec["id"]).run()
    return ok(at)


def open_texts(at, rec):
    at.selectbox(key="budget_texts_pilot").set_value(rec["vid"]).run()
    return ok(at)


def open_budget_line(at, rec):
    at.selectbox(key="budget_show_level").set_value(rec["vid"]).run()
    at.selectbox(key="budget_line").set_value(rec["id"]).run()
    return ok(at)


def open_start_meeting(at, rec):
    at.selectbox(key="start_meeting").set_value(rec["id"]).run()
    return ok(at)


def open_account(at, rec):
    at.selectbox(key="acc_user").set_value(rec["id"]).run()
    return ok(at)


# --- the table --------------------------------------------------------------------------------------

@dataclass
class Case:
    """One edit form. `setup(db)` makes records A and B (dicts); `open(at, rec)` shows a
    record's form; `fill(at, rec, n)` types input number n (1 or 2) into it and returns what
    its widget then holds; `read(at, rec)` what that widget holds; `state(db, rec)` what is
    stored; `shows(db, rec)` what the widget must hold when the record's form is opened."""
    name: str
    page: str
    form: str
    setup: Callable[[Any], tuple[dict, dict]]
    open: Callable
    fill: Callable
    read: Callable
    state: Callable
    shows: Callable = None        # what read() holds when the record's form is opened
    untouched_save: bool = True   # False: the form is an action (a move), not a record's values
    untouched_refused: bool = False   # a chooser, tie or password: nothing chosen is refused
    # False where the first save takes the choice away (the action moved to the other list,
    # the tie was decided, the pilot was closed): the second session gets the message there
    input_survives: bool = True
    # False where, once the other's save is on screen, the record is no longer offered (the
    # member left, the mode ended, the action moved, the pilot paused): (b) then runs without
    # a redraw in between, as a page that had not redrawn yet
    still_offered: bool = True
    extra: dict = field(default_factory=dict)


def widget(kind, form, fld):
    return lambda at, rec: form_widget(at, kind, form, fld).value


def optional_date(form, fld):
    """read() of an optional date (Form.date): None while its "no date" box is ticked."""
    def read(at, rec):
        none = [e for e in at.checkbox if e.key and e.key.startswith(f"form:{form}:")
                and e.key.endswith(f":{fld}_none")]
        return None if none and none[0].value else form_widget(at, "date_input", form, fld).value
    return read


def typed_date(form, fld, make):
    """fill() of an optional date: untick "no date" and put make(rec, n) into the picker."""
    def fill(at, rec, n):
        value = make(rec, n)
        form_widget(at, "checkbox", form, fld + "_none").uncheck()
        form_widget(at, "date_input", form, fld).set_value(value)
        return value
    return fill


def typed(kind, form, fld, make):
    """fill(): put make(rec, n) into the field and return it."""
    def fill(at, rec, n):
        value = make(rec, n)
        w = form_widget(at, kind, form, fld)
        (w.input if kind in ("text_input", "text_area") else w.set_value)(value)
        return value
    return fill


def chooser(form, fld, make_second=None, second_field=None, second_kind="date_input"):
    """fill() for a chooser form: pick rec["id"] (and set a second field by n, returned)."""
    def fill(at, rec, n):
        form_widget(at, "selectbox", form, fld).set_value(rec["id"])
        if not second_field:
            return rec["id"]
        value = make_second(rec, n)
        form_widget(at, second_kind, form, second_field).set_value(value)
        return value
    return fill


def two_pilots(db):
    return {"vid": vid(db, A_NAME)}, {"vid": vid(db, B_NAME)}


def with_id(db, table: str, where: str = "", params=(), pick="max"):
    def one(name):
        v = vid(db, name)
        rid = db.scalar(f"SELECT {pick}(id) FROM {table} WHERE village_id = ? {where}",
                        [v, *params])
        assert rid is not None, (table, name)
        return {"vid": v, "id": int(rid)}
    return one(A_NAME), one(B_NAME)


def row(db, table, rid, *cols):
    r = db.one(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", [rid])
    return tuple(r.values()) if r else None


def safeguarding_setup(db):
    for name in (A_NAME, B_NAME):
        v = vid(db, name)
        cur = db.one("SELECT version FROM safeguarding WHERE village_id = ?", [v])
        steps.save_safeguarding(db, SYSTEM, v, AS_OF + timedelta(days=200), f"Stichting {name}",
                                "Draaiboek", f"Notities van {name}",
                                cur["version"] if cur else None)
    return two_pilots(db)


def no_go_setup(db):
    for name in (A_NAME, B_NAME):
        steps.add_mbc(db, SYSTEM, vid(db, name), assessed_on=AS_OF, may_ok=True, may_note=None,
                      willingness=1, willingness_source="residents", willingness_evidence=None,
                      ability=1, ability_source="residents", ability_evidence=None,
                      opportunities=None, resistances=None, presented_village_on=None,
                      presented_municipality_on=None, today=AS_OF)
    return two_pilots(db)


def latest_mbc(db):
    return with_id(db, "mbc", pick="max")


def more_actions(db):
    """Two more open actions in A and B: a chooser form stays on screen when one goes."""
    for name in (A_NAME, B_NAME):
        meeting = db.scalar("SELECT max(id) FROM steering_meetings WHERE village_id = ?",
                            [vid(db, name)])
        for k in (1, 2):
            steps.add_action(db, SYSTEM, meeting, f"Extra actie {k}", "Dorpsraad", None)


def open_actions(db):
    more_actions(db)
    return with_id(db, "actions", "AND NOT done")


def done_actions(db):
    more_actions(db)
    for name in (A_NAME, B_NAME):
        for a in db.rows("SELECT id FROM actions WHERE village_id = ?", [vid(db, name)]):
            steps.set_action_done(db, SYSTEM, a["id"], True, None)
    return with_id(db, "actions", "AND done")


def running_modes(db):
    for name in (A_NAME, B_NAME):
        v = vid(db, name)
        used = {r["mode"] for r in db.rows("SELECT mode FROM working_modes WHERE village_id = ?"
                                           " AND ended_on IS NULL", [v])}
        mode = next(m for m in ("support", "motivate", "facilitate") if m not in used)
        steps.add_mode(db, SYSTEM, v, mode, D, "Tweede werkwijze tegelijk", AS_OF)
    return with_id(db, "working_modes", "AND ended_on IS NULL", pick="min")


def bkg_records(table: str, where: str = ""):
    """Working groups and their modes: in Vorden and Heteren (the demo's villages with
    groups; each has two groups and two running modes, so a chooser stays on screen)."""
    def setup(db):
        out = []
        for name in ("Vorden", "Heteren"):
            v = vid(db, name)
            rid = db.scalar(f"SELECT min(id) FROM {table} WHERE village_id = ? {where}", [v])
            assert rid is not None, (table, name)
            out.append({"vid": v, "id": int(rid)})
        return tuple(out)
    return setup


def picked(key: str):
    """open(): pick rec["id"] in the page's chooser `key`."""
    def open_(at, rec):
        at.selectbox(key=key).set_value(rec["id"]).run()
        return ok(at)
    return open_


def target_setup(db):
    """A line target for B as well (the demo has one for A, Laren)."""
    from dorp.repo import plan
    plan.add_target(db, SYSTEM, {"village_id": vid(db, B_NAME), "line": "broad_support",
                                 "score": 3, "by_month": 12})
    return with_id(db, "plan_line_targets")


def open_plan_pilot(at, rec):
    at.selectbox(key="plan_pilot").set_value(rec["vid"]).run()
    return ok(at)


def open_plan_spend(at, rec):
    at.selectbox(key="plan_spend_level").set_value(rec["vid"]).run()
    return picked("plan_spend_pick")(at, rec)


def budget_setup(db):
    out = []
    for name in (A_NAME, B_NAME):
        v = vid(db, name)
        rid = budget.add_line(db, SYSTEM, {"village_id": v, "category": f"Post {name}",
                                           "source": "province", "period": date(2026, 1, 1),
                                           "budgeted": "1000", "spent": "10"})
        out.append({"vid": v, "id": rid})
    return tuple(out)


def tie_setup(db):
    out = []
    for mun, villages in (("Lochem", ("Barchem", "Almen")), ("Berkelland", ("Rekken", "Haarlo"))):
        mid = steps.add_start_meeting(db, SYSTEM, mun, D, 30, 1, None, AS_OF)
        for v in villages:
            steps.add_pitch(db, SYSTEM, mid, v, None)
        pit = steps.pitches(db, SYSTEM, mid)
        steps.record_votes(db, SYSTEM, mid, {int(i): 10 for i in pit.id}, 1,
                           steps.start_meeting(db, SYSTEM, mid)["version"])
        out.append({"id": mid, "vids": [int(v) for v in pit.village_id]})
    return tuple(out)


IDEAS = ("Buurtbus", "Moestuin", "Koffie-ochtend")


def vonk_setup(phase: str, winners: int = 1, kept: int = 0, votes: tuple = (), pick=None):
    """A De Vonk contest in A (Laren) and in B (Heteren), each with three ideas (the demo has
    none), made through the data layer: the jury keeps the first `kept` ideas; with `votes`, a
    ballot round where voter k chooses idea votes[k] (an index into IDEAS) is closed, its
    counts become the ideas' votes and winners; then the contest moves to `phase`. Record:
    the pilot, the contest (id) or, with pick(ideas), an idea (id) and the ideas by title."""
    def setup(db):
        out = []
        for name in (A_NAME, B_NAME):
            v = vid(db, name)
            cid = vonk.add_contest(db, SYSTEM, v, f"De Vonk {name}", D, winners, AS_OF)
            ids = [vonk.add_idea(db, SYSTEM, cid, f"{title} {name}", "Samen doen",
                                 f"Bewoner {k}", D, AS_OF) for k, title in enumerate(IDEAS)]
            for iid in ids[:kept]:
                vonk.judge(db, SYSTEM, iid, True, "Past bij het dorp",
                           db.scalar("SELECT version FROM vonk_ideas WHERE id = ?", [iid]))
            if votes:
                rid = ballot.open_contest_round(db, SYSTEM, cid)
                codes = ballot.issue_codes(db, SYSTEM, rid, len(votes))
                option = {o_label: oid for oid, o_label
                          in ballot.ballot_for_code(db, codes[0], "test").options}
                for code, k in zip(codes, votes):
                    chosen = [option[f"{IDEAS[k]} {name}"]]
                    assert ballot.cast(db, code, chosen, "test").state == "counted"
                ballot.close(db, SYSTEM, rid, ballot.get_round(db, SYSTEM, rid)["version"])
            c = vonk.contest(db, SYSTEM, cid)
            if c["phase"] != phase:
                vonk.set_phase(db, SYSTEM, cid, phase, c["version"])
            rec = {"vid": v, "id": cid, "ideas": ids}
            if pick:
                rec = {"vid": v, "id": int(pick(db, cid)), "ideas": ids}
            out.append(rec)
        return tuple(out)
    return setup


def first_idea(where: str = "TRUE"):
    return lambda db, cid: db.scalar(f"SELECT min(id) FROM vonk_ideas WHERE contest_id = ?"
                                     f" AND {where}", [cid])


def vonk_fill(form: str, fld: str, make, kind: str = "text_input", kept=False):
    """fill() of a De Vonk chooser form: pick the record's idea, put make(n) into `fld` (and
    for the jury: keep it) and return what `fld` then holds."""
    def fill(at, rec, n):
        form_widget(at, "selectbox", form, "idea").set_value(rec["id"])
        if kept:
            form_widget(at, "radio", form, "kept").set_value(True)
        value = make(n)
        form_widget(at, kind, form, fld).input(value)
        return value
    return fill


def votes_setup(db):
    out = []
    for mun in ("Beuningen", "Ede"):
        mid = db.scalar("SELECT s.id FROM start_meetings s JOIN municipalities m"
                        " ON m.id = s.municipality_id WHERE m.name = ?", [mun])
        pid = db.scalar("SELECT min(id) FROM pitches WHERE meeting_id = ?", [mid])
        out.append({"id": int(mid), "pitch": int(pid)})
    return tuple(out)


def votes_state(db, rec):
    m = steps.start_meeting(db, SYSTEM, rec["id"])
    pit = db.rows("SELECT id, votes, chosen FROM pitches WHERE meeting_id = ? ORDER BY id",
                  [rec["id"]])
    return m["seats"], m["tie_decision"], tuple((r["votes"], r["chosen"]) for r in pit)


def accounts_setup(db):
    return {"id": FUNDER}, {"id": STEERING}


def password_state(db, rec):
    return db.scalar("SELECT password_hash FROM users WHERE username = ?", [rec["id"]])


def stored(table, column, by_village=False):
    """shows(): the stored value of `column` of the record (or of the pilot's record)."""
    def shows(db, rec):
        where = "village_id" if by_village else "id"
        return db.scalar(f"SELECT {column} FROM {table} WHERE {where} = ?",
                         [rec["vid"] if by_village else rec["id"]])
    return shows


def const(value):
    return lambda db, rec: value


def pilot_id(db, rec):
    return db.scalar("SELECT id FROM pilots WHERE village_id = ?", [rec["vid"]])


def text(value):
    return "" if value is None else value


CASES = [
    Case("safeguarding", PILOT, "safeguarding", safeguarding_setup, open_pilot,
         typed("text_area", "safeguarding", "notes", lambda r, n: f"Notitie {n}"),
         widget("text_area", "safeguarding", "notes"),
         lambda db, r: row(db, "safeguarding", db.scalar(
             "SELECT id FROM safeguarding WHERE village_id = ?", [r["vid"]]),
             "exit_date", "successor", "handed_over", "notes"),
         shows=stored("safeguarding", "notes", by_village=True)),
    Case("presented", PILOT, "presented", latest_mbc, open_pilot,
         typed_date("presented", "village", lambda r, n: AS_OF - timedelta(days=n)),
         optional_date("presented", "village"),
         lambda db, r: row(db, "mbc", r["id"], "presented_village_on",
                           "presented_municipality_on"),
         shows=stored("mbc", "presented_village_on")),
    Case("move", PILOT, "move", two_pilots, open_pilot,
         typed("text_area", "move", "reason", lambda r, n: f"Zomerstop {n}"),
         widget("text_area", "move", "reason"),
         lambda db, r: row(db, "pilots", pilot_id(db, r), "step", "status"),
         shows=const(""), untouched_save=False, extra={"action": "pause"}, still_offered=False),
    Case("stop", PILOT, "stop", two_pilots, open_pilot,
         typed("text_area", "stop", "reason", lambda r, n: f"Gemeente stopt {n}"),
         widget("text_area", "stop", "reason"),
         lambda db, r: row(db, "pilots", pilot_id(db, r), "step", "status"),
         shows=const(""), untouched_save=False, input_survives=False, still_offered=False),
    Case("close_no_go", PILOT, "close_no_go", no_go_setup, open_pilot,
         typed("text_area", "close_no_go", "reason", lambda r, n: f"Geen energie {n}"),
         widget("text_area", "close_no_go", "reason"),
         lambda db, r: row(db, "pilots", pilot_id(db, r), "step", "status"),
         shows=lambda db, r: i18n.t("steps.no_go_reason", "nl"),
         untouched_save=False, input_survives=False, still_offered=False),
    Case("member_end", PILOT, "member_end",
         lambda db: with_id(db, "steering_members", "AND until_date IS NULL"), open_pilot,
         chooser("member_end", "who", lambda r, n: AS_OF - timedelta(days=n), "until"),
         widget("date_input", "member_end", "until"),
         lambda db, r: row(db, "steering_members", r["id"], "until_date"),
         shows=const(AS_OF), untouched_refused=True, still_offered=False),
    Case("meeting_edit", PILOT, "meeting_edit", lambda db: with_id(db, "steering_meetings"),
         pilot_then("meeting_pick:{vid}"),
         typed("text_area", "meeting_edit", "decisions", lambda r, n: f"Besluit {n}"),
         widget("text_area", "meeting_edit", "decisions"),
         lambda db, r: row(db, "steering_meetings", r["id"], "held_on",
                           "municipality_satisfaction", "community_satisfaction", "decisions",
                           "notes"),
         shows=lambda db, r: text(stored("steering_meetings", "decisions")(db, r))),
    Case("action_edit", PILOT, "action_edit", lambda db: with_id(db, "actions"),
         pilot_then("action_pick:{vid}"),
         typed("text_input", "action_edit", "description", lambda r, n: f"Folder {n}"),
         widget("text_input", "action_edit", "description"),
         lambda db, r: row(db, "actions", r["id"], "description", "who", "due_on", "done"),
         shows=stored("actions", "description")),
    Case("action_done", PILOT, "action_done", open_actions, open_pilot,
         chooser("action_done", "which"), widget("selectbox", "action_done", "which"),
         lambda db, r: row(db, "actions", r["id"], "done"),
         shows=const(None), untouched_refused=True, input_survives=False, still_offered=False),
    Case("action_reopen", PILOT, "action_reopen", done_actions, open_pilot,
         chooser("action_reopen", "which"), widget("selectbox", "action_reopen", "which"),
         lambda db, r: row(db, "actions", r["id"], "done"),
         shows=const(None), untouched_refused=True, input_survives=False, still_offered=False),
    Case("mode_end", PILOT, "mode_end", running_modes, open_pilot,
         chooser("mode_end", "which", lambda r, n: AS_OF - timedelta(days=n), "until"),
         widget("date_input", "mode_end", "until"),
         lambda db, r: row(db, "working_modes", r["id"], "ended_on"),
         shows=const(AS_OF), untouched_refused=True, still_offered=False),
    Case("bkg_group", PILOT, "bkg_group", bkg_records("working_groups", "AND status = 'active'"),
         pilot_then("bkg_group_pick:{vid}"),
         typed_date("bkg_group", "plan", lambda r, n: AS_OF - timedelta(days=n)),
         optional_date("bkg_group", "plan"),
         lambda db, r: row(db, "working_groups", r["id"], "status", "willingness", "ability",
                           "plan_presented_on"),
         shows=stored("working_groups", "plan_presented_on")),
    Case("bkg_mode_end", PILOT, "bkg_mode_end",
         bkg_records("working_group_modes", "AND ended_on IS NULL"), open_pilot,
         chooser("bkg_mode_end", "which", lambda r, n: AS_OF - timedelta(days=n), "until"),
         widget("date_input", "bkg_mode_end", "until"),
         lambda db, r: row(db, "working_group_modes", r["id"], "ended_on"),
         shows=const(AS_OF), untouched_refused=True, still_offered=False),
    Case("phase", PILOT, "phase", lambda db: with_id(db, "initiatives"), open_pilot,
         chooser("phase", "which", lambda r, n: ("decay", "reorganisation")[n - 1], "phase",
                 "selectbox"),
         widget("selectbox", "phase", "phase"),
         lambda db, r: row(db, "initiatives", r["id"], "phase"),
         shows=const("idea"), untouched_refused=True),
    Case("vonk_phase", PILOT, "vonk_phase", vonk_setup("ideas"), open_pilot,
         typed("selectbox", "vonk_phase", "phase", lambda r, n: ("communication", "work")[n - 1]),
         widget("selectbox", "vonk_phase", "phase"),
         lambda db, r: row(db, "vonk_contests", r["id"], "phase"),
         shows=stored("vonk_contests", "phase")),
    Case("vonk_details", PILOT, "vonk_details", vonk_setup("communication"), open_pilot,
         typed("text_area", "vonk_details", "plan", lambda r, n: f"Plan van aanpak {n}"),
         widget("text_area", "vonk_details", "plan"),
         lambda db, r: row(db, "vonk_contests", r["id"], "project_group", "plan",
                           "communication", "winners", "prize_event_on", "prize_event_note"),
         shows=lambda db, r: text(stored("vonk_contests", "plan")(db, r))),
    Case("vonk_jury", PILOT, "vonk_jury", vonk_setup("ideas", pick=first_idea()), open_pilot,
         vonk_fill("vonk_jury", "reason", lambda n: f"Sterk plan {n}", "text_area", kept=True),
         widget("text_area", "vonk_jury", "reason"),
         lambda db, r: row(db, "vonk_ideas", r["id"], "jury_kept", "jury_reason"),
         shows=const(""), untouched_refused=True),
    Case("vonk_tie", PILOT, "vonk_tie", vonk_setup("vote", winners=1, kept=2, votes=(0, 1)),
         open_pilot,
         lambda at, r, n: [form_widget(at, "text_area", "vonk_tie", "reason").input(f"Loting {n}"),
                           form_widget(at, "multiselect", "vonk_tie", "pick")
                           .set_value([r["ideas"][n - 1]])][1].value,
         widget("multiselect", "vonk_tie", "pick"),
         lambda db, r: (row(db, "vonk_contests", r["id"], "tie_decision", "tie_reason"),
                        tuple(x["winner"] for x in db.rows(
                            "SELECT winner FROM vonk_ideas WHERE contest_id = ? ORDER BY id",
                            [r["id"]]))),
         shows=const([]), untouched_refused=True, input_survives=False, still_offered=False),
    Case("vonk_prize", PILOT, "vonk_prize",
         vonk_setup("prizes", winners=2, kept=3, votes=(0, 0, 1), pick=first_idea("winner")),
         open_pilot, vonk_fill("vonk_prize", "prize", lambda n: f"Een coach en {n}00 euro"),
         widget("text_input", "vonk_prize", "prize"),
         lambda db, r: row(db, "vonk_ideas", r["id"], "prize"),
         shows=const(""), untouched_refused=True),
    Case("vonk_aftercare", PILOT, "vonk_aftercare",
         vonk_setup("aftercare", pick=first_idea()), open_pilot,
         vonk_fill("vonk_aftercare", "aftercare", lambda n: f"Welzijnswerk, contact {n}"),
         widget("text_input", "vonk_aftercare", "aftercare"),
         lambda db, r: row(db, "vonk_ideas", r["id"], "aftercare", "aftercare_on"),
         shows=const(""), untouched_refused=True),
    Case("vonk_initiative", PILOT, "vonk_initiative", vonk_setup("work", pick=first_idea()),
         open_pilot, chooser("vonk_initiative", "idea"),
         widget("selectbox", "vonk_initiative", "idea"),
         lambda db, r: row(db, "vonk_ideas", r["id"], "initiative_id"),
         shows=const(None), untouched_refused=True, input_survives=False, still_offered=False),
    Case("score", METINGEN, "score", lambda db: with_id(db, "line_scores"), open_score,
         typed("text_area", "score", "note", lambda r, n: f"Toelichting {n}"),
         widget("text_area", "score", "note"),
         lambda db, r: row(db, "line_scores", r["id"], "scored_on", "score", "note", "evidence",
                           "source"),
         shows=lambda db, r: text(stored("line_scores", "note")(db, r))),
    Case("texts", BEGROTING, "texts", two_pilots, open_texts,
         typed("text_area", "texts", "progress_text", lambda r, n: f"Voortgang {n}"),
         widget("text_area", "texts", "progress_text"),
         lambda db, r: row(db, "pilots", pilot_id(db, r), "progress_text", "lessons"),
         shows=lambda db, r: text(stored("pilots", "progress_text", by_village=True)(db, r))),
    Case("budget_line", BEGROTING, "budget_line", budget_setup, open_budget_line,
         typed("text_input", "budget_line", "category", lambda r, n: f"Vervoer {n}"),
         widget("text_input", "budget_line", "category"),
         lambda db, r: row(db, "budget", r["id"], "village_id", "category", "source", "period",
                           "budgeted", "spent"),
         shows=stored("budget", "category")),
    Case("votes", START, "votes", votes_setup, open_start_meeting,
         lambda at, r, n: form_widget(at, "number_input", "votes", f"votes_{r['pitch']}")
         .set_value(40 + n).value,
         lambda at, r: form_widget(at, "number_input", "votes", f"votes_{r['pitch']}").value,
         votes_state,
         shows=lambda db, r: db.scalar("SELECT votes FROM pitches WHERE id = ?", [r["pitch"]])),
    Case("tie", START, "tie", tie_setup, open_start_meeting,
         lambda at, r, n: [form_widget(at, "text_area", "tie", "reason").input(f"Loting {n}"),
                           form_widget(at, "multiselect", "tie", "pick")
                           .set_value([r["vids"][n - 1]])][1].value,
         widget("multiselect", "tie", "pick"),
         lambda db, r: row(db, "start_meetings", r["id"], "tie_decision"),
         shows=const([]), untouched_refused=True, input_survives=False, still_offered=False),
    Case("plan_steps", PLAN, "plan_steps", lambda db: with_id(db, "plan_steps"), open_plan_pilot,
         typed("text_area", "plan_steps", "explanation", lambda r, n: f"Toelichting {n}"),
         widget("text_area", "plan_steps", "explanation"),
         lambda db, r: row(db, "plan_steps", r["id"], "step_1_on", "step_2_on", "step_3_on",
                           "step_4_on", "completed_on", "explanation"),
         shows=lambda db, r: text(stored("plan_steps", "explanation")(db, r))),
    Case("plan_milestone", PLAN, "plan_milestone", lambda db: with_id(db, "plan_milestones"),
         picked("plan_milestone_pick"),
         typed("text_input", "plan_milestone", "name", lambda r, n: f"Mijlpaal {n}"),
         widget("text_input", "plan_milestone", "name"),
         lambda db, r: row(db, "plan_milestones", r["id"], "village_id", "name", "planned_on",
                           "reached_on"),
         shows=stored("plan_milestones", "name")),
    Case("plan_spend", PLAN, "plan_spend", lambda db: with_id(db, "plan_spend"), open_plan_spend,
         typed("text_input", "plan_spend", "planned", lambda r, n: f"{1000 + n},00"),
         widget("text_input", "plan_spend", "planned"),
         lambda db, r: row(db, "plan_spend", r["id"], "village_id", "period", "source", "planned"),
         shows=lambda db, r: i18n.fmt_number(stored("plan_spend", "planned")(db, r), "nl", 2)),
    Case("plan_target", PLAN, "plan_target",
         target_setup, picked("plan_target_pick"),
         typed("number_input", "plan_target", "by_month", lambda r, n: 20 + n),
         widget("number_input", "plan_target", "by_month"),
         lambda db, r: row(db, "plan_line_targets", r["id"], "village_id", "line", "score",
                           "by_month"),
         shows=stored("plan_line_targets", "by_month")),
    Case("password", ACCOUNTS, "password", accounts_setup, open_account,
         lambda at, r, n: [form_widget(at, "text_input", "password", f).input(f"wachtwoord-{n}-x")
                           for f in ("pw1", "pw2")][0].value,
         widget("text_input", "password", "pw1"), password_state,
         shows=const(""), untouched_refused=True),
]

# The forms on screen must be in the table: a new edit form is noticed here.
EDIT_FORMS = {c.form for c in CASES}


@pytest.fixture
def lead2(demo_db):
    users.add(demo_db, SYSTEM, LEAD2, "lead", "tweede-leider-1")
    return LEAD2


def prepared(case, at, rec, n):
    """Fill input n; for the move form also choose the action."""
    if case.name == "move":
        form_widget(at, "radio", "move", "action").set_value(case.extra["action"])
    if case.name == "stop":
        form_widget(at, "checkbox", "stop", "sure").check()
    return case.fill(at, rec, n)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_switching_record_never_carries_a_value_into_another(app_as, demo_db, case):
    a, b = case.setup(demo_db)
    at = on_page(app_as, LEAD, case)          # the page opens on its first record first
    case.open(at, a)
    assert case.read(at, a) == case.shows(demo_db, a), f"{case.name}: A shows another's value"
    typed_in_a = prepared(case, at, a, 1)       # typed, not saved
    case.open(at, b)
    assert case.read(at, b) == case.shows(demo_db, b), f"{case.name}: B shows another's value"
    assert case.read(at, b) != typed_in_a, f"{case.name}: A's input shows on B"
    before_a, before_b = case.state(demo_db, a), case.state(demo_db, b)
    if case.untouched_save:
        submit(at, case.form)
        refused = [e for e in texts(at.error) if "Niet opgeslagen" in e]
        assert bool(refused) == case.untouched_refused, (case.name, texts(at.error))
        if not case.untouched_refused:
            assert at.success, f"{case.name}: no confirmation"
    assert case.state(demo_db, b) == before_b, f"{case.name}: B changed"
    assert case.state(demo_db, a) == before_a, f"{case.name}: A changed"


@pytest.mark.both_stores   # the versions are the store's: checked on DuckDB and PostgreSQL
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_b_two_sessions_the_second_save_is_refused_and_keeps_its_input(app_as, demo_db, lead2,
                                                                       case):
    a, _ = case.setup(demo_db)
    first, second = on_page(app_as, lead2, case), on_page(app_as, LEAD, case)
    case.open(first, a)
    case.open(second, a)                        # both show the same record
    before = case.state(demo_db, a)
    prepared(case, first, a, 1)
    submit(first, case.form)
    assert not [e for e in texts(first.error) if "Niet opgeslagen" in e], texts(first.error)
    saved = case.state(demo_db, a)
    assert saved != before, f"{case.name}: the first save did not land"
    if case.still_offered:
        ok(second.run())   # the second page redraws meanwhile (any click): the form keeps the
        #                    version it was first shown with
    mine = prepared(case, second, a, 2)
    submit(second, case.form)
    assert stale_warning(second, lead2), (case.name, texts(second.warning), texts(second.error))
    assert case.state(demo_db, a) == saved, f"{case.name}: the first save was overwritten"
    if case.input_survives:
        assert case.read(second, a) == mine, f"{case.name}: the second's input is gone"


def test_the_table_holds_every_edit_form_shown():
    """Forms that show or change an existing record: every one is in CASES."""
    import re
    from tests.conftest import ROOT
    found = set()
    for p in (ROOT / "pages").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        found |= set(re.findall(r'ui\.Form\("(\w+)"[^)]*(?:record=|version=)', text))
    # The programme's own explanation is one record (nothing to switch to); its stale save is
    # refused like any other (tests/test_plan_pages.py).
    single = {"plan_programme"}
    assert found - EDIT_FORMS - single == set(), f"add to CASES: {sorted(found - EDIT_FORMS)}"


# --- point 7: double saves and one-click losses ------------------------------------------------------

def meeting_count(db, village_id):
    return db.scalar("SELECT count(*) FROM steering_meetings WHERE village_id = ?", [village_id])


def fill_meeting(at, on=None, ms=4, cs=3, decisions="Doorgaan met de werkgroepen"):
    if on is not None:
        form_widget(at, "date_input", "meeting", "on").set_value(on)
    form_widget(at, "selectbox", "meeting", "ms").set_value(ms)
    form_widget(at, "selectbox", "meeting", "cs").set_value(cs)
    form_widget(at, "text_area", "meeting", "decisions").input(decisions)


def test_the_meeting_form_is_empty_after_a_save_and_confirms_beside_its_button(app_as, demo_db):
    v = vid(demo_db, "Vorden")
    n = meeting_count(demo_db, v)
    at = meetings_tab(ok(app_as(STEERING, page=PILOT)))
    fill_meeting(at)
    submit(at, "meeting")
    assert meeting_count(demo_db, v) == n + 1
    assert form_widget(at, "text_area", "meeting", "decisions").value == ""
    assert form_widget(at, "selectbox", "meeting", "ms").value is None
    # the confirmation stands in the meeting form, right under its button, once
    form = next(b for b in at.get("form") if b.proto.form.form_id.startswith("form:meeting:"))
    assert texts(form.success) == ["Opgeslagen."]
    kinds = [type(k).__name__ for k in form.children.values()]
    assert kinds[-2:] == ["Button", "Success"], kinds
    at.run()                                               # said once
    assert "Opgeslagen." not in texts(at.success)


def test_a_second_meeting_on_the_same_date_asks_first(app_as, demo_db):
    v = vid(demo_db, "Vorden")
    held = demo_db.scalar("SELECT max(held_on) FROM steering_meetings WHERE village_id = ?", [v])
    n = meeting_count(demo_db, v)
    at = meetings_tab(ok(app_as(STEERING, page=PILOT)))
    fill_meeting(at, on=held)
    submit(at, "meeting")
    assert meeting_count(demo_db, v) == n                    # not stored: it asks
    assert any("is al een vergadering van deze stuurgroep vastgelegd" in w
               for w in texts(at.warning))
    assert form_widget(at, "text_area", "meeting", "decisions").value == \
        "Doorgaan met de werkgroepen"                        # the input is still there
    form_widget(at, "checkbox", "meeting", "__confirm").check()
    submit(at, "meeting")
    assert meeting_count(demo_db, v) == n + 1
    assert "Opgeslagen." in texts(at.success)


@pytest.mark.both_stores
def test_the_same_meeting_from_two_sessions_is_stored_once(app_as, demo_db):
    """Two members record the same meeting at once (or one submits twice from two tabs): the
    second is asked whether it really is a second meeting that day."""
    v = vid(demo_db, "Vorden")
    n = meeting_count(demo_db, v)
    one, two = (meetings_tab(ok(app_as(u, page=PILOT))) for u in (STEERING, LEAD))
    pilot(two, v)
    for at in (one, two):
        fill_meeting(at, on=AS_OF)
        submit(at, "meeting")
    assert meeting_count(demo_db, v) == n + 1
    assert any("is al een vergadering" in w for w in texts(two.warning))


@pytest.mark.both_stores
def test_a_double_click_on_save_stores_one_meeting(app_as, demo_db):
    """A double click: the second click arrives for the form the first one already saved (its
    old generation) and is ignored."""
    v = vid(demo_db, "Vorden")
    n = meeting_count(demo_db, v)
    at = meetings_tab(ok(app_as(STEERING, page=PILOT)))
    fill_meeting(at, on=AS_OF)
    form_widget(at, "button", "meeting").click()
    clicked = at._tree.get_widget_states()     # the states the browser sends with the click
    at._run(clicked)
    at._run(clicked)                            # the same click again
    ok(at)
    assert meeting_count(demo_db, v) == n + 1
    assert not any("is al een vergadering" in w for w in texts(at.warning))


def test_deleting_a_score_asks_first_and_says_what_goes(app_as, demo_db):
    v = vid(demo_db, "Laren")
    sid = demo_db.scalar("SELECT max(id) FROM line_scores WHERE village_id = ?", [v])
    r = lines.get(demo_db, SYSTEM, sid)
    at = ok(app_as(LEAD, page=METINGEN))
    open_score(at, {"vid": v, "id": sid})
    at.button(key=f"score_delete:{sid}").click().run()
    question = " ".join(texts(at.warning))
    assert f"De score {r['score']} voor" in question and "wordt verwijderd" in question
    assert lines.get(demo_db, SYSTEM, sid) is not None          # nothing gone yet
    at.button(key=f"score_delete:{sid}:no").click().run()       # Annuleren
    assert lines.get(demo_db, SYSTEM, sid) is not None
    assert not any("wordt verwijderd" in w for w in texts(at.warning))
    at.button(key=f"score_delete:{sid}").click().run()
    at.button(key=f"score_delete:{sid}:yes").click().run()
    ok(at)
    assert lines.get(demo_db, SYSTEM, sid) is None
    assert "Meting verwijderd." in texts(at.success)
    gone = demo_db.one("SELECT username, before FROM audit_log WHERE table_name = 'line_scores'"
                       " AND record_id = ? AND action = 'delete'", [sid])
    assert gone["username"] == LEAD and f'"score": {r["score"]}' in gone["before"]


def test_deleting_a_budget_line_asks_first_and_names_it(app_as, demo_db):
    a, _ = budget_setup(demo_db)
    at = ok(app_as(LEAD, page=BEGROTING))
    open_budget_line(at, a)
    at.button(key=f"budget_delete:{a['id']}").click().run()
    assert any("Post Laren" in w and "wordt verwijderd" in w for w in texts(at.warning))
    assert demo_db.scalar("SELECT count(*) FROM budget WHERE id = ?", [a["id"]]) == 1
    at.button(key=f"budget_delete:{a['id']}:yes").click().run()
    ok(at)
    assert demo_db.scalar("SELECT count(*) FROM budget WHERE id = ?", [a["id"]]) == 0
    assert "Begrotingsregel verwijderd." in texts(at.success)


def test_removing_a_meeting_names_the_actions_that_go_with_it(app_as, demo_db):
    v = vid(demo_db, "Laren")
    mid = demo_db.scalar("SELECT meeting_id FROM actions WHERE village_id = ? ORDER BY id LIMIT 1",
                         [v])
    acts = [r["description"] for r in demo_db.rows(
        "SELECT description FROM actions WHERE meeting_id = ? ORDER BY id", [mid])]
    at = meetings_tab(ok(app_as(LEAD, page=PILOT)))
    pilot_then("meeting_pick:{vid}")(at, {"vid": v, "id": mid})
    at.button(key=f"meeting_delete:{v}:{mid}").click().run()
    question = " ".join(texts(at.warning)).replace("\\", "")   # user text is escaped markdown
    assert all(a in question for a in acts) and f"{len(acts)} actie(s)" in question
    at.button(key=f"meeting_delete:{v}:{mid}:yes").click().run()
    ok(at)
    assert demo_db.scalar("SELECT count(*) FROM steering_meetings WHERE id = ?", [mid]) == 0
    assert demo_db.scalar("SELECT count(*) FROM actions WHERE meeting_id = ?", [mid]) == 0
    assert "Vergadering verwijderd." in texts(at.success)
    assert demo_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'delete' AND"
                          " table_name IN ('actions', 'steering_meetings')") == len(acts) + 1


def test_a_closed_action_can_be_reopened(app_as, demo_db):
    v = vid(demo_db, "Laren")
    aid = demo_db.scalar("SELECT min(id) FROM actions WHERE village_id = ? AND NOT done", [v])
    at = meetings_tab(ok(app_as(STEERING if v in user_of(demo_db, STEERING).village_ids else LEAD,
                                page=PILOT)))
    pilot(at, v)
    assert form_widget(at, "selectbox", "action_done", "which").value is None   # nothing preselected
    submit(at, "action_done")                                       # one click closes nothing
    assert any("Kies eerst" in e for e in texts(at.error))
    form_widget(at, "selectbox", "action_done", "which").set_value(aid)
    submit(at, "action_done")
    assert demo_db.scalar("SELECT done FROM actions WHERE id = ?", [aid]) is True
    assert any("Zet haar hieronder weer open" in s for s in texts(at.success))
    form_widget(at, "selectbox", "action_reopen", "which").set_value(aid)
    submit(at, "action_reopen")
    assert demo_db.scalar("SELECT done FROM actions WHERE id = ?", [aid]) is False
    assert "Actie weer opengezet." in texts(at.success)


@pytest.mark.both_stores
def test_a_steering_member_corrects_and_removes_only_their_own_meetings(app_as, demo_db):
    v = vid(demo_db, "Vorden")
    at = meetings_tab(ok(app_as(STEERING, page=PILOT)))
    assert not any(k for k in (b.key or "" for b in at.button) if k.startswith("form:meeting_edit"))
    fill_meeting(at, on=AS_OF - timedelta(days=1), decisions="Eerste versie")
    submit(at, "meeting")
    mine = demo_db.scalar("SELECT id FROM steering_meetings WHERE village_id = ? AND"
                          " created_by = ?", [v, STEERING])
    assert mine is not None
    # only their own meeting is offered for correction (the demo's are someone else's)
    pick = at.selectbox(key=f"meeting_pick:{v}")
    assert len(pick.options) == 1 and pick.value == mine
    assert any("die u zelf heeft vastgelegd" in c for c in texts(at.caption))
    form_widget(at, "text_area", "meeting_edit", "decisions").input("Verbeterde versie")
    submit(at, "meeting_edit")
    row_ = demo_db.one("SELECT decisions, version FROM steering_meetings WHERE id = ?", [mine])
    assert (row_["decisions"], row_["version"]) == ("Verbeterde versie", 2)
    before = demo_db.scalar("SELECT before FROM audit_log WHERE table_name = 'steering_meetings'"
                            " AND record_id = ? AND action = 'update'", [mine])
    assert "Eerste versie" in before                       # the audit keeps the old state
    at.button(key=f"meeting_delete:{v}:{mine}").click().run()
    at.button(key=f"meeting_delete:{v}:{mine}:yes").click().run()
    ok(at)
    assert demo_db.scalar("SELECT count(*) FROM steering_meetings WHERE id = ?", [mine]) == 0
    assert "Vergadering verwijderd." in texts(at.success)
    # nothing of theirs left: no correction form for the demo's meetings
    assert not any((b.key or "").startswith("form:meeting_edit") for b in at.button)
