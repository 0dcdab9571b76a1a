"""The access matrix: 3 roles x every page (from dorp.ui.PAGES) and 3 roles x every data-layer
function (dorp/repo), against the expected allow/deny.

Pages: the demo's accounts. The data layer: a programme this test builds itself (two villages
A and B in two municipalities, each with a full history and a tie at its start meeting), with
a lead, a funder and a steering member of village A only. Village-bound functions are called
for A and for B.

Expectation codes, per role (lead, steering, funder):
  Y  allowed: the call must succeed (any exception, not only a refusal, fails the test)
  N  denied: AccessDenied, or nothing returned (empty / None)
  A  steering only: allowed for their own village A, denied for B
  S  allowed, but nothing of village B in what comes back (scoped)

To extend: add one line to FUNCTIONS (name -> call, expectation). A test fails when a public
function of dorp/repo that takes the user is in no table, so new functions are noticed.
"""

from __future__ import annotations

import inspect
import importlib
import pkgutil
from datetime import date, timedelta

import pandas as pd
import pytest

import dorp.repo
from dorp import ui
from dorp.access import AccessDenied, role_can
from tests.conftest import AS_OF, FUNDER, LEAD, ROOT, STEERING, user_of

pytestmark = pytest.mark.both_stores

ROLES = {"lead": LEAD, "steering": STEERING, "funder": FUNDER}
TODAY = AS_OF


# --- pages ---------------------------------------------------------------------------------------

# What each role may open, by the page's capability. New pages come from ui.PAGES; a page
# whose capability is not listed here fails the test until someone decides.
PAGE_CAPS = {
    "view_programme": "YNN", "view_village_any": "YYN", "view_funder": "YNY",
    "edit_budget": "YNN", "edit_village": "YNN", "exchange": "YNN", "manage_users": "YNN",
    "view_audit": "YNN", "move_step": "YNN",
}


def _page_ids():
    return [p[0] for p in ui.PAGES]


def test_every_page_capability_has_an_expectation():
    assert {p[3] for p in ui.PAGES} <= set(PAGE_CAPS), "add the new capability to PAGE_CAPS"


