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
    # The funder's question is "are we on plan, and what did we spend this half-year?"
    page.get_by_text("Halfjaar", exact=True).click()
    page.get_by_text("Besteed in 2e helft 2026", exact=False).wait_for()
    page.locator(".vega-embed").nth(5).wait_for()
    assert page.locator(".vega-embed").count() == 6      # four of progress, two of the plan
    body = page.locator("body").inner_text()
    assert "Besteed (cumulatief)" in body and "Besteed in de periode" in body and "€" in body
    assert "van de 10 pilots liggen er 5 op schema, 4 achter en 1 voor" in body
    assert "Zes van de tien pilots liggen op of voor schema" in body   # the lead's explanation
    assert "Controleer vóór verzending" not in body                    # that is for the lead
    assert "Kamphuis" not in body and "@example.nl" not in body
    page.get_by_role("button", name="Rapport downloaden (PDF)").wait_for()
    page.set_viewport_size({"width": 1400, "height": 1000})   # the top: the answer on one screen
    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "financiers-boven.png"))   # the visible part only
    page.set_viewport_size({"width": 1400, "height": 4300})   # the whole page in one image
    page.locator(".vega-embed").nth(5).wait_for()
    page.wait_for_timeout(1200)
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
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "4", str(pdf),
                        str(ARTIFACTS / "rapport-pagina")], check=True, timeout=60)
        pages = sorted(ARTIFACTS.glob("rapport-pagina-*.png"))
        assert len(pages) >= 4 and all(p.stat().st_size > 5_000 for p in pages)


def test_report_plan_pages_as_png(demo_db):
    """The half-year report's plan pages (summary, per pilot, spending, the cumulative curve)
    and one pilot's page with its planned steps, rendered to PNG for the README."""
    from pypdf import PdfReader
    user = user_of(demo_db, FUNDER)
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    view = funder.view(demo_db, user, funder.periods("half", prog["start_date"], AS_OF,
                                                     prog["end_date"])[0], AS_OF)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "rapport-halfjaar.pdf"
    pdf.write_bytes(report.build_pdf(view))
    texts = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    plan_page = next(i for i, t in enumerate(texts) if "Plan tegenover werkelijkheid" in t) + 1
    laren = next(i for i, t in enumerate(texts) if "Per pilot: Laren" in t) + 1
    assert "Planning van deze pilot" in texts[laren - 1]
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    made = []
    for number, name in ((plan_page, "rapport-plan-1"), (plan_page + 1, "rapport-plan-2"),
                         (laren, "rapport-pilot-laren")):
        # -singlefile: exactly NAME.png, whatever the page number
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number),
                        "-singlefile", str(pdf), str(ARTIFACTS / name)], check=True, timeout=60)
        made.append(ARTIFACTS / f"{name}.png")
    assert all(p.stat().st_size > 5_000 for p in made)
