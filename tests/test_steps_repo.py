"""The four steps in the data layer: a new pilot from start meeting to execution, ties, bad
input refused with nothing half-saved, roles enforced, every move kept and audited, and
`dorp status --json` reflecting it all."""

from datetime import date, timedelta

import pytest

from dorp import status
from dorp.access import SYSTEM, AccessDenied
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.moves import GateUnmet
from dorp.repo import moves, steps
from tests.conftest import AS_OF, STEERING, user_of

pytestmark = pytest.mark.both_stores

TODAY = AS_OF
LEAD = SYSTEM
D = TODAY - timedelta(days=60)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def pilot_json(db, name):
    return next(p for p in status.status(db, LEAD, TODAY)["pilots"] if p["village"] == name)


def meeting_with_pitches(db, votes: dict, seats=1, municipality="Berkelland"):
    mid = steps.add_start_meeting(db, LEAD, municipality, D, 40, seats, "Volle zaal", TODAY)
    for v in votes:
        steps.add_pitch(db, LEAD, mid, v, f"{v} wil zorg dichtbij")
    pit = steps.pitches(db, LEAD, mid)
    return mid, {r.village: int(r.id) for r in pit.itertuples()}


def count_rows(db):
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in (
        "start_meetings", "pitches", "villages", "pilots", "consent", "mbc", "steering_members",
        "steering_meetings", "step_moves", "audit_log", "working_modes", "safeguarding")}


def test_a_new_pilot_from_start_meeting_to_execution(empty_db):
    db = empty_db
    mid, pitch = meeting_with_pitches(db, {"Eibergen": 31, "Neede": 12, "Borculo": 9})
    meeting = steps.start_meeting(db, LEAD, mid)
    res = steps.record_votes(db, LEAD, mid, {pitch["Eibergen"]: 31, pitch["Neede"]: 12,
                                             pitch["Borculo"]: 9}, 1, meeting["version"])
    v = vid(db, "Eibergen")
    assert res.chosen == {v} and not res.needs_decision
    # the chosen village got a pilot in step 1 and its first move; the others did not
    assert db.scalar("SELECT count(*) FROM pilots") == 1
    tl = moves.timeline(db, LEAD, v)
    assert list(tl.to_step) == [1] and tl.reason[0] == steps.CHOSEN_REASON
    j = pilot_json(db, "Eibergen")
    assert (j["step"], j["status"], j["municipality"]) == (1, "active", "Berkelland")

    # step 1 -> 2 needs both consents: refused, listing what is missing
    with pytest.raises(GateUnmet) as e:
        moves.move(db, LEAD, v, "advance", None, False, TODAY)
    assert e.value.missing == ["consent_municipality", "consent_community"]
    steps.add_consent(db, LEAD, v, "municipality", D + timedelta(days=5), "College van B&W", TODAY)
    steps.add_consent(db, LEAD, v, "community", D + timedelta(days=9), "Dorpsraad", TODAY)
    moves.move(db, LEAD, v, "advance", None, False, TODAY)
    assert pilot_json(db, "Eibergen")["step"] == 2

    # step 2: the mBc; a go that is not yet presented blocks the move to step 3
    steps.add_mbc(db, LEAD, v, assessed_on=D + timedelta(days=20), may_ok=True, may_note="Mag",
                  willingness=4, willingness_source="residents", willingness_evidence="Gesprekken",
                  ability=2, ability_source="professionals", ability_evidence="Wijkteam",
                  opportunities="- Dorpshuis\n\n- Kerk", resistances="Weinig vrijwilligers",
                  presented_village_on=None, presented_municipality_on=None, today=TODAY)
    j = pilot_json(db, "Eibergen")
    assert j["mbc"] == {"willingness": 4, "ability": 2, "may": True, "verdict": "go"}
    assert j["advised_mode"] == "support"
    with pytest.raises(GateUnmet) as e:
        moves.move(db, LEAD, v, "advance", None, False, TODAY)
    assert e.value.missing == ["mbc_not_presented_village", "mbc_not_presented_municipality"]
    m = steps.mbcs(db, LEAD, v).iloc[-1]
    assert m.opportunities == "Dorpshuis\nKerk"
    steps.set_presented(db, LEAD, int(m.id), D + timedelta(days=25), D + timedelta(days=26),
                        int(m.version), TODAY)
    moves.move(db, LEAD, v, "advance", "", False, TODAY)

    # step 3: the steering group; both parties and a satisfied meeting
    steps.add_member(db, LEAD, v, "Anna Wethouder", "Gemeente Berkelland", "municipality",
                     "wethouder", D, None)
    assert pilot_json(db, "Eibergen")["steering_group"]["has_community"] is False
    assert "steering_incomplete" in pilot_json(db, "Eibergen")["alerts"]
    steps.add_member(db, LEAD, v, "Bert Dorpsraad", "Dorpsraad", "community", "voorzitter", D, None)
    steps.add_meeting(db, LEAD, v, D + timedelta(days=40), 2, 4, "Start", None, TODAY)
    j = pilot_json(db, "Eibergen")
    assert j["steering_group"] == {"has_municipality": True, "has_community": True,
                                   "both_satisfied": False}
    assert "steering_dissatisfied" in j["alerts"]
    with pytest.raises(GateUnmet):
        moves.move(db, LEAD, v, "advance", None, False, TODAY)
    mt = steps.add_meeting(db, LEAD, v, D + timedelta(days=50), 4, 3, "Door", "Goed", TODAY)
    steps.add_action(db, LEAD, mt, "Bewonersavond plannen", "Dorpsraad", D + timedelta(days=80))
    moves.move(db, LEAD, v, "advance", None, False, TODAY)

    # step 4: execution
    steps.add_mode(db, LEAD, v, "support", TODAY, "Bereid maar nog niet bekwaam", TODAY)
    steps.add_mode(db, LEAD, v, "motivate", TODAY, "Jongeren erbij halen", TODAY)
    steps.add_initiative(db, LEAD, v, "Samen eten", "idea", "Elke week", TODAY, TODAY)
    steps.add_partner(db, LEAD, v, "huisarts", "Huisartsenpraktijk", True, None)
    j = pilot_json(db, "Eibergen")
    assert (j["step"], j["modes"]) == (4, ["motivate", "support"])
    assert "no_exit_plan" in j["alerts"]
    steps.save_safeguarding(db, LEAD, v, TODAY + timedelta(days=365), "Stichting Eibergen Zorgt",
                            "Coördinatie", None, None)
    j = pilot_json(db, "Eibergen")
    assert "no_exit_plan" not in j["alerts"] and "gate_unmet" not in j["alerts"]
    assert j["steering_group"]["both_satisfied"] is True

    tl = moves.timeline(db, LEAD, v)
    assert list(tl.to_step)[::-1] == [1, 2, 3, 4]
    assert not tl.override.any()
    # every move is audited as a move
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'move' AND village_id = ?",
                     [v]) == 3


