"""English that Streamlit 1.67 itself puts into the Dutch UI (issue 17 §3), in a real browser.

- Fixed: the main menu ("Main menu", "Print", "Record screen", "Made with Streamlit") is gone
  (`client.toolbarMode = "minimal"` in .streamlit/config.toml).
- The date picker's calendar speaks the *browser's* language (Streamlit gives it
  `navigator.language`; it has no locale option): Dutch month and weekday names, and Dutch
  spoken names of the days, in a Dutch browser.
- What Streamlit offers no way to translate stays as docs/ARCHITECTURE.md ("Known limits")
  lists it. The last test holds that list to what the browser shows, so a Streamlit upgrade
  that changes it (for better or worse) is noticed and the list corrected."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LEAD, PASSWORDS, login, shot

pytestmark = pytest.mark.browser

ENGLISH_MONTHS = re.compile(r"\b(January|February|March|April|May|June|July|August|October|"
                            r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                            r"Sunday|Today|selected)\b")
NAMES = """e => Array.from(e.querySelectorAll('[aria-label]')).map(x => x.getAttribute('aria-label'))"""


def open_calendar(page, base_url: str):
    page.goto(base_url + "/metingen")
    page.get_by_role("heading", name="Metingen van de vijf lijnen").wait_for()
    page.locator("[data-testid=stDateInputCalendarButton]").first.click()
    dialog = page.get_by_role("dialog").first
    dialog.locator("[role=grid] [aria-label]").first.wait_for()
    return dialog


def test_no_main_menu_of_streamlits_own_english(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    page.get_by_role("button", name="Uitloggen").wait_for()
    assert page.locator("[data-testid=stMainMenuButton]").count() == 0
    assert page.get_by_role("button", name="Main menu").count() == 0
    body = page.locator("body").inner_text()
    assert "Made with Streamlit" not in body and "Record screen" not in body


def test_the_date_pickers_calendar_is_dutch_in_a_dutch_browser(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])          # the page fixture is nl-NL
    dialog = open_calendar(page, server.url)
    shot(page, "date_picker_nl")
    text = dialog.inner_text()
    names = dialog.evaluate(NAMES)
    # months and weekdays in Dutch (DORP_TODAY is 29 November 2026, a Sunday)
    assert "november 2026" in text and "oktober" in text and "december" in text
    assert re.search(r"M\s+D\s+W\s+D\s+V\s+Z\s+Z", text), text[:400]
    assert "zondag 29 november 2026 geselecteerd, Laatste beschikbare datum" in names
    assert "maandag 23 november 2026" in names
    assert not ENGLISH_MONTHS.search(text + " ".join(names)), \
        ENGLISH_MONTHS.findall(text + " ".join(names))


def test_the_calendar_follows_the_browser_not_the_apps_language(server, browser):
    """Streamlit gives the calendar `navigator.language`: an English browser gets an English
    calendar on the Dutch pages (docs/ARCHITECTURE.md, Known limits)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page = ctx.new_page()
        page.set_default_timeout(30000)
        login(page, server.url, LEAD, PASSWORDS[LEAD])
        dialog = open_calendar(page, server.url)
        assert "November 2026" in dialog.inner_text()
        assert "Sunday, November 29, 2026 selected, Last available date" in dialog.evaluate(NAMES)
        assert page.get_by_role("heading", name="Metingen van de vijf lijnen").count() == 1
    finally:
        ctx.close()


def test_streamlits_untranslatable_texts_are_the_documented_ones(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    # the date picker: its buttons' and the calendar's accessible names, its field's parts
    dialog = open_calendar(page, server.url)
    names = set(dialog.evaluate(NAMES))
    assert {"Choose date, november 2026", "Previous month", "Next month"} <= names
    assert "Use arrow keys to navigate dates. Enter to select. Escape to close." in \
        dialog.inner_text()
    field = page.locator("[data-testid=stDateInput]").first
    assert set(field.evaluate(NAMES)) >= {"Choose date", "day, Datum van de meting",
                                          "month, Datum van de meting",
                                          "year, Datum van de meting"}
    page.keyboard.press("Escape")
    # the file uploader: our Dutch label, Streamlit's English button and size line
    page.goto(server.url + "/gegevens")
    page.get_by_role("tab", name="Importeren").click()
    uploader = page.locator("[data-testid=stFileUploader]").first
    uploader.wait_for()
    text = uploader.inner_text()
    assert "Werkboek (.xlsx, hoogstens 5 MB)" in text
    assert "Upload" in text and "MB per file" in text
    # the toolbars of tables and charts (shown on hover)
    page.goto(server.url + "/overzicht")
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    table.hover()
    page.wait_for_timeout(500)
    toolbar = page.locator("[data-testid=stElementToolbar]", has=page.get_by_role(
        "button", name="Download as CSV"))
    assert set(toolbar.first.evaluate(NAMES)) >= {"Show/hide columns", "Download as CSV",
                                                  "Search", "Fullscreen"}
