"""The funder's PDF report and Excel summary: opens, sections, page count, programme name,
the summary's figures, € and ë; `dorp report` on the command line."""

import io
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dorp import i18n, report
from dorp.repo import budget, funder
from tests.conftest import AS_OF, FUNDER, LEAD, ROOT, user_of


def _view(db, username=FUNDER, kind="programme", village=None):
    user = user_of(db, username)
    prog = db.one("SELECT start_date, end_date FROM programme")
    period = funder.periods(kind, prog["start_date"], AS_OF, prog["end_date"])[0]
    vid = funder.village_id_by_name(db, user, village) if village else None
    return funder.view(db, user, period, AS_OF, vid)


def _text(pdf_bytes: bytes) -> tuple[PdfReader, str]:
    r = PdfReader(io.BytesIO(pdf_bytes))
    return r, "\n".join(p.extract_text() for p in r.pages)


def _flat(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\xa0", " "))


def test_programme_report_sections_figures_and_glyphs(demo_db):
    lead = user_of(demo_db, LEAD)
    vid = funder.village_id_by_name(demo_db, lead, "Laren")
    ver = demo_db.scalar("SELECT version FROM pilots WHERE village_id = ?", [vid])
    budget.save_texts(demo_db, lead, vid, "De coördinatie ligt nu bij het dorp; € 2.500 extra "
                      "voor de vrijwilligersavond.", "Geduld loont.", ver)
    view = _view(demo_db)
    data = report.build_pdf(view)
    assert data[:5] == b"%PDF-"
    reader, text = _text(data)
    flat = _flat(text)
    # Cover + summary + 2 chart pages + budget + milestones + one page per pilot (10).
    assert 15 <= len(reader.pages) <= 22
    first = _flat(reader.pages[0].extract_text())
    assert "Voortgangsrapportage" in first
    assert "Dorp als Verzorgingshuis Gelderland (demo)" in first
    assert "Periode: hele programma" in first and "Opgesteld op 29 november 2026" in first
    for section in ("Samenvatting", "Grafieken", "Pilots per stap", "De vijf lijnen over het programma",
                    "Financiën: begroting en besteding", "Mijlpalen", "Per pilot: Vorden",
                    "Per pilot: Winssen", "Geleerde lessen"):
        assert section in flat, section
    assert f"Pagina 2 van {len(reader.pages)}" in flat
    # Every summary figure, formatted the Dutch way, is in the text.
    for label, value in view.summary_rows():
        assert f"{label} {_flat(value)}" in flat, (label, value)
    f = view.figures()
    assert _flat(i18n.fmt_money(f["spent"])) in flat and "€ 770.000,00" in flat
    # € and ë render (the font has them; extraction finds them), also in the lead's text.
    assert "€" in text and "ë" in text
    assert "De coördinatie ligt nu bij het dorp; € 2.500 extra" in flat
    # The charts are embedded as images.
    assert sum(len(p.images) for p in reader.pages) >= 4


def test_village_report_and_quarter(demo_db):
    view = _view(demo_db, village="Vorden", kind="quarter")
    reader, text = _text(report.build_pdf(view))
    flat = _flat(text)
    assert 6 <= len(reader.pages) <= 9
    assert "Pilot: Vorden" in flat and "4e kwartaal 2026" in flat
    assert "Per pilot: Vorden" in flat and "Per pilot: Laren" not in flat


def test_excel_summary_matches_the_view(demo_db):
    view = _view(demo_db)
    wb = load_workbook(io.BytesIO(report.build_xlsx(view)))
    assert wb.sheetnames[:3] == ["Samenvatting", "Plan - samenvatting", "Plan per pilot"]
    assert {"Pilots per stap", "Stappen door de tijd", "Plan - besteding"} <= set(wb.sheetnames)
    assert "Begroting per bron" in wb.sheetnames and "Mijlpalen" in wb.sheetnames
    ws = wb["Samenvatting"]
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert values["Voortgangsrapportage"] == "Dorp als Verzorgingshuis Gelderland (demo)"
    for label, value in view.summary_rows():
        assert values[label] == value
    src = {r[0]: r for r in wb["Begroting per bron"].iter_rows(values_only=True)}
    total = view.budget_by_source.set_index("source").loc["total"]
    assert src["Bron"][1:5] == ("Begroot (periode)", "Besteed (periode)", "Begroot", "Besteed")
    assert src["Totaal"][3] == pytest.approx(total["budgeted"])
    assert src["Totaal"][4] == pytest.approx(total["spent"])
    lines = list(wb["Vijf lijnen"].iter_rows(values_only=True))
    assert lines[0][:6] == ("Lijn", "1", "2", "3", "4", "5")
    assert "<5" not in [c for row in lines[1:] for c in row]   # counts of pilots are shown


def _dorp(*args, env_db, cwd=ROOT):
    import os
    env = {**os.environ, "DORP_DB": str(env_db), "DORP_TODAY": AS_OF.isoformat()}
    return subprocess.run([sys.executable, "-m", "dorp.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_cli_report(demo_db, db_path, tmp_path):
    demo_db.con.close()
    out = tmp_path / "rapport.pdf"
    r = _dorp("report", "--out", str(out), "--excel", str(tmp_path / "s.xlsx"), env_db=db_path)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:5] == b"%PDF-" and (tmp_path / "s.xlsx").stat().st_size > 5000
    assert "geschreven naar" in r.stdout
    # the check before sending, as a warning on stderr: the report is made anyway
    assert "Let op, controleer vóór verzending (21 punt(en)):" in r.stderr
    assert "- Winssen, Voortgang: De pilot is afgerond, maar de tekst zegt 'in stap 4'." in r.stderr
    assert "- Beesd, Toelichting bij het plan: De pilot ligt achter op de planning en er is " \
           "geen toelichting." in r.stderr
    r = _dorp("report", "--out", str(tmp_path / "v.pdf"), "--village", "vorden", env_db=db_path)
    assert r.returncode == 0, r.stderr
    assert "Pilot: Vorden" in _flat(_text((tmp_path / "v.pdf").read_bytes())[1])
    r = _dorp("report", "--out", str(tmp_path / "x.pdf"), "--village", "Atlantis", env_db=db_path)
    assert r.returncode == 1 and "Atlantis" in r.stderr and "Kies uit" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "x.pdf").exists()
    r = _dorp("report", env_db=db_path)
    assert r.returncode == 2 and "--out" in r.stderr
    r = _dorp("report", "--help", env_db=db_path)
    assert r.returncode == 0 and "voortgangsrapport" in r.stdout and "toon deze hulp" in r.stdout


def test_cli_report_on_an_empty_database(tmp_path):
    r = _dorp("report", "--out", str(tmp_path / "r.pdf"), env_db=tmp_path / "leeg.duckdb")
    assert r.returncode == 1 and "nog geen programma" in r.stderr


def test_report_of_a_programme_without_pilots(empty_db):
    """A new programme with no pilots yet: zeros, no crash, still a readable PDF."""
    from datetime import date
    from dorp.access import SYSTEM
    empty_db.con.execute("INSERT INTO programme (name, funder, start_date) VALUES "
                         "('Nieuw programma', 'Provincie Gelderland', DATE '2026-09-01')")
    period = funder.periods("quarter", date(2026, 9, 1), AS_OF)[0]
    view = funder.view(empty_db, SYSTEM, period, AS_OF)
    assert view.figures()["pilots"] == 0 and view.figures()["budgeted"] == 0
    assert dict(view.summary_rows())["Besteed van begroot"] == "–"
    reader, text = _text(report.build_pdf(view))
    assert len(reader.pages) == 7 and "Nieuw programma" in text   # with the plan's page
    assert "Er is nog geen programmaplan" in _flat(text)
    assert "In deze periode is geen pilot een stap verder gekomen." in _flat(text)
    assert load_workbook(io.BytesIO(report.build_xlsx(view))).sheetnames[0] == "Samenvatting"
