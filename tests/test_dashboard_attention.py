""""Aandacht nodig": every alert explained in plain Dutch with its fact, the ranking, and the
dashboard queries' access rules."""

from datetime import date

import pandas as pd
import pytest

from dorp import attention, rules
from dorp.access import AccessDenied
from dorp.repo import dashboard
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of
from tests.rulefacts import BOTH, mbc, meeting, records

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 29)
ENTERED = date(2026, 3, 3)
LINES5 = ("broad_support", "target_group", "village_strength", "informal_formal", "safeguarding")


def facts(step=4, at_entry=None, entered_on=None, **kw):
    now = dict(chosen_by_vote=True, consent=BOTH, mbc=mbc(3, 3, True, village=ENTERED,
                                                          municipality=ENTERED),
               member_parties=BOTH, latest_meeting=meeting(4, 4), has_exit_plan=True)
    base = dict(last_activity=date(2026, 11, 20),
                line_history={ln: [3, 3] for ln in LINES5})
    for k in list(kw):
        if k in now:
            now[k] = kw.pop(k)
    base.update(kw)
    return rules.PilotFacts(village="Laren", municipality="Lochem", step=step, status="active",
                            now=records(TODAY, **now), entered_on=entered_on or (
                                at_entry.on if at_entry else None), at_entry=at_entry, **base)


def test_a_healthy_pilot_has_no_reasons_and_no_causes():
    assert attention.reasons(1, facts(), TODAY, None) == []
    assert attention.causes(1, facts(), TODAY, None) == []


def test_line_alerts_name_the_line_the_scores_and_the_date():
    f = facts(line_history={"broad_support": [4, 2], "safeguarding": [3, 3]})
    latest = pd.DataFrame({"village_id": [1], "line": ["broad_support"], "score": [2],
                           "scored_on": [date(2026, 11, 19)]})
    got = dict(attention.reasons(1, f, TODAY, latest))
    assert got["line_low"] == "Breed draagvlak staat op 2 (meting van 19 nov 2026)."
    assert got["line_declining"] == "Breed draagvlak daalde van 4 naar 2 (meting van 19 nov 2026)."
    [lines] = attention.causes(1, f, TODAY, latest)
    assert (lines.key, lines.codes, lines.step) == ("lines", ["line_declining", "line_low"],
                                                    "Stap 4 · Projectuitvoering")
    assert lines.page == "pages/metingen.py" and lines.query == {"village_id": "1"}


def test_meeting_consent_members_stale_and_mbc_facts():
    f = facts(step=3, latest_meeting=meeting(2, 4, date(2026, 10, 1)),
              consent=frozenset({"municipality"}), member_parties=frozenset({"community"}),
              last_activity=date(2026, 7, 1), mbc=mbc(2, 1, True))
    got = dict(attention.reasons(1, f, TODAY, None))
    assert got["steering_dissatisfied"] == \
        "In de stuurgroepvergadering van 1 okt 2026 gaf de gemeente een 2."
    assert got["consent_missing"] == "De instemming van de dorpsgemeenschap is niet vastgelegd."
    assert got["steering_incomplete"] == "In de stuurgroep zit niemand namens de gemeente."
    assert got["stale"] == "Al 151 dagen niets vastgelegd (laatst op 1 jul 2026)."
    assert got["mbc_no_go"].startswith("De laatste mBc geeft bereidheid 2 en bekwaamheid 1")
    assert got["gate_unmet"] == (
        "De pilot staat in Stap 3 · Stuurgroep zonder vastgelegde overgang; volgens de gegevens "
        "van vandaag is niet vervuld: de laatste mBc is geen go: bereidheid en bekwaamheid "
        "ontbreken allebei; de laatste mBc is niet (op tijd) gepresenteerd aan het dorp; "
        "de laatste mBc is niet (op tijd) gepresenteerd aan de gemeente.")
    # most urgent first, in the method's order of alerts
    assert [c for c, _ in attention.reasons(1, f, TODAY, None)][0] == "mbc_no_go"
    en = dict(attention.reasons(1, f, TODAY, None, "en"))
    assert en["steering_incomplete"] == "Nobody on the steering group represents the municipality."


def test_may_no_is_named_as_the_reason_of_the_no_go():
    f = facts(step=2, mbc=mbc(5, 5, False, on=date(2026, 9, 1)))
    got = dict(attention.reasons(1, f, TODAY, None))
    assert got["mbc_no_go"] == ("Bij de mBc van 1 sep 2026 is 'mag dit?' met nee beantwoord: het "
                                "initiatief is niet wenselijk, wat de scores ook zijn.")


