"""The vote (ties) and the gates of moving a pilot: pure logic, no database."""

from datetime import date

import pytest

from dorp import moves, vote
from dorp.errors import Invalid
from tests.rulefacts import BOTH, TODAY, facts, mbc, meeting, records


# --- the vote -------------------------------------------------------------------------------

def test_vote_one_seat_clear_winner():
    r = vote.result({"A": 30, "B": 12, "C": 8}, 1)
    assert r.chosen == {"A"} and not r.tied and not r.needs_decision


def test_vote_two_seats():
    r = vote.result({"A": 30, "B": 12, "C": 8}, 2)
    assert r.chosen == {"A", "B"} and not r.needs_decision


def test_vote_tie_for_the_only_seat():
    r = vote.result({"A": 20, "B": 20, "C": 3}, 1)
    assert r.chosen == frozenset() and r.tied == {"A", "B"} and r.open_seats == 1
    assert r.needs_decision


def test_vote_tie_for_the_last_seat_keeps_the_clear_winner():
    r = vote.result({"A": 30, "B": 10, "C": 10, "D": 10}, 2)
    assert r.chosen == {"A"} and r.tied == {"B", "C", "D"} and r.open_seats == 1


def test_vote_tie_that_fits_in_the_seats_is_no_tie():
    r = vote.result({"A": 10, "B": 10, "C": 3}, 2)
    assert r.chosen == {"A", "B"} and not r.needs_decision


def test_vote_more_seats_than_villages_chooses_all_with_votes():
    r = vote.result({"A": 2, "B": 5}, 3)
    assert r.chosen == {"A", "B"} and r.open_seats == 1 and not r.may_decide


@pytest.mark.parametrize("votes,seats,chosen,unvoted,open_seats", [
    ({"A": 0, "B": 5}, 3, {"B"}, {"A"}, 2),        # fewer pitches than seats: still not A
    ({"A": 0}, 1, set(), {"A"}, 1),                # the only pitch, no votes
    ({"A": 0, "B": 0}, 2, set(), {"A", "B"}, 2),
    ({"A": 0, "B": 3, "C": 1}, 2, {"B", "C"}, {"A"}, 0),
    ({"A": None, "B": 4}, 2, {"B"}, set(), 1),     # no count at all: never chosen either
])
def test_vote_zero_votes_are_never_chosen_automatically(votes, seats, chosen, unvoted,
                                                        open_seats):
    r = vote.result(votes, seats)
    assert (set(r.chosen), set(r.unvoted), r.open_seats) == (chosen, unvoted, open_seats)
    assert not r.needs_decision and not r.tied
    assert r.may_decide is (open_seats > 0 and bool(unvoted))


def test_vote_zero_votes_chosen_only_by_an_explicit_decision():
    r = vote.result({"A": 0, "B": 0, "C": 5}, 3)
    assert vote.check_decision(r, {"A"}) is None
    assert vote.check_decision(r, {"A", "B"}) is None
    assert "zonder stemmen" in vote.check_decision(r, {"C"})
    assert "minstens 1" in vote.check_decision(r, set())
    r1 = vote.result({"A": 0, "B": 0, "C": 5}, 2)
    assert "hoogstens 1" in vote.check_decision(r1, {"A", "B"})
    assert "niets te beslissen" in vote.check_decision(vote.result({"A": 3}, 1), {"A"})


def test_vote_a_tie_is_never_at_zero():
    r = vote.result({"A": 0, "B": 0, "C": 0}, 1)
    assert not r.tied and not r.chosen and r.unvoted == {"A", "B", "C"}


def test_vote_decision_must_fill_the_open_seats_from_the_tied():
    r = vote.result({"A": 30, "B": 10, "C": 10, "D": 10}, 2)
    assert vote.check_decision(r, {"B"}) is None
    assert "precies 1" in vote.check_decision(r, {"B", "C"})
    assert "gelijk staan" in vote.check_decision(r, {"A"})
    assert vote.check_decision(r, set()) is not None
    assert r.may_decide


def test_vote_tie_for_two_seats_among_three():
    r = vote.result({"A": 9, "B": 9, "C": 9, "D": 1}, 2)
    assert r.chosen == frozenset() and r.tied == {"A", "B", "C"} and r.open_seats == 2
    assert vote.check_decision(r, {"A", "C"}) is None
    assert "precies 2 dorpen" in vote.check_decision(r, {"A"})


def test_vote_needs_a_seat():
    with pytest.raises(ValueError, match="seats must be at least 1"):
        vote.result({"A": 1}, 0)