def test_a_tie_is_flagged_and_decided_by_the_lead_with_a_reason(empty_db):
    db = empty_db
    mid, pitch = meeting_with_pitches(db, {"Ruurlo": 0, "Lochem": 0, "Gorssel": 0}, seats=2,
                                      municipality="Lochem")
    ver = steps.start_meeting(db, LEAD, mid)["version"]
    res = steps.record_votes(db, LEAD, mid, {pitch["Ruurlo"]: 25, pitch["Lochem"]: 14,
                                             pitch["Gorssel"]: 14}, 2, ver)
    assert res.needs_decision and res.chosen == {vid(db, "Ruurlo")}
    assert res.tied == {vid(db, "Lochem"), vid(db, "Gorssel")} and res.open_seats == 1
    # the clear winner got its pilot; the tied villages wait for the decision
    assert db.scalar("SELECT count(*) FROM pilots") == 1
    ver = steps.start_meeting(db, LEAD, mid)["version"]
    with pytest.raises(Invalid) as e:
        steps.decide_tie(db, LEAD, mid, [vid(db, "Lochem"), vid(db, "Gorssel")], "", ver)
    assert set(e.value.problems) == {"tie", "tie_reason"}
    with pytest.raises(Invalid) as e:
        steps.decide_tie(db, LEAD, mid, [vid(db, "Ruurlo")], "Loting in de zaal", ver)
    assert "tie" in e.value.problems
    created = steps.decide_tie(db, LEAD, mid, [vid(db, "Gorssel")], "Loting in de zaal", ver)
    assert created == [vid(db, "Gorssel")]
    m = steps.start_meeting(db, LEAD, mid)
    assert (m["tie_decision"], m["tie_reason"]) == ("Gorssel", "Loting in de zaal")
    chosen = set(steps.pitches(db, LEAD, mid).query("chosen").village)
    assert chosen == {"Ruurlo", "Gorssel"}
    # no tie left to decide
    with pytest.raises(Invalid):
        steps.decide_tie(db, LEAD, mid, [vid(db, "Lochem")], "Nog een keer", m["version"])


