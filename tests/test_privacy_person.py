"""Personal data: the audit of reads; a person's export and erasure; leads only."""

import json
from datetime import date, datetime, timedelta

import pytest

from dorp.access import SYSTEM, AccessDenied
from dorp.errors import Invalid
from dorp.repo import privacy
from tests.conftest import FUNDER, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores

NAME = "Gerarda Quispél"
EMAIL = "gerarda.quispel@voorbeeld.nl"


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


@pytest.fixture
def planted(demo_db):
    v = vid(demo_db, "Vorden")
    with demo_db.tx("leider") as tx:
        tx.insert("steering_members", {"village_id": v, "name": NAME, "email": EMAIL,
                                       "organisation": "Dorpsraad", "party": "community"},
                  village_id=v)
        tx.insert("steering_meetings", {"village_id": v, "held_on": date(2026, 11, 1),
                                        "notes": f"{NAME.upper()} vertelde over haar zorgen.",
                                        "municipality_satisfaction": 4,
                                        "community_satisfaction": 4}, village_id=v)
        tx.insert("line_scores", {"village_id": v, "line": "target_group", "score": 3,
                                  "scored_on": date(2026, 11, 2),
                                  "note": f"Gesprek met {NAME}."}, village_id=v)
    return demo_db


def test_find_and_export_everything_about_a_person(planted):
    lead = user_of(planted, LEAD)
    found = privacy.find_person(planted, lead, "gerarda quispél")
    assert set(found) == {"steering_members", "steering_meetings", "line_scores"}
    data = json.loads(privacy.export_person(planted, lead, NAME))
    text = json.dumps(data, ensure_ascii=False)
    assert EMAIL in text and "haar zorgen" in text
    assert len(data["audit"]) >= 3      # the audit entries of the three inserts
    # the export itself is a logged read
    assert "person_export" in set(privacy.read_log(planted, lead).what)


def test_erase_replaces_the_name_everywhere_and_keeps_the_audit(planted):
    lead = user_of(planted, LEAD)
    audit_before = planted.scalar("SELECT count(*) FROM audit_log")
    n = privacy.erase_person(planted, lead, NAME, confirm=NAME.lower())
    assert n == 3
    assert privacy.find_person(planted, lead, NAME) == {}
    everything = ""
    for table in privacy.PERSON_TABLES + ["audit_log"]:
        everything += str(planted.rows(f"SELECT * FROM {table}"))
    assert "quisp" not in everything.lower() and EMAIL not in everything
    assert "Quisp\\u00e9l" not in everything
    assert privacy.ERASED in everything
    # audit rows are kept (plus the updates and the erase entry), none deleted
    assert planted.scalar("SELECT count(*) FROM audit_log") >= audit_before + 3 + 1
    last = planted.one("SELECT action, after FROM audit_log ORDER BY id DESC LIMIT 1")
    assert last["action"] == "erase_person" and "quisp" not in str(last).lower()


def test_erase_needs_confirmation_and_a_real_name(planted):
    lead = user_of(planted, LEAD)
    with pytest.raises(Invalid):
        privacy.erase_person(planted, lead, NAME, confirm="iemand anders")
    with pytest.raises(Invalid):
        privacy.erase_person(planted, lead, "a", confirm="a")
    assert privacy.find_person(planted, lead, NAME)


@pytest.mark.parametrize("who", [STEERING, FUNDER])
def test_only_leads_handle_persons_and_the_read_log(planted, who):
    u = user_of(planted, who)
    for call in (lambda: privacy.find_person(planted, u, NAME),
                 lambda: privacy.export_person(planted, u, NAME),
                 lambda: privacy.erase_person(planted, u, NAME, NAME),
                 lambda: privacy.read_log(planted, u)):
        with pytest.raises(AccessDenied):
            call()


def test_read_log_records_who_opened_which_pilots_people(demo_db):
    steering = user_of(demo_db, STEERING)
    vorden, laren = vid(demo_db, "Vorden"), vid(demo_db, "Laren")
    t0 = datetime(2026, 11, 29, 10, 0)
    privacy.log_read(demo_db, steering, privacy.PEOPLE, vorden, now=t0)
    privacy.log_read(demo_db, steering, privacy.PEOPLE, vorden, now=t0 + timedelta(minutes=1))
    privacy.log_read(demo_db, steering, privacy.NOTES, vorden, now=t0 + timedelta(minutes=2))
    privacy.log_read(demo_db, steering, privacy.PEOPLE, vorden, now=t0 + timedelta(minutes=9))
    with pytest.raises(AccessDenied):   # not their village: refused, and so not shown
        privacy.log_read(demo_db, steering, privacy.PEOPLE, laren)
    with pytest.raises(AccessDenied):
        privacy.log_read(demo_db, user_of(demo_db, FUNDER), privacy.NOTES, vorden)
    log = privacy.read_log(demo_db, user_of(demo_db, LEAD))
    mine = log[log.username == STEERING]
    assert len(mine) == 3   # the repeat within five minutes is logged once
    assert set(mine.village) == {"Vorden"} and set(mine.what) == {"people", "notes"}


def test_no_code_changes_or_deletes_log_rows():
    """Audit rows are append-only: the only UPDATE of audit_log is the erasure of a name,
    and nothing ever deletes from audit_log or read_log, or updates read_log."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for p in [*(root / "dorp").rglob("*.py"), *(root / "pages").glob("*.py"), root / "app.py"]:
        text = p.read_text(encoding="utf-8")
        for m in re.finditer(r"(DELETE\s+FROM|UPDATE)\s+(audit_log|read_log)", text, re.I):
            if not (p.name == "privacy.py" and m.group(0).upper().startswith("UPDATE AUDIT_LOG")):
                offenders.append(f"{p.name}: {m.group(0)}")
    assert offenders == []
