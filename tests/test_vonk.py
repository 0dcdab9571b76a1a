"""De Vonk in the data layer and on the pilot page: phases, ideas with initiators (lead and
own steering group only), jury with reason, the vote through a ballot round (ties, no votes
never win), prizes, aftercare, an idea becoming an initiative; funders see counts only."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FUNDER, LEAD, STEERING, form_widget, pilot_tab, user_of

from dorp.access import AccessDenied, User
from dorp.errors import Invalid
from dorp.repo import ballot, steps, vonk

pytestmark = pytest.mark.both_stores
TODAY = date(2026, 11, 29)


def _vid(db, name="Vorden") -> int:
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


IDEAS = ("Buurtbus", "Moestuin", "Koffie-ochtend")


def _contest(db, winners=1, ideas=IDEAS) -> tuple[int, list[int]]:
    lead = user_of(db, LEAD)
    cid = vonk.add_contest(db, lead, _vid(db), "De Vonk Vorden", TODAY, winners, TODAY)
    ids = [vonk.add_idea(db, lead, cid, title, "Samen doen", f"Bewoner {k}", TODAY, TODAY)
           for k, title in enumerate(ideas)]
    return cid, ids


def _kept(db, ids) -> None:
    lead = user_of(db, LEAD)
    for iid in ids:
        v = db.scalar("SELECT version FROM vonk_ideas WHERE id = ?", [iid])
        vonk.judge(db, lead, iid, True, "Past bij het dorp", v)


def _vote(db, cid, picks: list[int]) -> int:
    """A round for the contest where voter k chooses option picks[k] (an index)."""
    lead = user_of(db, LEAD)
    rid = ballot.open_contest_round(db, lead, cid)
    codes = ballot.issue_codes(db, lead, rid, len(picks))
    b = ballot.ballot_for_code(db, codes[0], "t")
    for code, pick in zip(codes, picks):
        assert ballot.cast(db, code, [b.options[pick][0]], "t").state == "counted"
    return rid


def test_phases_and_jury_with_reason(demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db)
    c = vonk.contest(demo_db, lead, cid)
    assert c["phase"] == "flying_start"
    with pytest.raises(Invalid) as e:
        vonk.set_phase(demo_db, lead, cid, "vote", c["version"])
    assert "jury" in e.value.problems["phase"]
    with pytest.raises(Invalid) as e:
        vonk.judge(demo_db, lead, ids[0], True, "", 1)
    assert "reden" in e.value.problems["jury_reason"]
    _kept(demo_db, ids[:2])
    vonk.set_phase(demo_db, lead, cid, "vote", c["version"])
    assert vonk.contest(demo_db, lead, cid)["phase"] == "vote"


def test_initiators_only_for_lead_and_own_steering_group(demo_db):
    cid, _ = _contest(demo_db)
    own = user_of(demo_db, STEERING)   # steering group of Vorden
    assert set(vonk.ideas(demo_db, own, cid)["initiator"]) == {"Bewoner 0", "Bewoner 1",
                                                               "Bewoner 2"}
    other = User("ander", "steering", frozenset({_vid(demo_db, "Laren")}))
    for who in (other, user_of(demo_db, FUNDER)):
        with pytest.raises(AccessDenied):
            vonk.ideas(demo_db, who, cid)
        with pytest.raises(AccessDenied):
            vonk.contests(demo_db, who, _vid(demo_db))
    with pytest.raises(AccessDenied):   # a steering member reads, never records
        vonk.add_idea(demo_db, own, cid, "X", None, "Y", TODAY, TODAY)


def test_vote_decides_winners_and_zero_votes_never_win(demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db, winners=2)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0, 0, 0, 2])    # options sorted by title: Buurtbus, Koffie, Moestuin
    r = ballot.get_round(demo_db, lead, rid)
    ballot.close(demo_db, lead, rid, r["version"])
    got = vonk.ideas(demo_db, lead, cid).set_index("title")
    assert got.loc["Buurtbus", "votes"] == 3 and got.loc["Moestuin", "votes"] == 1
    assert got.loc["Koffie-ochtend", "votes"] == 0
    assert bool(got.loc["Buurtbus", "winner"]) and bool(got.loc["Moestuin", "winner"])
    assert not bool(got.loc["Koffie-ochtend", "winner"])


def test_tie_for_the_last_prize_is_decided_by_the_lead_with_a_reason(demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db, winners=1)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0, 2])
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    res = vonk.vote_result(demo_db, lead, cid)
    assert res.needs_decision and len(res.tied) == 2 and not res.chosen
    out = ballot.outcome(demo_db, lead, rid)
    assert out["needs_decision"] and [x["outcome"] for x in out["rows"]].count("tied") == 2
    c = vonk.contest(demo_db, lead, cid)
    with pytest.raises(Invalid) as e:
        vonk.decide_tie(demo_db, lead, cid, sorted(res.tied)[:1], "", c["version"])
    assert "tie_reason" in e.value.problems
    vonk.decide_tie(demo_db, lead, cid, sorted(res.tied)[:1], "Loting in de zaal", c["version"])
    winners = vonk.ideas(demo_db, lead, cid).query("winner")
    assert list(winners["id"]) == sorted(res.tied)[:1]


def test_prize_aftercare_and_idea_to_initiative(demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0])
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    ideas = vonk.ideas(demo_db, lead, cid).set_index("title")
    loser = int(ideas.loc["Moestuin", "id"])
    with pytest.raises(Invalid):
        vonk.set_prize(demo_db, lead, loser, "Een beker", int(ideas.loc["Moestuin", "version"]))
    win = int(ideas.loc["Buurtbus", "id"])
    vonk.set_prize(demo_db, lead, win, "€ 1.000 en een coach", int(ideas.loc["Buurtbus", "version"]))
    vonk.set_aftercare(demo_db, lead, loser, "Welzijn Bronckhorst", TODAY,
                       int(ideas.loc["Moestuin", "version"]), TODAY)
    v = demo_db.scalar("SELECT version FROM vonk_ideas WHERE id = ?", [loser])
    iid = vonk.to_initiative(demo_db, lead, loser, TODAY, v)
    ini = steps.initiatives(demo_db, lead, _vid(demo_db)).set_index("id")
    assert ini.loc[iid, "name"] == "Moestuin" and ini.loc[iid, "phase"] == "idea"
    trail = steps.initiative_phases(demo_db, lead, _vid(demo_db))
    trail = trail[trail["initiative_id"] == iid]
    assert list(trail["to_phase"]) == ["idea"] and trail.iloc[0]["changed_on"].date() == TODAY
    with pytest.raises(Invalid):
        vonk.to_initiative(demo_db, lead, loser, TODAY, v + 1)
    counts = vonk.funder_counts(demo_db, user_of(demo_db, FUNDER))
    assert counts == {"contests": 1, "ideas": 3, "kept": 3, "taken_on": 1, "votes": 1}


VONK_TAB = 6   # the pilot page's seventh tab, drawn only when open


def _vonk_tab(app_as, db):
    """A lead on the pilot page of Vorden, its De Vonk tab open."""
    at = app_as(LEAD, page="pages/pilot.py")
    at.selectbox(key="pilot_village").set_value(_vid(db)).run()
    assert not at.exception
    assert at.tabs[VONK_TAB].label == "De Vonk"
    return pilot_tab(at, VONK_TAB)


def test_an_idea_whose_name_is_already_an_initiative_is_not_taken_on_twice(demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db)
    steps.add_initiative(demo_db, lead, _vid(demo_db), "Buurtbus", "exploitation", None, None,
                         TODAY)
    before = len(steps.initiatives(demo_db, lead, _vid(demo_db)))
    v = demo_db.scalar("SELECT version FROM vonk_ideas WHERE id = ?", [ids[0]])
    with pytest.raises(Invalid) as e:
        vonk.to_initiative(demo_db, lead, ids[0], TODAY, v)
    assert "al een initiatief met de naam 'Buurtbus'" in e.value.problems["idea"]
    assert len(steps.initiatives(demo_db, lead, _vid(demo_db))) == before


def test_pilot_tab_walks_the_contest(app_as, demo_db):
    at = _vonk_tab(app_as, demo_db)
    assert any("nog geen De Vonk" in i.value for i in at.info)
    form_widget(at, "text_input", "vonk_contest_new", "title").input("De Vonk Vorden")
    form_widget(at, "button", "vonk_contest_new").click().run()
    assert not at.exception
    assert any("Fase 1 van 7: Vliegende start" in m.value for m in at.markdown)
    for title in ("Buurtbus", "Moestuin"):
        form_widget(at, "text_input", "vonk_idea", "title").input(title)
        form_widget(at, "text_input", "vonk_idea", "initiator").input("Anna de Boer")
        form_widget(at, "button", "vonk_idea").click().run()
        assert not at.exception
    names = [c for c in at.dataframe[-1].value.columns]
    assert "Initiatiefnemer" in names
    assert set(at.dataframe[-1].value["Titel"]) == {"Buurtbus", "Moestuin"}


def test_pilot_tab_turns_an_idea_into_an_initiative(app_as, demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db)
    c = vonk.contest(demo_db, lead, cid)
    vonk.set_phase(demo_db, lead, cid, "aftercare", c["version"])
    before = len(steps.initiatives(demo_db, lead, _vid(demo_db)))
    at = _vonk_tab(app_as, demo_db)
    assert form_widget(at, "selectbox", "vonk_initiative", "idea").value is None   # none preselected
    form_widget(at, "button", "vonk_initiative").click().run()    # one click turns nothing
    assert not at.exception, at.exception
    assert any("Kies eerst" in e.value for e in at.error)
    assert len(steps.initiatives(demo_db, lead, _vid(demo_db))) == before
    form_widget(at, "selectbox", "vonk_initiative", "idea").set_value(ids[1])
    form_widget(at, "button", "vonk_initiative").click().run()
    assert not at.exception, at.exception
    assert any("bij de initiatieven" in s.value for s in at.success)
    ini = set(steps.initiatives(demo_db, lead, _vid(demo_db))["name"])
    assert "Moestuin" in ini and "Buurtbus" not in ini   # the one chosen, not the first


def test_prize_and_aftercare_act_only_on_the_idea_chosen(app_as, demo_db):
    """The prize and aftercare forms preselect no idea: typed text saved without choosing
    is refused ("Kies eerst"), nothing stored; once chosen, it lands on that idea only."""
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db, winners=2)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0, 0, 2])        # Buurtbus 2, Moestuin 1: both win
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    c = vonk.contest(demo_db, lead, cid)
    vonk.set_phase(demo_db, lead, cid, "prizes", c["version"])
    at = _vonk_tab(app_as, demo_db)

    def stored(column):
        return {r["title"]: r[column] for r in demo_db.rows(
            f"SELECT title, {column} FROM vonk_ideas WHERE contest_id = ?", [cid])}

    # the prize to a winner (Moestuin), aftercare to one that did not win (Koffie-ochtend)
    for form, field, text, column, idea in (
            ("vonk_prize", "prize", "Een coach", "prize", "Moestuin"),
            ("vonk_aftercare", "aftercare", "Welzijn Bronckhorst", "aftercare", "Koffie-ochtend")):
        assert form_widget(at, "selectbox", form, "idea").value is None
        form_widget(at, "text_input", form, field).input(text)
        form_widget(at, "button", form).click().run()
        assert not at.exception, at.exception
        assert any("Kies eerst" in e.value for e in at.error), form
        assert set(stored(column).values()) == {None}, form       # nothing given to anyone
        assert form_widget(at, "text_input", form, field).value == text   # the input is kept
        form_widget(at, "selectbox", form, "idea").set_value(ids[IDEAS.index(idea)])
        form_widget(at, "button", form).click().run()
        assert not at.exception, at.exception
        assert stored(column) == {t: (text if t == idea else None) for t in IDEAS}, \
            [e.value for k in ("error", "warning") for e in getattr(at, k)]


def test_funder_page_shows_counts_only_suppressed(app_as, demo_db):
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0, 1, 1, 2, 0, 1])
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    at = app_as(FUNDER, page="pages/financiers.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Wedstrijden"] == "<5" and metrics["Ideeën ingediend"] == "<5"
    assert metrics["Stemmen uitgebracht"] == "6" and metrics["Ideeën opgepakt"] == "0"
    page_text = " ".join(str(e.value) for e in at.main.children.values() if hasattr(e, "value"))
    for secret in ("Bewoner 0", "Buurtbus", "Moestuin"):
        assert secret not in page_text


def test_exchange_round_trip_with_de_vonk_and_ballot_results(demo_db, tmp_path):
    """Ideas and closed ballot results go out and come back (counts only, never codes):
    export, import into an empty database, export again gives the same tables."""
    from dorp import exchange
    from dorp.access import SYSTEM
    from dorp.db import open_db
    from dorp.repo import bulk
    lead = user_of(demo_db, LEAD)
    cid, ids = _contest(demo_db, winners=1)
    _kept(demo_db, ids)
    rid = _vote(demo_db, cid, [0, 0, 2])
    ballot.issue_codes(demo_db, lead, rid, 2)                    # two codes never used
    ballot.close(demo_db, lead, rid, ballot.get_round(demo_db, lead, rid)["version"])
    v = demo_db.scalar("SELECT version FROM vonk_ideas WHERE id = ?", [ids[1]])
    vonk.to_initiative(demo_db, lead, ids[1], TODAY, v)
    _, open_rid, _ = _open_meeting_round(demo_db)               # an open round: not exported
    first = exchange.export_tables(demo_db, SYSTEM)
    res = first["ballot_results"]
    assert set(res["round"]) == {"De Vonk: De Vonk Vorden"}
    assert dict(zip(res["option"], res["votes"])) == {"Buurtbus": 2, "Koffie-ochtend": 0,
                                                       "Moestuin": 1}
    assert set(res["codes_issued"]) == {5} and set(res["codes_used"]) == {3}
    assert "code_hash" not in res.columns
    ideas = first["vonk_ideas"].set_index("title")
    assert ideas.loc["Moestuin", "initiative"] == "Moestuin" and ideas.loc["Buurtbus", "winner"]

    data = exchange.write_workbook(first)
    tables = exchange.parse(data)
    other = open_db(tmp_path / "leeg.duckdb")
    bulk.replace_all(other, SYSTEM, tables, replace=False)
    again = exchange.export_tables(other, SYSTEM)
    for name in first:
        assert first[name].equals(again[name]), name
    r = other.one("SELECT id, status FROM ballot_rounds")
    assert r["status"] == "closed"
    assert ballot.turnout(other, SYSTEM, r["id"])["cast"] == 3
    other.con.close()


def _open_meeting_round(db):
    lead = user_of(db, LEAD)
    mid = steps.add_start_meeting(db, lead, "Opengemeente", TODAY, 10, 1, None, TODAY)
    for name in ("Eendorp", "Tweedorp"):
        steps.add_pitch(db, lead, mid, name, None)
    rid = ballot.open_meeting_round(db, lead, mid)
    return mid, rid, ballot.issue_codes(db, lead, rid, 3)
