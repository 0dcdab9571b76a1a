"""The exchange workbook: template, export, round trip, validation messages, upload limits,
formula injection, and the `dorp template/export/import` commands."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dorp import exchange
from dorp.access import SYSTEM, AccessDenied
from dorp.db import open_db
from dorp.errors import Refused
from dorp.sheets import COLUMNS, SHEETS
from tests.conftest import AS_OF, ROOT, user_of

pytestmark = pytest.mark.both_stores


def content(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in wb.worksheets}


def edited(data: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def data_counts(db) -> dict[str, int]:
    return {k: len(v) for k, v in exchange.export_tables(db, SYSTEM).items()}


def refused(data: bytes) -> list[exchange.Problem]:
    with pytest.raises(exchange.WorkbookRefused) as e:
        exchange.parse(data)
    return e.value.problems


# --- template ------------------------------------------------------------------------------------

def test_template_has_every_sheet_and_explains_every_column_in_dutch():
    c = content(exchange.template())
    assert list(c)[0] == "uitleg"
    for sheet in SHEETS:
        assert c[sheet.name] == [sheet.columns], sheet.name
    explained = {(r[0], r[1]) for r in c["uitleg"] if r and r[1]}
    for sheet in SHEETS:
        for col in sheet.columns:
            assert (sheet.name, col) in explained, (sheet.name, col)
    assert any("Naam van het dorp" in (r[4] or "") for r in c["uitleg"] if len(r) > 4)
    # drop-down lists of the allowed codes and 1-5 checks in Excel itself
    wb = openpyxl.load_workbook(io.BytesIO(exchange.template()))
    rules = {str(dv.sqref): dv for dv in wb["line_scores"].data_validations.dataValidation}
    assert "broad_support" in rules["B2:B1048576"].formula1
    assert (rules["D2:D1048576"].formula1, rules["D2:D1048576"].formula2) == ("1", "5")


def test_empty_template_is_refused_clearly():
    problems = refused(exchange.template())
    assert [p.text() for p in problems] == [
        "Blad 'programme': Dit blad moet precies één rij hebben (het programma)."]


# --- round trip ----------------------------------------------------------------------------------

def test_round_trip_export_import_export_is_identical(demo_db, tmp_path):
    first = exchange.export(demo_db, SYSTEM)
    fresh = open_db(tmp_path / "fresh.duckdb")
    result = exchange.import_file(fresh, SYSTEM, first, replace=False)
    assert result.backup is None and result.counts["villages"] == 14
    second = exchange.export(fresh, SYSTEM)
    assert content(first) == content(second)
    # and nothing of the programme was left out of the first export
    assert data_counts(fresh) == data_counts(demo_db)
    assert content(first)["line_scores"][1:] and len(content(first)["villages"]) == 15
    fresh.con.close()


def test_dates_are_excel_dates_and_yyyy_mm_dd_text_is_accepted(demo_db):
    data = exchange.export(demo_db, SYSTEM)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = wb["line_scores"]["C2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    as_text = edited(data, lambda wb: wb["line_scores"].cell(2, 3, "2026-01-15"))
    tables = exchange.parse(as_text)
    assert str(tables["line_scores"]["date"].iloc[0].date()) == "2026-01-15"


# --- validation ----------------------------------------------------------------------------------

def test_every_problem_is_reported_by_sheet_row_and_column_in_dutch(demo_db):
    data = exchange.export(demo_db, SYSTEM)

    def break_it(wb):
        wb["line_scores"]["D2"] = 9                 # score out of range
        wb["line_scores"]["D3"] = "veel"            # not a number
        wb["line_scores"]["B4"] = "gezelligheid"    # not a line
        wb["pilots"]["A2"] = "Atlantis"             # unknown village
        wb["consent"]["C2"] = "31-02-2026"          # not a date
        wb["steering_members"]["B2"] = None         # required value missing
        ws = wb["villages"]
        ws.append([ws["A2"].value, "Bronckhorst"])  # duplicate village
        wb["mbc"].delete_cols(3)                    # column 'willingness' gone
        del wb["budget"]                            # sheet gone

    problems = refused(edited(data, break_it))
    got = {(p.sheet, p.row, p.column) for p in problems}
    assert ("line_scores", 2, "score") in got
    assert ("line_scores", 3, "score") in got
    assert ("line_scores", 4, "line") in got
    assert ("pilots", 2, "village") in got
    assert ("consent", 2, "given_on") in got
    assert ("steering_members", 2, "name") in got
    assert ("villages", 2, "village") in got and ("villages", 16, "village") in got
    assert ("mbc", None, "willingness") in got
    assert ("budget", None, None) in got
    text = exchange.format_problems(problems)
    assert "Rij 2, kolom 'score'" not in text  # sheet first, then row and column
    assert "Blad 'line_scores', rij 2, kolom 'score': 9 ligt niet tussen 1 en 5." in text
    assert "Blad 'line_scores', rij 3, kolom 'score': 'veel' is geen heel getal." in text
    assert "Dorp 'Atlantis' staat niet op het blad 'villages'." in text
    assert "kies uit: broad_support" in text
    assert "Deze cel is leeg, maar moet ingevuld zijn." in text
    assert "Deze rij komt dubbel voor" in text
    assert "Dit blad ontbreekt in het werkboek." in text
    assert "Traceback" not in text


def test_an_initiative_named_twice_in_a_village_is_refused(demo_db):
    """Its phase history and De Vonk's ideas name their initiative: a second row with the same
    village and name would be ambiguous (the import multiplied its history rows)."""
    data = exchange.export(demo_db, SYSTEM)

    def break_it(wb):
        ws = wb["initiatives"]
        ws.append([c.value for c in ws[2]])

    problems = refused(edited(data, break_it))
    dup = [p for p in problems if p.sheet == "initiatives"]
    assert dup and all("Deze rij komt dubbel voor" in p.message for p in dup)
    assert {p.row for p in dup} >= {2}


def test_references_between_sheets(demo_db):
    data = exchange.export(demo_db, SYSTEM)

    def break_it(wb):
        wb["actions"]["B2"] = "2001-01-01"        # no such steering meeting
        wb["mbc_effects"]["B2"] = "2001-01-01"    # no such mBc
        wb["votes"]["B2"] = "Nergenshuizen"       # no such municipality

    got = {(p.sheet, p.row, p.column) for p in refused(edited(data, break_it))}
    assert {("actions", 2, "meeting_date"), ("mbc_effects", 2, "assessed_on"),
            ("votes", 2, "municipality")} <= got


def test_lenient_about_what_excel_users_type(demo_db):
    data = exchange.export(demo_db, SYSTEM)

    def tweak(wb):
        wb["villages"]["E2"] = "52,5"       # Dutch decimal comma
        wb["votes"]["E2"] = "ja"            # yes/no in Dutch
        wb["line_scores"]["D2"] = 3.0       # a whole number stored as float
        wb["line_scores"]["A3"] = "  " + wb["line_scores"]["A3"].value + " "  # spaces
        ws = wb["villages"]
        ws.append([None] * 6)               # empty rows are ignored
        ws["A1"] = " Village "              # header case and spaces

    tables = exchange.parse(edited(data, tweak))
    assert tables["villages"]["lat"].iloc[0] == 52.5
    assert bool(tables["votes"]["chosen"].iloc[0]) is True


def test_import_is_all_or_nothing_and_needs_replace(demo_db):
    before = data_counts(demo_db)
    data = exchange.export(demo_db, SYSTEM)
    with pytest.raises(Refused, match="--replace"):
        exchange.import_file(demo_db, SYSTEM, data, replace=False)
    bad = edited(data, lambda wb: wb["line_scores"].cell(300, 4, 7))
    with pytest.raises(exchange.WorkbookRefused):
        exchange.import_file(demo_db, SYSTEM, bad, replace=True)
    assert data_counts(demo_db) == before


def test_only_leads_may_import_or_export(demo_db):
    data = exchange.export(demo_db, SYSTEM)
    for who in ("stuurgroep-vorden", "provincie"):
        user = user_of(demo_db, who)
        with pytest.raises(AccessDenied):
            exchange.export(demo_db, user)
        with pytest.raises(AccessDenied):
            exchange.import_file(demo_db, user, data, replace=True)


def test_replace_keeps_accounts_and_their_villages(demo_db):
    data = exchange.export(demo_db, SYSTEM)
    result = exchange.import_file(demo_db, SYSTEM, data, replace=True)
    assert result.backup is not None and result.backup.is_dir()
    steering = user_of(demo_db, "stuurgroep-vorden")
    vorden = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    assert steering.village_ids == frozenset({vorden})
    entry = demo_db.one("SELECT after FROM audit_log WHERE action = 'replace'")
    assert "backup" in entry["after"]


# --- limits --------------------------------------------------------------------------------------

def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"", "Het bestand is leeg."),
    (b"x" * (5 * 1024 * 1024 + 1), "te groot (5.0 MB)"),
    (b"naam;dorp\nA;B\n", "geen Excel-werkboek"),
    (zip_of({"readme.txt": b"hallo"}), "onderdelen van een werkmap ontbreken"),
    (zip_of({"[Content_Types].xml": b"", "xl/workbook.xml": b"",
             "xl/worksheets/sheet1.xml": b"0" * (51 * 1024 * 1024)}), "uitgepakt te groot"),
    (zip_of({"[Content_Types].xml": b"<bad", "xl/workbook.xml": b"<bad"}),
     "kan niet worden gelezen"),
])
def test_files_that_are_too_big_or_not_workbooks_are_refused(data, message):
    problems = refused(data)
    assert len(problems) == 1 and message in problems[0].message


# --- formula injection ---------------------------------------------------------------------------

DANGEROUS = ["=HYPERLINK(\"http://evil\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)",
             "\tinspringen", "\rregel"]


def test_text_that_looks_like_a_formula_is_written_as_text(demo_db, tmp_path):
    ids = [r["id"] for r in demo_db.rows("SELECT id FROM steering_members ORDER BY id LIMIT 6")]
    with demo_db.tx("leider") as tx:
        for i, text in zip(ids, DANGEROUS):
            tx.update("steering_members", i, {"role": text}, None)
    data = exchange.export(demo_db, SYSTEM)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = {c.value: c for row in wb["steering_members"].iter_rows() for c in row}
    for text in DANGEROUS:
        cell = cells[text.replace("\r", "\n")]  # XML reads a carriage return as a newline
        assert cell.data_type == "s" and cell.quotePrefix, text
    # and they come back unchanged
    fresh = open_db(tmp_path / "fresh.duckdb")
    exchange.import_file(fresh, SYSTEM, data, replace=False)
    roles = {r["role"] for r in fresh.rows("SELECT role FROM steering_members")}
    assert {t.replace("\r", "\n") for t in DANGEROUS} <= roles
    fresh.con.close()


def test_csv_and_audit_workbook_are_formula_safe():
    import pandas as pd
    df = pd.DataFrame({"a": ["=1+1", "gewoon"]})
    assert exchange.safe_csv(df).decode("utf-8-sig").splitlines()[1] == "'=1+1"
    wb = openpyxl.load_workbook(io.BytesIO(exchange.write_table("logboek", df)))
    assert wb["logboek"]["A2"].data_type == "s" and wb["logboek"]["A2"].value == "=1+1"


# --- command line --------------------------------------------------------------------------------

def dorp(*args, db: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DORP_DB": str(db), "DORP_TODAY": AS_OF.isoformat()}
    env.pop("DORP_BACKUP_DIR", None)
    return subprocess.run([sys.executable, "-m", "dorp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=120)


def test_cli_template_export_import(demo_template, tmp_path):
    import shutil
    db = tmp_path / "dorp.duckdb"
    shutil.copy(demo_template, db)
    r = dorp("template", str(tmp_path / "leeg.xlsx"), db=db)
    assert r.returncode == 0 and (tmp_path / "leeg.xlsx").exists()
    r = dorp("export", str(tmp_path / "prog.xlsx"), db=db)
    assert r.returncode == 0, r.stderr

    r = dorp("import", str(tmp_path / "prog.xlsx"), db=db)
    assert r.returncode == 1 and "--replace" in r.stderr and "Traceback" not in r.stderr

    bad = edited((tmp_path / "prog.xlsx").read_bytes(),
                 lambda wb: (wb["line_scores"].cell(2, 4, 0), wb["pilots"].cell(3, 1, "X")))
    (tmp_path / "bad.xlsx").write_bytes(bad)
    r = dorp("import", str(tmp_path / "bad.xlsx"), "--replace", db=db)
    assert r.returncode == 1
    assert "Blad 'line_scores', rij 2, kolom 'score'" in r.stderr
    assert "Blad 'pilots', rij 3, kolom 'village'" in r.stderr
    assert "Traceback" not in r.stderr

    r = dorp("import", str(tmp_path / "nope.xlsx"), db=db)
    assert r.returncode == 1 and "bestaat niet" in r.stderr

    r = dorp("import", str(tmp_path / "prog.xlsx"), "--replace", db=db)
    assert r.returncode == 0, r.stderr
    assert "back-up" in r.stdout and list((tmp_path / "backups").iterdir())

    fresh = tmp_path / "fresh.duckdb"
    assert dorp("import", str(tmp_path / "prog.xlsx"), db=fresh).returncode == 0
    assert dorp("export", str(tmp_path / "again.xlsx"), db=fresh).returncode == 0
    assert content((tmp_path / "prog.xlsx").read_bytes()) == \
        content((tmp_path / "again.xlsx").read_bytes())


@pytest.mark.duckdb_only
def test_cli_import_while_the_app_holds_the_database(empty_db, db_path, tmp_path):
    (tmp_path / "t.xlsx").write_bytes(exchange.export(empty_db, SYSTEM))
    r = dorp("export", str(tmp_path / "x.xlsx"), db=db_path)
    assert r.returncode == 3 and "in gebruik" in r.stderr
