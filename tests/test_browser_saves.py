"""Real browser (Debian chromium): a steering member records a meeting with a double click on
"Opslaan" (issue 14, point 7). One meeting is stored, the form is empty again, the
confirmation stands right under its button, and recording the same date again asks first.
Screenshots: tests/artifacts/opslaan-*.png."""

import pytest
from playwright.sync_api import expect

from dorp.db import open_db
from tests.conftest import PASSWORDS, STEERING, login, shot, start_server
from tests.test_browser_journey import choose, idle, tab

pytestmark = pytest.mark.browser
DECISION = "Dubbelklik: de werkgroep vervoer gaat door."


@pytest.fixture(scope="module")
def saves_server(tmp_path_factory, demo_template):
    """A server of its own: this test adds meetings (and the database is read afterwards)."""
    srv = start_server(tmp_path_factory, demo_template, "saves")
    yield srv
    srv.stop()


def meeting_form(page):
    return page.locator("[data-testid='stForm']").filter(
        has=page.get_by_role("textbox", name="Besluiten", exact=True)).first


def fill(page):
    # A run still going (the one after logging in, on a busy machine) redraws the form and
    # drops a choice made in it meanwhile: start when the page is idle.
    idle(page)
    tab(page, "3 · Stuurgroep")      # only the open tab is drawn: waits for its run
    expander = page.get_by_text("Vergadering vastleggen", exact=True)
    if not page.get_by_role("textbox", name="Besluiten", exact=True).first.is_visible():
        expander.click()
        idle(page)
    # each score says what it means: the option is chosen by its full text
    choose(page, "Tevredenheid gemeente", "4 – tevreden")
    choose(page, "Tevredenheid dorpsgemeenschap", "3 – redelijk tevreden")
    page.get_by_role("textbox", name="Besluiten", exact=True).first.fill(DECISION)
    # both choices still there just before saving (a redraw would have dropped them)
    expect(page.get_by_role("combobox", name="Tevredenheid gemeente", exact=True)).to_have_value(
        "4 – tevreden")


def test_a_double_click_stores_one_meeting_and_the_same_date_asks_first(saves_server, page):
    try:
        double_click(saves_server, page)
    except Exception:
        shot(page, "opslaan-mislukt")
        raise


def double_click(saves_server, page):
    login(page, saves_server.url, STEERING, PASSWORDS[STEERING])   # lands on their dashboard
    page.goto(saves_server.url + "/pilot")                           # their pilot, tab 3
    page.get_by_role("heading", name="Vorden · Bronckhorst").wait_for()
    fill(page)
    form = meeting_form(page)
    form.get_by_role("button", name="Opslaan", exact=True).dblclick()
    expect(page.get_by_text("Opgeslagen.", exact=True)).to_be_visible(timeout=30000)
    idle(page)
    page.wait_for_timeout(1000)   # a second run, if the double click caused one, is over too
    idle(page)
    form = meeting_form(page)
    done = form.get_by_text("Opgeslagen.", exact=True)
    expect(done).to_be_visible()
    # beside its button: the confirmation's top lies just below the button's bottom
    button = form.get_by_role("button", name="Opslaan", exact=True).bounding_box()
    said = done.bounding_box()
    assert 0 <= said["y"] - (button["y"] + button["height"]) < 60
    expect(form.get_by_role("textbox", name="Besluiten", exact=True)).to_have_value("")
    done.scroll_into_view_if_needed()
    shot(page, "opslaan-bevestiging")

    fill(page)                                              # the same meeting again
    meeting_form(page).get_by_role("button", name="Opslaan", exact=True).click()
    idle(page)
    form = meeting_form(page)
    expect(form.get_by_text("is al een vergadering van deze stuurgroep vastgelegd")).to_be_visible(
        timeout=30000)
    expect(form.get_by_role("checkbox", name="Ja, toch opslaan")).to_be_visible()
    expect(form.get_by_role("textbox", name="Besluiten", exact=True)).to_have_value(DECISION)
    form.get_by_role("checkbox", name="Ja, toch opslaan").scroll_into_view_if_needed()
    shot(page, "opslaan-zelfde-datum")

    saves_server.stop()                                     # DuckDB: one process at a time
    db = open_db(saves_server.db_file)
    try:
        assert db.scalar("SELECT count(*) FROM steering_meetings WHERE decisions = ?",
                         [DECISION]) == 1
    finally:
        db.con.close()
