"""Steering members correct and remove what they recorded themselves, in their own village
(issue 14, point 7), enforced in the data layer (dorp.access.can_change + dorp.repo.steps);
versions and the audit log keep the old state."""

from datetime import timedelta
from pathlib import Path

import pytest

from dorp.access import AccessDenied, SYSTEM, can_change
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.repo import steps, users
from tests.conftest import AS_OF, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores
D = AS_OF - timedelta(days=2)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def version(db, table, rid):
    return db.scalar(f"SELECT version FROM {table} WHERE id = ?", [rid])


@pytest.fixture
def people(demo_db):
    """The Vorden steering member, a second member of Vorden, and the lead."""
    users.add(demo_db, SYSTEM, "stuurgroep-vorden-2", "steering", "tweede-lid-12", ["Vorden"])
    return (user_of(demo_db, STEERING), user_of(demo_db, "stuurgroep-vorden-2"),
            user_of(demo_db, LEAD))


def test_can_change_own_in_own_village_only(people, demo_db):
    me, other, lead = people
    vorden, laren = vid(demo_db, "Vorden"), vid(demo_db, "Laren")
    assert can_change(me, "add_meeting", vorden, STEERING)
    assert can_change(me, "add_meeting", vorden, STEERING.upper())      # names are case-blind
    assert not can_change(me, "add_meeting", vorden, other.username)
    assert not can_change(me, "add_meeting", vorden, None)              # unknown: lead only
    assert not can_change(me, "add_meeting", laren, STEERING)           # not their village
    assert can_change(lead, "add_meeting", laren, None)
    funder = user_of(demo_db, "provincie")
    assert not can_change(funder, "add_meeting", vorden, "provincie")


def test_a_member_corrects_and_removes_their_own_meeting_and_action(people, demo_db):
    me, _, _ = people
    v = vid(demo_db, "Vorden")
    mid = steps.add_meeting(demo_db, me, v, D, 3, 4, "Eerst", None, AS_OF)
    aid = steps.add_action(demo_db, me, mid, "Folder maken", "Piet", None)
    assert demo_db.scalar("SELECT created_by FROM steering_meetings WHERE id = ?", [mid]) == STEERING
    assert demo_db.scalar("SELECT created_by FROM actions WHERE id = ?", [aid]) == STEERING
    steps.update_meeting(demo_db, me, mid, D, 2, 4, "Daarna", None, 1, AS_OF)
    steps.update_action(demo_db, me, aid, "Folder drukken", "Piet", AS_OF, 1)
    assert version(demo_db, "steering_meetings", mid) == 2
    with pytest.raises(StaleVersion):                   # the version shown is required
        steps.update_meeting(demo_db, me, mid, D, 2, 4, "Nog eens", None, 1, AS_OF)
    with pytest.raises(StaleVersion):
        steps.update_meeting(demo_db, me, mid, D, 2, 4, "Nog eens", None, None, AS_OF)
    steps.delete_meeting(demo_db, me, mid, 2, [aid])    # with its (own) action
    assert demo_db.scalar("SELECT count(*) FROM steering_meetings WHERE id = ?", [mid]) == 0
    assert demo_db.scalar("SELECT count(*) FROM actions WHERE id = ?", [aid]) == 0
    trail = demo_db.rows("SELECT action, table_name, before FROM audit_log WHERE record_id IN"
                         " (?, ?) ORDER BY id", [mid, aid])
    assert [(t["action"], t["table_name"]) for t in trail] == [
        ("insert", "steering_meetings"), ("insert", "actions"), ("update", "steering_meetings"),
        ("update", "actions"), ("delete", "actions"), ("delete", "steering_meetings")]
    assert '"Daarna"' in trail[-1]["before"] and '"Folder drukken"' in trail[-2]["before"]


def test_a_member_cannot_change_what_others_recorded(people, demo_db):
    me, other, lead = people
    v = vid(demo_db, "Vorden")
    theirs = steps.add_meeting(demo_db, other, v, D, 3, 3, "Van een ander", None, AS_OF)
    leads = steps.add_meeting(demo_db, lead, v, D - timedelta(days=1), 3, 3, None, None, AS_OF)
    demo = demo_db.scalar("SELECT min(id) FROM steering_meetings WHERE village_id = ?", [v])
    for mid in (theirs, leads, demo):
        with pytest.raises(AccessDenied, match="zelf heeft vastgelegd"):
            steps.update_meeting(demo_db, me, mid, D, 1, 1, "Overschreven", None,
                                 version(demo_db, "steering_meetings", mid), AS_OF, True)
        with pytest.raises(AccessDenied):
            steps.delete_meeting(demo_db, me, mid, version(demo_db, "steering_meetings", mid))
    action = demo_db.scalar("SELECT min(id) FROM actions WHERE village_id = ?", [v])
    with pytest.raises(AccessDenied):
        steps.update_action(demo_db, me, action, "Anders", "Ik", None,
                            version(demo_db, "actions", action))
    with pytest.raises(AccessDenied):
        steps.delete_action(demo_db, me, action, version(demo_db, "actions", action))
    assert demo_db.scalar("SELECT decisions FROM steering_meetings WHERE id = ?",
                          [theirs]) == "Van een ander"
    # the lead may change anyone's
    steps.update_meeting(demo_db, lead, theirs, D, 4, 4, "Door de leider", None, 1, AS_OF)


