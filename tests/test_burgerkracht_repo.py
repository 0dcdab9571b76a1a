"""The Burgerkrachtgenerator's data layer (dorp/repo/burgerkracht.py): every write validated with
Dutch messages before anything is written, audited and versioned; who may record what; the
facts as of a day; the quiet-group alert coming and going with contacts."""

from datetime import timedelta

import pytest

from dorp import rules
from dorp.access import AccessDenied
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.repo import audit, pilots
from dorp.repo import burgerkracht as bkg
from tests.conftest import AS_OF, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores   # runs on DuckDB and on PostgreSQL

T = AS_OF
D = T - timedelta(days=3)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def problems(call) -> dict:
    with pytest.raises(Invalid) as e:
        call()
    return e.value.problems


def alerts_of(db, village, today=T):
    return rules.alerts(dict(pilots.facts(db, user_of(db, LEAD), today))[vid(db, village)], today)


def count(db, table, village):
    return db.scalar(f"SELECT count(*) FROM {table} WHERE village_id = ?", [vid(db, village)])


def test_lead_group_member_validated_then_stored_audited(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Beesd")
    p = problems(lambda: bkg.add_lead_member(demo_db, lead, v, " ", "mayor", T + timedelta(days=2), T))
    assert set(p) == {"name", "role", "joined_on"}
    assert "toekomst" in p["joined_on"] and "bewoner" in p["role"]
    assert count(demo_db, "bkg_lead_group", "Beesd") == 0
    mid = bkg.add_lead_member(demo_db, lead, v, "Gerda Klein", "resident", D, T)
    assert "al in de kopgroep" in problems(
        lambda: bkg.add_lead_member(demo_db, lead, v, "gerda klein", "adviser", D, T))["name"]
    row = demo_db.one("SELECT version, updated_by FROM bkg_lead_group WHERE id = ?", [mid])
    assert row == {"version": 1, "updated_by": LEAD}
    log = audit.entries(demo_db, lead, table="bkg_lead_group")
    assert len(log) == 1 and log.iloc[0]["action"] == "insert"


def test_removing_a_member_refuses_a_stale_version(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Beesd")
    mid = bkg.add_lead_member(demo_db, lead, v, "Gerda Klein", "resident", D, T)
    with demo_db.tx("iemand-anders") as tx:
        tx.update("bkg_lead_group", mid, {"role": "welfare"}, 1, village_id=v)
    with pytest.raises(StaleVersion) as e:
        bkg.remove_lead_member(demo_db, lead, mid, 1)
    assert "iemand-anders" in str(e.value)
    bkg.remove_lead_member(demo_db, lead, mid, 2)
    assert count(demo_db, "bkg_lead_group", "Beesd") == 0


@pytest.mark.parametrize("n", [3, 8])
def test_conversation_outside_four_to_seven_refused_with_the_reason(demo_db, n):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Laren")
    before = count(demo_db, "bkg_conversations", "Laren")
    p = problems(lambda: bkg.add_conversation(demo_db, lead, v, D, n, None, "Vervoer", None, T))
    assert f"{n} deelnemers kan niet" in p["participants"]
    assert "minimaal 4 en maximaal 7 bewoners" in p["participants"]
    assert count(demo_db, "bkg_conversations", "Laren") == before


def test_conversation_numbered_with_the_central_question(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Laren")
    cid = bkg.add_conversation(demo_db, lead, v, D, 4, "  ", "Weinig vervoer", "Door Leusink", T)
    row = demo_db.one("SELECT seq, question, participants FROM bkg_conversations WHERE id = ?", [cid])
    assert row["seq"] == 3 and row["participants"] == 4       # Laren had two already
    assert row["question"].startswith("Wat heeft u zowel nu als in de toekomst nodig")


def test_summary_naming_a_known_resident_is_refused(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Vorden")
    # a lead-group member, and a steering member of the same village
    p = problems(lambda: bkg.add_conversation(demo_db, lead, v, D, 5, None,
                                              "Mien Bruggink wil graag koken", None, T))
    assert "'Mien Bruggink'" in p["summary"] and "geanonimiseerd" in p["summary"]
    steering_name = demo_db.scalar("SELECT name FROM steering_members WHERE village_id = ?"
                                   " ORDER BY id LIMIT 1", [v])
    p = problems(lambda: bkg.add_conversation(demo_db, lead, v, D, 5, None,
                                              f"Gesprek met {steering_name}", None, T))
    assert steering_name in p["summary"]
    # a resident of another village is not known to this pilot
    bkg.add_conversation(demo_db, lead, v, D, 5, None, "Riek Stegeman kwam ook", None, T)


def test_steering_member_records_conversations_and_contacts_for_their_own_village_only(demo_db):
    steering = user_of(demo_db, STEERING)
    vorden, laren = vid(demo_db, "Vorden"), vid(demo_db, "Laren")
    bkg.add_conversation(demo_db, steering, vorden, D, 6, None, "Meer ontmoeting", None, T)
    group = demo_db.scalar("SELECT min(id) FROM working_groups WHERE village_id = ?"
                           " AND status = 'active'", [vorden])
    bkg.add_contact(demo_db, steering, group, D, "call", "Gaat goed", T)
    with pytest.raises(AccessDenied):
        bkg.add_conversation(demo_db, steering, laren, D, 6, None, "x", None, T)
    for call in (lambda: bkg.add_lead_member(demo_db, steering, vorden, "X Y", "resident", D, T),
                 lambda: bkg.add_theme(demo_db, steering, vorden, "Nieuw", D, [], T),
                 lambda: bkg.add_group(demo_db, steering, vorden, None, "G", D, 3, 3, T),
                 lambda: bkg.update_group(demo_db, steering, group, "done", 3, 3, None, None, T)):
        with pytest.raises(AccessDenied):
            call()


def test_theme_needs_its_conversations_and_no_names(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Laren")
    own = [r["id"] for r in demo_db.rows("SELECT id FROM bkg_conversations WHERE village_id = ?"
                                         " ORDER BY seq", [v])]
    other = demo_db.scalar("SELECT min(id) FROM bkg_conversations WHERE village_id = ?",
                           [vid(demo_db, "Vorden")])
    assert "uit welke groepsgesprekken" in problems(
        lambda: bkg.add_theme(demo_db, lead, v, "Vervoer", D, [], T))["conversations"]
    assert "dit dorp" in problems(
        lambda: bkg.add_theme(demo_db, lead, v, "Vervoer", D, [other], T))["conversations"]
    assert "'Wout Hengeveld'" in problems(
        lambda: bkg.add_theme(demo_db, lead, v, "Vervoer voor Wout Hengeveld", D, own, T))["theme"]
    tid = bkg.add_theme(demo_db, lead, v, "Vervoer naar Lochem", D, own, T)
    assert "al vastgelegd" in problems(
        lambda: bkg.add_theme(demo_db, lead, v, "vervoer naar lochem", D, own, T))["theme"]
    th = bkg.themes(demo_db, lead, v)
    assert th.set_index("id").loc[tid, "sources"] == "1, 2"


def test_village_meeting_with_subgroups(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Laren")
    assert "Leg eerst de thema's" in problems(
        lambda: bkg.add_village_meeting(demo_db, lead, v, D, 30, True, None, {}, T))["themes"]
    own = [r["id"] for r in demo_db.rows("SELECT id FROM bkg_conversations WHERE village_id = ?", [v])]
    tid = bkg.add_theme(demo_db, lead, v, "Vervoer", D, own, T)
    p = problems(lambda: bkg.add_village_meeting(demo_db, lead, v, D, None, None, None, {}, T))
    assert set(p) == {"attendees", "themes_recognised"}
    assert "herkenden" in p["themes_recognised"]
    assert "meer vrijwilligers" in problems(lambda: bkg.add_village_meeting(
        demo_db, lead, v, D, 5, True, None, {tid: 9}, T))["attendees"]
    mid = bkg.add_village_meeting(demo_db, lead, v, D, 25, False, "Ook de bus", {tid: 7}, T)
    sub = bkg.subgroups(demo_db, lead, v)
    assert list(zip(sub.meeting_id, sub.theme, sub.volunteers)) == [(mid, "Vervoer", 7)]
    assert bkg.village(demo_db, lead, v, T).facts.stage == "village_meeting"


def test_working_group_its_edit_form_version_and_modes(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Vorden")
    theme = demo_db.scalar("SELECT id FROM bkg_themes WHERE village_id = ? AND theme LIKE 'Weten%'",
                           [v])
    p = problems(lambda: bkg.add_group(demo_db, lead, v, None, "Werkgroep Samen aan tafel",
                                       T + timedelta(days=1), 6, 0, T))
    assert set(p) == {"theme", "name", "started_on", "willingness", "ability"}
    gid = bkg.add_group(demo_db, lead, v, theme, "Werkgroep Zorgwijzer", D, 2, 4, T)
    g = bkg.groups(demo_db, lead, v, T).set_index("id").loc[gid]
    assert (g.advised, g.status, g.quiet) == ("motivate", "active", False)
    assert "vóór de start" in problems(lambda: bkg.update_group(
        demo_db, lead, gid, "active", 2, 4, D - timedelta(days=1), 1, T))["plan_presented_on"]
    assert bkg.update_group(demo_db, lead, gid, "active", 4, 4, D, 1, T) == 2
    with pytest.raises(StaleVersion):     # a form shown with version 1 cannot overwrite version 2
        bkg.update_group(demo_db, lead, gid, "stopped", 1, 1, None, 1, T)
    mode = bkg.add_group_mode(demo_db, lead, gid, "facilitate", D, "Bereid en bekwaam", T)
    assert "al in gebruik" in problems(
        lambda: bkg.add_group_mode(demo_db, lead, gid, "facilitate", D, "Nogmaals", T))["mode"]
    assert "vóór de start" in problems(lambda: bkg.add_group_mode(
        demo_db, lead, gid, "support", D - timedelta(days=9), "x", T))["started_on"]
    assert "waarom" in problems(
        lambda: bkg.add_group_mode(demo_db, lead, gid, "support", D, "", T))["reason"]
    bkg.end_group_mode(demo_db, lead, mode, T, 1, T)
    assert bkg.group_modes(demo_db, lead, v).set_index("id").loc[mode, "ended_on"] == T


def test_contact_validation(demo_db):
    lead, v = user_of(demo_db, LEAD), vid(demo_db, "Heteren")
    gid, started = demo_db.one("SELECT id, started_on FROM working_groups WHERE village_id = ?"
                               " AND name = 'Werkgroep Dorpshuis'", [v]).values()
    p = problems(lambda: bkg.add_contact(demo_db, lead, gid, started - timedelta(days=1), "visit",
                                         None, T))
    assert "vóór de start" in p["contact_on"] and "belronde" in p["kind"]
    assert "toekomst" in problems(lambda: bkg.add_contact(
        demo_db, lead, gid, T + timedelta(days=1), "call", None, T))["contact_on"]


def test_quiet_group_alert_goes_away_with_a_contact(demo_db):
    lead = user_of(demo_db, LEAD)
    assert "working_group_quiet" in alerts_of(demo_db, "Heteren")
    g = bkg.groups(demo_db, lead, vid(demo_db, "Heteren"), T).set_index("name")
    assert g.loc["Werkgroep Dorpshuis", "quiet_days"] == 77 and g.loc["Werkgroep Dorpshuis", "quiet"]
    assert not g.loc["Werkgroep Ontmoeting", "quiet"]
    bkg.add_contact(demo_db, lead, int(g.loc["Werkgroep Dorpshuis", "id"]), D, "call",
                    "Trekker gevonden", T)
    assert "working_group_quiet" not in alerts_of(demo_db, "Heteren")
    # ... and comes back when the group is left alone for 60 more days
    assert "working_group_quiet" in alerts_of(demo_db, "Heteren", T + timedelta(days=61))


def test_facts_as_of_a_day_count_only_what_happened_by_then(demo_db):
    lead = user_of(demo_db, LEAD)
    now = bkg.facts_by_village(demo_db, lead, T)
    vorden = now[vid(demo_db, "Vorden")]
    assert (vorden.conversations, vorden.residents_heard, vorden.themes, vorden.meetings) == \
        (6, 33, 4, 1)
    earlier = bkg.facts_by_village(demo_db, lead, T - timedelta(days=420))[vid(demo_db, "Vorden")]
    assert (earlier.stage, earlier.conversations, earlier.residents_heard) == \
        ("conversations", 3, 18)
    assert vid(demo_db, "Beesd") not in now        # not used there
    steering = user_of(demo_db, STEERING)
    assert set(bkg.facts_by_village(demo_db, steering, T)) == {vid(demo_db, "Vorden")}


def test_a_lead_group_member_can_be_found_and_erased(demo_db):
    """The rights of a person reach the instrument's records too (names, who led a talk)."""
    from dorp.repo import privacy
    lead = user_of(demo_db, LEAD)
    found = privacy.find_person(demo_db, lead, "Bep Hoogland")
    assert {"bkg_lead_group", "bkg_conversations"} <= set(found)
    privacy.erase_person(demo_db, lead, "Bep Hoogland", "Bep Hoogland")
    assert not demo_db.scalar("SELECT count(*) FROM bkg_lead_group WHERE name = 'Bep Hoogland'")
    assert not demo_db.scalar("SELECT count(*) FROM bkg_conversations WHERE led_by = 'Bep Hoogland'")
    assert demo_db.scalar("SELECT count(*) FROM bkg_lead_group WHERE name = ?",
                          [privacy.ERASED]) == 1
    # an erased name is no longer a name to keep out of themes
    bkg.add_theme(demo_db, lead, vid(demo_db, "Vorden"), "Thema over [persoon verwijderd]", D,
                  [demo_db.scalar("SELECT min(id) FROM bkg_conversations WHERE village_id = ?",
                                  [vid(demo_db, "Vorden")])], T)


def test_the_pilots_modes_in_use_come_from_its_groups_too(demo_db):
    """4.3 "parallel en serieel": Vorden's groups run facilitate (and did support before);
    ending the pilot-level facilitate leaves it in use through the groups."""
    from dorp import status
    from dorp.repo import steps
    lead = user_of(demo_db, LEAD)
    v = vid(demo_db, "Vorden")
    m = steps.modes(demo_db, lead, v).iloc[0]
    steps.end_mode(demo_db, lead, int(m.id), T, int(m.version), T)
    vorden = next(p for p in status.status(demo_db, lead, T)["pilots"] if p["village"] == "Vorden")
    assert vorden["modes"] == ["facilitate"]
    # stop the groups' modes and the pilot has none left
    for r in bkg.group_modes(demo_db, lead, v).itertuples():
        if r.ended_on is None:
            bkg.end_group_mode(demo_db, lead, int(r.id), T, int(r.version), T)
    vorden = next(p for p in status.status(demo_db, lead, T)["pilots"] if p["village"] == "Vorden")
    assert vorden["modes"] == []
