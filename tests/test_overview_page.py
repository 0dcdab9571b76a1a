"""AppTest of the programme overview in both languages, and its guard."""

from tests.conftest import FUNDER, LEAD, chart_data


def test_overview_in_dutch(app_as):
    at = app_as(LEAD)
    assert not at.exception
    assert at.title[0].value == "Programma-overzicht"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pilots"] == "10"
    table = at.dataframe[0].value
    assert len(table) == 10 and "Vorden" in set(table["village"])
    assert "Lijn daalt" in " ".join(table["alerts"])
    data = chart_data(at.get("vega_lite_chart")[0])
    counts = data.groupby("step_label")["n"].sum().to_dict()
    assert counts == {"1 · Willen": 1, "2 · Businesscase (mBc)": 3, "3 · Stuurgroep": 2,
                      "4 · Uitvoering": 4}


def test_overview_in_english(app_as):
    at = app_as(LEAD, lang="en")
    assert not at.exception
    assert at.title[0].value == "Programme overview"
    assert {m.label for m in at.metric} >= {"Pilots", "Need attention"}
    assert "Line declining" in " ".join(at.dataframe[0].value["alerts"])


def test_logged_out_sees_only_login(app_as):
    at = app_as(None)
    assert at.title[0].value == "Inloggen"
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0


def test_overview_page_refuses_a_funder_even_by_direct_switch(app_as, demo_db):
    # The funder's menu does not hold this page (switch_page only reaches menu pages), so
    # run the page's script directly, as a deep link on a fresh server does.
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT, user_of
    at = AppTest.from_file(str(ROOT / "pages" / "overzicht.py"), default_timeout=60)
    at.session_state["user"] = user_of(demo_db, FUNDER)
    at.run()
    assert len(at.dataframe) == 0
    assert any("geen toegang" in e.value for e in at.error)