def _run_page_directly(db, username, script):
    """The page as a deep link runs it: the script itself, without app.py."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.session_state["user"] = user_of(db, username)
    at.session_state["lang"] = "nl"
    return at.run()


@pytest.mark.parametrize("script", _page_ids())
def test_page_matrix(demo_db, app_as, script):
    cap = next(p[3] for p in ui.PAGES if p[0] == script)
    for i, (role, username) in enumerate(ROLES.items()):
        allowed = PAGE_CAPS[cap][i] == "Y"
        # in the menu (built by ui.pages_for from the same list) exactly when allowed
        user = user_of(demo_db, username)
        assert role_can(user, cap) == allowed, (script, role)
        if allowed:   # through the app's menu: shown without errors or refusals
            at = app_as(username, page=script)
        else:         # opened directly by its URL (a deep link): refused
            at = _run_page_directly(demo_db, username, script)
        assert not at.exception, (script, role, [e.value for e in at.exception])
        refused = any("geen toegang" in e.value for e in at.error)
        assert refused == (not allowed), (script, role)
        if refused:
            assert len(at.dataframe) == 0 and len(at.get("vega_lite_chart")) == 0
            assert len(at.metric) == 0 and len(at.table) == 0


# --- the data layer ------------------------------------------------------------------------------

A, B = "Toegangsdorp Aa", "Toegangsdorp Bee"
T_LEAD, T_STEERING, T_FUNDER = "t-leider", "t-stuurgroep-a", "t-provincie"
ROLES_T = {"lead": T_LEAD, "steering": T_STEERING, "funder": T_FUNDER}


def _own_programme(db) -> None:
    """Two villages with everything the functions touch, and the three accounts."""
    from tests.test_judgements import programme
    from dorp.access import SYSTEM
    from dorp.repo import bulk as bulk_
    day = date(2026, 3, 1)
    villages = []
    for name, mun in ((A, "Gemeente Aa"), (B, "Gemeente Bee")):
        rival = f"{name} Oost"
        villages.append({
            "name": name, "pilot": {"step": 4, "status": "active", "started_on": day},
            "votes": [{"meeting_date": day, "municipality": mun, "votes": 10, "chosen": True}],
            "consent": [{"party": "municipality", "given_on": day}],
            "mbc": [{"assessed_on": day, "willingness": 4, "ability": 4, "may_ok": True,
                     "source": "residents"}],
            "steering_members": [{"name": f"Lid {name}", "party": "community",
                                  "from_date": day}],
            "steering_meetings": [{"date": day, "municipality_satisfaction": 4,
                                   "community_satisfaction": 4}],
            "actions": [{"meeting_date": day, "description": "Actie", "who": "Dorpsraad"}],
            "line_scores": [{"line": "broad_support", "date": day, "score": 3},
                            {"line": "target_group", "date": day, "score": 4}],
            "working_modes": [{"mode": "facilitate", "started_on": day}],
            "initiatives": [{"name": "Eettafel", "phase": "idea", "since": day}],
            "budget": [{"category": "Uitvoering", "source": "province", "budgeted": 100.0,
                        "spent": 10.0}],
            "step_moves": [{"to_step": 4, "to_status": "active", "moved_on": day}],
            "plan_steps": [{"step_4_on": day, "completed_on": date(2027, 9, 1),
                            "explanation": "Volgens plan."}],
            "plan_milestones": [{"milestone": "Bewonersavond", "planned_on": day}],
            "plan_spend": [{"period": date(2026, 1, 1), "source": "province", "planned": 100.0}],
            "plan_line_targets": [{"line": "broad_support", "score": 3, "by_month": 12}],
        })
        # the rival pitched at the same meeting with as many votes: a tie for the one seat
        villages.append({"name": rival, "pilot": {"step": 1, "status": "stopped"},
                         "votes": [{"meeting_date": day, "municipality": mun, "votes": 10,
                                    "chosen": False}]})
    tables = programme(*villages)
    tables["villages"]["municipality"] = ["Gemeente Aa", "Gemeente Aa", "Gemeente Bee",
                                          "Gemeente Bee"]
    tables["start_meetings"] = pd.DataFrame({"meeting_date": [day, day],
                                             "municipality": ["Gemeente Aa", "Gemeente Bee"],
                                             "seats": [1, 1]})
    bulk_.replace_all(db, SYSTEM, tables, replace=False)
    users.add(db, SYSTEM, T_LEAD, "lead", "lang-genoeg-0")
    users.add(db, SYSTEM, T_STEERING, "steering", "lang-genoeg-0", (A,))
    users.add(db, SYSTEM, T_FUNDER, "funder", "lang-genoeg-0")


def _ctx(db, names: dict[str, str] | None = None) -> dict:
    """Ids of records in village A and B (by default this test's own villages) to call the
    functions with."""
    ctx = {}
    for key, name in (names or {"A": A, "B": B}).items():
        vid = db.scalar("SELECT id FROM villages WHERE name = ?", [name])

        def one(sql, vid=vid):
            return db.scalar(sql, [vid])
        meeting = one("SELECT max(p.meeting_id) FROM pitches p WHERE village_id = ?")
        ctx[key] = {
            "vid": vid, "name": name, "mun": "Gemeente Aa" if key == "A" else "Gemeente Bee",
            "meeting": one("SELECT max(id) FROM steering_meetings WHERE village_id = ?"),
            "mbc": one("SELECT max(id) FROM mbc WHERE village_id = ?"),
            "member": one("SELECT max(id) FROM steering_members WHERE village_id = ?"),
            "score": one("SELECT max(id) FROM line_scores WHERE village_id = ?"),
            "mode": one("SELECT max(id) FROM working_modes WHERE village_id = ?"),
            "initiative": one("SELECT max(id) FROM initiatives WHERE village_id = ?"),
            "action": one("SELECT max(id) FROM actions WHERE village_id = ?"),
            "budget": one("SELECT max(id) FROM budget WHERE village_id = ?"),
            "start_meeting": meeting,
            "pitches": {r["id"]: 10 for r in db.rows(
                "SELECT id FROM pitches WHERE meeting_id = ?", [meeting])},
            "milestone": one("SELECT max(id) FROM plan_milestones WHERE village_id = ?"),
            "spend": one("SELECT max(id) FROM plan_spend WHERE village_id = ?"),
            "target": one("SELECT max(id) FROM plan_line_targets"
                          " WHERE village_id = ? OR village_id IS NULL"),
            **_bkg_records(db, vid),
        }
    ctx["municipality"] = db.scalar("SELECT min(id) FROM municipalities")
    return ctx


def _bkg_records(db, vid) -> dict:
    """Ids of the village's Burgerkrachtgenerator records: a lead-group member, a theme, a
    working group and its mode are added where there are none (an allowed call may have
    removed the member)."""
    if not db.scalar("SELECT count(*) FROM bkg_lead_group WHERE village_id = ?", [vid]):
        with db.tx("test") as tx:
            tx.insert("bkg_lead_group", {"village_id": vid, "name": "Matrix Kopgroeplid",
                                         "role": "resident", "joined_on": D}, village_id=vid)
    if not db.scalar("SELECT count(*) FROM working_groups WHERE village_id = ?", [vid]):
        with db.tx("test") as tx:
            theme = tx.insert("bkg_themes", {"village_id": vid, "theme": "Matrixthema",
                                             "found_on": D}, village_id=vid)
            group = tx.insert("working_groups", {"village_id": vid, "theme_id": theme,
                                                 "name": "Matrixgroep", "started_on": D,
                                                 "status": "active"}, village_id=vid)
            tx.insert("working_group_modes", {"village_id": vid, "group_id": group,
                                              "mode": "support", "started_on": D},
                      village_id=vid)

    def one(sql):
        return db.scalar(sql, [vid])
    return {
        "bkg_member": one("SELECT max(id) FROM bkg_lead_group WHERE village_id = ?"),
        "bkg_theme": one("SELECT max(id) FROM bkg_themes WHERE village_id = ?"),
        "bkg_group": one("SELECT max(id) FROM working_groups WHERE village_id = ?"),
        "bkg_mode": one("SELECT max(id) FROM working_group_modes WHERE village_id = ?"),
    }


def _version(db, table, rid):
    return db.scalar(f"SELECT version FROM {table} WHERE id = ?", [rid]) if rid else None


def _period():
    from dorp.repo import funder
    return funder.periods("programme", date(2024, 1, 1), TODAY)[0]


from dorp.repo import (audit, budget, bulk, dashboard, funder, lines, moves, pilots,  # noqa: E402
                       plan, privacy, programme, steps, users)
from dorp.repo import burgerkracht as bkg  # noqa: E402

D = TODAY - timedelta(days=1)

# name -> (call(db, user, c) where c = ctx of the village under test (+ "all": whole ctx),
#          expectation for (lead, steering, funder))
FUNCTIONS = {
    # programme-wide reads
    "programme.get": (lambda db, u, c: programme.get(db, u), "YYY"),
    "pilots.facts": (lambda db, u, c: pilots.facts(db, u, TODAY), "YSY"),
    "pilots.facts_rows": (lambda db, u, c: pilots.facts_rows(db, u, TODAY), "YSY"),
    "pilots.overview": (lambda db, u, c: pilots.overview(db, u, TODAY), "YSY"),
    "dashboard.programme": (lambda db, u, c: dashboard.programme(db, u, TODAY), "YNN"),
    "dashboard.municipalities": (lambda db, u, c: dashboard.municipalities(db, u), "YNN"),
    "dashboard.pipeline": (lambda db, u, c: dashboard.pipeline(db, u), "YNN"),
    "dashboard.map_points": (lambda db, u, c: dashboard.map_points(db, u), "YNN"),
    "dashboard.compare": (lambda db, u, c: dashboard.compare(db, u, [c["vid"]], [c["vid"]]),
                          "YNN"),
    "dashboard.latest": (lambda db, u, c: dashboard.latest(db, u, [c["vid"]]), "YNN"),
    "dashboard.villages_for": (lambda db, u, c: dashboard.villages_for(db, u, TODAY), "YSN"),
    "lines.latest": (lambda db, u, c: lines.latest(db, u), "YSN"),
    "lines.by_month_of_pilot": (lambda db, u, c: lines.by_month_of_pilot(db, u), "YSN"),
    "lines.month_band": (lambda db, u, c: lines.month_band(db, u), "YSN"),
    "audit.entries": (lambda db, u, c: audit.entries(db, u), "YNN"),
    "audit.choices": (lambda db, u, c: audit.choices(db, u), "YNN"),
    "audit.count": (lambda db, u, c: audit.count(db, u), "YNN"),
    "bulk.export_tables": (lambda db, u, c: bulk.export_tables(db, u), "YNN"),
    "users.list_users": (lambda db, u, c: users.list_users(db, u), "YNN"),
    "users.village_names": (lambda db, u, c: users.village_names(db, u), "YNN"),
    "privacy.read_log": (lambda db, u, c: privacy.read_log(db, u), "YNN"),
    "privacy.find_person": (lambda db, u, c: privacy.find_person(db, u, "Anneke"), "YNN"),
    "privacy.export_person": (lambda db, u, c: privacy.export_person(db, u, "Anneke"), "YNN"),
    "steps.municipalities": (lambda db, u, c: steps.municipalities(db, u), "YNN"),
    "steps.start_meetings": (lambda db, u, c: steps.start_meetings(db, u), "YNN"),
    "steps.municipality_villages": (
        lambda db, u, c: steps.municipality_villages(db, u, c["all"]["municipality"]), "YNN"),
    "budget.texts": (lambda db, u, c: budget.texts(db, u), "YNN"),
    # funder views (aggregates)
    "funder.view": (lambda db, u, c: funder.view(db, u, _period(), TODAY), "YNY"),
    "funder.villages": (lambda db, u, c: funder.villages(db, u), "YNY"),
    "funder.stages_on": (lambda db, u, c: funder.stages_on(db, u, [TODAY]), "YNY"),
    "funder.lines_distribution": (lambda db, u, c: funder.lines_distribution(db, u, TODAY), "YNY"),
    "funder.budget": (lambda db, u, c: funder.budget(db, u, TODAY), "YNY"),
    "funder.budget_by_pilot": (lambda db, u, c: funder.budget_by_pilot(db, u, TODAY), "YNY"),
    "funder.milestones": (lambda db, u, c: funder.milestones(db, u, _period(), TODAY), "YNY"),
    "funder.pilot_texts": (lambda db, u, c: funder.pilot_texts(db, u), "YNY"),
    "funder.people_counts": (lambda db, u, c: funder.people_counts(db, u, TODAY), "YNY"),
    "funder.burgerkracht_counts": (lambda db, u, c: funder.burgerkracht_counts(db, u, TODAY),
                                   "YNY"),
    "funder.village_id_by_name": (lambda db, u, c: funder.village_id_by_name(db, u, A), "YNY"),
    "steps.initiative_phases": (lambda db, u, c: steps.initiative_phases(db, u, c["vid"]), "YAN"),
    "budget.lines": (lambda db, u, c: budget.lines(db, u), "YNY"),
    # the programme plan: dates for the alert (scoped), the plan for the funder's view
    "plan.due_dates": (lambda db, u, c: plan.due_dates(db, u), "YSY"),
    "plan.steps_rows": (lambda db, u, c: plan.steps_rows(db, u), "YNY"),
    "plan.milestones": (lambda db, u, c: plan.milestones(db, u), "YNY"),
    "plan.spend_rows": (lambda db, u, c: plan.spend_rows(db, u), "YNY"),
    "plan.target_rows": (lambda db, u, c: plan.target_rows(db, u), "YNY"),
    "plan.view": (lambda db, u, c: plan.view(db, u, _period(), TODAY), "YNY"),
    "plan.text_findings": (lambda db, u, c: plan.text_findings(db, u, TODAY), "YNN"),
    # one village: reads
    "dashboard.village": (lambda db, u, c: dashboard.village(db, u, c["vid"], TODAY), "YAN"),
    "lines.history": (lambda db, u, c: lines.history(db, u, c["vid"]), "YAN"),
    "lines.get": (lambda db, u, c: lines.get(db, u, c["score"]), "YAN"),
    "lines.audit_trail": (lambda db, u, c: lines.audit_trail(db, u, c["score"]), "YAN"),
    "moves.pilot_facts": (lambda db, u, c: moves.pilot_facts(db, u, c["vid"], TODAY), "YAN"),
    "moves.pilot_record": (lambda db, u, c: moves.pilot_record(db, u, c["vid"]), "YAN"),
    "moves.timeline": (lambda db, u, c: moves.timeline(db, u, c["vid"]), "YAN"),
    "plan.pilot": (lambda db, u, c: plan.pilot(db, u, c["vid"], TODAY), "YAN"),
    "steps.consent": (lambda db, u, c: steps.consent(db, u, c["vid"]), "YAN"),
    "steps.mbcs": (lambda db, u, c: steps.mbcs(db, u, c["vid"]), "YAN"),
    "steps.effects": (lambda db, u, c: steps.effects(db, u, c["vid"]), "YAN"),
    "steps.partners": (lambda db, u, c: steps.partners(db, u, c["vid"]), "YAN"),
    "steps.members": (lambda db, u, c: steps.members(db, u, c["vid"]), "YAN"),
    "steps.meetings": (lambda db, u, c: steps.meetings(db, u, c["vid"]), "YAN"),
    "steps.actions": (lambda db, u, c: steps.actions(db, u, c["vid"]), "YAN"),
    "steps.modes": (lambda db, u, c: steps.modes(db, u, c["vid"]), "YAN"),
    "steps.initiatives": (lambda db, u, c: steps.initiatives(db, u, c["vid"]), "YAN"),
    "steps.safeguarding": (lambda db, u, c: steps.safeguarding(db, u, c["vid"]), "YAN"),
    "steps.village_votes": (lambda db, u, c: steps.village_votes(db, u, c["vid"]), "YAN"),
    "steps.start_meeting": (lambda db, u, c: steps.start_meeting(db, u, c["start_meeting"]),
                            "YNN"),
    "steps.pitches": (lambda db, u, c: steps.pitches(db, u, c["start_meeting"]), "YNN"),
    "steps.vote_result": (lambda db, u, c: steps.vote_result(db, u, c["start_meeting"]), "YNN"),
    "privacy.log_read": (lambda db, u, c: privacy.log_read(db, u, "people", c["vid"]), "YAN"),
    # one village: writes a steering member may do
    "steps.add_meeting": (lambda db, u, c: steps.add_meeting(
        db, u, c["vid"], D - timedelta(days={"lead": 2, "steering": 3}.get(u.role, 4)), 4, 4,
        "Besluit", "Notitie", TODAY), "YAN"),
    "steps.add_action": (lambda db, u, c: steps.add_action(
        db, u, c["meeting"], "Actie", "Dorpsraad", None), "YAN"),
    "steps.set_action_done": (lambda db, u, c: steps.set_action_done(
        db, u, c["action"], True, None), "YAN"),
    "steps.meeting_actions": (lambda db, u, c: steps.meeting_actions(db, u, c["meeting"]),
                              "YAN"),
    # correcting and removing: a steering member only what they recorded themselves (the
    # demo's meetings and actions are not theirs; tests/test_forms.py tries their own)
    "steps.update_meeting": (lambda db, u, c: steps.update_meeting(
        db, u, c["meeting"], D, 3, 3, "Besluit", None,
        _version(db, "steering_meetings", c["meeting"]), TODAY, confirmed=True), "YNN"),
    "steps.delete_meeting": (lambda db, u, c: steps.delete_meeting(
        db, u, c["meeting"], _version(db, "steering_meetings", c["meeting"])), "YNN"),
    "steps.update_action": (lambda db, u, c: steps.update_action(
        db, u, c["action"], "Actie", "Iemand", None, _version(db, "actions", c["action"])),
        "YNN"),
    "steps.delete_action": (lambda db, u, c: steps.delete_action(
        db, u, c["action"], _version(db, "actions", c["action"])), "YNN"),
    "lines.add_moment": (lambda db, u, c: lines.add_moment(
        db, u, c["vid"], D - timedelta(days=hash(u.username) % 50),
        {"broad_support": {"score": 3}}, TODAY), "YAN"),
    "lines.correct": (lambda db, u, c: lines.correct(
        db, u, c["score"], {"score": 3}, _version(db, "line_scores", c["score"]), TODAY), "YAN"),
    "lines.delete": (lambda db, u, c: lines.delete(
        db, u, c["score"], _version(db, "line_scores", c["score"])), "YAN"),
    # one village: writes only a lead may do
    "moves.move": (lambda db, u, c: moves.move(db, u, c["vid"], "pause", "Even rust", False,
                                               TODAY), "YNN"),
    "steps.add_consent": (lambda db, u, c: steps.add_consent(
        db, u, c["vid"], "community", D, "Dorpsraad", TODAY), "YNN"),
    "steps.add_mbc": (lambda db, u, c: steps.add_mbc(
        db, u, c["vid"], assessed_on=D, may_ok=True, may_note=None, willingness=3,
        willingness_source="residents", willingness_evidence=None, ability=3,
        ability_source="professionals",
        ability_evidence=None, opportunities=None, resistances=None,
        presented_village_on=None, presented_municipality_on=None, today=TODAY), "YNN"),
    "steps.set_presented": (lambda db, u, c: steps.set_presented(
        db, u, c["mbc"], D, D, None, TODAY), "YNN"),
    "steps.add_effect": (lambda db, u, c: steps.add_effect(
        db, u, c["mbc"], "Gemeente", "hours", 10, "Effect", "Dorp"), "YNN"),
    "steps.add_partner": (lambda db, u, c: steps.add_partner(
        db, u, c["vid"], "dorpshuis", "Het Dorpshuis", False, None), "YNN"),
    "steps.add_member": (lambda db, u, c: steps.add_member(
        db, u, c["vid"], "Nieuw Lid", "Dorpsraad", "community", "lid", D, None), "YNN"),
    "steps.end_member": (lambda db, u, c: steps.end_member(db, u, c["member"], D, None), "YNN"),
    "steps.add_mode": (lambda db, u, c: steps.add_mode(
        db, u, c["vid"], "do_it_yourself", D, "Reden", TODAY), "YNN"),
    "steps.end_mode": (lambda db, u, c: steps.end_mode(db, u, c["mode"], D, None, TODAY), "YNN"),
    "steps.add_initiative": (lambda db, u, c: steps.add_initiative(
        db, u, c["vid"], "Koffieochtend", "idea", None, D, TODAY), "YNN"),
    "steps.set_initiative_phase": (lambda db, u, c: steps.set_initiative_phase(
        db, u, c["initiative"], "exploitation", None, D, TODAY), "YNN"),
    "steps.save_safeguarding": (lambda db, u, c: steps.save_safeguarding(
        db, u, c["vid"], TODAY + timedelta(days=300), "Stichting", None, None, None), "YNN"),
    "steps.add_start_meeting": (lambda db, u, c: steps.add_start_meeting(
        db, u, c["mun"], D - timedelta(days=400 + hash(u.username) % 99), 20, 1, None, TODAY),
        "YNN"),
    "steps.add_pitch": (lambda db, u, c: steps.add_pitch(
        db, u, c["start_meeting"], f"Nieuw {c['name']}", "Pitch"), "YNN"),
    "steps.record_votes": (lambda db, u, c: steps.record_votes(
        db, u, c["start_meeting"], c["pitches"], 1, None), "YNN"),
    "steps.decide_tie": (lambda db, u, c: steps.decide_tie(
        db, u, c["start_meeting"], [c["vid"]], "Loting", None), "YNN"),
    "budget.add_line": (lambda db, u, c: budget.add_line(
        db, u, {"village_id": c["vid"], "category": "Extra", "source": "province",
                "budgeted": "100", "spent": "0"}), "YNN"),
    "budget.update_line": (lambda db, u, c: budget.update_line(
        db, u, c["budget"], {"village_id": c["vid"], "category": "Gewijzigd",
                             "source": "province", "budgeted": "10", "spent": "0"},
        _version(db, "budget", c["budget"])), "YNN"),
    "budget.delete_line": (lambda db, u, c: budget.delete_line(
        db, u, c["budget"], _version(db, "budget", c["budget"])), "YNN"),
    "budget.save_texts": (lambda db, u, c: budget.save_texts(
        db, u, c["vid"], "Voortgang", "Lessen", _version(db, "pilots", db.scalar(
            "SELECT id FROM pilots WHERE village_id = ?", [c["vid"]]))), "YNN"),
    "bulk.replace_all": (lambda db, u, c: bulk.replace_all(db, u, {}, replace=False), "YNN"),
    # the programme plan: leads only
    "plan.save_steps": (lambda db, u, c: plan.save_steps(
        db, u, c["vid"], {"completed_on": TODAY + timedelta(days=400)},
        db.scalar("SELECT version FROM plan_steps WHERE village_id = ?", [c["vid"]])), "YNN"),
    "plan.add_milestone": (lambda db, u, c: plan.add_milestone(
        db, u, {"village_id": c["vid"], "name": f"Mijlpaal {u.role}", "planned_on": TODAY}), "YNN"),
    "plan.update_milestone": (lambda db, u, c: plan.update_milestone(
        db, u, c["milestone"], {"village_id": c["vid"], "name": "Gewijzigd", "planned_on": TODAY},
        _version(db, "plan_milestones", c["milestone"])), "YNN"),
    "plan.delete_milestone": (lambda db, u, c: plan.delete_milestone(
        db, u, c["milestone"], _version(db, "plan_milestones", c["milestone"])), "YNN"),
    "plan.add_spend": (lambda db, u, c: plan.add_spend(
        db, u, {"village_id": c["vid"], "period": date(2030, 1, 1), "source": "other",
                "planned": "100"}), "YNN"),
    "plan.update_spend": (lambda db, u, c: plan.update_spend(
        db, u, c["spend"], {"village_id": c["vid"], "period": date(2031, 7, 1),
                            "source": "other", "planned": "5"},
        _version(db, "plan_spend", c["spend"])), "YNN"),
    "plan.delete_spend": (lambda db, u, c: plan.delete_spend(
        db, u, c["spend"], _version(db, "plan_spend", c["spend"])), "YNN"),
    "plan.add_target": (lambda db, u, c: plan.add_target(
        db, u, {"village_id": c["vid"], "line": "informal_formal", "score": 3,
                "by_month": 12}), "YNN"),
    "plan.update_target": (lambda db, u, c: plan.update_target(
        db, u, c["target"], {"village_id": c["vid"], "line": "village_strength", "score": 4,
                             "by_month": 18}, _version(db, "plan_line_targets", c["target"])),
        "YNN"),
    "plan.delete_target": (lambda db, u, c: plan.delete_target(
        db, u, c["target"], _version(db, "plan_line_targets", c["target"])), "YNN"),
    "users.add": (lambda db, u, c: users.add(db, u, f"n-{u.role}-{c['vid']}", "funder",
                                             "lang-genoeg-1"), "YNN"),
    "users.disable": (lambda db, u, c: users.disable(db, u, T_FUNDER), "YNN"),
    "users.enable": (lambda db, u, c: users.enable(db, u, T_FUNDER), "YNN"),
    "users.set_disabled": (lambda db, u, c: users.set_disabled(db, u, T_FUNDER, False), "YNN"),
    "users.reset_password": (lambda db, u, c: users.reset_password(db, u, T_FUNDER,
                                                                   "lang-genoeg-2"), "YNN"),
    "privacy.erase_person": (lambda db, u, c: privacy.erase_person(
        db, u, "Niemand Bekend", "Niemand Bekend"), "YNN"),
    # the Burgerkrachtgenerator: facts of every pilot (no personal data), one village's records
    "burgerkracht.facts_by_village": (lambda db, u, c: bkg.facts_by_village(db, u, TODAY), "YSY"),
    "burgerkracht.village": (lambda db, u, c: bkg.village(db, u, c["vid"], TODAY), "YAN"),
    "burgerkracht.lead_group": (lambda db, u, c: bkg.lead_group(db, u, c["vid"]), "YAN"),
    "burgerkracht.conversations": (lambda db, u, c: bkg.conversations(db, u, c["vid"]), "YAN"),
    "burgerkracht.themes": (lambda db, u, c: bkg.themes(db, u, c["vid"]), "YAN"),
    "burgerkracht.village_meetings": (lambda db, u, c: bkg.village_meetings(db, u, c["vid"]),
                                      "YAN"),
    "burgerkracht.subgroups": (lambda db, u, c: bkg.subgroups(db, u, c["vid"]), "YAN"),
    "burgerkracht.groups": (lambda db, u, c: bkg.groups(db, u, c["vid"], TODAY), "YAN"),
    "burgerkracht.group_modes": (lambda db, u, c: bkg.group_modes(db, u, c["vid"]), "YAN"),
    "burgerkracht.contacts": (lambda db, u, c: bkg.contacts(db, u, c["vid"]), "YAN"),
    # ... writes a steering member may do for their own village
    "burgerkracht.add_conversation": (lambda db, u, c: bkg.add_conversation(
        db, u, c["vid"], D, 5, None, "Samenvatting", None, TODAY), "YAN"),
    "burgerkracht.add_contact": (lambda db, u, c: bkg.add_contact(
        db, u, c["bkg_group"], D, "call", "Gebeld", TODAY), "YAN"),
    # ... writes only a lead may do
    "burgerkracht.add_lead_member": (lambda db, u, c: bkg.add_lead_member(
        db, u, c["vid"], f"Lid {u.role}", "resident", D, TODAY), "YNN"),
    "burgerkracht.remove_lead_member": (lambda db, u, c: bkg.remove_lead_member(
        db, u, c["bkg_member"], None), "YNN"),
    "burgerkracht.add_theme": (lambda db, u, c: bkg.add_theme(
        db, u, c["vid"], f"Thema {u.role}", D, [], TODAY), "YNN"),
    "burgerkracht.add_village_meeting": (lambda db, u, c: bkg.add_village_meeting(
        db, u, c["vid"], D, 30, True, None, {}, TODAY), "YNN"),
    "burgerkracht.add_group": (lambda db, u, c: bkg.add_group(
        db, u, c["vid"], c["bkg_theme"], f"Groep {u.role}", D, 3, 3, TODAY), "YNN"),
    "burgerkracht.update_group": (lambda db, u, c: bkg.update_group(
        db, u, c["bkg_group"], "active", 4, 4, None, None, TODAY), "YNN"),
    "burgerkracht.add_group_mode": (lambda db, u, c: bkg.add_group_mode(
        db, u, c["bkg_group"], "motivate", D, "Reden", TODAY), "YNN"),
    "burgerkracht.end_group_mode": (lambda db, u, c: bkg.end_group_mode(
        db, u, c["bkg_mode"], D, None, TODAY), "YNN"),
}

# --- the live ballot and De Vonk: records made with SYSTEM for each call, then the call -----

from dorp.repo import ballot as ballot_, vonk  # noqa: E402
_N = iter(range(10**6))


def _vonk(db, vid, kept=True, votes=None, winners=1):
    """A fresh contest in village vid with two ideas (kept by the jury); with `votes`
    (idea index -> votes) the vote is applied. Returns (contest id, [idea ids])."""
    from dorp.access import SYSTEM
    cid = vonk.add_contest(db, SYSTEM, vid, f"Vonk {next(_N)}", D, winners, TODAY)
    ids = [vonk.add_idea(db, SYSTEM, cid, t, None, "Initiatiefnemer X", D, TODAY)
           for t in ("Idee een", "Idee twee")]
    if kept:
        for i in ids:
            vonk.judge(db, SYSTEM, i, True, "Goed plan", None)
    if votes is not None:
        vonk.apply_votes(db, SYSTEM, cid, {ids[k]: n for k, n in votes.items()})
    return cid, ids


def _round(db, vid, closed=False):
    from dorp.access import SYSTEM
    cid, _ = _vonk(db, vid)
    rid = ballot_.open_contest_round(db, SYSTEM, cid)
    if closed:
        ballot_.close(db, SYSTEM, rid, None)
    return rid


def _meeting_round(db, c):
    from dorp.access import SYSTEM
    return ballot_.open_round_for(db, SYSTEM, meeting_id=c["start_meeting"]) or {
        "id": ballot_.open_meeting_round(db, SYSTEM, c["start_meeting"])}


FUNCTIONS.update({
    "ballot.rounds": (lambda db, u, c: ballot_.rounds(db, u), "YNN"),
    "ballot.subjects": (lambda db, u, c: ballot_.subjects(db, u), "YNN"),
    "ballot.get_round": (lambda db, u, c: ballot_.get_round(db, u, _round(db, c["vid"])), "YNN"),
    "ballot.open_round_for": (lambda db, u, c: ballot_.open_round_for(
        db, u, meeting_id=_meeting_round(db, c)["id"] and c["start_meeting"]), "YNN"),
    "ballot.rounds_for": (lambda db, u, c: ballot_.rounds_for(
        db, u, meeting_id=_meeting_round(db, c)["id"] and c["start_meeting"]), "YNN"),
    "ballot.open_meeting_round": (lambda db, u, c: ballot_.open_meeting_round(
        db, u, c["start_meeting"]), "YNN"),
    "ballot.open_contest_round": (lambda db, u, c: ballot_.open_contest_round(
        db, u, _vonk(db, c["vid"])[0]), "YNN"),
    "ballot.issue_codes": (lambda db, u, c: ballot_.issue_codes(db, u, _round(db, c["vid"]), 3),
                           "YNN"),
    "ballot.options": (lambda db, u, c: ballot_.options(db, u, _round(db, c["vid"])), "YNN"),
    "ballot.turnout": (lambda db, u, c: ballot_.turnout(db, u, _round(db, c["vid"])), "YNN"),
    "ballot.results": (lambda db, u, c: ballot_.results(db, u, _round(db, c["vid"], True)),
                       "YNN"),
    "ballot.outcome": (lambda db, u, c: ballot_.outcome(db, u, _round(db, c["vid"], True)),
                       "YNN"),
    "ballot.apply": (lambda db, u, c: ballot_.apply(db, u, _round(db, c["vid"], True)), "YNN"),
    "ballot.close": (lambda db, u, c: ballot_.close(db, u, _round(db, c["vid"]), None), "YNN"),
    "vonk.contests": (lambda db, u, c: (_vonk(db, c["vid"]), vonk.contests(db, u, c["vid"]))[1],
                      "YAN"),
    "vonk.contest": (lambda db, u, c: vonk.contest(db, u, _vonk(db, c["vid"])[0]), "YAN"),
    "vonk.ideas": (lambda db, u, c: vonk.ideas(db, u, _vonk(db, c["vid"])[0]), "YAN"),
    "vonk.vote_result": (lambda db, u, c: vonk.vote_result(
        db, u, _vonk(db, c["vid"], votes={0: 2, 1: 1})[0]), "YAN"),
    "vonk.add_contest": (lambda db, u, c: vonk.add_contest(db, u, c["vid"], "Vonk", D, 2, TODAY),
                         "YNN"),
    "vonk.save_contest": (lambda db, u, c: vonk.save_contest(
        db, u, _vonk(db, c["vid"])[0], project_group="Groep", plan="Plan", communication=None,
        winners=2, prize_event_on=None, prize_event_note=None, expected_version=None), "YNN"),
    "vonk.set_phase": (lambda db, u, c: vonk.set_phase(db, u, _vonk(db, c["vid"])[0],
                                                       "communication", None), "YNN"),
    "vonk.add_idea": (lambda db, u, c: vonk.add_idea(db, u, _vonk(db, c["vid"])[0], "Nieuw",
                                                     None, "Iemand", D, TODAY), "YNN"),
    "vonk.judge": (lambda db, u, c: vonk.judge(db, u, _vonk(db, c["vid"], kept=False)[1][0],
                                               False, "Past niet", None), "YNN"),
    "vonk.apply_votes": (lambda db, u, c: vonk.apply_votes(db, u, _vonk(db, c["vid"])[0], {}),
                         "YNN"),
    "vonk.decide_tie": (lambda db, u, c: (lambda cid, ids: vonk.decide_tie(
        db, u, cid, [ids[0]], "Loting", None))(*_vonk(db, c["vid"], votes={0: 1, 1: 1})),
        "YNN"),
    "vonk.set_prize": (lambda db, u, c: vonk.set_prize(
        db, u, _vonk(db, c["vid"], votes={0: 2, 1: 1})[1][0], "Een prijs", None), "YNN"),
    "vonk.set_aftercare": (lambda db, u, c: vonk.set_aftercare(
        db, u, _vonk(db, c["vid"])[1][1], "Welzijn", D, None, TODAY), "YNN"),
    "vonk.to_initiative": (lambda db, u, c: vonk.to_initiative(
        db, u, _vonk(db, c["vid"])[1][0], TODAY, None), "YNN"),
    "vonk.funder_counts": (lambda db, u, c: vonk.funder_counts(db, u), "YNY"),
})

# Functions that take a user but are not about access (checked elsewhere), or helpers.
NOT_ACCESS = {
    "users.authenticate", "users.load", "users.load_by_id", "users.count", "users.wait_seconds",
    "programme.is_empty", "scope.village_filter",
}


def _public_repo_functions() -> set[str]:
    out = set()
    for m in pkgutil.iter_modules(dorp.repo.__path__):
        mod = importlib.import_module(f"dorp.repo.{m.name}")
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ != mod.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if len(params) >= 2 and params[0] == "db" and params[1] in ("user", "actor"):
                out.add(f"{m.name}.{name}")
    return out


def test_every_data_layer_function_is_in_the_matrix():
    missing = _public_repo_functions() - set(FUNCTIONS) - NOT_ACCESS
    assert missing == set(), f"add these to FUNCTIONS in {__file__}: {sorted(missing)}"


def _empty(result) -> bool:
    if result is None:
        return True
    if isinstance(result, pd.DataFrame):
        return result.empty
    if isinstance(result, (list, dict, tuple, set)):
        return len(result) == 0
    return False


def _mentions(result, c: dict) -> bool:
    """Whether the result holds anything of village c: its name anywhere (DataFrames written
    out in full, not truncated), or its id in a village_id column or key."""
    if isinstance(result, pd.DataFrame):
        if "village_id" in result and (result["village_id"] == c["vid"]).any():
            return True
        return c["name"] in result.to_csv()
    if isinstance(result, dict):
        return c["vid"] in result or any(_mentions(v, c) for v in result.values()) \
            or c["name"] in repr(list(result))
    if isinstance(result, (list, tuple, set)):
        return any(_mentions(v, c) for v in result)
    if hasattr(result, "__dataclass_fields__"):
        return any(_mentions(getattr(result, k), c) for k in result.__dataclass_fields__)
    return c["name"] in repr(result) or result == c["vid"]


def _outcome(db, user, fn, c):
    try:
        return "ok", fn(db, user, c)
    except AccessDenied:
        return "denied", None
    except Exception as e:  # refused for another reason, or a crash
        return "error", e


@pytest.fixture
def own_db(empty_db):
    _own_programme(empty_db)
    return empty_db


def test_the_matrix_programme_is_complete(own_db):
    ctx = _ctx(own_db)
    assert ctx["A"]["vid"] != ctx["B"]["vid"]
    for key in ("A", "B"):
        assert all(v is not None for v in ctx[key].values()), ctx[key]
        assert len(ctx[key]["pitches"]) == 2
    steering = user_of(own_db, T_STEERING)
    assert steering.village_ids == frozenset({ctx["A"]["vid"]})


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_data_layer_matrix(own_db, name):
    fn, expect = FUNCTIONS[name]
    problems = []
    # refusals first: an allowed call may change or delete what the others are tried on
    for i, (role, username) in reversed(list(enumerate(ROLES_T.items()))):
        user = user_of(own_db, username)
        code = expect[i]
        for key in ("A", "B"):
            ctx = _ctx(own_db)   # afresh: an allowed call may have deleted what it used
            c = {**ctx[key], "all": ctx}
            want = code
            if code == "A":
                want = "Y" if key == "A" else "N"
            if code == "S" and key == "B":
                continue
            status, result = _outcome(own_db, user, fn, c)
            if want in ("Y", "S"):
                if status == "denied":
                    problems.append(f"{role}/{key}: refused, expected allowed")
                elif status == "error":
                    problems.append(f"{role}/{key}: {type(result).__name__} where access is "
                                    f"allowed: {result}")
                elif want == "S" and _mentions(result, ctx["B"]):
                    problems.append(f"{role}: result holds village {B}")
            else:
                if status == "error":
                    problems.append(f"{role}/{key}: {type(result).__name__} instead of a "
                                    f"refusal: {result}")
                elif status == "ok" and not _empty(result):
                    problems.append(f"{role}/{key}: allowed, expected refused")
    assert problems == [], f"{name}: {problems}"
