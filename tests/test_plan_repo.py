"""The programme plan in the data layer (dorp/repo/plan.py): versioned and audited writes with
Dutch refusals, the demo's plan (some pilots on time, some behind), the alert behind_plan
through the facts, and the plan against what happened in the funder's view."""

from datetime import date, timedelta

import pytest

from dorp import rules
from dorp.access import AccessDenied
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.repo import funder, pilots, plan
from dorp.status import status
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of

D = timedelta(days=1)

pytestmark = pytest.mark.both_stores   # every query of the plan runs on both stores


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def period(db, kind):
    prog = db.one("SELECT start_date, end_date FROM programme")
    return funder.periods(kind, prog["start_date"], AS_OF, prog["end_date"])[0]


# --- the demo ------------------------------------------------------------------------------------

def test_demo_has_pilots_on_time_and_behind(demo_db):
    lead = user_of(demo_db, LEAD)
    behind = sorted(f.village for _, f in pilots.facts(demo_db, lead, AS_OF)
                    if "behind_plan" in rules.alerts(f, AS_OF))
    assert behind == ["Beesd", "Dinxperlo", "Kootwijkerbroek", "Laren"]
    view = plan.view(demo_db, lead, period(demo_db, "half"), AS_OF)
    assert view.summary == {"on_plan": 5, "behind": 4, "ahead": 1, "no_plan": 0, "stopped": 0}
    by = view.pilots.set_index("village")
    assert by.loc["Doornspijk", ["standing", "days"]].tolist() == ["on_plan", 10]   # in the margin
    assert by.loc["Dinxperlo", ["standing", "days"]].tolist() == ["behind", 35]
    assert by.loc["Wekerom", "standing"] == "ahead"
    assert view.explanation.startswith("Zes van de tien pilots")
    # dorp status --json carries the alert (INTERFACES.md)
    js = {p["village"]: p["alerts"] for p in status(demo_db, lead, AS_OF)["pilots"]}
    assert "behind_plan" in js["Laren"] and "behind_plan" not in js["Vorden"]


def test_steering_sees_only_their_own_plan_dates(demo_db):
    steering = user_of(demo_db, STEERING)
    assert set(plan.due_dates(demo_db, steering)) == {vid(demo_db, "Vorden")}
    assert plan.pilot(demo_db, steering, vid(demo_db, "Vorden"), AS_OF)["steps"]
    with pytest.raises(AccessDenied):
        plan.pilot(demo_db, steering, vid(demo_db, "Laren"), AS_OF)


# --- planned dates per pilot --------------------------------------------------------------------------

def test_save_steps_versioned_audited_and_checked(demo_db):
    lead = user_of(demo_db, LEAD)
    beesd = vid(demo_db, "Beesd")
    rec = demo_db.one("SELECT id, version FROM plan_steps WHERE village_id = ?", [beesd])
    values = {"step_1_on": date(2026, 6, 28), "step_2_on": AS_OF + 30 * D,
              "step_3_on": AS_OF + 90 * D, "step_4_on": None, "completed_on": None,
              "explanation": "De dorpsraad kiest eerst een nieuw bestuur."}
    new_version = plan.save_steps(demo_db, lead, beesd, values, rec["version"])
    assert new_version == rec["version"] + 1
    facts = dict(pilots.facts(demo_db, lead, AS_OF))[beesd]
    assert facts.plan == {"1": date(2026, 6, 28), "2": AS_OF + 30 * D, "3": AS_OF + 90 * D}
    assert "behind_plan" not in rules.alerts(facts, AS_OF)
    log = demo_db.one("SELECT action, username FROM audit_log WHERE table_name = 'plan_steps'"
                      " AND record_id = ? ORDER BY id DESC LIMIT 1", [rec["id"]])
    assert log == {"action": "update", "username": LEAD}
    # the version shown is stale now
    with pytest.raises(StaleVersion):
        plan.save_steps(demo_db, lead, beesd, values, rec["version"])
    # dates out of the order of the steps, an e-mail address, a member's name
    with pytest.raises(Invalid) as e:
        plan.save_steps(demo_db, lead, beesd, {**values, "step_3_on": AS_OF, "step_2_on": AS_OF + D,
                                                "explanation": "Mail a.b@example.nl"}, new_version)
    assert "stap 2" in e.value.problems["step_3_on"] and "e-mailadres" in e.value.problems["explanation"]
    member = demo_db.scalar("SELECT name FROM steering_members WHERE village_id = ? LIMIT 1",
                            [vid(demo_db, "Vorden")])
    with pytest.raises(Invalid) as e:
        plan.save_steps(demo_db, lead, vid(demo_db, "Vorden"),
                        {"explanation": f"Gesproken met {member}."},
                        demo_db.scalar("SELECT version FROM plan_steps WHERE village_id = ?",
                                       [vid(demo_db, "Vorden")]))
    assert member in e.value.problems["explanation"]


