"""The accounts page (AppTest): leads manage accounts and see the read log; others may not."""

from dorp.repo import users
from tests.conftest import FUNDER, LEAD, PASSWORDS, STEERING, form_widget

PAGE = "pages/accounts.py"


def test_lead_sees_every_account(app_as):
    at = app_as(LEAD, page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Accounts en privacy"
    df = at.dataframe[0].value
    assert set(df.username) >= {LEAD, STEERING, FUNDER}
    assert "password_hash" not in df.columns
    assert "Programmaleider" in set(df.role)


def test_lead_creates_a_steering_account(app_as, demo_db):
    at = app_as(LEAD, page=PAGE)
    form_widget(at, "text_input", "account", "username").input("nieuw-lid")
    form_widget(at, "selectbox", "account", "role").select("steering")
    form_widget(at, "multiselect", "account", "villages").select("Laren")
    form_widget(at, "text_input", "account", "pw1").input("een-goed-wachtwoord")
    form_widget(at, "text_input", "account", "pw2").input("een-goed-wachtwoord")
    next(b for b in at.button if b.label == "Account aanmaken").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    u = users.authenticate(demo_db, "nieuw-lid", "een-goed-wachtwoord")
    assert u.role == "steering" and len(u.village_ids) == 1
    assert "Account nieuw-lid aangemaakt." in [s.value for s in at.success]
    assert form_widget(at, "text_input", "account", "username").value == ""   # empty again


def test_refusal_shows_dutch_reasons(app_as, demo_db):
    at = app_as(LEAD, page=PAGE)
    form_widget(at, "text_input", "account", "username").input(STEERING)
    form_widget(at, "text_input", "account", "pw1").input("kort")
    form_widget(at, "text_input", "account", "pw2").input("kort")
    next(b for b in at.button if b.label == "Account aanmaken").click()
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "bestaat al" in errors and "minstens 8 tekens" in errors


def test_lead_disables_an_account(app_as, demo_db):
    at = app_as(LEAD, page=PAGE)
    at.selectbox(key="acc_user").select(FUNDER).run()
    at.button(key=f"acc_disable:{FUNDER}").click().run()
    assert not at.exception
    # it asks first, and says what happens
    assert any("open sessies eindigen meteen" in w.value for w in at.warning)
    assert users.authenticate(demo_db, FUNDER, PASSWORDS[FUNDER]) is not None
    at.button(key=f"acc_disable:{FUNDER}:yes").click().run()
    assert users.authenticate(demo_db, FUNDER, PASSWORDS[FUNDER]) is None
    assert f"Account {FUNDER} is uitgeschakeld; open sessies zijn beëindigd." in \
        [s.value for s in at.success]


def test_password_typed_for_one_account_never_goes_to_another(app_as, demo_db):
    at = app_as(LEAD, page=PAGE)
    at.selectbox(key="acc_user").select(FUNDER).run()
    form_widget(at, "text_input", "password", "pw1").input("nieuw-wachtwoord-9")
    at.selectbox(key="acc_user").select(STEERING).run()
    assert form_widget(at, "text_input", "password", "pw1").value == ""
    form_widget(at, "text_input", "password", "pw2").input("nieuw-wachtwoord-9")
    form_widget(at, "button", "password").click().run()
    assert any("niet gelijk" in e.value for e in at.error)
    assert users.authenticate(demo_db, STEERING, PASSWORDS[STEERING]) is not None
    assert users.authenticate(demo_db, FUNDER, PASSWORDS[FUNDER]) is not None


def test_read_log_tab_shows_reads(app_as, demo_db):
    from dorp.repo import privacy
    from tests.conftest import user_of
    vorden = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    privacy.log_read(demo_db, user_of(demo_db, STEERING), privacy.PEOPLE, vorden)
    at = app_as(LEAD, page=PAGE)
    reads = at.dataframe[1].value
    assert list(reads.username) == [STEERING] and list(reads.village) == ["Vorden"]


def test_person_search_finds_a_member(app_as, demo_db):
    name = demo_db.scalar("SELECT name FROM steering_members ORDER BY id LIMIT 1")
    at = app_as(LEAD, page=PAGE)
    at.text_input(key="acc_person").input(name).run()
    assert not at.exception
    assert any("Gevonden in" in m.value for m in at.markdown)


def test_others_are_refused(demo_db):
    """Not in their menu, and refused when the page is opened directly (a deep link)."""
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT, user_of
    for who in (STEERING, FUNDER):
        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.session_state["user"] = user_of(demo_db, who)
        at.run()
        assert not at.exception
        assert len(at.dataframe) == 0
        assert any("geen toegang" in e.value for e in at.error)
