"""The method's rules (INTERFACES.md "dorp status --json"), table-driven over every corner:
each (willingness, ability) in {none, 1..5}^2 with "mag dit?" yes / no / unknown, the gates on
the day of entry, and every alert for each of the four statuses."""

from datetime import date, timedelta
from itertools import product

import pytest

from dorp import burgerkracht as bk, rules
from dorp.method import ALERTS, LINES
from tests.rulefacts import BOTH, TODAY, facts, mbc, meeting, records, replace

SCORES = [None, 1, 2, 3, 4, 5]
MAY = [True, False, None]


@pytest.mark.parametrize("score,expected", [(None, False), (1, False), (2, False), (3, True),
                                            (4, True), (5, True)])
def test_present_from_three(score, expected):
    assert rules.present(score) is expected


# --- the mBc verdict -------------------------------------------------------------------------

def expected_verdict(w, a, may):
    """INTERFACES.md, read literally: "mag dit?" first; then go when one dimension is >= 3;
    no_go when both are assessed and below 3; pending otherwise."""
    if may is False:
        return "no_go"
    if (w is not None and w >= 3) or (a is not None and a >= 3):
        return "go"
    if w is not None and a is not None:
        return "no_go"
    return "pending"


@pytest.mark.parametrize("w,a,may", list(product(SCORES, SCORES, MAY)))
def test_verdict_every_corner(w, a, may):
    assert rules.mbc_verdict(w, a, may) == expected_verdict(w, a, may)
    assert mbc(w, a, may).verdict == expected_verdict(w, a, may)


@pytest.mark.parametrize("w,a,may,verdict", [
    (None, None, None, "pending"),     # nothing assessed
    (2, None, None, "pending"),        # the missing ability can still make it go
    (None, 1, True, "pending"),
    (None, 3, None, "go"),             # one present is enough
    (3, 1, True, "go"), (1, 3, True, "go"), (5, 5, True, "go"),
    (2, 2, True, "no_go"), (1, 1, None, "no_go"),
    (5, 5, False, "no_go"),            # not desirable: no go whatever the scores
    (None, None, False, "no_go"),
])
def test_verdict_named_cases(w, a, may, verdict):
    assert rules.mbc_verdict(w, a, may) == verdict


# --- the advised working mode ------------------------------------------------------------------

def expected_mode(w, a, may):
    if may is False:
        return "discourage"
    if w is None or a is None:
        return None
    return {(True, True): "facilitate", (False, True): "motivate", (True, False): "support",
            (False, False): "none"}[(w >= 3, a >= 3)]


@pytest.mark.parametrize("w,a,may", list(product(SCORES, SCORES, MAY)))
def test_advised_mode_every_corner(w, a, may):
    assert rules.advised_mode(w, a, may) == expected_mode(w, a, may)
    assert mbc(w, a, may).advised_mode == expected_mode(w, a, may)


@pytest.mark.parametrize("w,a,mode", [
    (3, 3, "facilitate"), (2, 3, "motivate"), (3, 2, "support"), (2, 2, "none"),
    (5, 1, "support"), (1, 5, "motivate"), (None, None, None),
    (4, None, None), (None, 4, None),       # null while either dimension is not assessed
])
def test_advised_mode_matrix(w, a, mode):
    assert rules.advised_mode(w, a) == mode       # working groups: no "mag dit?"
    assert rules.advised_mode(w, a, True) == mode


def test_missing_dimensions_names_what_is_not_assessed():
    assert rules.missing_dimensions(None, None) == ["willingness", "ability"]
    assert rules.missing_dimensions(2, None) == ["ability"]
    assert rules.missing_dimensions(None, 2) == ["willingness"]
    assert rules.missing_dimensions(1, 1) == []
    assert mbc(2, None).missing == ["ability"]


def test_facts_without_an_assessment():
    f = facts(step=2)
    assert (f.verdict, f.advised_mode, f.willingness, f.ability, f.may) == (
        "pending", None, None, None, None)
    f = facts(step=2, mbc=mbc(4, 1, False))
    assert (f.verdict, f.advised_mode, f.willingness, f.ability, f.may) == (
        "no_go", "discourage", 4, 1, False)


