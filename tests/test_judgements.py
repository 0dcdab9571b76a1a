"""`dorp status` on villages built on the corners of each rule (INTERFACES.md), loaded the way
an imported workbook is: the latest records taken as a whole, gates judged the day before, on
and after the facts of the day of entry, "mag dit?" first, alerts per status, zero votes."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from dorp import status
from dorp.access import SYSTEM
from dorp.repo import bulk

TODAY = date(2026, 11, 29)
ENTRY = date(2026, 6, 1)
DAY = timedelta(days=1)


def programme(*villages: dict) -> dict[str, pd.DataFrame]:
    """Exchange tables of a programme whose villages are given as dicts of sheet -> rows
    (without the village column); each village gets a pilot row from its "pilot" entry."""
    t: dict[str, list[dict]] = {"programme": [{"name": "Hoeken", "funder": "Provincie"}],
                                "villages": [], "pilots": []}
    for i, v in enumerate(villages):
        name = v.get("name", f"Dorp {i}")
        t["villages"].append({"village": name, "municipality": "Gemeente"})
        t["pilots"].append({"village": name, **v["pilot"]})
        for sheet, rows in v.items():
            if sheet in ("name", "pilot"):
                continue
            t.setdefault(sheet, []).extend({"village": name, **r} for r in rows)
    return {k: pd.DataFrame(rows) for k, rows in t.items()}


def judged(empty_db, *villages: dict, today: date = TODAY) -> dict[str, dict]:
    bulk.replace_all(empty_db, SYSTEM, programme(*villages), replace=False)
    return {p["village"]: p for p in status.status(empty_db, SYSTEM, today)["pilots"]}


def vote(votes=30, chosen=True, on=date(2026, 1, 10)):
    return [{"meeting_date": on, "municipality": "Gemeente", "votes": votes, "chosen": chosen}]


CONSENT = [{"party": "municipality", "given_on": date(2026, 2, 1)},
           {"party": "community", "given_on": date(2026, 2, 2)}]
MEMBERS = [{"name": "A", "party": "municipality", "from_date": date(2026, 3, 1)},
           {"name": "B", "party": "community", "from_date": date(2026, 3, 1)}]


def into(step, on=ENTRY, **kw):
    return {"from_step": step - 1, "to_step": step, "from_status": "active",
            "to_status": "active", "moved_on": on, **kw}


def assessment(on, w=4, a=4, may=True, pv=None, pm=None):
    return {"assessed_on": on, "willingness": w, "ability": a, "may_ok": may,
            "presented_village_on": pv, "presented_municipality_on": pm}


def step3(name, mbc, moves=True, **extra):
    v = {"name": name, "pilot": {"step": 3, "status": "active"}, "votes": vote(),
         "consent": CONSENT, "mbc": mbc, "steering_members": MEMBERS,
         "steering_meetings": [{"date": TODAY - 5 * DAY, "municipality_satisfaction": 4,
                                "community_satisfaction": 4}]}
    if moves:
        v["step_moves"] = [into(2, date(2026, 3, 1)), into(3)]
    v.update(extra)
    return v


# --- point 1: step 3, the latest mBc as a whole, judged on the day of entry ---------------------------

@pytest.mark.parametrize("offset,gate", [(-1, False), (0, False), (1, True)])
def test_step3_gate_presented_before_on_after_the_day_of_entry(empty_db, offset, gate):
    d = ENTRY + offset * DAY
    got = judged(empty_db, step3("X", [assessment(ENTRY - 30 * DAY, pv=d, pm=d)]))["X"]
    assert ("gate_unmet" in got["alerts"]) is gate


@pytest.mark.parametrize("offset,gate", [(-1, False), (0, False), (1, True)])
def test_step3_gate_assessed_before_on_after_the_day_of_entry(empty_db, offset, gate):
    """An assessment after the day of entry does not count for that entry."""
    d = ENTRY + offset * DAY
    got = judged(empty_db, step3("X", [assessment(d, pv=d, pm=d)]))["X"]
    assert ("gate_unmet" in got["alerts"]) is gate


def test_an_older_presented_assessment_does_not_count_for_a_newer_one(empty_db):
    old = assessment(ENTRY - 60 * DAY, pv=ENTRY - 50 * DAY, pm=ENTRY - 50 * DAY)
    new = assessment(ENTRY - 10 * DAY, w=5, a=5)                   # never presented
    got = judged(empty_db, step3("X", [old, new]))["X"]
    assert "gate_unmet" in got["alerts"]
    assert got["mbc"] == {"willingness": 5, "ability": 5, "may": True, "verdict": "go"}


def test_a_new_unpresented_assessment_after_entry_is_no_gate_unmet(empty_db):
    ok = assessment(ENTRY - 10 * DAY, pv=ENTRY - 5 * DAY, pm=ENTRY - 5 * DAY)
    later = assessment(TODAY - 20 * DAY, w=2, a=2)
    got = judged(empty_db, step3("X", [ok, later]))["X"]
    assert got["alerts"] == ["mbc_no_go"]
    assert got["mbc"]["verdict"] == "no_go" and got["advised_mode"] == "none"


def test_without_a_recorded_move_the_gate_is_judged_on_todays_records(empty_db):
    ok = assessment(ENTRY - 10 * DAY, pv=ENTRY - 5 * DAY, pm=ENTRY - 5 * DAY)
    later = assessment(TODAY - 20 * DAY, w=4, a=4)                 # today's latest: unpresented
    got = judged(empty_db, step3("X", [ok, later], moves=False))["X"]
    assert got["alerts"] == ["gate_unmet"]


def test_a_pause_after_entry_is_no_new_entry(empty_db):
    pause = {"from_step": 3, "to_step": 3, "from_status": "active", "to_status": "paused",
             "moved_on": TODAY - 10 * DAY}
    resume = dict(pause, from_status="paused", to_status="active", moved_on=TODAY - 5 * DAY)
    ok = assessment(ENTRY - 10 * DAY, pv=ENTRY - 5 * DAY, pm=ENTRY - 5 * DAY)
    later = assessment(TODAY - 20 * DAY)                           # unpresented, after entry
    v = step3("X", [ok, later])
    v["step_moves"] += [pause, resume]
    assert judged(empty_db, v)["X"]["alerts"] == []


def test_moves_without_from_step_count_by_the_move_before(empty_db):
    """An imported timeline with only to_step: a move is into a step when the move before it
    was elsewhere."""
    bare = [{"to_step": 1, "to_status": "active", "moved_on": date(2026, 1, 10)},
            {"to_step": 2, "to_status": "active", "moved_on": date(2026, 3, 1)},
            {"to_step": 3, "to_status": "active", "moved_on": ENTRY},
            {"to_step": 3, "to_status": "paused", "moved_on": TODAY - 3 * DAY}]
    ok = assessment(ENTRY - 10 * DAY, pv=ENTRY - 5 * DAY, pm=ENTRY - 5 * DAY)
    later = assessment(TODAY - 20 * DAY)
    v = step3("X", [ok, later], step_moves=bare)
    v["pilot"] = {"step": 3, "status": "paused"}
    assert judged(empty_db, v)["X"]["alerts"] == []


def test_an_override_on_the_move_in_silences_gate_unmet(empty_db):
    v = step3("X", [assessment(ENTRY - 10 * DAY)])
    v["step_moves"] = [into(2, date(2026, 3, 1)), into(3, override=True)]
    assert judged(empty_db, v)["X"]["alerts"] == []


# --- point 2: step 4, the latest meeting as of the day of entry ------------------------------------

def step4(name, meetings, moves=True, **extra):
    v = {"name": name, "pilot": {"step": 4, "status": "active"}, "votes": vote(),
         "consent": CONSENT, "mbc": [assessment(date(2026, 3, 1), pv=date(2026, 3, 5),
                                                 pm=date(2026, 3, 6))],
         "steering_members": MEMBERS, "steering_meetings": meetings,
         "safeguarding": [{"exit_date": date(2027, 6, 1), "successor": "Stichting"}],
         "line_scores": [{"line": ln, "date": TODAY - 3 * DAY, "score": 4}
                         for ln in ("broad_support", "target_group", "village_strength",
                                    "informal_formal", "safeguarding")]}
    if moves:
        v["step_moves"] = [into(3, date(2026, 4, 1)), into(4)]
    v.update(extra)
    return v


def meet(on, m, c):
    return {"date": on, "municipality_satisfaction": m, "community_satisfaction": c}


@pytest.mark.parametrize("offset,gate", [(-1, False), (0, False), (1, True)])
def test_step4_satisfied_meeting_before_on_after_the_day_of_entry(empty_db, offset, gate):
    got = judged(empty_db, step4("X", [meet(ENTRY + offset * DAY, 4, 3)]))["X"]
    assert ("gate_unmet" in got["alerts"]) is gate


def test_a_satisfied_past_does_not_outweigh_a_dissatisfied_latest_meeting(empty_db):
    got = judged(empty_db, step4("X", [meet(ENTRY - 40 * DAY, 4, 4),
                                       meet(ENTRY - 5 * DAY, 4, 2)]))["X"]
    assert sorted(got["alerts"]) == ["gate_unmet", "steering_dissatisfied"]
    assert got["steering_group"]["both_satisfied"] is False


def test_dissatisfied_after_entry_is_its_own_alert(empty_db):
    got = judged(empty_db, step4("X", [meet(ENTRY - 5 * DAY, 4, 4),
                                       meet(TODAY - 5 * DAY, 2, 4)]))["X"]
    assert got["alerts"] == ["steering_dissatisfied"]


def test_the_steering_group_as_of_the_day_of_entry(empty_db):
    late = [{"name": "A", "party": "municipality", "from_date": ENTRY + DAY},
            {"name": "B", "party": "community", "from_date": date(2026, 3, 1)}]
    got = judged(empty_db, step4("X", [meet(ENTRY - 5 * DAY, 4, 4)], steering_members=late))["X"]
    assert got["alerts"] == ["gate_unmet"]
    assert got["steering_group"]["has_municipality"] is True          # today: complete


@pytest.mark.parametrize("first,last,satisfied", [((2, 2), (4, 4), True), ((4, 4), (2, 4), False)])
def test_same_day_meetings_the_one_entered_last_counts(empty_db, first, last, satisfied):
    got = judged(empty_db, step4("X", [meet(ENTRY - 5 * DAY, 4, 4), meet(TODAY - 2 * DAY, *first),
                                       meet(TODAY - 2 * DAY, *last)]))["X"]
    assert got["steering_group"]["both_satisfied"] is satisfied
    assert ("steering_dissatisfied" in got["alerts"]) is not satisfied


# --- point 4 and 5: "mag dit?" first, pending while undecidable ------------------------------------

@pytest.mark.parametrize("w,a,may,verdict,mode", [
    (5, 5, False, "no_go", "discourage"),
    (None, None, False, "no_go", "discourage"),
    (4, 2, None, "go", "support"),
    (2, None, True, "pending", None),
    (None, 1, None, "pending", None),
    (None, 3, True, "go", None),
    (2, 2, True, "no_go", "none"),
])
def test_verdict_and_mode_of_the_latest_assessment(empty_db, w, a, may, verdict, mode):
    v = {"name": "X", "pilot": {"step": 2, "status": "active"}, "votes": vote(),
         "consent": CONSENT, "mbc": [assessment(date(2026, 3, 1), 5, 5, True),
                                     assessment(date(2026, 9, 1), w, a, may)],
         "step_moves": [into(2)]}
    got = judged(empty_db, v)["X"]
    assert got["mbc"] == {"willingness": w, "ability": a, "may": may, "verdict": verdict}
    assert got["advised_mode"] == mode
    assert ("mbc_no_go" in got["alerts"]) is (verdict == "no_go")


# --- point 6: alerts only where someone can act ------------------------------------------------------

@pytest.mark.parametrize("status_,expected", [
    ("active", ["consent_missing", "gate_unmet", "mbc_no_go", "stale"]),
    ("paused", ["consent_missing", "gate_unmet"]),
    ("stopped", []),
    ("completed", []),
])
def test_alerts_per_status(empty_db, status_, expected):
    v = {"name": "X", "pilot": {"step": 2, "status": status_}, "votes": vote(),
         "consent": CONSENT[:1], "mbc": [assessment(date(2026, 3, 1), 1, 1)],
         "step_moves": [into(2, date(2026, 3, 1))]}
    assert judged(empty_db, v)["X"]["alerts"] == expected


def test_a_completed_pilot_with_low_lines_raises_nothing(empty_db):
    v = step4("X", [meet(ENTRY - 5 * DAY, 4, 4)])
    v["pilot"] = {"step": 4, "status": "completed"}
    v["line_scores"] = [{"line": "broad_support", "date": TODAY - 90 * DAY, "score": 5},
                        {"line": "broad_support", "date": TODAY - 3 * DAY, "score": 1}]
    assert judged(empty_db, v)["X"]["alerts"] == []


# --- point 7: the vote -------------------------------------------------------------------------------

@pytest.mark.parametrize("votes,reason,gate", [(0, None, True), (0, "Loting na gelijke stand", False),
                                              (12, None, False), (None, None, False)])
def test_a_village_without_votes_is_chosen_only_by_a_decision_with_a_reason(
        empty_db, votes, reason, gate):
    v = {"name": "X", "pilot": {"step": 2, "status": "active"},
         "votes": vote(votes=votes), "consent": CONSENT,
         "start_meetings": [{"meeting_date": date(2026, 1, 10), "municipality": "Gemeente",
                             "seats": 1, "tie_decision": "X" if reason else None,
                             "tie_reason": reason}],
         "step_moves": [into(2)]}
    got = judged(empty_db, v)["X"]
    assert ("gate_unmet" in got["alerts"]) is gate
