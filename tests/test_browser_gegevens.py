"""Real browser: a lead uploads a bad workbook (problems table, nothing written), then a good
one (preview per sheet, confirm, imported). Own server: the import replaces its database."""

import io

import openpyxl
import pytest

from dorp import exchange
from dorp.access import SYSTEM
from dorp.db import open_db
from tests.conftest import LEAD, PASSWORDS, login, shot, start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, demo_template):
    srv = start_server(tmp_path_factory, demo_template, name="gegevens")
    yield srv
    srv.stop()


def workbooks(demo_template, tmp_path):
    db = open_db(demo_template, migrate_now=False)
    data = exchange.export(db, SYSTEM)
    db.con.close()
    good = openpyxl.load_workbook(io.BytesIO(data))
    good["villages"].append(["Nieuwdorp", "Bronckhorst", "GM1876", 1200])
    good.save(tmp_path / "goed.xlsx")
    bad = openpyxl.load_workbook(io.BytesIO(data))
    bad["line_scores"]["D2"] = 8
    bad["pilots"]["A3"] = "Atlantis"
    bad.save(tmp_path / "fout.xlsx")
    return tmp_path / "goed.xlsx", tmp_path / "fout.xlsx"


def test_upload_check_preview_and_import(own_server, page, demo_template, tmp_path):
    good, bad = workbooks(demo_template, tmp_path)
    login(page, own_server.url, LEAD, PASSWORDS[LEAD])
    page.goto(own_server.url + "/gegevens")
    page.get_by_role("heading", name="Gegevens: Excel, back-ups en logboek").wait_for()
    page.get_by_role("tab", name="Importeren").click()

    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("Het werkboek is niet ingelezen: 2 problemen").wait_for()
    grid = page.locator("[data-testid='stDataFrame'] [role=gridcell]")
    grid.first.wait_for(state="attached")
    cells = " ".join(grid.all_text_contents())
    assert "line_scores" in cells and "Atlantis" in cells
    shot(page, "gegevens-fouten")

    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_text("Het werkboek is in orde").wait_for()
    page.get_by_text("wordt helemaal vervangen").wait_for()
    shot(page, "gegevens-voorbeeld")
    page.get_by_role("button", name="Ja, werkboek inlezen").click()
    page.get_by_text("Werkboek ingelezen").first.wait_for()
    page.get_by_text("De vorige gegevens staan in de back-up").wait_for()
    shot(page, "gegevens-ingelezen")

    page.get_by_role("tab", name="Logboek").click()
    page.get_by_text("Elke wijziging: wie, wanneer").wait_for()
    page.locator("[data-testid='stDataFrame'] [role=gridcell]", has_text="replace") \
        .first.wait_for(state="attached")
    page.wait_for_timeout(500)
    shot(page, "gegevens-logboek")
