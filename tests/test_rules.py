"""The method's rules (INTERFACES.md), with their boundaries."""

from datetime import date, timedelta

import pytest

from dorp import rules
from dorp.rules import Meeting, PilotFacts

TODAY = date(2026, 11, 29)


def facts(**kw) -> PilotFacts:
    base = dict(village="X", municipality="Y", step=1, status="active", last_activity=TODAY)
    base.update(kw)
    return PilotFacts(**base)


@pytest.mark.parametrize("score,expected", [(None, False), (1, False), (2, False), (3, True), (5, True)])
def test_present_from_three(score, expected):
    assert rules.present(score) is expected


@pytest.mark.parametrize("w,a,verdict", [
    (None, None, "pending"), (3, 1, "go"), (1, 3, "go"), (2, 2, "no_go"), (5, 5, "go"),
    (2, None, "no_go"), (None, 3, "go"),
])
def test_mbc_verdict(w, a, verdict):
    assert rules.mbc_verdict(w, a) == verdict


@pytest.mark.parametrize("w,a,mode", [
    (3, 3, "facilitate"), (2, 3, "motivate"), (3, 2, "support"), (2, 2, "none"),
    (None, None, None), (5, 1, "support"), (1, 5, "motivate"),
])
def test_advised_mode(w, a, mode):
    assert rules.advised_mode(w, a) == mode


@pytest.mark.parametrize("m,c,ok", [(3, 3, True), (2, 5, False), (5, 2, False), (None, 4, False)])
def test_both_satisfied(m, c, ok):
    assert rules.both_satisfied(m, c) is ok


def test_gate_step_2_needs_vote_and_both_consents():
    f = facts(step=1)
    assert rules.missing_for(2, f) == ["not_chosen", "consent_municipality", "consent_community"]
    f = facts(step=1, chosen_by_vote=True, consent=frozenset({"municipality", "community"}))
    assert rules.missing_for(2, f) == []


def test_gate_step_3_needs_go_and_presentations():
    f = facts(step=2, willingness=2, ability=2)
    assert rules.missing_for(3, f) == ["mbc_not_go", "mbc_not_presented_village",
                                       "mbc_not_presented_municipality"]
    f = facts(step=2, willingness=3, ability=1, presented_village=True, presented_municipality=True)
    assert rules.missing_for(3, f) == []


def test_gate_step_4_needs_both_parties_and_a_satisfied_meeting():
    f = facts(step=3, member_parties=frozenset({"community"}))
    assert rules.missing_for(4, f) == ["no_municipality_member", "no_satisfied_meeting"]
    f = facts(step=3, member_parties=frozenset({"community", "municipality"}), satisfied_meeting=True)
    assert rules.missing_for(4, f) == []


def test_gate_completed_needs_plan_and_safeguarding_three():
    f = facts(step=4, has_exit_plan=True, line_history={"safeguarding": [4, 2]})
    assert rules.missing_for("completed", f) == ["safeguarding_low"]
    f = facts(step=4, has_exit_plan=True, line_history={"safeguarding": [2, 3]})
    assert rules.missing_for("completed", f) == []


def test_consent_missing_only_from_step_2():
    assert "consent_missing" not in rules.alerts(facts(step=1), TODAY)
    assert "consent_missing" in rules.alerts(facts(step=2, consent=frozenset({"community"})), TODAY)


def test_mbc_no_go_only_while_active():
    assert "mbc_no_go" in rules.alerts(facts(step=2, willingness=2, ability=2), TODAY)
    assert "mbc_no_go" not in rules.alerts(facts(step=2, willingness=2, ability=2, status="stopped"), TODAY)


def test_gate_unmet_is_silenced_by_override():
    f = facts(step=2, chosen_by_vote=True, consent=frozenset({"municipality"}))
    assert "gate_unmet" in rules.alerts(f, TODAY)
    f.override_current = True
    assert "gate_unmet" not in rules.alerts(f, TODAY)


def test_steering_incomplete_from_step_3():
    assert "steering_incomplete" not in rules.alerts(facts(step=2), TODAY)
    f = facts(step=3, member_parties=frozenset({"municipality", "support"}))
    assert "steering_incomplete" in rules.alerts(f, TODAY)


def test_steering_dissatisfied_at_two_not_three():
    f = facts(step=3, latest_meeting=Meeting(TODAY, 3, 2))
    assert "steering_dissatisfied" in rules.alerts(f, TODAY)
    f = facts(step=3, latest_meeting=Meeting(TODAY, 3, 3))
    assert "steering_dissatisfied" not in rules.alerts(f, TODAY)


def test_line_low_at_two_only_in_step_4():
    low = {"broad_support": [2]}
    assert "line_low" in rules.alerts(facts(step=4, line_history=low), TODAY)
    assert "line_low" not in rules.alerts(facts(step=3, line_history=low), TODAY)
    assert "line_low" not in rules.alerts(facts(step=4, line_history={"broad_support": [3]}), TODAY)


def test_line_declining_by_exactly_two():
    assert rules.declining_lines(facts(step=4, line_history={"target_group": [5, 3]})) == ["target_group"]
    assert rules.declining_lines(facts(step=4, line_history={"target_group": [5, 4]})) == []
    assert rules.declining_lines(facts(step=4, line_history={"target_group": [3]})) == []
    assert "line_declining" in rules.alerts(facts(step=4, line_history={"target_group": [5, 3]}), TODAY)


def test_no_exit_plan_in_step_4():
    assert "no_exit_plan" in rules.alerts(facts(step=4), TODAY)
    assert "no_exit_plan" not in rules.alerts(facts(step=4, has_exit_plan=True), TODAY)
    assert "no_exit_plan" not in rules.alerts(facts(step=3), TODAY)


def test_stale_after_90_days():
    assert "stale" not in rules.alerts(facts(last_activity=TODAY - timedelta(days=90)), TODAY)
    assert "stale" in rules.alerts(facts(last_activity=TODAY - timedelta(days=91)), TODAY)
    assert "stale" in rules.alerts(facts(last_activity=None), TODAY)
    assert "stale" not in rules.alerts(facts(last_activity=None, status="paused"), TODAY)


def test_alerts_are_sorted():
    f = facts(step=4, consent=frozenset(), last_activity=None)
    codes = rules.alerts(f, TODAY)
    assert codes == sorted(codes) and len(codes) >= 3