# --- satisfaction ----------------------------------------------------------------------------------

@pytest.mark.parametrize("m,c", list(product(SCORES, SCORES)))
def test_both_satisfied_and_dissatisfied_every_corner(m, c):
    both = m is not None and c is not None and m >= 3 and c >= 3
    assert rules.both_satisfied(m, c) is both
    assert meeting(m, c).both_satisfied is both
    low = [p for p, s in (("municipality", m), ("community", c)) if s is not None and s <= 2]
    assert meeting(m, c).dissatisfied_parties == low


# --- the gates ---------------------------------------------------------------------------------

D = date(2026, 6, 1)
READY_2 = dict(chosen_by_vote=True, consent=BOTH)


@pytest.mark.parametrize("kw,missing", [
    ({}, ["not_chosen", "consent_municipality", "consent_community"]),
    (dict(chosen_by_vote=True), ["consent_municipality", "consent_community"]),
    (dict(chosen_by_vote=True, consent=frozenset({"community"})), ["consent_municipality"]),
    (dict(chosen_by_vote=True, consent=frozenset({"municipality"})), ["consent_community"]),
    (dict(consent=BOTH), ["not_chosen"]),
    (READY_2, []),
])
def test_gate_step_2(kw, missing):
    assert rules.missing_for(2, records(D, **kw)) == missing


PRESENTED = dict(village=D, municipality=D)


@pytest.mark.parametrize("assessment,missing", [
    (None, ["no_mbc"]),
    (mbc(3, 1, True, **PRESENTED), []),
    (mbc(1, 3, None, **PRESENTED), []),
    (mbc(2, 2, True, **PRESENTED), ["mbc_not_go"]),
    (mbc(2, None, True, **PRESENTED), ["mbc_pending"]),
    (mbc(5, 5, False, **PRESENTED), ["mbc_not_desirable"]),
    (mbc(4, 4, True, village=D), ["mbc_not_presented_municipality"]),
    (mbc(4, 4, True, municipality=D), ["mbc_not_presented_village"]),
    (mbc(4, 4, True), ["mbc_not_presented_village", "mbc_not_presented_municipality"]),
    # presented the day before, on the day: counts; the day after: not yet
    (mbc(4, 4, True, village=D - timedelta(days=1), municipality=D), []),
    (mbc(4, 4, True, village=D + timedelta(days=1), municipality=D),
     ["mbc_not_presented_village"]),
    (mbc(4, 4, True, village=D, municipality=D + timedelta(days=1)),
     ["mbc_not_presented_municipality"]),
])
def test_gate_step_3_looks_at_the_latest_assessment_only(assessment, missing):
    assert rules.missing_for(3, records(D, mbc=assessment)) == missing


@pytest.mark.parametrize("parties,latest,missing", [
    (BOTH, meeting(3, 3), []),
    (BOTH, meeting(3, 2), ["meeting_not_satisfied"]),
    (BOTH, meeting(2, 3), ["meeting_not_satisfied"]),
    (BOTH, meeting(None, 5), ["meeting_not_satisfied"]),
    (BOTH, None, ["no_meeting"]),
    (frozenset({"community"}), meeting(4, 4), ["no_municipality_member"]),
    (frozenset({"municipality", "support"}), meeting(4, 4), ["no_community_member"]),
    (frozenset(), None, ["no_municipality_member", "no_community_member", "no_meeting"]),
])
def test_gate_step_4_looks_at_the_latest_meeting_only(parties, latest, missing):
    assert rules.missing_for(4, records(D, member_parties=parties, latest_meeting=latest)) == missing


@pytest.mark.parametrize("plan,score,missing", [
    (True, 3, []), (True, 5, []), (True, 2, ["safeguarding_low"]),
    (True, None, ["safeguarding_low"]), (False, 4, ["no_exit_plan"]),
    (False, None, ["no_exit_plan", "safeguarding_low"]),
])
def test_gate_completed(plan, score, missing):
    assert rules.missing_for("completed", records(D, has_exit_plan=plan, safeguarding=score)) == missing