def test_a_new_plan_and_the_programme_explanation(demo_db):
    lead = user_of(demo_db, LEAD)
    demo_db.con.execute("DELETE FROM plan_steps")
    ewijk = vid(demo_db, "Ewijk")          # a village without a pilot
    with pytest.raises(Invalid) as e:
        plan.save_steps(demo_db, lead, ewijk, {"step_2_on": AS_OF}, None)
    assert "bestaat niet" in e.value.problems["village_id"]
    vorden = vid(demo_db, "Vorden")
    plan.save_steps(demo_db, lead, vorden, {"completed_on": AS_OF + 100 * D}, None)
    # a form shown before the plan existed cannot overwrite it
    with pytest.raises(StaleVersion):
        plan.save_steps(demo_db, lead, vorden, {"completed_on": AS_OF}, None)
    with pytest.raises(Invalid) as e:
        plan.save_steps(demo_db, lead, None, {"step_2_on": AS_OF, "explanation": "x"}, None)
    assert "alleen een toelichting" in e.value.problems["step_2_on"]
    plan.save_steps(demo_db, lead, None, {"explanation": "Alles volgens plan."}, None)
    view = plan.view(demo_db, lead, period(demo_db, "programme"), AS_OF)
    assert view.explanation == "Alles volgens plan."
    assert view.summary["no_plan"] == 9
    assert "9 pilot(s) hebben nog geen planning." in view.summary_lines()


def test_writes_are_for_leads_only(demo_db):
    for who in (STEERING, FUNDER):
        user = user_of(demo_db, who)
        with pytest.raises(AccessDenied):
            plan.save_steps(demo_db, user, vid(demo_db, "Vorden"), {}, 1)
        with pytest.raises(AccessDenied):
            plan.add_milestone(demo_db, user, {"name": "x", "planned_on": AS_OF})
        with pytest.raises(AccessDenied):
            plan.add_spend(demo_db, user, {})
        with pytest.raises(AccessDenied):
            plan.add_target(demo_db, user, {})


# --- milestones, spending, targets -------------------------------------------------------------------

def test_milestones(demo_db):
    lead = user_of(demo_db, LEAD)
    laren = vid(demo_db, "Laren")
    mid = plan.add_milestone(demo_db, lead, {"village_id": laren, "name": "Dorpsfeest",
                                             "planned_on": AS_OF - D, "reached_on": None})
    ms = plan.pilot(demo_db, lead, laren, AS_OF)["milestones"].set_index("name")
    assert ms.loc["Dorpsfeest", ["kind", "days"]].tolist() == ["overdue", 1]
    with pytest.raises(Invalid) as e:
        plan.add_milestone(demo_db, lead, {"village_id": laren, "name": "dorpsfeest",
                                           "planned_on": AS_OF})
    assert "al een mijlpaal" in e.value.problems["name"]
    with pytest.raises(Invalid) as e:
        plan.add_milestone(demo_db, lead, {"village_id": laren, "name": " "})
    assert set(e.value.problems) == {"name", "planned_on"}
    plan.update_milestone(demo_db, lead, mid, {"village_id": laren, "name": "Dorpsfeest",
                                               "planned_on": AS_OF - D, "reached_on": AS_OF}, 1)
    ms = plan.pilot(demo_db, lead, laren, AS_OF)["milestones"].set_index("name")
    assert ms.loc["Dorpsfeest", ["kind", "days"]].tolist() == ["late", 1]
    with pytest.raises(StaleVersion):
        plan.delete_milestone(demo_db, lead, mid, 1)
    plan.delete_milestone(demo_db, lead, mid, 2)
    assert demo_db.scalar("SELECT count(*) FROM plan_milestones WHERE id = ?", [mid]) == 0


def test_spending_plan(demo_db):
    lead = user_of(demo_db, LEAD)
    vorden = vid(demo_db, "Vorden")
    with pytest.raises(Invalid) as e:
        plan.add_spend(demo_db, lead, {"village_id": vorden, "period": date(2027, 3, 1),
                                       "source": "province", "planned": "-5"})
    assert "1 januari of 1 juli" in e.value.problems["period"]
    assert "negatief" in e.value.problems["planned"]
    sid = plan.add_spend(demo_db, lead, {"village_id": vorden, "period": date(2028, 1, 1),
                                         "source": "other", "planned": "12.500"})
    assert float(demo_db.scalar("SELECT planned FROM plan_spend WHERE id = ?", [sid])) == 12500
    with pytest.raises(Invalid) as e:
        plan.add_spend(demo_db, lead, {"village_id": vorden, "period": date(2028, 1, 1),
                                       "source": "other", "planned": "1"})
    assert "al een bedrag gepland" in e.value.problems["period"]
    plan.update_spend(demo_db, lead, sid, {"village_id": vorden, "period": date(2028, 1, 1),
                                           "source": "other", "planned": "1.250,50"}, 1)
    assert float(demo_db.scalar("SELECT planned FROM plan_spend WHERE id = ?", [sid])) == 1250.5
    plan.delete_spend(demo_db, lead, sid, 2)


