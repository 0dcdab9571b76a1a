"""The plan against what happened, as pure functions (dorp/plan.py, dorp/textcheck.py), at
their boundaries: due today, one day late, 30 against 31 days for `behind_plan`."""

from datetime import date, timedelta

import pandas as pd
import pytest

from dorp import plan as P, rules, textcheck
from dorp.repo.funder import suppress_total

TODAY = date(2026, 11, 29)
D = timedelta(days=1)


# --- one planned date against the day it was reached -------------------------------------------

@pytest.mark.parametrize("planned, reached, kind, days, words", [
    (TODAY, None, "due", 0, "vandaag gepland"),                      # due today: not late
    (TODAY + D, None, "due", 1, "gepland over 1 dag"),
    (TODAY - D, None, "overdue", 1, "nog niet bereikt, 1 dag over tijd"),   # one day late
    (TODAY - 40 * D, None, "overdue", 40, "nog niet bereikt, 40 dagen over tijd"),
    (TODAY, TODAY, "on_time", 0, "op tijd"),
    (TODAY - D, TODAY, "late", 1, "1 dag te laat"),                   # reached one day late
    (TODAY - 12 * D, TODAY, "late", 12, "12 dagen te laat"),
    (TODAY + D, TODAY, "ahead", 1, "1 dag eerder"),
    (TODAY + 76 * D, TODAY, "ahead", 76, "76 dagen eerder"),
    (None, TODAY, "reached", 0, "bereikt"),
    (None, None, "no_plan", 0, "niet gepland"),
])
def test_compare(planned, reached, kind, days, words):
    c = P.compare(planned, reached, TODAY)
    assert (c.kind, c.days) == (kind, days)
    assert P.comparison_text(c) == words


def test_compare_passed_without_a_date_and_a_stopped_pilot():
    assert P.compare(TODAY - D, None, TODAY, passed=True).kind == "reached"
    assert P.compare(TODAY - D, None, TODAY, closed=True).kind == "not_reached"
    assert P.comparison_text(P.Comparison("late", 3), "en") == "3 days late"


# --- behind_plan (INTERFACES.md) -----------------------------------------------------------------

def plan_for(step: int, days_ago: int) -> dict:
    nxt = "completed" if step == 4 else str(step + 1)
    return {nxt: TODAY - days_ago * D}


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_behind_plan_is_more_than_30_days(step):
    assert not P.behind_plan(step, "active", plan_for(step, 0), TODAY)     # due today
    assert not P.behind_plan(step, "active", plan_for(step, 1), TODAY)     # one day late
    assert not P.behind_plan(step, "active", plan_for(step, 30), TODAY)    # 30 days: not yet
    assert P.behind_plan(step, "active", plan_for(step, 31), TODAY)        # 31 days: behind


def test_behind_plan_only_for_active_pilots_with_a_plan_for_the_next_stage():
    assert not P.behind_plan(2, "paused", plan_for(2, 90), TODAY)
    assert not P.behind_plan(4, "completed", {"completed": TODAY - 90 * D}, TODAY)
    assert not P.behind_plan(2, "stopped", plan_for(2, 90), TODAY)
    assert not P.behind_plan(2, "active", {}, TODAY)                       # none without a plan
    # a plan, but no date for the next stage (only for a later one)
    assert not P.behind_plan(2, "active", {"4": TODAY - 90 * D}, TODAY)
    # the date of an earlier stage does not count
    assert not P.behind_plan(3, "active", {"3": TODAY - 90 * D, "4": TODAY + D}, TODAY)
    # at step 4 the completion date counts, not step 4's own date
    assert not P.behind_plan(4, "active", {"4": TODAY - 90 * D}, TODAY)


def facts(step=2, status="active", **kw) -> rules.PilotFacts:
    """A pilot in step 2 that trips no other alert (tests/rulefacts.py)."""
    from tests.rulefacts import BOTH, facts as make
    return make(step, status, chosen_by_vote=True, consent=BOTH, **kw)