def test_a_stale_vote_form_is_refused(empty_db):
    db = empty_db
    mid, pitch = meeting_with_pitches(db, {"Haarlo": 1})
    ver = steps.start_meeting(db, LEAD, mid)["version"]
    steps.record_votes(db, LEAD, mid, {pitch["Haarlo"]: 12}, 1, ver)
    with pytest.raises(StaleVersion):
        steps.record_votes(db, LEAD, mid, {pitch["Haarlo"]: 13}, 1, ver)


def test_pitch_rules(demo_db):
    db = demo_db
    mid = steps.add_start_meeting(db, LEAD, "Bronckhorst", TODAY, 12, 1, None, TODAY)
    with pytest.raises(Invalid) as e:
        steps.add_pitch(db, LEAD, mid, "Laren", None)       # Laren lies in Lochem
    assert "Lochem" not in e.value.problems["village"] and "Bronckhorst" in e.value.problems["village"]
    steps.add_pitch(db, LEAD, mid, "Hengelo (Gld)", "Al eerder")  # known village, same municipality
    with pytest.raises(Invalid):
        steps.add_pitch(db, LEAD, mid, "hengelo (gld)", "Nog eens")
    with pytest.raises(Invalid):
        steps.add_pitch(db, LEAD, mid, "   ", None)
    with pytest.raises(Invalid):
        steps.add_start_meeting(db, LEAD, "Bronckhorst", TODAY, 12, 1, None, TODAY)  # same day


@pytest.mark.parametrize("call,field", [
    (lambda db, v: steps.add_start_meeting(db, LEAD, "Berkelland", TODAY + timedelta(days=1), 5, 1,
                                           None, TODAY), "meeting_date"),
    (lambda db, v: steps.add_start_meeting(db, LEAD, "Berkelland", TODAY, -1, 1, None, TODAY),
     "residents_present"),
    (lambda db, v: steps.add_start_meeting(db, LEAD, "Berkelland", TODAY, 5, 0, None, TODAY), "seats"),
    (lambda db, v: steps.add_consent(db, LEAD, v, "community", TODAY + timedelta(days=3), "Dorpsraad",
                                     TODAY), "given_on"),
    (lambda db, v: steps.add_consent(db, LEAD, v, "province", TODAY, "x", TODAY), "party"),
    (lambda db, v: steps.add_member(db, LEAD, v, "Piet", "Club", None, None, None, None), "party"),
    (lambda db, v: steps.add_member(db, LEAD, v, "", "Club", "community", None, None, None), "name"),
    (lambda db, v: steps.add_meeting(db, LEAD, v, TODAY, 6, 3, None, None, TODAY),
     "municipality_satisfaction"),
    (lambda db, v: steps.add_meeting(db, LEAD, v, TODAY, 3, 0, None, None, TODAY),
     "community_satisfaction"),
    (lambda db, v: steps.add_meeting(db, LEAD, v, TODAY + timedelta(days=7), 3, 3, None, None, TODAY),
     "held_on"),
    (lambda db, v: steps.add_mode(db, LEAD, v, "facilitate", TODAY, "", TODAY), "reason"),
    (lambda db, v: steps.add_mode(db, LEAD, v, "command", TODAY, "x", TODAY), "mode"),
    (lambda db, v: steps.add_initiative(db, LEAD, v, "X", "bloom", None, None, TODAY), "phase"),
    (lambda db, v: steps.save_safeguarding(db, LEAD, v, None, "", None, None, None), "exit_date"),
])
def test_bad_input_is_refused_in_dutch_and_nothing_is_written(demo_db, call, field):
    db = demo_db
    v = vid(db, "Beesd")
    before = count_rows(db)
    with pytest.raises(Invalid) as e:
        call(db, v)
    assert field in e.value.problems
    assert all(msg and msg[0].isupper() for msg in e.value.problems.values())
    assert count_rows(db) == before