def test_vote_ranks_by_votes_not_by_name():
    r = vote.result({"A": 1, "B": 9, "C": 5}, 1)
    assert r == vote.VoteResult(frozenset({"B"}), frozenset(), 0, frozenset())
    r = vote.result({"A": 1, "B": 9, "C": 5}, 2)
    assert r == vote.VoteResult(frozenset({"B", "C"}), frozenset(), 0, frozenset())


def test_vote_results_in_full():
    assert vote.result({"A": 10, "B": 10, "C": 3}, 2) == vote.VoteResult(
        frozenset({"A", "B"}), frozenset(), 0)
    assert vote.result({"A": 0, "B": 5}, 3) == vote.VoteResult(
        frozenset({"B"}), frozenset(), 2, frozenset({"A"}))
    assert vote.result({"A": 7, "B": 7}, 1) == vote.VoteResult(
        frozenset(), frozenset({"A", "B"}), 1)


def test_vote_decision_messages():
    one = vote.result({"A": 30, "B": 10, "C": 10, "D": 10}, 2)
    assert vote.check_decision(one, {"B", "C", "D"}) == \
        "Kies precies 1 dorp uit de dorpen die gelijk staan."
    assert vote.check_decision(one, {"A"}) == "Kies alleen uit de dorpen die gelijk staan."
    two = vote.result({"A": 9, "B": 9, "C": 9}, 2)
    assert vote.check_decision(two, {"A"}) == \
        "Kies precies 2 dorpen uit de dorpen die gelijk staan."
    z1 = vote.result({"A": 0, "B": 0, "C": 5}, 2)
    assert vote.check_decision(z1, {"A", "B"}) == \
        "Kies minstens 1 en hoogstens 1 dorp uit de dorpen zonder stemmen."
    z2 = vote.result({"A": 0, "B": 0, "C": 0}, 2)
    assert vote.check_decision(z2, set()) == \
        "Kies minstens 1 en hoogstens 2 dorpen uit de dorpen zonder stemmen."
    assert vote.check_decision(z2, {"A", "D"}) == "Kies alleen uit de dorpen zonder stemmen."


# --- the gates ----------------------------------------------------------------------------------

READY_FOR_2 = dict(chosen_by_vote=True, consent=BOTH)
PRESENTED = dict(village=TODAY, municipality=TODAY)
READY_FOR_3 = dict(step=2, mbc=mbc(3, 2, True, **PRESENTED), **READY_FOR_2)
READY_FOR_4 = dict(step=3, member_parties=BOTH, latest_meeting=meeting(3, 4))


@pytest.mark.parametrize("kw,missing", [
    ({}, ["not_chosen", "consent_municipality", "consent_community"]),
    (dict(chosen_by_vote=True, consent=frozenset({"municipality"})), ["consent_community"]),
    (dict(step=2, mbc=mbc(2, 2, True)), ["mbc_not_go", "mbc_not_presented_village",
                                         "mbc_not_presented_municipality"]),
    (dict(step=2, mbc=mbc(4, 1, True, village=TODAY)), ["mbc_not_presented_municipality"]),
    (dict(step=2, mbc=mbc(5, 5, False, **PRESENTED)), ["mbc_not_desirable"]),
    (dict(step=2), ["no_mbc"]),
    (dict(step=3, member_parties=frozenset({"community", "support"})),
     ["no_municipality_member", "no_meeting"]),
    (dict(step=3, member_parties=BOTH, latest_meeting=meeting(4, 2)), ["meeting_not_satisfied"]),
    (dict(step=4), ["no_exit_plan", "safeguarding_low"]),
])
def test_advance_refused_lists_exactly_what_is_missing(kw, missing):
    f = facts(**kw)
    with pytest.raises(moves.GateUnmet) as e:
        moves.plan(f, "advance")
    assert e.value.missing == missing
    assert e.value.stage == (f.step + 1 if f.step < 4 else "completed")
    assert "Nog niet vervuld" in e.value.problems["move"]


def test_gate_unmet_says_in_dutch_where_to_and_what_is_missing():
    with pytest.raises(moves.GateUnmet) as e:
        moves.plan(facts(step=2, mbc=mbc(2, 2, True, village=TODAY)), "advance")
    assert e.value.problems == {"move": (
        "Niet verplaatst naar Stap 3: Formeren van een stuurgroep. Nog niet vervuld: De laatste "
        "mBc is geen go: bereidheid en bekwaamheid ontbreken allebei; De laatste mBc is niet (op "
        "tijd) gepresenteerd aan de gemeente. Een programmaleider kan dit overrulen met een "
        "geschreven reden.")}


