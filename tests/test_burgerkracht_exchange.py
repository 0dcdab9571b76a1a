"""The Burgerkrachtgenerator's sheets of the exchange workbook (INTERFACES.md): the promised
columns, a round trip that keeps the instrument's state, and imports refused row by row in
Dutch - the 4-7 rule with the method's reason, names in themes and summaries, references
between the sheets."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dorp import exchange, status
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.sheets import BY_NAME
from tests.conftest import AS_OF

pytestmark = pytest.mark.both_stores   # runs on DuckDB and on PostgreSQL

PROMISED = {
    "bkg_lead_group": ("village", "name", "role", "joined_on"),
    "bkg_conversations": ("village", "date", "participants", "summary"),
    "bkg_themes": ("village", "theme", "found_on"),
    "bkg_village_meetings": ("village", "date", "attendees", "themes_recognised"),
    "working_groups": ("village", "theme", "name", "started_on", "willingness", "ability",
                       "plan_presented_on", "status"),
    "working_group_contacts": ("village", "working_group", "date", "kind", "note"),
}


def edited(data: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refused(data: bytes) -> list[exchange.Problem]:
    with pytest.raises(exchange.WorkbookRefused) as e:
        exchange.parse(data)
    return e.value.problems


def row_of(ws, **match) -> int:
    """The Excel row number of the first row whose cells match (column name -> value)."""
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if all(ws.cell(r, header.index(k) + 1).value == v for k, v in match.items()):
            return r
    raise AssertionError(f"no row {match} in {ws.title}")


def cell(ws, row: int, column: str):
    return ws.cell(row, [c.value for c in ws[1]].index(column) + 1)


def test_the_six_promised_sheets_start_with_the_promised_columns():
    wb = openpyxl.load_workbook(io.BytesIO(exchange.template()))
    for name, columns in PROMISED.items():
        assert BY_NAME[name].promised
        header = tuple(c.value for c in wb[name][1])
        assert header[:len(columns)] == columns, name
    explained = {r[0].value: r for r in wb["uitleg"].iter_rows() if r[0].value}
    assert "bkg_conversations" in explained
    text = " ".join(str(c.value) for row in wb["uitleg"].iter_rows() for c in row if c.value)
    assert "minimaal 4 en maximaal 7" in text and "zonder namen van bewoners" in text
    # drop-down of the contact kinds and a 4-7 check in Excel itself
    rules = {str(dv.sqref): dv for dv in wb["bkg_conversations"].data_validations.dataValidation}
    assert (rules["C2:C1048576"].formula1, rules["C2:C1048576"].formula2) == ("4", "7")
    kinds = [dv for dv in wb["working_group_contacts"].data_validations.dataValidation]
    assert any("return_meeting" in (dv.formula1 or "") for dv in kinds)


def test_round_trip_keeps_the_instrument(demo_db, tmp_path):
    first = exchange.export(demo_db, SYSTEM)
    tables = exchange.export_tables(demo_db, SYSTEM)
    for name in (*PROMISED, "bkg_subgroups", "working_group_modes"):
        assert len(tables[name]) > 0, name
    fresh = open_db(tmp_path / "fresh.duckdb")
    exchange.import_file(fresh, SYSTEM, first, replace=False)
    again = exchange.export_tables(fresh, SYSTEM)
    for name in (*PROMISED, "bkg_subgroups", "working_group_modes"):
        assert again[name].astype(str).equals(tables[name].astype(str)), name
    before = {p["village"]: p["burgerkracht"] for p in status.status(demo_db, SYSTEM, AS_OF)["pilots"]}
    after = {p["village"]: p["burgerkracht"] for p in status.status(fresh, SYSTEM, AS_OF)["pilots"]}
    assert after == before and after["Vorden"]["stage"] == "working_groups"
    # themes keep the conversations they came from
    themes = exchange.export_tables(fresh, SYSTEM)["bkg_themes"].set_index(["village", "theme"])
    assert themes.loc[("Vorden", "Samen eten en ontmoeten"), "conversations"] == "1, 2, 4"
    # the load is audited as one import
    assert fresh.scalar("SELECT count(*) FROM audit_log WHERE action = 'import'") == 1
    fresh.con.close()


@pytest.mark.parametrize("n", [3, 8])
def test_participants_outside_four_to_seven_refused_with_the_reason(demo_db, n):
    data = exchange.export(demo_db, SYSTEM)
    rows = {}

    def change(wb):
        ws = wb["bkg_conversations"]
        rows["r"] = row_of(ws, village="Laren", number=2)
        cell(ws, rows["r"], "participants").value = n

    problems = refused(edited(data, change))
    text = exchange.format_problems(problems)
    assert (f"Blad 'bkg_conversations', rij {rows['r']}, kolom 'participants': {n} kan niet: "
            "Aan een groepsgesprek van de Burgerkrachtgenerator nemen minimaal 4 en maximaal 7 "
            "bewoners deel") in text
    assert len(problems) == 1


def test_names_of_known_residents_refused_in_themes_summaries_and_group_names(demo_db):
    data = exchange.export(demo_db, SYSTEM)
    rows = {}

    def change(wb):
        ws = wb["bkg_themes"]
        r = rows["theme"] = row_of(ws, village="Heteren", theme="Veilig oversteken bij de school")
        cell(ws, r, "theme").value = "Veilig oversteken, vindt Riek Stegeman"
        ws = wb["bkg_conversations"]
        r = rows["summary"] = row_of(ws, village="Vorden", number=3)
        cell(ws, r, "summary").value = "Bep Hoogland en mevrouw Bruggink willen klussen"
        ws = wb["working_groups"]
        r = rows["group"] = row_of(ws, village="Vorden", name="Werkgroep Klusjesdienst")
        cell(ws, r, "name").value = "Klusjes van Teun Overbeek"
        # the contacts of that group now name a group that is gone
    problems = refused(edited(data, change))
    by = {(p.sheet, p.row, p.column): p.message for p in problems}
    theme = by[("bkg_themes", rows["theme"], "theme")]
    assert theme.startswith("Het thema noemt 'Riek Stegeman'") and "geanonimiseerd" in theme
    summary = by[("bkg_conversations", rows["summary"], "summary")]
    assert "'Bep Hoogland'" in summary and "'Mien Bruggink'" in summary
    assert "'Teun Overbeek'" in by[("working_groups", rows["group"], "name")]
    # a name from another village is not a known resident there
    assert not any("Riek Stegeman" in m for (s, _r, _c), m in by.items() if s != "bkg_themes")


def test_references_between_the_instruments_sheets(demo_db):
    data = exchange.export(demo_db, SYSTEM)
    rows = {}

    def change(wb):
        ws = wb["working_groups"]
        rows["group"] = row_of(ws, village="Heteren", name="Werkgroep Ontmoeting")
        cell(ws, rows["group"], "theme").value = "Bestaat niet"
        ws = wb["bkg_themes"]
        rows["t1"] = row_of(ws, village="Vorden", theme="Klussen in en om het huis")
        cell(ws, rows["t1"], "conversations").value = "3, 9"
        rows["t2"] = row_of(ws, village="Vorden", theme="Weten waar je terechtkunt voor zorg")
        cell(ws, rows["t2"], "conversations").value = "een en twee"
        ws = wb["working_group_contacts"]
        rows["c1"] = row_of(ws, village="Vorden", working_group="Werkgroep Dorpsvervoer")
        cell(ws, rows["c1"], "working_group").value = "Werkgroep Fietsen"
        rows["c2"] = row_of(ws, village="Heteren", working_group="Werkgroep Dorpshuis")
        cell(ws, rows["c2"], "date").value = "2001-01-01"
        ws = wb["bkg_subgroups"]
        rows["s"] = row_of(ws, village="Vorden", theme="Klussen in en om het huis")
        cell(ws, rows["s"], "meeting_date").value = "2001-01-01"
        ws = wb["bkg_conversations"]
        r = row_of(ws, village="Vorden", number=5)
        cell(ws, r, "number").value = 4

    problems = refused(edited(data, change))
    got = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert "niet op het blad 'bkg_themes'" in got[("working_groups", rows["group"], "theme")]
    assert "alleen gesprekken van dit dorp" in got[("bkg_themes", rows["t1"], "conversations")]
    assert ("bkg_themes", rows["t2"], "conversations") in got
    assert "niet op het blad 'working_groups'" in \
        got[("working_group_contacts", rows["c1"], "working_group")]
    assert "vóór de start van de werkgroep" in got[("working_group_contacts", rows["c2"], "date")]
    assert ("bkg_subgroups", rows["s"], "meeting_date") in got
    assert any(s == "bkg_conversations" and c == "number" and "twee keer" in m
               for (s, _r, c), m in got.items())


def test_conversations_without_numbers_are_numbered_by_date(demo_db, tmp_path):
    data = exchange.export(demo_db, SYSTEM)

    def change(wb):
        ws = wb["bkg_conversations"]
        col = [c.value for c in ws[1]].index("number") + 1
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value == "Vorden":
                ws.cell(r, col).value = None

    fresh = open_db(tmp_path / "fresh.duckdb")
    exchange.import_file(fresh, SYSTEM, edited(data, change), replace=False)
    conv = exchange.export_tables(fresh, SYSTEM)["bkg_conversations"]
    vorden = conv[conv.village == "Vorden"].sort_values("date")
    assert list(vorden["number"]) == [1, 2, 3, 4, 5, 6]
    fresh.con.close()