def test_gate_step_1_has_no_criteria_and_unknown_stages_fail():
    assert rules.missing_for(1, records()) == []
    with pytest.raises(ValueError, match="unknown stage 5"):
        rules.missing_for(5, records())


def test_presented_to_names_the_party():
    a = mbc(4, 4, village=D, municipality=D + timedelta(days=2))
    assert a.presented_to("village", D) and not a.presented_to("municipality", D)
    assert a.presented_to("municipality", D + timedelta(days=2))
    with pytest.raises(KeyError):
        a.presented_to("gemeente", D)


def test_stages():
    assert rules.current_stage(facts(step=4, status="completed")) == "completed"
    assert rules.current_stage(facts(step=3, status="paused")) == 3
    assert [rules.next_stage(facts(step=s)) for s in (1, 2, 3, 4)] == [2, 3, 4, "completed"]
    assert rules.next_stage(facts(step=2, status="paused")) == 3
    assert rules.next_stage(facts(step=2, status="stopped")) is None
    assert rules.next_stage(facts(step=4, status="completed")) is None


# --- when a gate is judged -----------------------------------------------------------------------

def test_gate_judged_on_the_day_of_entry_not_today():
    """Entered step 3 when the latest mBc was go and presented; a newer, unpresented mBc of
    today does not make the entry wrong (it is a new mBc to present, not gate_unmet)."""
    entry = records(D, mbc=mbc(4, 4, True, **PRESENTED))
    f = facts(step=3, at_entry=entry, mbc=mbc(4, 4, True, on=TODAY))
    assert f.judged is entry and f.judged_on == D
    assert rules.gate_missing(f) == []
    assert "gate_unmet" not in rules.alerts(f, TODAY)


def test_gate_unmet_when_it_did_not_hold_on_the_day_of_entry():
    entry = records(D, mbc=mbc(4, 4, True, village=D))       # municipality not yet
    f = facts(step=3, at_entry=entry, mbc=mbc(4, 4, True, **PRESENTED))
    assert rules.gate_missing(f) == ["mbc_not_presented_municipality"]
    assert "gate_unmet" in rules.alerts(f, TODAY)


def test_without_a_recorded_move_the_gate_is_judged_on_todays_records():
    f = facts(step=3, mbc=mbc(4, 4, True, village=D))
    assert f.at_entry is None and f.judged_on == TODAY
    assert rules.gate_missing(f) == ["mbc_not_presented_municipality"]
    f = facts(step=3, mbc=mbc(4, 4, True, **PRESENTED))
    assert rules.gate_missing(f) == []


def test_step_4_entry_with_satisfied_meeting_later_dissatisfied():
    """Satisfied when it entered step 4; dissatisfied since: steering_dissatisfied, not
    gate_unmet."""
    entry = records(D, member_parties=BOTH, latest_meeting=meeting(4, 4, D))
    f = facts(step=4, at_entry=entry, member_parties=BOTH, latest_meeting=meeting(4, 2),
              has_exit_plan=True, consent=BOTH)
    assert rules.alerts(f, TODAY) == ["steering_dissatisfied"]


def test_the_next_stage_is_judged_on_todays_records():
    f = facts(step=2, at_entry=records(D, **READY_2), **READY_2, mbc=mbc(2, 2, True))
    assert rules.next_missing(f) == ["mbc_not_go", "mbc_not_presented_village",
                                     "mbc_not_presented_municipality"]
    assert rules.next_missing(facts(step=4, status="completed")) == []
    assert rules.next_missing(facts(step=4, has_exit_plan=True, safeguarding=3)) == []


def test_override_silences_gate_unmet():
    f = facts(step=2, chosen_by_vote=True, consent=frozenset({"municipality"}))
    assert "gate_unmet" in rules.alerts(f, TODAY)
    f.override_current = True
    assert "gate_unmet" not in rules.alerts(f, TODAY)
    assert "consent_missing" in rules.alerts(f, TODAY)


# --- alerts, per status -------------------------------------------------------------------------

OLD = TODAY - timedelta(days=200)