def test_not_in_another_village_even_when_recorded_there_before(people, demo_db):
    """A member who recorded a meeting in Laren and no longer belongs to it may not change it."""
    me, _, lead = people
    laren = vid(demo_db, "Laren")
    mid = steps.add_meeting(demo_db, lead, laren, D, 3, 3, None, None, AS_OF)
    demo_db.con.cursor().execute("UPDATE steering_meetings SET created_by = ? WHERE id = ?",
                                 [STEERING, mid])
    with pytest.raises(AccessDenied):
        steps.update_meeting(demo_db, me, mid, D, 1, 1, None, None, 1, AS_OF)
    with pytest.raises(AccessDenied):
        steps.delete_meeting(demo_db, me, mid, 1)


def test_a_meeting_with_someone_elses_action_stays_for_the_lead(people, demo_db):
    me, other, lead = people
    v = vid(demo_db, "Vorden")
    mid = steps.add_meeting(demo_db, me, v, D, 3, 3, None, None, AS_OF)
    aid = steps.add_action(demo_db, other, mid, "Zaal huren", "Ans", None)
    with pytest.raises(Invalid, match="alleen de programmaleider"):
        steps.delete_meeting(demo_db, me, mid, 1, [aid])
    # told one action would go, but another was added meanwhile: nothing removed
    extra = steps.add_action(demo_db, lead, mid, "Extra", "Bram", None)
    with pytest.raises(Invalid, match="intussen acties"):
        steps.delete_meeting(demo_db, lead, mid, 1, [aid])
    steps.delete_meeting(demo_db, lead, mid, 1, [aid, extra])
    assert demo_db.scalar("SELECT count(*) FROM actions WHERE meeting_id = ?", [mid]) == 0


def test_correcting_a_meeting_onto_a_taken_date_asks_first(people, demo_db):
    me, _, _ = people
    v = vid(demo_db, "Vorden")
    taken = demo_db.scalar("SELECT max(held_on) FROM steering_meetings WHERE village_id = ?", [v])
    mid = steps.add_meeting(demo_db, me, v, taken - timedelta(days=1), 3, 3, None, None, AS_OF)
    from dorp.errors import NeedsConfirm
    with pytest.raises(NeedsConfirm):
        steps.update_meeting(demo_db, me, mid, taken, 3, 3, None, None, 1, AS_OF)
    steps.update_meeting(demo_db, me, mid, taken, 3, 3, None, None, 1, AS_OF, confirmed=True)
    # saving it again on its own date does not ask
    steps.update_meeting(demo_db, me, mid, taken, 4, 3, None, None, 2, AS_OF)


def test_migration_0010_fills_created_by_from_the_audit_log(people, demo_db):
    me, _, _ = people
    v = vid(demo_db, "Vorden")
    mid = steps.add_meeting(demo_db, me, v, D, 3, 3, None, None, AS_OF)
    aid = steps.add_action(demo_db, me, mid, "Folder", "Piet", None)
    cur = demo_db.con.cursor()
    cur.execute("UPDATE steering_meetings SET created_by = NULL")
    cur.execute("UPDATE actions SET created_by = NULL")
    sql = (Path(__file__).resolve().parent.parent / "dorp" / "migrations"
           / "0010_created_by.sql").read_text(encoding="utf-8")
    backfill = sql[sql.index("UPDATE steering_meetings"):]   # the part after the ALTERs
    cur.execute(backfill)
    assert demo_db.scalar("SELECT created_by FROM steering_meetings WHERE id = ?", [mid]) == STEERING
    assert demo_db.scalar("SELECT created_by FROM actions WHERE id = ?", [aid]) == STEERING
    # the demo's own records were loaded by an import: unknown, so a lead's to change
    assert demo_db.scalar("SELECT count(*) FROM steering_meetings WHERE created_by IS NULL"
                          " AND id <> ?", [mid]) > 0
