"""Canary: the demo's fictional people (steering members' names and e-mail addresses, who
moved a pilot) and the internal notes (meeting notes, decisions, score notes, evidence,
pitch notes...) must appear nowhere in what the funder gets: the funder page (AppTest), the
PDF report (text extracted with pypdf) and the Excel summary."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dorp import demo, report
from dorp.repo import funder
from tests.conftest import AS_OF, FUNDER, LEAD, user_of

pytestmark = pytest.mark.both_stores

ROOT = Path(__file__).resolve().parent.parent

# Columns that hold people or internal notes, per demo table.
PERSONAL = {
    "steering_members": ["name", "email"],
    "step_moves": ["moved_by", "reason"],
    "steering_meetings": ["notes", "decisions"],
    "line_scores": ["note"],
    "start_meetings": ["note"],
    "votes": ["pitch_note"],
    "mbc": ["willingness_evidence", "ability_evidence", "may_note"],
    "safeguarding": ["notes", "handed_over"],
    "actions": ["description"],
    # the Burgerkrachtgenerator: people, summaries and notes (the funder gets counts only)
    "bkg_lead_group": ["name"],
    "bkg_conversations": ["summary", "led_by"],
    "bkg_village_meetings": ["additions"],
    "working_group_contacts": ["note"],
}


def personal_strings() -> set[str]:
    tables = demo.build(AS_OF)
    out = set()
    for table, cols in PERSONAL.items():
        for c in cols:
            out |= {str(v) for v in tables[table][c].dropna() if len(str(v)) >= 6}
    # Each person's surname-first variants too ("Kamphuis" alone is a common word; keep full names).
    assert any("@example.nl" in s for s in out) and "Ilse Kamphuis" in out
    return out


def leaks(text: str, canaries: set[str]) -> list[str]:
    flat = re.sub(r"\s+", " ", text).lower()
    return sorted(c for c in canaries if re.sub(r"\s+", " ", c).lower() in flat)


def _view(db, username, kind="programme", village=None):
    user = user_of(db, username)
    prog = db.one("SELECT start_date, end_date FROM programme")
    period = funder.periods(kind, prog["start_date"], AS_OF, prog["end_date"])[0]
    vid = funder.village_id_by_name(db, user, village) if village else None
    return funder.view(db, user, period, AS_OF, vid)


def test_funder_sql_reads_no_personal_columns():
    """No query of the funder's module names a person's or a note's column."""
    src = (ROOT / "dorp" / "repo" / "funder.py").read_text(encoding="utf-8")
    consts = [v for k, v in vars(funder).items() if k.endswith("_SQL") and isinstance(v, str)]
    assert len(consts) >= 6
    inline = re.findall(r'db\.(?:rows|one|df|scalar)\(\s*((?:"[^"]*"\s*)+)', src)
    assert len(inline) >= 3
    sql = "\n".join(consts + inline)
    for col in ("email", "notes", "note", "decisions", "evidence", "moved_by", "reason",
                "pitch_note", "given_by", "description", "who", "successor", "handed_over",
                "opportunities", "resistances", "sm.name", "s.name", "username"):
        assert not re.search(rf"\b{re.escape(col)}\b", sql), col


