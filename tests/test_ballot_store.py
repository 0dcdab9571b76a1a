"""The live ballot in the store: what a code opens, single use (also with many voters at
once), anonymity by design, throttling of guessed codes, choices, closing."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from conftest import LEAD, STEERING, user_of

from dorp import ballot as rules
from dorp.access import AccessDenied
from dorp.errors import Invalid
from dorp.repo import ballot, steps

pytestmark = pytest.mark.both_stores
TODAY = date(2026, 11, 29)


def _round(db, villages=("Appeldorp", "Beekdorp", "Cederdorp"), choices=1, codes=10,
           hours=12):
    lead = user_of(db, LEAD)
    mid = steps.add_start_meeting(db, lead, "Stemgemeente", TODAY, 30, 1, None, TODAY)
    for v in villages:
        steps.add_pitch(db, lead, mid, v, None)
    rid = ballot.open_meeting_round(db, lead, mid, choices=choices, valid_hours=hours)
    return mid, rid, ballot.issue_codes(db, lead, rid, codes)


def _tallies(db, rid) -> dict[str, int]:
    return {r["label"]: r["votes"] for r in db.rows(
        "SELECT o.label, t.votes FROM ballot_tallies t JOIN ballot_options o ON o.id = t.option_id"
        " WHERE t.round_id = ?", [rid])}


def test_a_code_opens_only_its_rounds_options(demo_db):
    _, rid, codes = _round(demo_db)
    b = ballot.ballot_for_code(demo_db, codes[0].lower()[:4] + "-" + codes[0][4:], "c")
    assert b.state == "open" and b.round_id == rid
    assert [label for _, label in b.options] == ["Appeldorp", "Beekdorp", "Cederdorp"]
    assert ballot.ballot_for_code(demo_db, "ZZZZZZZZ", "c").state == "unknown"
    assert ballot.ballot_for_code(demo_db, "nope", "c").state == "unknown"
    assert ballot.ballot_for_code(demo_db, "", "c").state == "malformed"


def test_single_use_and_states(demo_db):
    _, rid, codes = _round(demo_db)
    b = ballot.ballot_for_code(demo_db, codes[0], "c")
    first = b.options[0][0]
    assert ballot.cast(demo_db, codes[0], [first], "c").state == "counted"
    assert ballot.cast(demo_db, codes[0], [first], "c").state == "used"
    assert ballot.ballot_for_code(demo_db, codes[0], "c").state == "used"
    assert _tallies(demo_db, rid) == {"Appeldorp": 1, "Beekdorp": 0, "Cederdorp": 0}
    # an option of another round, none, too many: refused, the code still unused
    assert ballot.cast(demo_db, codes[1], [999999], "c").state == "unknown"
    assert ballot.cast(demo_db, codes[1], [], "c").state == "none"
    assert ballot.cast(demo_db, codes[1], [first, b.options[1][0]], "c").state == "too_many"
    assert ballot.ballot_for_code(demo_db, codes[1], "c").state == "open"
    # expired codes, then a closed round
    later = datetime.now() + timedelta(hours=13)
    assert ballot.ballot_for_code(demo_db, codes[1], "c", now=later).state == "expired"
    assert ballot.cast(demo_db, codes[1], [first], "c", now=later).state == "expired"
    lead = user_of(demo_db, LEAD)
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    assert ballot.cast(demo_db, codes[1], [first], "c").state == "closed"
    assert _tallies(demo_db, rid) == {"Appeldorp": 1, "Beekdorp": 0, "Cederdorp": 0}
    with pytest.raises(Invalid):
        ballot.issue_codes(demo_db, lead, rid, 5)


def test_several_choices_each_count_once(demo_db):
    _, rid, codes = _round(demo_db, choices=2)
    b = ballot.ballot_for_code(demo_db, codes[0], "c")
    a, c = b.options[0][0], b.options[2][0]
    assert ballot.cast(demo_db, codes[0], [a, c, a], "c").state == "counted"
    assert ballot.cast(demo_db, codes[1], [c], "c").state == "counted"
    assert _tallies(demo_db, rid) == {"Appeldorp": 1, "Beekdorp": 0, "Cederdorp": 2}


def test_one_code_many_taps_at_once_counts_once(demo_db):
    _, rid, codes = _round(demo_db)
    option = ballot.ballot_for_code(demo_db, codes[0], "c").options[1][0]
    states: list[str] = []
    barrier = threading.Barrier(24)

    def tap():
        barrier.wait()
        states.append(ballot.cast(demo_db, codes[0], [option], "c").state)

    threads = [threading.Thread(target=tap) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert states.count("counted") == 1 and states.count("used") == 23
    assert sum(_tallies(demo_db, rid).values()) == 1


def test_many_voters_at_once_none_lost_none_twice(demo_db):
    _, rid, codes = _round(demo_db, codes=120)
    options = [o for o, _ in ballot.ballot_for_code(demo_db, codes[0], "c").options]
    states: list[str] = []
    barrier = threading.Barrier(len(codes))

    def vote(k, code):
        barrier.wait()
        states.append(ballot.cast(demo_db, code, [options[k % 3]], f"client{k % 7}").state)

    threads = [threading.Thread(target=vote, args=(k, c)) for k, c in enumerate(codes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert states == ["counted"] * 120
    assert _tallies(demo_db, rid) == {"Appeldorp": 40, "Beekdorp": 40, "Cederdorp": 40}
    assert demo_db.scalar("SELECT count(*) FROM ballot_codes WHERE round_id = ? AND used",
                          [rid]) == 120


def test_anonymous_by_design(demo_db, store):
    """Used codes and counted choices apart: no shared column, no id from the sequence, no
    time; a vote writes no audit entry; the codes themselves are nowhere in the store."""
    cols = lambda table: [r["column_name"] for r in demo_db.rows(  # noqa: E731
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
        " AND table_schema = current_schema() ORDER BY ordinal_position", [table])]
    assert cols("ballot_codes") == ["code_hash", "round_id", "used"]
    assert cols("ballot_tallies") == ["round_id", "option_id", "votes"]
    _, rid, codes = _round(demo_db, codes=6)
    options = [o for o, _ in ballot.ballot_for_code(demo_db, codes[0], "c").options]
    audit_before = demo_db.scalar("SELECT count(*) FROM audit_log")
    order_before = [r["code_hash"] for r in demo_db.rows(
        "SELECT code_hash FROM ballot_codes WHERE round_id = ?", [rid])]
    for k, code in enumerate(reversed(codes[:4])):
        assert ballot.cast(demo_db, code, [options[k % 2]], "c").state == "counted"
    assert demo_db.scalar("SELECT count(*) FROM audit_log") == audit_before
    # DuckDB: the codes keep the order they were issued in, using one leaves no trace of
    # when. (PostgreSQL writes a changed row anew, so its physical order shows the order in
    # which codes were used, never what they chose: the counts have no order.)
    if store == "duckdb":
        assert [r["code_hash"] for r in demo_db.rows(
            "SELECT code_hash FROM ballot_codes WHERE round_id = ?", [rid])] == order_before
    stored = " ".join(str(v) for r in demo_db.rows("SELECT * FROM ballot_codes") for v in r.values())
    audit = " ".join(str(r["after"]) for r in demo_db.rows("SELECT after FROM audit_log"))
    for code in codes:
        assert code not in stored and code not in audit
        assert rules.code_hash(code) in stored


def test_guessing_codes_is_throttled_per_client_and_in_all(demo_db, monkeypatch):
    _, rid, codes = _round(demo_db)
    for _ in range(rules.CLIENT_LIMIT):
        assert ballot.ballot_for_code(demo_db, "ZZZZZZZZ", "10.0.0.9").state == "unknown"
    b = ballot.ballot_for_code(demo_db, codes[0], "10.0.0.9")
    assert b.state == "throttled" and 1 <= b.wait_minutes <= 10
    assert ballot.cast(demo_db, codes[0], [1], "10.0.0.9").state == "throttled"
    # another phone in the hall still votes
    assert ballot.ballot_for_code(demo_db, codes[0], "10.0.0.10").state == "open"
    # many addresses together hit the global limit
    monkeypatch.setattr(rules, "GLOBAL_LIMIT", rules.CLIENT_LIMIT + 5)
    for k in range(5):
        ballot.ballot_for_code(demo_db, "ZZZZZZZZ", f"10.1.0.{k}")
    assert ballot.ballot_for_code(demo_db, codes[0], "10.2.0.1").state == "throttled"
    # the next window starts afresh
    later = datetime.now() + rules.WINDOW
    assert ballot.ballot_for_code(demo_db, codes[0], "10.0.0.9", now=later).state == "open"
    assert not demo_db.scalar("SELECT count(*) FROM ballot_failures WHERE bucket LIKE '%10.0.0%'")


def test_turnout_but_no_results_while_open_and_only_for_leads(demo_db):
    mid, rid, codes = _round(demo_db)
    lead = user_of(demo_db, LEAD)
    opt = ballot.ballot_for_code(demo_db, codes[0], "c").options[0][0]
    ballot.cast(demo_db, codes[0], [opt], "c")
    assert ballot.turnout(demo_db, lead, rid)["cast"] == 1
    assert ballot.turnout(demo_db, lead, rid)["issued"] == 10
    with pytest.raises(Invalid):
        ballot.results(demo_db, lead, rid)
    steering = user_of(demo_db, STEERING)
    for fn in (ballot.turnout, ballot.get_round):
        with pytest.raises(AccessDenied):
            fn(demo_db, steering, rid)
    with pytest.raises(AccessDenied):
        ballot.open_meeting_round(demo_db, steering, mid)
    with pytest.raises(Invalid) as e:   # one open round per meeting
        ballot.open_meeting_round(demo_db, lead, mid)
    assert "loopt al" in e.value.problems["round"]


def test_closing_makes_the_meeting_tally_with_its_rules(demo_db):
    mid, rid, codes = _round(demo_db, villages=("Appeldorp", "Beekdorp", "Cederdorp", "Dijkdorp"))
    lead = user_of(demo_db, LEAD)
    opts = [o for o, _ in ballot.ballot_for_code(demo_db, codes[0], "c").options]
    for code, k in zip(codes, [0, 1, 0, 1]):    # Appeldorp 2, Beekdorp 2: a tie for one seat
        ballot.cast(demo_db, code, [opts[k]], "c")
    res = ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    assert res.needs_decision and not res.chosen
    pit = steps.pitches(demo_db, lead, mid).set_index("village")
    assert list(pit["votes"]) == [2, 2, 0, 0] and not pit["chosen"].any()
    assert ballot.get_round(demo_db, lead, rid)["applied"]
    with pytest.raises(Invalid):
        ballot.close(demo_db, lead, rid, None)
    # the tie is decided on the start meeting, with a reason, as before
    meeting = steps.start_meeting(demo_db, lead, mid)
    steps.decide_tie(demo_db, lead, mid, [int(pit.loc["Beekdorp", "village_id"])],
                     "Beekdorp heeft al een dorpshuis", meeting["version"])
    assert bool(steps.pitches(demo_db, lead, mid).set_index("village").loc["Beekdorp", "chosen"])


def test_a_round_needs_two_options_and_sane_settings(demo_db):
    lead = user_of(demo_db, LEAD)
    mid = steps.add_start_meeting(demo_db, lead, "Eengemeente", TODAY, 5, 1, None, TODAY)
    steps.add_pitch(demo_db, lead, mid, "Enigdorp", None)
    with pytest.raises(Invalid) as e:
        ballot.open_meeting_round(demo_db, lead, mid, choices=3, valid_hours=0)
    assert set(e.value.problems) == {"options", "choices", "valid_hours"}
    _, rid, _ = _round(demo_db)
    for n in (0, rules.MAX_CODES + 1):
        with pytest.raises(Invalid):
            ballot.issue_codes(demo_db, lead, rid, n)


def test_a_round_without_votes_chooses_nobody(demo_db):
    mid, rid, _ = _round(demo_db)
    lead = user_of(demo_db, LEAD)
    res = ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    assert not res.chosen and not res.needs_decision
    pit = steps.pitches(demo_db, lead, mid)
    assert list(pit["votes"]) == [0, 0, 0] and not pit["chosen"].any() and not pit["has_pilot"].any()
    assert {x["outcome"] for x in ballot.outcome(demo_db, lead, rid)["rows"]} == {"not_chosen"}