def test_the_alert_among_the_others():
    assert "behind_plan" not in rules.alerts(facts(plan=plan_for(2, 30)), TODAY)
    assert "behind_plan" in rules.alerts(facts(plan=plan_for(2, 31)), TODAY)
    assert "behind_plan" not in rules.alerts(facts(), TODAY)
    assert "behind_plan" not in rules.alerts(facts(status="paused", plan=plan_for(2, 31)), TODAY)
    assert rules.alerts(facts(plan=plan_for(2, 31)), TODAY) == ["behind_plan"]


def test_the_alert_explained_with_its_fact():
    from dorp import attention
    f = facts(3, plan={"4": date(2026, 9, 30)})
    assert attention.explain("behind_plan", f, TODAY, {}) == (
        "Stap 4 was gepland vanaf 30 sep 2026: dat is 60 dagen geleden, en de pilot staat "
        "nog in stap 3.")
    f = facts(4, plan={"completed": date(2026, 10, 15)})
    assert attention.explain("behind_plan", f, TODAY, {}) == (
        "De afronding was gepland op 15 okt 2026: dat is 45 dagen geleden, en de pilot staat "
        "nog in stap 4.")


# --- the pilot's standing ---------------------------------------------------------------------------

def test_standing():
    plan = {"1": date(2026, 1, 1), "2": date(2026, 3, 1), "3": TODAY - 31 * D, "4": TODAY + 90 * D}
    got = {"1": date(2026, 1, 1), "2": date(2026, 3, 10)}
    assert P.standing(2, "active", plan, got, TODAY) == P.Standing("behind", 31, "3")
    s = P.standing(2, "active", {**plan, "3": TODAY - 30 * D}, got, TODAY)
    assert s == P.Standing("on_plan", 30, "3")       # within the margin: on plan, days shown
    assert "binnen de marge van 30 dagen" in P.standing_text(s, TODAY - 30 * D)
    assert P.standing(2, "active", {**plan, "3": TODAY}, got, TODAY) == P.Standing("on_plan")
    # reached step 2 before its planned date, which is still to come: ahead
    ahead = P.standing(2, "active", {**plan, "2": TODAY + 10 * D, "3": TODAY + 60 * D},
                       {"2": TODAY - 20 * D}, TODAY)
    assert ahead == P.Standing("ahead", 30, "2")
    assert P.standing_text(ahead, TODAY + 10 * D) == \
        "30 dagen voor: stap 2 eerder bereikt dan gepland (9 dec 2026)"
    assert P.standing(2, "active", {}, got, TODAY).kind == "no_plan"
    assert P.standing(2, "stopped", plan, got, TODAY).kind == "stopped"
    assert P.standing(4, "completed", {"completed": TODAY - 300 * D}, {}, TODAY).kind == "on_plan"
    counts = P.summary([P.Standing("behind"), P.Standing("on_plan"), P.Standing("on_plan")])
    assert counts == {"on_plan": 2, "behind": 1, "ahead": 0, "no_plan": 0, "stopped": 0}


def test_stage_rows_compare_every_planned_or_passed_stage():
    plan = {"1": date(2026, 1, 1), "2": date(2026, 3, 1), "3": TODAY - D}
    rows = P.stage_rows(2, "active", plan, {"1": date(2026, 1, 1), "2": date(2026, 3, 4)}, TODAY)
    assert [(r["stage"], r["comparison"].kind, r["comparison"].days) for r in rows] == [
        ("1", "on_time", 0), ("2", "late", 3), ("3", "overdue", 1)]
    # a pilot imported without its timeline: earlier steps passed, dates unknown
    rows = P.stage_rows(3, "active", {"2": date(2026, 3, 1)}, {}, TODAY)
    assert [(r["stage"], r["comparison"].kind) for r in rows] == [
        ("1", "reached"), ("2", "reached"), ("3", "reached")]


# --- spending per half-year and source --------------------------------------------------------------

def spend_plan():
    return pd.DataFrame({"period": [date(2026, 1, 1), date(2026, 7, 1), date(2026, 7, 1)],
                         "source": ["province", "province", "municipality"],
                         "planned": [600.0, 1200.0, 300.0]})