def test_an_initiative_name_once_per_village(demo_db):
    """The phase history (and a De Vonk idea taken on) names the initiative: a second one of
    the same name in the village is refused in Dutch; another village may use the name."""
    db = demo_db
    v = db.scalar("SELECT village_id FROM initiatives ORDER BY id LIMIT 1")
    name = db.scalar("SELECT name FROM initiatives WHERE village_id = ? ORDER BY id LIMIT 1", [v])
    before = count_rows(db)
    with pytest.raises(Invalid) as e:
        steps.add_initiative(db, LEAD, v, f" {name.upper()} ", "idea", None, None, TODAY)
    assert "al een initiatief met deze naam" in e.value.problems["name"]
    assert count_rows(db) == before
    other = db.scalar("SELECT min(id) FROM villages WHERE id <> ?", [v])
    assert steps.add_initiative(db, LEAD, other, name, "idea", None, None, TODAY)


def _mbc(db, v, **kw):
    args = dict(assessed_on=TODAY, may_ok=True, may_note=None, willingness=3,
                willingness_source="residents", willingness_evidence=None, ability=3,
                ability_source="statistics", ability_evidence=None, opportunities=None,
                resistances=None, presented_village_on=None, presented_municipality_on=None,
                today=TODAY)
    args.update(kw)
    return steps.add_mbc(db, LEAD, v, **args)


@pytest.mark.parametrize("kw,field", [
    (dict(willingness=6), "willingness"), (dict(ability=0), "ability"),
    (dict(willingness=None), "willingness"), (dict(ability=2.5), "ability"),
    (dict(willingness_source=None), "willingness_source"),
    (dict(may_ok=None), "may_ok"), (dict(may_ok=False), "may_note"),
    (dict(assessed_on=TODAY + timedelta(days=1)), "assessed_on"),
    (dict(presented_village_on=TODAY - timedelta(days=3)), "presented_village_on"),
])
def test_bad_mbc_is_refused(demo_db, kw, field):
    v = vid(demo_db, "Beesd")
    n = demo_db.scalar("SELECT count(*) FROM mbc")
    with pytest.raises(Invalid) as e:
        _mbc(demo_db, v, **kw)
    assert field in e.value.problems
    assert demo_db.scalar("SELECT count(*) FROM mbc") == n


def test_negative_votes_are_refused(empty_db):
    db = empty_db
    mid, pitch = meeting_with_pitches(db, {"Rekken": 0, "Noordijk": 0})
    ver = steps.start_meeting(db, LEAD, mid)["version"]
    with pytest.raises(Invalid) as e:
        steps.record_votes(db, LEAD, mid, {pitch["Rekken"]: -2, pitch["Noordijk"]: None}, 1, ver)
    assert set(e.value.problems) == {f"votes_{pitch['Rekken']}", f"votes_{pitch['Noordijk']}"}
    assert "nul of meer" in e.value.problems[f"votes_{pitch['Rekken']}"]
    assert db.scalar("SELECT count(*) FROM pilots") == 0


def test_no_go_closes_the_pilot_with_a_reason(demo_db):
    db = demo_db
    v = vid(db, "Dinxperlo")     # demo: willingness 2, ability 2 -> no go
    j = pilot_json(db, "Dinxperlo")
    assert j["mbc"]["verdict"] == "no_go" and "mbc_no_go" in j["alerts"]
    with pytest.raises(GateUnmet) as e:
        moves.move(db, LEAD, v, "advance", None, False, TODAY)
    assert "mbc_not_go" in e.value.missing
    with pytest.raises(Invalid):
        moves.move(db, LEAD, v, "stop", "", False, TODAY)
    moves.move(db, LEAD, v, "stop", "mBc no go: geen bereidheid en geen bekwaamheid", False, TODAY)
    j = pilot_json(db, "Dinxperlo")
    assert j["status"] == "stopped" and "mbc_no_go" not in j["alerts"]
    last = moves.timeline(db, LEAD, v).iloc[0]
    assert (last.to_status, last.from_status, last.moved_by) == ("stopped", "active", "systeem")