def test_a_move_records_exactly_where_from_and_to():
    m = moves.plan(facts(**READY_FOR_2), "advance")
    assert m == moves.Move(1, 2, "active", "active", False, None, ())
    m = moves.plan(facts(**READY_FOR_2), "advance", reason="  Beide willen  ")
    assert m == moves.Move(1, 2, "active", "active", False, "Beide willen", ())
    m = moves.plan(facts(), "advance", reason="Mondeling", override=True)
    assert m == moves.Move(1, 2, "active", "active", True, "Mondeling",
                           ("not_chosen", "consent_municipality", "consent_community"))
    done = facts(step=4, has_exit_plan=True, safeguarding=4)
    assert moves.plan(done, "advance", reason="Stichting") == moves.Move(
        4, 4, "active", "completed", False, "Stichting", ())
    low = facts(step=4, has_exit_plan=True, safeguarding=2)
    assert moves.plan(low, "advance", reason="Toch klaar", override=True) == moves.Move(
        4, 4, "active", "completed", True, "Toch klaar", ("safeguarding_low",))
    assert moves.plan(facts(step=3), "pause", reason="Zomerstop") == moves.Move(
        3, 3, "active", "paused", False, "Zomerstop")


def test_a_reason_of_exactly_five_characters_is_enough():
    assert moves.plan(facts(step=2), "stop", reason="Klaar").reason == "Klaar"
    with pytest.raises(Invalid) as e:
        moves.plan(facts(step=2), "stop", reason="Kort")
    assert e.value.problems == {"reason": "Geef een reden (minstens 5 tekens)."}
    with pytest.raises(Invalid) as e:
        moves.plan(facts(), "advance", reason="Kort", override=True)
    assert e.value.problems == {"reason": "Een override vraagt een geschreven reden (minstens "
                                          "5 tekens)."}
    with pytest.raises(Invalid) as e:
        moves.plan(facts(step=4, has_exit_plan=True, safeguarding=4), "advance", reason="Kort")
    assert e.value.problems == {"reason": "Geef bij het afronden een reden (minstens 5 tekens), "
                                          "bijvoorbeeld hoe de borging geregeld is."}


def test_what_a_status_refuses_is_said_with_its_name():
    with pytest.raises(Invalid) as e:
        moves.plan(facts(status="paused"), "advance")
    assert e.value.problems == {"action": "Dit kan niet bij een pilot met status 'Gepauzeerd'."}


@pytest.mark.parametrize("kw,to_step,to_status", [
    (READY_FOR_2, 2, "active"), (READY_FOR_3, 3, "active"), (READY_FOR_4, 4, "active"),
    (dict(step=4, has_exit_plan=True, safeguarding=3, line_history={"safeguarding": [2, 3]}),
     4, "completed"),
])
def test_advance_when_the_criteria_hold(kw, to_step, to_status):
    m = moves.plan(facts(**kw), "advance", reason="Borging geregeld")
    assert (m.to_step, m.to_status, m.override) == (to_step, to_status, False)


def test_advance_judges_todays_records_not_the_entry():
    """Moving on happens today: today's records count, whatever held when the pilot entered
    its current step."""
    entered = records(TODAY, **READY_FOR_2)
    f = facts(step=2, at_entry=entered, **READY_FOR_2, mbc=mbc(2, 2, True, **PRESENTED))
    with pytest.raises(moves.GateUnmet) as e:
        moves.plan(f, "advance")
    assert e.value.missing == ["mbc_not_go"]


def test_override_needs_a_written_reason():
    with pytest.raises(Invalid) as e:
        moves.plan(facts(), "advance", override=True)
    assert "reason" in e.value.problems
    with pytest.raises(Invalid):
        moves.plan(facts(), "advance", reason="   ", override=True)
    with pytest.raises(Invalid):
        moves.plan(facts(), "advance", reason="kort", override=True)   # under 5 characters
    m = moves.plan(facts(), "advance", reason="Gemeente stemt mondeling in", override=True)
    assert m.override and m.to_step == 2 and m.missing == (
        "not_chosen", "consent_municipality", "consent_community")


def test_an_override_without_need_is_no_override():
    m = moves.plan(facts(**READY_FOR_2), "advance", reason="Alles is rond", override=True)
    assert m.override is False and m.missing == ()