def test_planned_between_counts_months():
    p = spend_plan()
    assert P.planned_between(p, date(2026, 7, 1), date(2026, 12, 31))["province"] == 1200
    # a quarter gets half of its half-year
    assert P.planned_between(p, date(2026, 10, 1), date(2026, 12, 31))["province"] == 600
    # up to 29 November: July to November, 5 of 6 months
    assert P.planned_between(p, date(2026, 7, 1), TODAY)["province"] == pytest.approx(1000)
    assert P.planned_between(p, None, date(2026, 12, 31)).sum() == 2100
    assert P.is_half_year_start(date(2026, 7, 1)) and not P.is_half_year_start(date(2026, 6, 1))


def test_spend_by_source_period_and_cumulative():
    spent = pd.DataFrame({"period": [date(2026, 1, 1), date(2026, 7, 1), date(2026, 10, 1), None],
                          "source": ["province", "province", "province", "other"],
                          "spent": [500.0, 300.0, 200.0, 50.0]})
    df = P.spend_by_source(spend_plan(), spent, date(2026, 7, 1), date(2026, 12, 31), TODAY)
    prov = df.set_index("source").loc["province"]
    assert prov["planned"] == 1200 and prov["planned_to_date"] == pytest.approx(1000)
    assert prov["spent"] == 500 and prov["share"] == pytest.approx(0.5)
    assert prov["difference"] == pytest.approx(-500)
    assert prov["planned_cum"] == pytest.approx(1600) and prov["spent_cum"] == 1000
    total = df.set_index("source").loc["total"]
    assert total["spent_cum"] == 1050            # the line without a period counts in the total
    assert df.set_index("source").loc["other", "share"] is None   # nothing planned
    whole = P.spend_by_source(spend_plan(), spent, date(2025, 5, 1), date(2028, 5, 1), TODAY,
                              whole_programme=True)
    assert whole.set_index("source").loc["total", "planned"] == 2100


def test_spend_curve():
    spent = pd.DataFrame({"period": [date(2026, 1, 1), date(2026, 7, 1)],
                          "source": ["province", "province"], "spent": [500.0, 300.0]})
    c = P.spend_curve(spend_plan(), spent, date(2026, 1, 1), date(2026, 12, 31), TODAY)
    planned = c[c.kind == "planned"].set_index("day")["amount"]
    assert planned.to_dict() == {date(2026, 6, 30): 600, date(2026, 12, 31): 2100}
    actual = c[c.kind == "spent"].set_index("day")["amount"]
    assert actual.to_dict() == {date(2026, 6, 30): 500, TODAY: 800}


# --- lines against their targets -----------------------------------------------------------------------

def test_line_targets_results():
    targets = pd.DataFrame({"village_id": [None, None, 2.0], "line": ["broad_support", "safeguarding",
                                                                      "broad_support"],
                            "score": [3, 3, 4], "by_month": [12, 36, 12]})
    pilots = pd.DataFrame({"village_id": [1, 2, 3, 4], "village": ["A", "B", "C", "D"],
                           "started_on": [date(2025, 1, 15), date(2025, 1, 15), date(2025, 1, 15), None]})
    due = date(2026, 1, 15)
    scores = pd.DataFrame([
        (1, "broad_support", due, 3),                  # A: 3 on the due day: met
        (2, "broad_support", due - D, 3),              # B: own target 4: missed (3)
        (3, "broad_support", due - D, 2),              # C: 2 by the due day ...
        (3, "broad_support", due + 30 * D, 3),         # ... 3 later: met late
        (1, "safeguarding", TODAY - D, 3),             # A: not due until 2028, already 3
    ], columns=["village_id", "line", "scored_on", "score"])
    got = P.line_targets(targets, pilots, scores, TODAY).set_index(["village", "line"])
    assert got.loc[("A", "broad_support"), "result"] == "met"
    assert got.loc[("A", "broad_support"), "due_on"] == due
    assert got.loc[("B", "broad_support"), ["target", "result"]].tolist() == [4, "missed"]
    assert got.loc[("C", "broad_support"), "result"] == "met_late"
    assert got.loc[("A", "safeguarding"), "result"] == "on_track"
    assert got.loc[("B", "safeguarding"), "result"] == "open"
    assert got.loc[("D", "broad_support"), "result"] == "no_start"
    summary = P.targets_summary(got.reset_index()).set_index("line")
    assert summary.loc["broad_support", ["pilots", "met", "met_late", "missed", "no_start"]].tolist() \
        == [4, 1, 1, 1, 1]
    assert P.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