def test_view_frames_hold_only_aggregate_columns(demo_db):
    view = _view(demo_db, FUNDER)
    allowed = {"day", "stage", "n", "line", "score", "pilots", "min", "median", "mean", "max",
               "source", "budgeted", "spent", "spent_share", "budget_share", "level", "category",
               "village", "municipality", "reached_on", "in_period", "village_id", "started_on",
               "progress_text", "lessons", "budgeted_period", "spent_period"}
    for name in ("stages_now", "stages_over_time", "line_counts", "line_stats", "budget_by_source",
                 "budget_by_category", "budget_by_pilot", "milestones", "pilots"):
        cols = set(getattr(view, name).columns)
        assert cols <= allowed, (name, cols - allowed)
    assert set(view.people) == {"residents_at_start", "steering_members", "initiatives", "parts"}
    # the parts behind the totals are counts only
    assert all(isinstance(n, int) for ns in view.people["parts"].values() for n in ns)
    # the plan against what happened: dates, stages, money, scores and the lead's texts
    plan_allowed = {"village_id", "village", "municipality", "stage", "standing", "days",
                    "standing_stage", "standing_planned", "next_stage", "next_planned",
                    "explanation", "planned", "reached", "kind", "source", "planned_to_date",
                    "spent", "planned_cum", "spent_cum", "difference", "share", "day", "amount",
                    "line", "target", "by_month", "due_on", "at_due", "latest", "result",
                    "pilots", "met", "met_late", "missed", "on_track", "open", "no_start",
                    "name", "planned_on", "reached_on"}
    for name in ("pilots", "steps", "spend", "curve", "targets", "targets_summary", "milestones"):
        cols = set(getattr(view.plan, name).columns)
        assert cols <= plan_allowed, (name, cols - plan_allowed)


@pytest.mark.parametrize("username", [FUNDER, LEAD])
def test_funder_page_shows_no_personal_data(app_as, username):
    at = app_as(username, page="pages/financiers.py")
    assert not at.exception
    parts = [str(e.value) for kind in ("title", "subheader", "caption", "markdown", "text", "metric",
                                      "info", "expander") for e in at.get(kind) if hasattr(e, "value")]
    parts += [m.label for m in at.metric] + [e.label for e in at.expander]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for ch in at.get("vega_lite_chart"):
        parts.append(ch.proto.spec)
    text = "\n".join(parts)
    assert "Vorden" in text and "€" in text            # it did render the programme
    assert leaks(text, personal_strings()) == []


def test_pdf_and_excel_hold_no_personal_data(demo_db):
    canaries = personal_strings()
    for village in (None, "Vorden"):
        view = _view(demo_db, FUNDER, village=village)
        pdf = PdfReader(io.BytesIO(report.build_pdf(view)))
        text = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Vorden" in text
        assert leaks(text, canaries) == []
        wb = load_workbook(io.BytesIO(report.build_xlsx(view)))
        cells = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                          for c in row if c.value is not None)
        assert "Vorden" in cells
        assert leaks(cells, canaries) == []


def test_a_planted_name_in_an_internal_note_stays_internal(demo_db):
    """Plant a unique marker in every internal text column; none reaches the funder."""
    marker = "Zzyzx Canarisma"
    for table, col in (("steering_meetings", "notes"), ("steering_meetings", "decisions"),
                       ("line_scores", "note"), ("steering_members", "name"),
                       ("steering_members", "email"), ("safeguarding", "notes"), ("mbc", "may_note")):
        demo_db.con.execute(f"UPDATE {table} SET {col} = ?", [marker])
    view = _view(demo_db, FUNDER)
    pdf = PdfReader(io.BytesIO(report.build_pdf(view)))
    assert marker.lower() not in "\n".join(p.extract_text() for p in pdf.pages).lower()
    wb = load_workbook(io.BytesIO(report.build_xlsx(view)))
    assert not any(marker in str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_the_canary_check_would_catch_a_leak(demo_db):
    """Positive control: a member's name written straight into a funder text (bypassing the
    form's check) does show up, so the checks above can fail."""
    name = demo_db.scalar("SELECT name FROM steering_members ORDER BY id LIMIT 1")
    demo_db.con.execute("UPDATE pilots SET progress_text = ? WHERE village_id = "
                        "(SELECT village_id FROM steering_members ORDER BY id LIMIT 1)",
                        [f"Gesproken met {name}."])
    view = _view(demo_db, FUNDER)
    pdf = PdfReader(io.BytesIO(report.build_pdf(view)))
    assert name in leaks("\n".join(p.extract_text() for p in pdf.pages), personal_strings())