def test_override_is_kept_and_silences_the_gate_alert(demo_db):
    db = demo_db
    v = vid(db, "Beesd")        # demo: only the municipality consented
    with pytest.raises(Invalid):
        moves.move(db, LEAD, v, "advance", "", True, TODAY)
    moves.move(db, LEAD, v, "advance", "Dorpsraad stemde mondeling in; brief volgt", True, TODAY)
    j = pilot_json(db, "Beesd")
    assert j["step"] == 2 and "gate_unmet" not in j["alerts"] and "consent_missing" in j["alerts"]
    last = moves.timeline(db, LEAD, v).iloc[0]
    assert bool(last.override) and last.reason.startswith("Dorpsraad")
    audit = db.one("SELECT after FROM audit_log WHERE action = 'move' AND village_id = ?"
                   " ORDER BY id DESC LIMIT 1", [v])
    assert "consent_community" in audit["after"]
    # pause and resume keep the override of the stage: no gate alert pops up
    moves.move(db, LEAD, v, "pause", "Zomerstop", False, TODAY)
    assert pilot_json(db, "Beesd")["status"] == "paused"
    moves.move(db, LEAD, v, "resume", "Na de zomer verder", False, TODAY)
    assert "gate_unmet" not in pilot_json(db, "Beesd")["alerts"]


def test_completing_a_pilot(demo_db):
    db = demo_db
    v = vid(db, "Vorden")       # demo: step 4 with an exit plan and safeguarding 4
    moves.move(db, LEAD, v, "advance", "Borging geregeld", False, TODAY)
    j = pilot_json(db, "Vorden")
    assert (j["step"], j["status"]) == (4, "completed")
    with pytest.raises(Invalid):
        moves.move(db, LEAD, v, "advance", "nog verder", True, TODAY)


def test_steering_member_adds_meetings_for_own_village_only(demo_db):
    db = demo_db
    st = user_of(db, STEERING)
    vorden, laren = vid(db, "Vorden"), vid(db, "Laren")
    mt = steps.add_meeting(db, st, vorden, TODAY, 4, 4, "Doorgaan", "Prima", TODAY)
    steps.add_action(db, st, mt, "Verslag rondsturen", "Secretaris", None)
    a = steps.actions(db, st, vorden).query("description == 'Verslag rondsturen'").iloc[0]
    steps.set_action_done(db, st, int(a.id), True, int(a.version))
    assert db.scalar("SELECT updated_by FROM steering_meetings WHERE id = ?", [mt]) == STEERING
    for call in (
        lambda: steps.add_meeting(db, st, laren, TODAY, 4, 4, None, None, TODAY),
        lambda: steps.members(db, st, laren),
        lambda: steps.add_member(db, st, vorden, "X", None, "community", None, None, None),
        lambda: steps.add_consent(db, st, vorden, "community", TODAY, "Dorpsraad", TODAY),
        lambda: _mbc_as(db, st, vorden),
        lambda: steps.add_mode(db, st, vorden, "support", TODAY, "x", TODAY),
        lambda: steps.save_safeguarding(db, st, vorden, TODAY, "x", None, None, None),
        lambda: moves.move(db, st, vorden, "pause", "Even niet", False, TODAY),
        lambda: steps.add_start_meeting(db, st, "Bronckhorst", TODAY, 1, 1, None, TODAY),
        lambda: steps.start_meetings(db, st),
    ):
        with pytest.raises(AccessDenied):
            call()


def _mbc_as(db, user, v):
    return steps.add_mbc(db, user, v, assessed_on=TODAY, may_ok=True, may_note=None, willingness=3,
                         willingness_source="residents", willingness_evidence=None, ability=3,
                         ability_source="residents", ability_evidence=None, opportunities=None,
                         resistances=None, presented_village_on=None,
                         presented_municipality_on=None, today=TODAY)


def test_funder_cannot_read_step_details(demo_db):
    funder = user_of(demo_db, "provincie")
    v = vid(demo_db, "Vorden")
    for call in (steps.members, steps.meetings, steps.consent, steps.mbcs, moves.timeline):
        with pytest.raises(AccessDenied):
            call(demo_db, funder, v)


def test_one_mode_at_a_time_per_kind_and_ending_it(demo_db):
    db = demo_db
    v = vid(db, "Laren")        # demo: support in use (and no working groups with modes)
    with pytest.raises(Invalid):
        steps.add_mode(db, LEAD, v, "support", TODAY, "nog eens", TODAY)
    m = steps.modes(db, LEAD, v).iloc[0]
    with pytest.raises(Invalid):
        steps.end_mode(db, LEAD, int(m.id), date(2000, 1, 1), int(m.version), TODAY)
    steps.end_mode(db, LEAD, int(m.id), TODAY, int(m.version), TODAY)
    assert pilot_json(db, "Laren")["modes"] == []