# --- suppression of totals of people -----------------------------------------------------------------

@pytest.mark.parametrize("total, parts, shown", [
    (22, [6, 6, 5, 5], "22"),             # nothing suppressed in the parts: the total as is
    (22, [4, 4, 4, 4, 4, 2], "22"),       # six parts of 1..4 adding to 22: cannot be split
    (13, [6, 5, 2], "≥ 12"),              # one hidden part: 13 - 11 would give it away
    (12, [6, 3, 3], "12"),                # two hidden parts adding to 6: 2+4, 3+3 or 4+2
    (8, [6, 1, 1], "≥ 8"),                # hidden parts that must all be 1
    (16, [8, 4, 4], "≥ 10"),              # hidden parts that must all be 4
    (3, [1, 2], "<5"),                    # a total under 5 is itself suppressed
    (0, [], "0"),
])
def test_a_total_of_people_never_gives_a_suppressed_part_away(total, parts, shown):
    assert suppress_total(total, parts).replace("\xa0", " ") == shown


# --- the check before sending ---------------------------------------------------------------------------

def test_texts_that_contradict_the_pilot_are_found():
    found = textcheck.check([
        {"village": "Winssen", "step": 4, "status": "completed",
         "progress_text": "Winssen zit in stap 4. De werkgroepen draaien zelfstandig.",
         "lessons": "Borging vraagt tijd."},
        {"village": "Laren", "step": 3, "status": "active",
         "progress_text": "Laren staat nu in stap twee.", "lessons": "Op weg naar stap 4."},
        {"village": "Ewijk", "step": 2, "status": "active",
         "progress_text": "Het project is afgerond.", "lessons": "Geen."},
    ])
    got = {(f.village, f.field, f.code) for f in found}
    assert ("Winssen", "progress_text", "completed_says_step") in got
    assert ("Laren", "progress_text", "step") in got
    assert ("Ewijk", "progress_text", "done_word") in got
    assert not any(v == "Laren" and fld == "lessons" for v, fld, _ in got)  # "naar stap 4" is fine
    w = next(f for f in found if f.village == "Winssen")
    assert w.text() == "De pilot is afgerond, maar de tekst zegt 'in stap 4'."
    assert next(f for f in found if f.village == "Laren").text() == \
        "De tekst zegt 'in stap 2', maar de pilot staat in stap 3."


def test_missing_and_identical_texts_are_found():
    found = textcheck.check([
        {"village": "Vorden", "step": 4, "status": "active",
         "progress_text": "Vorden zit in stap 4. Alles loopt.", "lessons": "Vroeg beginnen loont.",
         "explanation": None, "behind": True},
        {"village": "Laren", "step": 4, "status": "active",
         "progress_text": "Laren zit in  stap 4. Alles loopt", "lessons": "",
         "explanation": "", "behind": False},
        {"village": "Zelhem", "step": 4, "status": "active",
         "progress_text": "Eigen tekst.", "lessons": "vroeg beginnen loont."},
    ])
    got = {(f.village, f.field, f.code) for f in found}
    assert ("Laren", "lessons", "missing") in got
    assert ("Vorden", "explanation", "behind_unexplained") in got
    assert ("Laren", "explanation", "behind_unexplained") not in got   # not behind
    # the same text apart from the village's own name, case and spacing
    assert ("Vorden", "progress_text", "same") in got and ("Laren", "progress_text", "same") in got
    assert ("Zelhem", "lessons", "same") in got and ("Vorden", "lessons", "same") in got
    same = next(f for f in found if f.village == "Vorden" and f.code == "same"
                and f.field == "progress_text")
    assert same.text() == "Dezelfde tekst staat ook bij Laren."
    assert textcheck.check([{"village": "A", "step": 1, "status": "active",
                             "progress_text": "Start.", "lessons": "Luisteren."}]) == []
