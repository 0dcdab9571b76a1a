"""Accounts: argon2id hashes, password lengths, add/disable/enable/reset, throttling."""

from datetime import datetime, timedelta

import pytest
from argon2 import Type

from dorp import auth
from dorp.access import SYSTEM, AccessDenied
from dorp.errors import Invalid
from dorp.repo import sessions, users
from tests.conftest import FUNDER, LEAD, PASSWORDS, STEERING, user_of

pytestmark = pytest.mark.both_stores


def test_argon2id_with_at_least_the_owasp_floor():
    h = auth._hasher
    assert h.type is Type.ID
    assert h.memory_cost >= 19 * 1024 and h.time_cost >= 2 and h.parallelism >= 1
    assert auth.hash_password("lang-genoeg").startswith("$argon2id$")


@pytest.mark.parametrize("length, ok", [(7, False), (8, True), (64, True), (128, True),
                                        (129, False)])
def test_password_lengths(empty_db, length, ok):
    pw = "x" * length
    if ok:
        users.add(empty_db, SYSTEM, f"u{length}", "lead", pw)
        assert users.authenticate(empty_db, f"u{length}", pw).role == "lead"
    else:
        with pytest.raises(Invalid) as e:
            users.add(empty_db, SYSTEM, f"u{length}", "lead", pw)
        assert "password" in e.value.problems


def test_hash_never_stored_in_plain_or_in_the_audit(empty_db):
    users.add(empty_db, SYSTEM, "anna", "lead", "geheim-wachtwoord-1")
    users.reset_password(empty_db, SYSTEM, "anna", "ander-wachtwoord-2")
    dump = str(empty_db.rows("SELECT * FROM users")) + str(empty_db.rows("SELECT * FROM audit_log"))
    assert "geheim-wachtwoord-1" not in dump and "ander-wachtwoord-2" not in dump
    audit = str(empty_db.rows("SELECT before, after FROM audit_log"))
    assert "$argon2" not in audit


def test_add_validates_everything_at_once(demo_db):
    with pytest.raises(Invalid) as e:
        users.add(demo_db, SYSTEM, "leider", "steering", "kort", ["Atlantis"])
    assert set(e.value.problems) == {"username", "villages", "password"}
    with pytest.raises(Invalid) as e:
        users.add(demo_db, SYSTEM, "nieuw", "steering", "lang-genoeg-1", [])
    assert "villages" in e.value.problems
    with pytest.raises(Invalid):
        users.add(demo_db, SYSTEM, "LEIDER", "lead", "lang-genoeg-1")  # case-insensitive


def test_only_leads_manage_accounts(demo_db):
    for name in (STEERING, FUNDER):
        u = user_of(demo_db, name)
        with pytest.raises(AccessDenied):
            users.add(demo_db, u, "x-user", "lead", "lang-genoeg-1")
        with pytest.raises(AccessDenied):
            users.disable(demo_db, u, LEAD)
        with pytest.raises(AccessDenied):
            users.reset_password(demo_db, u, LEAD, "lang-genoeg-1")
        with pytest.raises(AccessDenied):
            users.list_users(demo_db, u)


def test_steering_account_is_scoped_to_its_villages(demo_db):
    users.add(demo_db, SYSTEM, "twee-dorpen", "steering", "lang-genoeg-1", ["Laren", "Vorden"])
    u = users.authenticate(demo_db, "twee-dorpen", "lang-genoeg-1")
    names = {r["name"] for r in demo_db.rows("SELECT id, name FROM villages")
             if r["id"] in u.village_ids}
    assert names == {"Laren", "Vorden"}


def test_disable_ends_sessions_and_blocks_login(demo_db):
    lead = user_of(demo_db, LEAD)
    uid = user_of(demo_db, STEERING).id
    token = sessions.create(demo_db, uid)
    assert sessions.resolve(demo_db, token) == uid
    users.disable(demo_db, lead, STEERING)
    assert sessions.resolve(demo_db, token) is None
    assert users.authenticate(demo_db, STEERING, PASSWORDS[STEERING]) is None
    assert users.load(demo_db, STEERING) is None
    users.enable(demo_db, lead, STEERING)
    assert users.authenticate(demo_db, STEERING, PASSWORDS[STEERING]) is not None
    with pytest.raises(Invalid):
        users.disable(demo_db, lead, LEAD)  # not yourself


