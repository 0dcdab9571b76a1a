"""The plan's exchange sheets (plan_steps, plan_milestones, plan_spend, plan_line_targets):
template, export, the round trip, and row-level Dutch refusals."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dorp import exchange
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.sheets import BY_NAME, PLAN_SHEETS
from tests.test_exchange_workbook import content, edited, refused

pytestmark = pytest.mark.both_stores   # every query of the plan runs on both stores


def test_template_has_the_plan_sheets_explained():
    c = content(exchange.template())
    for name in PLAN_SHEETS:
        assert c[name] == [BY_NAME[name].columns]
    explain = {(r[0], r[1]): r for r in c["uitleg"] if r and r[1]}
    assert "1 januari of 1 juli" in explain[("plan_spend", "period")][4]
    assert "hele programma" in explain[("plan_steps", "village")][4]
    wb = openpyxl.load_workbook(io.BytesIO(exchange.template()))
    rules = {str(dv.sqref): dv for dv in wb["plan_line_targets"].data_validations.dataValidation}
    assert "broad_support" in rules["B2:B1048576"].formula1          # drop-down of the lines
    assert (rules["C2:C1048576"].formula1, rules["C2:C1048576"].formula2) == ("1", "5")


def test_round_trip_keeps_the_plan(demo_db, tmp_path):
    first = exchange.export(demo_db, SYSTEM)
    c = content(first)
    assert len(c["plan_steps"]) == 12          # header, ten pilots, the programme's row
    assert len(c["plan_spend"]) > 100 and len(c["plan_milestones"]) > 10
    programme_row = [r for r in c["plan_steps"][1:] if r[0] is None]
    assert len(programme_row) == 1 and programme_row[0][1:6] == (None,) * 5
    assert programme_row[0][6].startswith("Zes van de tien pilots")
    fresh = open_db(tmp_path / "fresh.duckdb")
    exchange.import_file(fresh, SYSTEM, first, replace=False)
    for table in PLAN_SHEETS:
        assert fresh.scalar(f"SELECT count(*) FROM {table}") == \
            demo_db.scalar(f"SELECT count(*) FROM {table}"), table
    assert content(exchange.export(fresh, SYSTEM)) == c
    fresh.con.close()


def test_a_workbook_without_plan_sheets_still_loads(demo_db, tmp_path):
    def drop(wb):
        for name in PLAN_SHEETS:
            del wb[name]
    tables = exchange.parse(edited(exchange.export(demo_db, SYSTEM), drop))
    fresh = open_db(tmp_path / "fresh.duckdb")
    exchange.import_tables(fresh, SYSTEM, tables, replace=False)
    assert fresh.scalar("SELECT count(*) FROM plan_steps") == 0
    fresh.con.close()


def test_plan_rows_are_refused_with_sheet_row_column_in_dutch(demo_db):
    data = exchange.export(demo_db, SYSTEM)

    def row_of(ws, village):
        return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == village)

    def break_it(wb):
        ws = wb["plan_steps"]
        r = row_of(ws, "Vorden")
        ws.cell(r, 4, "2020-01-01")                    # step 3 before step 2
        r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value is None)
        ws.cell(r, 3, "2026-01-01")                    # a date on the programme's row
        ws.append(["Hengelo (Gld)", None, "2026-01-01"])   # a village without a pilot
        ws.append(["Atlantis"])                        # no such village
        ws.append(["Laren"])                           # Laren twice
        ws = wb["plan_spend"]
        ws.cell(2, 2, "2026-03-01")                    # not the start of a half-year
        ws.cell(3, 4, -5)                              # negative
        ws.cell(4, 3, "provincie")                     # not a source code
        ws = wb["plan_line_targets"]
        ws.cell(2, 3, 7)                               # score out of range
        ws.cell(3, 4, 0)                               # month out of range
        ws = wb["plan_milestones"]
        ws["B2"] = None                                # a milestone without a name
        ws.cell(3, 3, "ooit")                          # not a date

    problems = refused(edited(data, break_it))
    got = {(p.sheet, p.row, p.column): p.message for p in problems}
    text = exchange.format_problems(problems)
    ws = openpyxl.load_workbook(io.BytesIO(data))["plan_steps"]
    vorden = row_of(ws, "Vorden")
    assert "vóór de geplande datum van een eerdere stap" in got[("plan_steps", vorden, "step_3_on")]
    assert any(k[0] == "plan_steps" and k[2] == "step_2_on" and "alleen de toelichting" in m
               for k, m in got.items())
    n = ws.max_row
    assert "heeft geen pilot" in got[("plan_steps", n + 1, "village")]
    assert "staat niet op het blad 'villages'" in got[("plan_steps", n + 2, "village")]
    assert any(k[0] == "plan_steps" and "dubbel" in m for k, m in got.items())
    assert "1 januari of 1 juli" in got[("plan_spend", 2, "period")]
    assert "niet kleiner zijn dan 0" in got[("plan_spend", 3, "planned")]
    assert "kies uit: province" in got[("plan_spend", 4, "source")]
    assert "ligt niet tussen 1 en 5" in got[("plan_line_targets", 2, "score")]
    assert "ligt niet tussen 1 en 240" in got[("plan_line_targets", 3, "by_month")]
    assert "leeg" in got[("plan_milestones", 2, "milestone")]
    assert "geen datum" in got[("plan_milestones", 3, "planned_on")]
    assert "Blad 'plan_spend', rij 2, kolom 'period'" in text and "Traceback" not in text


@pytest.mark.parametrize("sheet", PLAN_SHEETS)
def test_each_plan_sheet_refuses_a_missing_column(demo_db, sheet):
    data = edited(exchange.export(demo_db, SYSTEM), lambda wb: wb[sheet].delete_cols(2))
    problems = refused(data)
    assert any(p.sheet == sheet and p.row is None and "ontbreekt" in p.message for p in problems)


def test_a_problem_in_a_column_with_empty_cells_names_its_row(demo_db):
    """Regression: in a column with empty cells (budget.village is empty for the programme's
    lines) a problem used to come out without its row, as "Dorp 'False' ...". """
    def break_it(wb):
        ws = wb["budget"]
        assert any(ws.cell(r, 1).value is None for r in range(2, ws.max_row + 1))
        ws.cell(ws.max_row, 1, "Atlantis")
        ws.cell(ws.max_row - 1, 4, "veel")
    data = exchange.export(demo_db, SYSTEM)
    n = openpyxl.load_workbook(io.BytesIO(data))["budget"].max_row
    got = {(p.sheet, p.row, p.column): p.message for p in refused(edited(data, break_it))}
    assert got[("budget", n, "village")] == "Dorp 'Atlantis' staat niet op het blad 'villages'."
    assert got[("budget", n - 1, "budgeted")] == "'veel' is geen bedrag (euro)."


def test_a_wrong_pilot_row_is_reported_once_not_on_every_plan_row(demo_db):
    """A typo in the pilots sheet takes a pilot away from its plan rows: the import names the
    pilots sheet, not also every plan row of that pilot."""
    data = edited(exchange.export(demo_db, SYSTEM), lambda wb: wb["pilots"].cell(3, 1, "Atlantis"))
    problems = refused(data)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("pilots", 3, "village")]
