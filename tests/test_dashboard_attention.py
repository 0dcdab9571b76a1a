""""Aandacht nodig": every alert explained in plain Dutch with its fact, the ranking, and the
dashboard queries' access rules."""

from datetime import date

import pandas as pd
import pytest

from dorp import attention, rules
from dorp.access import AccessDenied
from dorp.repo import dashboard
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 29)


def facts(**kw):
    base = dict(village="Laren", municipality="Lochem", step=4, status="active",
                chosen_by_vote=True, consent=frozenset({"municipality", "community"}),
                willingness=3, ability=3, presented_village=True, presented_municipality=True,
                member_parties=frozenset({"municipality", "community"}), satisfied_meeting=True,
                has_exit_plan=True, last_activity=date(2026, 11, 20),
                line_history={ln: [3, 3] for ln in ("broad_support", "target_group",
                                                    "village_strength", "informal_formal",
                                                    "safeguarding")})
    base.update(kw)
    return rules.PilotFacts(**base)


def test_a_healthy_pilot_has_no_reasons():
    assert attention.reasons(1, facts(), TODAY, None) == []


def test_line_alerts_name_the_line_the_scores_and_the_date():
    f = facts(line_history={"broad_support": [4, 2], "safeguarding": [3, 3]})
    latest = pd.DataFrame({"village_id": [1], "line": ["broad_support"], "score": [2],
                           "scored_on": [date(2026, 11, 19)]})
    got = dict(attention.reasons(1, f, TODAY, latest))
    assert got["line_low"] == "Breed draagvlak staat op 2 (meting van 19 nov 2026)"
    assert got["line_declining"] == "Breed draagvlak daalde van 4 naar 2 (meting van 19 nov 2026)"


def test_meeting_consent_members_stale_and_mbc_facts():
    f = facts(step=3, latest_meeting=rules.Meeting(date(2026, 10, 1), 2, 4),
              consent=frozenset({"municipality"}), member_parties=frozenset({"community"}),
              last_activity=date(2026, 7, 1), willingness=2, ability=1)
    got = dict(attention.reasons(1, f, TODAY, None))
    assert got["steering_dissatisfied"] == \
        "In de stuurgroepvergadering van 1 okt 2026 gaf de gemeente een 2."
    assert got["consent_missing"] == "De instemming van de dorpsgemeenschap is niet vastgelegd."
    assert got["steering_incomplete"] == "In de stuurgroep zit niemand namens de gemeente."
    assert got["stale"] == "Al 151 dagen niets vastgelegd (laatst op 1 jul 2026)."
    assert got["mbc_no_go"].startswith("De laatste mBc geeft bereidheid 2 en bekwaamheid 1")
    assert got["gate_unmet"] == \
        "Stap 3: Formeren van een stuurgroep — nog niet vervuld: de laatste mBc is geen go."
    # most urgent first, in the method's order of alerts
    assert [c for c, _ in attention.reasons(1, f, TODAY, None)][0] == "mbc_no_go"
    en = dict(attention.reasons(1, f, TODAY, None, "en"))
    assert en["steering_incomplete"] == "Nobody on the steering group represents the municipality."


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
    assert len(ranked) == 3 and all(r["reasons"] for r in ranked)
    assert {r["village"] for r in attention.ranked(prog.pilots, prog.facts, AS_OF, latest)} \
        == {"Wekerom", "Dinxperlo", "Laren", "Heteren", "Kootwijkerbroek", "Beesd"}


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