def tripping(code: str, status: str):
    """A pilot with `status` whose records trip exactly the condition of `code`."""
    ok4 = dict(member_parties=BOTH, latest_meeting=meeting(4, 4), has_exit_plan=True,
               consent=BOTH, chosen_by_vote=True)
    good_lines = {ln: [3, 4] for ln in LINES}
    cases = {
        "consent_missing": facts(2, status, chosen_by_vote=True, consent=frozenset({"community"}),
                                 override_current=True),
        "mbc_no_go": facts(2, status, **READY_2, mbc=mbc(2, 2, True)),
        "gate_unmet": facts(2, status, consent=BOTH),      # not chosen by the vote
        "steering_incomplete": facts(3, status, **READY_2, mbc=mbc(4, 4, True, **PRESENTED),
                                     member_parties=frozenset({"community"}),
                                     latest_meeting=meeting(4, 4)),
        "steering_dissatisfied": facts(3, status, **READY_2, mbc=mbc(4, 4, True, **PRESENTED),
                                       member_parties=BOTH, latest_meeting=meeting(2, 4)),
        "line_low": facts(4, status, **ok4, line_history={**good_lines, "target_group": [2]},
                          override_current=False, at_entry=records(D, **ok4)),
        "line_declining": facts(4, status, **ok4, at_entry=records(D, **ok4),
                                line_history={**good_lines, "broad_support": [5, 3]}),
        "no_exit_plan": facts(4, status, **{**ok4, "has_exit_plan": False},
                              at_entry=records(D, **ok4), line_history=good_lines),
        "stale": facts(1, status, last_activity=OLD),
        # the programme plan: step 3 was planned 31 days ago (dorp/plan.py)
        "behind_plan": facts(2, status, **READY_2, plan={"3": TODAY - timedelta(days=31)}),
        # the Burgerkrachtgenerator: an active working group without contact for 61 days
        "working_group_quiet": replace(
            facts(4, status, **ok4, at_entry=records(D, **ok4), line_history=good_lines),
            burgerkracht=bk.Facts(groups=(bk.Group(name="Werkgroep", theme="Thema",
                                                   status="active",
                                                   started_on=TODAY - timedelta(days=61)),))),
    }
    return cases[code]


@pytest.mark.parametrize("code,status", list(product(ALERTS, ("active", "paused", "stopped",
                                                                "completed"))))
def test_each_alert_for_each_status(code, status):
    f = tripping(code, status)
    got = rules.alerts(f, TODAY)
    if status in ("stopped", "completed"):
        assert got == []
    elif status == "paused" and code in ("mbc_no_go", "stale", "behind_plan",
                                         "working_group_quiet"):
        assert code not in got
    else:
        assert code in got
        assert set(got) <= {code, "gate_unmet"}, got


def test_consent_missing_from_step_2_on_for_either_party():
    assert "consent_missing" not in rules.alerts(facts(step=1), TODAY)
    for consent in (frozenset(), frozenset({"municipality"}), frozenset({"community"})):
        assert "consent_missing" in rules.alerts(facts(step=2, consent=consent), TODAY)
    assert "consent_missing" not in rules.alerts(facts(step=2, consent=BOTH), TODAY)


def test_mbc_no_go_from_may_no_whatever_the_scores():
    f = facts(step=2, **READY_2, mbc=mbc(5, 5, False))
    assert "mbc_no_go" in rules.alerts(f, TODAY)
    assert "mbc_no_go" not in rules.alerts(facts(step=2, **READY_2, mbc=mbc(2, None)), TODAY)
    assert "mbc_no_go" not in rules.alerts(facts(step=2, **READY_2, mbc=mbc(5, 5, None)), TODAY)


@pytest.mark.parametrize("parties,alert", [
    (BOTH, False), (frozenset({"municipality"}), True), (frozenset({"community"}), True),
    (frozenset({"support", "care"}), True),
])
def test_steering_incomplete_either_party_from_step_3(parties, alert):
    assert ("steering_incomplete" in rules.alerts(facts(step=3, member_parties=parties),
                                                  TODAY)) is alert
    assert "steering_incomplete" not in rules.alerts(facts(step=2, member_parties=parties), TODAY)


