"""Real browser (Debian chromium): the programme overview and a village dashboard draw their
charts with what they should show (the text of axes, legends and cells, read from the drawn
SVG); screenshots go to tests/artifacts for a human to look at."""

import pytest

from tests.conftest import LEAD, PASSWORDS, STEERING, login, shot

pytestmark = pytest.mark.browser


def tall_shot(page, name: str):
    """Streamlit scrolls inside its main block: make the window as tall as the content so the
    screenshot shows the whole page."""
    height = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll("
                           "'[data-testid=stMain], section.main, [data-testid=stAppViewContainer]'))"
                           ".map(e => e.scrollHeight), 1000)")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 9000)})
    page.wait_for_timeout(800)
    path = shot(page, name)
    page.set_viewport_size({"width": width, "height": 1000})
    return path


def wait_for_charts(page, n: int) -> int:
    """Wait until at least n Vega charts have drawn an SVG or canvas; return how many."""
    page.wait_for_function(
        "n => document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= n",
        arg=n, timeout=30000)
    page.wait_for_timeout(600)   # let the last chart finish its layout before the screenshot
    return page.locator(".vega-embed svg, .vega-embed canvas").count()


def all_chart_text(page) -> str:
    """Every text the drawn charts show (axis labels, legends, the numbers in cells)."""
    return "|".join(page.locator(".vega-embed svg").evaluate_all(
        "es => es.map(e => Array.from(e.querySelectorAll('text')).map(x => x.textContent)"
        ".join('|'))"))


def test_lead_overview_and_village_dashboard(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    page.get_by_role("heading", name="Aandacht nodig").wait_for()
    assert wait_for_charts(page, 3) >= 3          # pipeline, map, heatmap
    # the month-of-pilot comparison is drawn on demand
    page.get_by_text("Vergelijking tonen", exact=True).click()
    assert wait_for_charts(page, 4) >= 4          # ... and the comparison
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert "Breed draagvlak daalde van 4 naar 2" in body
    drawn = all_chart_text(page)
    for shown in ("4 · Uitvoering", "Laren", "Heteren", "Maand van de pilot", "Score"):
        assert shown in drawn, shown
    tall_shot(page, "overzicht-dashboard")

    # From "Aandacht nodig" to Laren's village dashboard.
    card = page.get_by_text("Lochem · Stap 4 · Projectuitvoering").locator(
        "xpath=ancestor::div[.//a[contains(@href, 'dorpsdashboard')]][1]")
    card.locator("a[href*='dorpsdashboard']").first.click()
    page.get_by_role("heading", name="Laren · Lochem").wait_for()
    assert wait_for_charts(page, 6) >= 6
    drawn = all_chart_text(page)
    for shown in ("Breed draagvlak", "Borging", "Gemeente", "Dorpsgemeenschap", "Ondersteunen"):
        assert shown in drawn, shown
    tall_shot(page, "dorpsdashboard-laren")

    page.get_by_text("Printweergave").click()
    page.get_by_text("Afgedrukt uit Dorpsregie").wait_for()
    wait_for_charts(page, 6)
    page.emulate_media(media="print")
    tall_shot(page, "dorpsdashboard-laren-print")
    page.emulate_media(media="screen")

    # The scoring page: each choice carries the written meaning of its level. (The print view
    # collapsed the sidebar, its menu with it: back to the screen, open the page by address.)
    page.get_by_text("Printweergave").click()
    page.goto(server.url + "/metingen")
    page.get_by_role("heading", name="Metingen van de vijf lijnen").wait_for()
    page.get_by_text("Eerdere metingen").wait_for()
    tall_shot(page, "metingen")
    page.locator("[data-testid='stSelectbox']").nth(1).click()   # "Breed draagvlak" score
    option = page.get_by_role("option").filter(has_text="Bewoners worden op meer manieren")
    option.wait_for()
    shot(page, "metingen-keuze")


def test_steering_member_sees_own_village_dashboard(server, browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    try:
        login(page, server.url, STEERING, PASSWORDS[STEERING])
        page.get_by_role("link", name="Dorpsdashboard").click()
        page.get_by_role("heading", name="Vorden · Bronckhorst").wait_for()
        assert wait_for_charts(page, 6) >= 6
        assert "Laren" not in page.locator("[data-testid='stMain']").first.inner_text()
        tall_shot(page, "dorpsdashboard-vorden-stuurgroep")
    finally:
        ctx.close()
