"""The Gegevens page (leads): export buttons, the import check and preview, backups and the
audit trail."""

from __future__ import annotations

import io

import openpyxl

from dorp import exchange
from dorp.access import SYSTEM
from tests.conftest import LEAD, STEERING, FUNDER

PAGE = "pages/gegevens.py"


def texts(at, kind="markdown"):
    return " ".join(str(e.value) for e in at.get(kind))


def test_lead_sees_the_four_tabs_and_no_errors(app_as):
    at = app_as(LEAD, page=PAGE)
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Exporteren", "Importeren", "Back-ups", "Logboek"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Leeg werkboek downloaden" in labels and "Hele programma exporteren" in labels
    assert "Logboek downloaden (.xlsx)" in labels


def test_other_roles_are_refused(demo_db):
    from tests.conftest import page_as
    for who in (STEERING, FUNDER, None):
        at = page_as(demo_db, PAGE, who)
        if not who:
            assert at.button  # the login form
        assert not at.get("download_button")


def test_bad_workbook_shows_problems_table_and_changes_nothing(app_as, demo_db):
    data = exchange.export(demo_db, SYSTEM)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["line_scores"]["D2"] = 9
    wb["pilots"]["A2"] = "Atlantis"
    buf = io.BytesIO()
    wb.save(buf)
    before = exchange.export_tables(demo_db, SYSTEM)
    at = app_as(LEAD, page=PAGE, upload_bytes=buf.getvalue())
    assert not at.exception
    assert any("2 problemen gevonden" in e.value for e in at.error)
    table = at.dataframe[0].value
    assert set(table["sheet"]) == {"line_scores", "pilots"}
    assert "Atlantis" in " ".join(table["message"])
    after = exchange.export_tables(demo_db, SYSTEM)
    assert all(before[k].equals(after[k]) for k in before)


def test_good_workbook_preview_then_confirm_imports(app_as, demo_db):
    data = exchange.export(demo_db, SYSTEM)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["villages"].append(["Nieuwdorp", "Bronckhorst", "GM1876", 1200, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    at = app_as(LEAD, page=PAGE, upload_bytes=buf.getvalue())
    assert not at.exception
    preview = at.dataframe[0].value
    row = preview.set_index("sheet").loc["villages"]
    assert (row["added"], row["removed"], row["unchanged"]) == (1, 0, 14)
    assert any("vervangen" in w.value for w in at.warning)
    at.button(key="confirm_import").click().run()
    assert not at.exception
    assert any("ingelezen" in s.value for s in at.success)
    assert demo_db.scalar("SELECT count(*) FROM villages WHERE name = 'Nieuwdorp'") == 1


def test_backup_now_lists_the_backup(app_as, db_path):
    at = app_as(LEAD, page=PAGE)
    at.button(key="backup_now").click().run()
    assert not at.exception
    assert any("Back-up gemaakt" in s.value for s in at.success)
    assert (db_path.parent / "backups").is_dir()
    assert at.selectbox(key="backup_pick").options


def test_audit_trail_filters(app_as, demo_db):
    at = app_as(LEAD, page=PAGE)
    trail = at.dataframe[-1].value
    assert len(trail) >= 1 and "import" in set(trail["action"])
    at.selectbox(key="audit_action").select("import").run()
    assert set(at.dataframe[-1].value["action"]) == {"import"}


def test_english_labels(app_as):
    at = app_as(LEAD, page=PAGE, lang="en")
    assert not at.exception
    assert [t.label for t in at.tabs][:2] == ["Export", "Import"]