def test_line_targets(demo_db):
    lead = user_of(demo_db, LEAD)
    with pytest.raises(Invalid) as e:       # the demo already has a programme target for it
        plan.add_target(demo_db, lead, {"village_id": None, "line": "broad_support", "score": 3,
                                        "by_month": 12})
    assert "al een doel" in e.value.problems["line"]
    with pytest.raises(Invalid) as e:
        plan.add_target(demo_db, lead, {"village_id": None, "line": "x", "score": 7, "by_month": 0})
    assert set(e.value.problems) == {"line", "score", "by_month"}
    tid = plan.add_target(demo_db, lead, {"village_id": vid(demo_db, "Vorden"),
                                          "line": "target_group", "score": 5, "by_month": 6})
    view = plan.view(demo_db, lead, period(demo_db, "programme"), AS_OF)
    row = view.targets.set_index(["village", "line"]).loc[("Vorden", "target_group")]
    assert (row["target"], row["result"]) == (5, "missed")
    plan.delete_target(demo_db, lead, tid, 1)


# --- what the funder sees --------------------------------------------------------------------------------

def test_period_figures_per_source(demo_db):
    funder_user = user_of(demo_db, FUNDER)
    half = funder.view(demo_db, funder_user, period(demo_db, "half"), AS_OF)
    quarter = funder.view(demo_db, funder_user, period(demo_db, "quarter"), AS_OF)
    h = half.plan.spend.set_index("source")
    q = quarter.plan.spend.set_index("source")
    # the quarter's plan is half of its half-year's; spending per quarter adds up
    assert q.loc["total", "planned"] == pytest.approx(h.loc["total", "planned"] / 2)
    assert h.loc["total", "spent"] > q.loc["total", "spent"] > 0
    # the same spending as the budget lines of the period, per source
    b = half.budget_by_source.set_index("source")
    for src in ("province", "municipality", "other", "total"):
        assert h.loc[src, "spent"] == pytest.approx(b.loc[src, "spent_period"])
        assert h.loc[src, "spent_cum"] == pytest.approx(b.loc[src, "spent"])
    assert dict(half.summary_rows())["Besteed in de periode"].replace("\xa0", " ") == \
        "€ " + f"{b.loc['total', 'spent_period']:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    lines = half.plan.summary_lines()
    assert lines[0] == ("Stand op 29 november 2026: van de 10 pilots liggen er 5 op schema, "
                        "4 achter en 1 voor op de planning.")
    assert lines[1].startswith("Besteed in 2e helft 2026: ")


def test_one_pilot_and_a_past_period(demo_db):
    funder_user = user_of(demo_db, FUNDER)
    laren = vid(demo_db, "Laren")
    view = funder.view(demo_db, funder_user, period(demo_db, "programme"), AS_OF, laren)
    assert view.plan.summary_lines()[0] == \
        "Laren: 45 dagen achter: de afronding was gepland op 15 okt 2026."
    assert set(view.plan.steps["village"]) == {"Laren"}
    assert view.plan.explanation.startswith("De afronding schuift op")
    # the first half of 2026, as it stood on 30 June: Laren was in step 4, on plan then
    prog = demo_db.one("SELECT start_date FROM programme")
    h1 = funder.periods("half", prog["start_date"], AS_OF)[1]
    past = funder.view(demo_db, funder_user, h1, AS_OF).plan.pilots.set_index("village")
    assert past.loc["Laren", ["stage", "standing"]].tolist() == ["4", "on_plan"]
    assert past.loc["Wekerom", "stage"] == "0"            # not started by 30 June 2026
    assert past.loc["Gendringen", "stage"] == "1"         # started two days before
    assert past.loc["Dinxperlo", "stage"] == "2"          # step 2 since 28 June


def test_text_findings_for_the_lead(demo_db):
    lead = user_of(demo_db, LEAD)
    found = plan.text_findings(demo_db, lead, AS_OF)
    assert any(f.village == "Winssen" and f.code == "completed_says_step" for f in found)
    assert any(f.village == "Beesd" and f.code == "behind_unexplained" for f in found)
    with pytest.raises(AccessDenied):
        plan.text_findings(demo_db, user_of(demo_db, FUNDER), AS_OF)