def test_one_missing_consent_is_one_cause_with_both_facts():
    """Review found: one missing consent showed as two alerts (gate_unmet, consent_missing)."""
    entry = records(ENTERED, chosen_by_vote=True, consent=frozenset({"municipality"}))
    f = facts(step=2, at_entry=entry, consent=frozenset({"municipality"}))
    assert rules.alerts(f, TODAY) == ["consent_missing", "gate_unmet"]
    [c] = attention.causes(7, f, TODAY, None)
    assert c.key == "consent" and sorted(c.codes) == ["consent_missing", "gate_unmet"]
    assert c.title == "Instemming" and c.step == "Stap 1 · Gemeente en dorpsgemeenschap willen"
    assert c.text == (
        "De instemming van de dorpsgemeenschap is niet vastgelegd. Toen de pilot op 3 mrt 2026 "
        "naar Stap 2 · Maatschappelijke business case ging, was niet vervuld: instemming van de "
        "dorpsgemeenschap is niet vastgelegd. Er is geen override vastgelegd.")
    assert c.page == "pages/pilot.py" and c.query == {"village_id": "7", "tab": "1"}
    assert c.fix == "Vastleggen op de pilotpagina"


def test_causes_are_ordered_by_their_most_urgent_alert():
    f = facts(step=3, consent=frozenset(), member_parties=frozenset({"community"}),
              last_activity=None, mbc=mbc(1, 1, True, village=ENTERED, municipality=ENTERED))
    keys = [c.key for c in attention.causes(1, f, TODAY, None)]
    assert keys == ["mbc", "consent", "steering_members", "stale"]
    # every alert code is explained by some cause
    codes = {x for c in attention.causes(1, f, TODAY, None) for x in c.codes}
    assert codes == set(rules.alerts(f, TODAY))


def test_both_parties_missing_are_joined_in_one_sentence():
    f = facts(step=3, consent=frozenset(), member_parties=frozenset())
    got = dict(attention.reasons(1, f, TODAY, None))
    assert got["consent_missing"] == \
        "De instemming van de gemeente en dorpsgemeenschap is niet vastgelegd."
    assert attention.explain("stale", facts(last_activity=None), TODAY, {}) == \
        "Er is nog nooit iets vastgelegd voor deze pilot."


def test_programme_ranks_pilots_by_their_alerts(demo_db):
    prog = dashboard.programme(demo_db, user_of(demo_db, LEAD), AS_OF)
    ranks = prog.pilots["rank"].tolist()
    assert ranks == sorted(ranks, reverse=True)
    latest = dashboard.latest(demo_db, user_of(demo_db, LEAD), prog.pilots.village_id)
    ranked = attention.ranked(prog.pilots, prog.facts, AS_OF, latest, limit=3)
    assert len(ranked) == 3 and all(r["causes"] for r in ranked)
    every = attention.ranked(prog.pilots, prog.facts, AS_OF, latest)
    assert {r["village"] for r in every} == {"Wekerom", "Dinxperlo", "Gendringen", "Laren",
                                             "Heteren", "Kootwijkerbroek", "Beesd"}
    wekerom = next(r for r in every if r["village"] == "Wekerom")
    assert wekerom["stage"] == "Stap 2 · Maatschappelijke business case"
    assert [c.key for c in wekerom["causes"]] == ["consent"]


def test_programme_filters(demo_db):
    lead = user_of(demo_db, LEAD)
    prog = dashboard.programme(demo_db, lead, AS_OF, dashboard.Filters(steps=(4,),
                                                                       statuses=("active",)))
    assert set(prog.pilots.village) == {"Vorden", "Laren", "Heteren"}
    assert set(prog.facts) == set(prog.pilots.village_id)
    assert prog.pilots.scored.all()
    assert "Bronckhorst" in prog.all_municipalities
    assert dashboard.municipalities(demo_db, lead)[0] == "Aalten"


def test_dashboard_access_rules(demo_db):
    steering, funder = user_of(demo_db, STEERING), user_of(demo_db, FUNDER)
    laren = demo_db.scalar("SELECT id FROM villages WHERE name = 'Laren'")
    vorden = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    with pytest.raises(AccessDenied):
        dashboard.programme(demo_db, steering, AS_OF)
    with pytest.raises(AccessDenied):
        dashboard.village(demo_db, steering, laren, AS_OF)
    with pytest.raises(AccessDenied):
        dashboard.village(demo_db, funder, vorden, AS_OF)
    with pytest.raises(AccessDenied):
        dashboard.compare(demo_db, steering, [laren], [laren])
    assert dashboard.villages_for(demo_db, steering, AS_OF) == {vorden: "Vorden"}
    v = dashboard.village(demo_db, steering, vorden, AS_OF)
    assert v.facts.village == "Vorden" and len(v.scores) > 0
    assert set(v.latest.line) == {"broad_support", "target_group", "village_strength",
                                  "informal_formal", "safeguarding"}
