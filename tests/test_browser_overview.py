"""Real browser (Debian chromium via Playwright): a lead logs in and sees the ten pilots."""

import pytest

from tests.conftest import LEAD, PASSWORDS, login, shot

pytestmark = pytest.mark.browser

VILLAGES = ["Vorden", "Winssen", "Laren", "Heteren", "Doornspijk", "Kootwijkerbroek",
            "Gendringen", "Dinxperlo", "Wekerom", "Beesd"]


def test_overview_shows_ten_pilots_and_the_pipeline(server, page):
    login(page, server.url, LEAD, PASSWORDS[LEAD])
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    chart = page.locator(".vega-embed").first
    chart.wait_for()
    assert chart.locator("svg, canvas").count() >= 1
    # The table is drawn on a canvas; its cells are also in an accessible grid.
    page.locator("[data-testid='stDataFrame'] [role=gridcell]").first.wait_for(state="attached")
    text = " ".join(page.locator("[data-testid='stDataFrame'] [role=gridcell]").all_text_contents())
    missing = [v for v in VILLAGES if v not in text]
    assert missing == [], missing
    path = shot(page, "overzicht")
    assert path.stat().st_size > 10_000