def test_reset_password_ends_sessions(demo_db):
    lead = user_of(demo_db, LEAD)
    uid = user_of(demo_db, FUNDER).id
    token = sessions.create(demo_db, uid)
    users.reset_password(demo_db, lead, FUNDER, "nieuw-wachtwoord-9")
    assert sessions.resolve(demo_db, token) is None
    assert users.authenticate(demo_db, FUNDER, PASSWORDS[FUNDER]) is None
    assert users.authenticate(demo_db, FUNDER, "nieuw-wachtwoord-9").username == FUNDER


def test_list_users_has_no_hashes(demo_db):
    df = users.list_users(demo_db, user_of(demo_db, LEAD))
    assert set(df.username) >= {LEAD, STEERING, FUNDER}
    assert "password_hash" not in df.columns
    row = df[df.username == STEERING].iloc[0]
    assert list(row.villages) == ["Vorden"]


# --- throttling ---------------------------------------------------------------------------------

def test_five_failures_then_throttled_with_growing_delay(demo_db):
    t0 = datetime(2026, 11, 29, 10, 0, 0)
    for i in range(5):
        assert users.authenticate(demo_db, LEAD, "fout", now=t0 + timedelta(seconds=i)) is None
    last = t0 + timedelta(seconds=4)
    with pytest.raises(users.Throttled) as e:  # even the right password waits
        users.authenticate(demo_db, LEAD, PASSWORDS[LEAD], now=last + timedelta(seconds=1))
    assert 25 <= e.value.wait_seconds <= 30
    assert "Te veel mislukte pogingen" in str(e.value)
    # after the wait, one more failure doubles the delay
    later = last + timedelta(seconds=31)
    assert users.authenticate(demo_db, LEAD, "fout", now=later) is None
    assert 55 <= users.wait_seconds(demo_db, LEAD, now=later + timedelta(seconds=1)) <= 60
    # the right password after the wait logs in and clears the count
    ok_at = later + timedelta(seconds=61)
    assert users.authenticate(demo_db, LEAD, PASSWORDS[LEAD], now=ok_at).username == LEAD
    assert users.wait_seconds(demo_db, LEAD, now=ok_at) == 0


def test_unknown_names_are_throttled_the_same(demo_db):
    t0 = datetime(2026, 11, 29, 10, 0, 0)
    for i in range(5):
        users.authenticate(demo_db, "bestaat-niet", "fout", now=t0)
    with pytest.raises(users.Throttled):
        users.authenticate(demo_db, "Bestaat-Niet", "fout", now=t0 + timedelta(seconds=1))
    # another name is not affected
    assert users.authenticate(demo_db, LEAD, PASSWORDS[LEAD], now=t0) is not None


def test_failures_are_audited(demo_db):
    users.authenticate(demo_db, LEAD, "fout")
    users.authenticate(demo_db, LEAD, PASSWORDS[LEAD])
    actions = [r["action"] for r in demo_db.rows(
        "SELECT action FROM audit_log WHERE action LIKE 'login%' ORDER BY id")]
    assert actions[-2:] == ["login_failed", "login"]


def test_oidc_identity_maps_to_the_local_account(demo_db):
    users.add(demo_db, SYSTEM, "Anna.Jansen@Spectrum.example", "steering", "lang-genoeg-1",
              ["Laren"])
    u = users.from_identity(demo_db, "anna.jansen@spectrum.example")
    assert u.role == "steering" and len(u.village_ids) == 1
    assert users.from_identity(demo_db, "anna.jansen@spectrum.example", False) is None
    assert users.from_identity(demo_db, "onbekend@spectrum.example") is None
    assert users.from_identity(demo_db, None) is None
    users.disable(demo_db, SYSTEM, "anna.jansen@spectrum.example")
    assert users.from_identity(demo_db, "anna.jansen@spectrum.example") is None


def test_oidc_login_page_offers_the_provider(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT
    monkeypatch.setenv("DORP_AUTH", "oidc")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen via uw organisatie"]
    assert len(at.text_input) == 0