@pytest.mark.parametrize("m,c,alert", [(3, 2, True), (2, 3, True), (3, 3, False), (1, 5, True),
                                       (None, 2, True), (None, None, False)])
def test_steering_dissatisfied_at_the_latest_meeting(m, c, alert):
    f = facts(step=3, latest_meeting=meeting(m, c))
    assert ("steering_dissatisfied" in rules.alerts(f, TODAY)) is alert
    assert "steering_dissatisfied" not in rules.alerts(facts(step=3), TODAY)


@pytest.mark.parametrize("history,low,declining", [
    ({"broad_support": [2]}, True, False), ({"broad_support": [3]}, False, False),
    ({"safeguarding": [5, 3]}, False, True), ({"safeguarding": [5, 4]}, False, False),
    ({"target_group": [4, 2]}, True, True), ({"target_group": [2, 1]}, True, False),
    ({"village_strength": [3]}, False, False), ({}, False, False),
])
def test_lines_only_at_step_4(history, low, declining):
    f = facts(step=4, line_history=history)
    got = rules.alerts(f, TODAY)
    assert ("line_low" in got, "line_declining" in got) == (low, declining)
    got3 = rules.alerts(facts(step=3, line_history=history), TODAY)
    assert "line_low" not in got3 and "line_declining" not in got3


def test_declining_compares_the_latest_with_the_one_just_before():
    f = facts(step=4, line_history={"target_group": [5, 3, 1], "broad_support": [1, 5, 4]})
    assert rules.declining_lines(f) == ["target_group"]


def test_line_helpers():
    f = facts(step=4, line_history={"target_group": [5, 3], "broad_support": [2]})
    assert rules.declining_lines(f) == ["target_group"]
    assert rules.low_lines(f) == ["broad_support"]
    assert f.latest_line("target_group") == 3 and f.latest_line("safeguarding") is None


def test_no_exit_plan_only_at_step_4():
    assert "no_exit_plan" in rules.alerts(facts(step=4), TODAY)
    assert "no_exit_plan" not in rules.alerts(facts(step=4, has_exit_plan=True), TODAY)
    assert "no_exit_plan" not in rules.alerts(facts(step=3), TODAY)


@pytest.mark.parametrize("days,stale", [(0, False), (89, False), (90, False), (91, True),
                                        (365, True)])
def test_stale_after_90_days(days, stale):
    f = facts(last_activity=TODAY - timedelta(days=days))
    assert ("stale" in rules.alerts(f, TODAY)) is stale
    assert rules.days_quiet(f, TODAY) == days


def test_stale_without_any_record_and_only_when_active():
    assert "stale" in rules.alerts(facts(last_activity=None), TODAY)
    assert rules.days_quiet(facts(last_activity=None), TODAY) is None
    assert "stale" not in rules.alerts(facts(last_activity=None, status="paused"), TODAY)


def test_stopped_and_completed_raise_nothing():
    """Review found: a completed pilot raised line_low, a stopped one consent_missing and
    gate_unmet."""
    for status in ("stopped", "completed"):
        f = facts(step=4, status=status, line_history={"broad_support": [5, 1]},
                  last_activity=None, mbc=mbc(1, 1, False))
        assert rules.alerts(f, TODAY) == []
    paused = facts(step=4, status="paused", line_history={"broad_support": [5, 1]},
                   last_activity=None)
    assert rules.alerts(paused, TODAY) == ["consent_missing", "gate_unmet", "line_declining",
                                           "line_low", "no_exit_plan", "steering_incomplete"]


def test_alerts_are_sorted_and_every_code_has_one_rule():
    f = facts(step=4, last_activity=None)
    codes = rules.alerts(f, TODAY)
    assert codes == sorted(codes) and len(codes) >= 3
    assert set(rules.ALERT_RULES) == set(ALERTS)


def test_alert_rank_puts_blocking_alerts_first():
    assert rules.alert_rank(["mbc_no_go"]) > rules.alert_rank(["stale"])
    assert rules.alert_rank([]) == 0
    assert rules.alert_rank(["mbc_no_go", "stale"]) == len(ALERTS) + 1
