"""Real browser (Debian chromium via Playwright): a lead logs in, sees the ten pilots, the
pipeline chart with the four steps, "Aandacht nodig" saying each cause once in words, and a
cause's link opening the pilot on the tab where it is fixed."""

import pytest

from tests.conftest import LEAD, PASSWORDS, login, shot

pytestmark = pytest.mark.browser

VILLAGES = ["Vorden", "Winssen", "Laren", "Heteren", "Doornspijk", "Kootwijkerbroek",
            "Gendringen", "Dinxperlo", "Wekerom", "Beesd"]


def chart_texts(page, n: int) -> list[str]:
    """The text each of the first n charts draws (axis labels, legends, marks' text)."""
    page.wait_for_function("n => document.querySelectorAll('.vega-embed svg').length >= n",
                           arg=n, timeout=30000)
    page.wait_for_timeout(500)
    return [page.locator(".vega-embed svg").nth(i).evaluate(
        "e => Array.from(e.querySelectorAll('text')).map(x => x.textContent).join('|')")
        for i in range(n)]


def test_overview_shows_ten_pilots_the_pipeline_and_each_cause_once(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    pipeline = chart_texts(page, 1)[0].split("|")
    for label in ("1 · Willen", "2 · Businesscase (mBc)", "3 · Stuurgroep", "4 · Uitvoering",
                  "Actief", "Afgerond", "Pilots"):
        assert label in pipeline, (label, pipeline)
    # The table is drawn on a canvas; its cells are also in an accessible grid.
    page.locator("[data-testid='stDataFrame'] [role=gridcell]").first.wait_for(state="attached")
    text = " ".join(page.locator("[data-testid='stDataFrame'] [role=gridcell]").all_text_contents())
    missing = [v for v in VILLAGES if v not in text]
    assert missing == [], missing
    main = page.locator("[data-testid='stMain']").first.inner_text()
    # Wekerom: the missing consent is one cause (not two alert codes), the step named in words
    assert "Wekerom · Ede · Stap 2 · Maatschappelijke business case · Actief" in main
    assert main.count("De instemming van de dorpsgemeenschap is niet vastgelegd.") == 1
    assert "Instapvoorwaarden niet vervuld" not in main.split("Alle pilots")[0]
    assert "'mag dit?' met nee beantwoord" in main                       # Gendringen
    shot(page, "overzicht")
    # The cause's link opens the pilot on the tab of step 1, where consent is recorded.
    card = page.get_by_text("Wekerom · Ede · Stap 2").locator(
        "xpath=ancestor::div[.//a[contains(@href, 'tab=1')]][1]")
    card.get_by_role("link", name="Vastleggen op de pilotpagina").click()
    page.get_by_role("heading", name="Wekerom · Ede").wait_for()
    page.locator("[role=tab][aria-selected=true]", has_text="1 · Willen").wait_for()
    page.get_by_text("Instemming van de dorpsgemeenschap ontbreekt").first.wait_for()
