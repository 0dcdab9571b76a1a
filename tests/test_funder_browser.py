"""Real browser: the funder logs in and lands on 'Voortgang voor financiers' (screenshot for
the README), and the first pages of the report rendered to PNG."""

import io
import shutil
import subprocess

import pytest

from dorp import report
from dorp.repo import funder
from tests.conftest import ARTIFACTS, AS_OF, FUNDER, PASSWORDS, login, shot, user_of

pytestmark = pytest.mark.browser


def test_funder_page_in_a_browser(server, page):
    login(page, server.url, FUNDER, PASSWORDS[FUNDER])
    page.get_by_role("heading", name="Voortgang voor financiers").wait_for()
    page.locator(".vega-embed").nth(3).wait_for()
    assert page.locator(".vega-embed").count() == 4
    body = page.locator("body").inner_text()
    assert "Besteed (cumulatief)" in body and "€" in body
    assert "Kamphuis" not in body and "@example.nl" not in body
    page.get_by_role("button", name="Rapport downloaden (PDF)").wait_for()
    page.set_viewport_size({"width": 1400, "height": 2300})   # the whole page in one image
    page.locator(".vega-embed").nth(3).wait_for()
    page.wait_for_timeout(800)
    assert shot(page, "financiers").stat().st_size > 20_000


def test_report_first_pages_as_png(demo_db):
    """The cover and summary as PNG (pdftoppm, where poppler-utils is installed), and always
    the report's first chart exactly as embedded."""
    user = user_of(demo_db, FUNDER)
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    view = funder.view(demo_db, user, funder.periods("programme", prog["start_date"], AS_OF,
                                                     prog["end_date"])[0], AS_OF)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    title, png = report.chart_pngs(view)[1]
    (ARTIFACTS / "rapport-grafiek.png").write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    pdf = ARTIFACTS / "rapport.pdf"
    pdf.write_bytes(report.build_pdf(view))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf),
                        str(ARTIFACTS / "rapport-pagina")], check=True, timeout=60)
        pages = sorted(ARTIFACTS.glob("rapport-pagina-*.png"))
        assert len(pages) >= 2 and all(p.stat().st_size > 5_000 for p in pages)
