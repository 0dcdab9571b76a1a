"""The login page (AppTest): the promised labels, refusals, throttling message, first lead."""

import re

from dorp.repo import users
from tests.conftest import LEAD, PASSWORDS


def _login(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_labels_and_successful_login(app_as):
    at = app_as(None)
    assert [w.label for w in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert at.button[0].label == "Inloggen"
    assert at.title[0].value == "Inloggen"
    _login(at, LEAD, PASSWORDS[LEAD])
    # (the landing page belongs to the dashboards; here only the log-in counts)
    assert at.session_state["user"].username == LEAD
    assert not at.error
    assert any(b.label == "Uitloggen" for b in at.sidebar.button)


def test_wrong_password_and_throttling(app_as, demo_db):
    at = app_as(None)
    for _ in range(4):
        _login(at, LEAD, "fout-wachtwoord")
        assert [e.value for e in at.error] == ["Gebruikersnaam of wachtwoord klopt niet."]
    _login(at, LEAD, "fout-wachtwoord")
    assert re.search(r"(2\d|30) seconden wachten", at.error[0].value)
    _login(at, LEAD, PASSWORDS[LEAD])
    assert "Te veel mislukte pogingen" in at.error[0].value
    assert "user" not in at.session_state


def test_logout_button_logs_out(app_as):
    at = app_as(LEAD)
    next(b for b in at.sidebar.button if b.label == "Uitloggen").click()
    at.run()
    assert "user" not in at.session_state
    assert [w.label for w in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]


def test_no_accounts_explains_the_first_lead(empty_db):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT
    assert users.count(empty_db) == 0
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "Er zijn nog geen accounts" in at.info[0].value
    assert "dorp user add NAAM --role lead --password-stdin" in at.code[0].value


def test_every_page_shows_only_the_login_when_logged_out(app_as):
    from dorp import ui
    for script, *_ in ui.PAGES:
        at = app_as(None, page=script)
        assert not at.exception, script
        assert [w.label for w in at.text_input] == ["Gebruikersnaam", "Wachtwoord"], script
        assert len(at.dataframe) == 0 and len(at.get("vega_lite_chart")) == 0, script
        assert len(at.metric) == 0, script


def test_a_refused_log_in_hand_off_is_explained(app_as):
    """/auth/session sends the browser back with ?inloggen=mislukt when the code was spent,
    too old or brought by another browser: the log-in form says so, once."""
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["inloggen"] = "mislukt"
    at.run()
    assert "kon niet worden afgerond" in at.warning[0].value
    assert [w.label for w in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    at.run()
    assert not at.warning