def test_never_skips_a_step():
    m = moves.plan(facts(**(READY_FOR_3 | {"step": 1})), "advance")
    assert m.to_step == 2


@pytest.mark.parametrize("action,to_status", [("pause", "paused"), ("stop", "stopped")])
def test_pause_and_stop_need_a_reason(action, to_status):
    with pytest.raises(Invalid):
        moves.plan(facts(step=2), action)
    with pytest.raises(Invalid):
        moves.plan(facts(step=2), action, reason="kort")
    m = moves.plan(facts(step=2), action, reason="Dorpsraad valt uiteen")
    assert (m.to_step, m.to_status, m.from_status) == (2, to_status, "active")


def test_resume_returns_to_active():
    m = moves.plan(facts(step=3, status="paused"), "resume", reason="Na de zomer verder")
    assert (m.from_step, m.to_step, m.from_status, m.to_status) == (3, 3, "paused", "active")


def test_unknown_actions_are_refused():
    with pytest.raises(Invalid) as e:
        moves.plan(facts(), "jump", reason="Gewoon doen")
    assert "Onbekende" in e.value.problems["action"]


def test_what_each_status_allows():
    assert moves.available(facts(status="active")) == ["advance", "pause", "stop"]
    assert moves.available(facts(status="paused")) == ["resume", "stop"]
    assert moves.available(facts(status="stopped")) == []
    assert moves.available(facts(status="completed")) == []
    with pytest.raises(Invalid):
        moves.plan(facts(status="paused"), "advance")
    with pytest.raises(Invalid):
        moves.plan(facts(status="stopped"), "resume", reason="toch weer verder")


def test_pause_keeps_the_override_of_the_current_stage():
    m = moves.plan(facts(step=2, override_current=True), "pause", reason="Zomerstop")
    assert m.override is True
    m = moves.plan(facts(step=2, override_current=False), "pause", reason="Zomerstop")
    assert m.override is False


# --- the charts -----------------------------------------------------------------------------------

def test_vote_chart_marks_chosen_and_tied_villages():
    import pandas as pd
    from dorp.charts import steps as charts
    df = pd.DataFrame({"village": ["A", "B", "C"], "votes": [20, 20, 3],
                       "chosen": [True, False, False]})
    spec = charts.votes(df, "nl", tied={"B"}).to_dict()
    rows = {r["village"]: r["result"] for r in spec["datasets"][next(iter(spec["datasets"]))]}
    assert rows == {"A": "Gekozen", "B": "Gelijke stand", "C": "Niet gekozen"}
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"][0] == "Gekozen" and colour["range"][0] == charts.CHOSEN


def test_matrix_has_four_mode_quadrants_and_the_trail():
    import pandas as pd
    from dorp.charts import steps as charts
    hist = pd.DataFrame({"assessed_on": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-05-01"]),
                         "willingness": [2, 3, 4], "ability": [2, 2, 3]})
    spec = charts.matrix(hist, "nl").to_dict()
    data = list(spec["datasets"].values())
    quadrants = next(d for d in data if len(d) == 4 and "mode" in d[0])
    assert {q["mode"] for q in quadrants} == {"facilitate", "support", "motivate", "none"}
    # willing (y >= 3) and able (x >= 3): facilitate, as in figure 2 of chapter 4.2
    fac = next(q for q in quadrants if q["mode"] == "facilitate")
    assert fac["x0"] == fac["y0"] == 2.5
    trail = next(d for d in data if len(d) == 3)
    assert [p["latest"] for p in trail] == [False, False, True]


def test_satisfaction_chart_shows_both_parties():
    import datetime as dt
    import pandas as pd
    from dorp.charts import steps as charts
    meet = pd.DataFrame({"held_on": [dt.date(2026, 9, 1), dt.date(2026, 11, 1)],
                         "municipality_satisfaction": [4, 3], "community_satisfaction": [4, None]})
    spec = charts.satisfaction(meet, "en").to_dict()
    data = [d for d in spec["datasets"].values() if d and "party" in d[0]][0]
    assert sorted({r["party"] for r in data}) == ["Municipality", "Village community"]
    assert len(data) == 3          # a missing score is left out, not drawn as 0


def test_completing_needs_a_reason():
    f = facts(step=4, has_exit_plan=True, safeguarding=3, line_history={"safeguarding": [3]})
    with pytest.raises(Invalid) as e:
        moves.plan(f, "advance")
    assert "afronden" in e.value.problems["reason"]
    assert moves.plan(f, "advance", reason="Stichting neemt het over").to_status == "completed"
