"""Real browser (Debian chromium): every page has its own address that survives a reload,
also when opened before logging in; each role starts where its work is; and a screenshot of
every page for each role (tests/artifacts/pagina-<role>-<page>.png, `make screenshots`
copies them into docs/screenshots for the README)."""

import pytest

from dorp import ui
from dorp.access import User, role_can
from tests.conftest import FUNDER, LEAD, PASSWORDS, STEERING, login, shot

pytestmark = pytest.mark.browser


def settled(page) -> None:
    """The page has finished running (Streamlit's status widget is gone)."""
    page.wait_for_timeout(300)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="hidden", timeout=60000)


def no_page_not_found(page) -> None:
    assert page.get_by_text("Page not found").count() == 0
    assert "does not seem to exist" not in page.locator("body").inner_text()


def test_a_deep_link_before_login_lands_there_after_login_and_survives_a_reload(server, page):
    page.goto(server.url + "/overzicht")
    page.get_by_role("textbox", name="Gebruikersnaam").fill(LEAD)
    page.get_by_role("textbox", name="Wachtwoord").fill(PASSWORDS[LEAD])
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    assert page.url.rstrip("/").endswith("/overzicht"), page.url
    no_page_not_found(page)
    page.reload()
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    settled(page)
    no_page_not_found(page)
    assert page.url.rstrip("/").endswith("/overzicht"), page.url
    page.goto(server.url + "/metingen")      # another page by its address, logged in
    page.get_by_role("heading", name="Metingen van de vijf lijnen").wait_for()
    no_page_not_found(page)


@pytest.mark.parametrize("username,start,heading", [
    (LEAD, "/overzicht", "Programma-overzicht"),
    (STEERING, "/dorpsdashboard", "Vorden · Bronckhorst"),
    (FUNDER, "/financiers", "Voortgang voor financiers"),
])
def test_each_role_starts_where_its_work_is(server, page, username, start, heading):
    login(page, server.url, username, PASSWORDS[username])
    page.get_by_role("heading", name=heading).first.wait_for()
    assert page.url.split("?")[0].rstrip("/").endswith(start), page.url
    no_page_not_found(page)
    if username == STEERING:   # tonight's meeting and an action, from the dashboard
        settled(page)
        page.get_by_text("Vergadering van vandaag vastleggen").first.wait_for()
        page.get_by_text("Actie toevoegen").first.wait_for()


def _role_user(username: str) -> User:
    role = {LEAD: "lead", STEERING: "steering", FUNDER: "funder"}[username]
    return User(id=0, username=username, role=role, village_ids=frozenset())


@pytest.mark.parametrize("username", [LEAD, STEERING, FUNDER])
def test_screenshot_of_every_page_for_each_role(server, browser, username):
    """Not a check of looks (people look at these), but every page opens by its address
    without "Page not found" or an error box."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 2600}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(60000)
    try:
        login(page, server.url, username, PASSWORDS[username])
        user = _role_user(username)
        for _script, _t, _s, cap, url in ui.PAGES:
            if not role_can(user, cap):
                continue
            page.goto(f"{server.url}/{url}")
            page.get_by_role("button", name="Uitloggen").wait_for()
            settled(page)
            page.wait_for_timeout(1500)   # charts draw after the run
            no_page_not_found(page)
            assert page.locator("[data-testid=stException]").count() == 0, url
            shot(page, f"pagina-{username}-{url}")
    finally:
        ctx.close()
