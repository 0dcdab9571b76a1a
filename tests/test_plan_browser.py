"""Real browser: a lead opens Programmaplan, sees where the pilots stand against the plan and
the form of one pilot (screenshot for the README), and the pilot page shows the alert."""

import pytest

from tests.conftest import LEAD, PASSWORDS, login, shot

pytestmark = pytest.mark.browser


def test_lead_keeps_the_plan_in_a_browser(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    page.goto(server.url + "/programmaplan")
    page.get_by_role("heading", name="Programmaplan").wait_for()
    page.get_by_role("heading", name="Planning per pilot").wait_for()
    body = page.locator("body").inner_text()
    assert "Waar staan de pilots ten opzichte van het plan?" in body
    assert "Toelichting bij het hele programma" in body
    assert page.get_by_role("button", name="Planning opslaan").count() == 1
    page.set_viewport_size({"width": 1400, "height": 1700})
    page.wait_for_timeout(800)
    assert shot(page, "programmaplan").stat().st_size > 20_000
