"""No lost update (two sessions editing the same record) and the audit trail of every write:
who, when, which record, before and after; append-only; readable and exportable by leads."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from dorp import exchange
from dorp.access import AccessDenied
from dorp.db import Db, StaleVersion, connect
from dorp.repo import audit
from tests.conftest import AS_OF, user_of

pytestmark = pytest.mark.both_stores


def pilot_of(db: Db, village: str) -> dict:
    return db.one("SELECT p.* FROM pilots p JOIN villages v ON v.id = p.village_id"
                  " WHERE v.name = ?", [village])


def test_two_sessions_editing_the_same_record_never_overwrite_each_other(demo_db, db_path):
    # two "sessions": the app's connection and a second connection to the same database
    other = Db(connect(db_path))
    try:
        anna_sees = pilot_of(demo_db, "Vorden")
        bert_sees = pilot_of(other, "Vorden")
        assert anna_sees["version"] == bert_sees["version"]

        with demo_db.tx("anna") as tx:
            tx.update("pilots", anna_sees["id"], {"progress_text": "Anna's tekst"},
                      expected_version=anna_sees["version"])

        with pytest.raises(StaleVersion) as e:
            with other.tx("bert") as tx:
                tx.update("pilots", bert_sees["id"], {"progress_text": "Bert's tekst"},
                          expected_version=bert_sees["version"])
        message = str(e.value)
        assert "gewijzigd door anna" in message and " op " in message and "om" in message
        assert e.value.changed_by == "anna"
        now = pilot_of(demo_db, "Vorden")
        assert now["progress_text"] == "Anna's tekst"          # nothing silently overwritten
        assert now["version"] == anna_sees["version"] + 1

        # Bert re-applies his input on the new version: accepted
        with other.tx("bert") as tx:
            tx.update("pilots", now["id"], {"progress_text": "Bert's tekst"},
                      expected_version=now["version"])
        assert pilot_of(demo_db, "Vorden")["progress_text"] == "Bert's tekst"

        # a delete based on an old version is refused as well
        with pytest.raises(StaleVersion):
            with demo_db.tx("anna") as tx:
                tx.delete("pilots", now["id"], expected_version=now["version"])
    finally:
        other.con.close()


def test_the_app_keeps_the_input_and_says_who_changed_it(demo_db):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from dorp import ui
        from dorp.db import StaleVersion

        text = st.text_input("Voortgang", key="progress")

        def save():
            raise StaleVersion("pilots", 1, "anna", __import__("datetime").datetime(2026, 11, 2, 14, 5))

        if st.button("Opslaan"):
            ui.write(save, success="Opgeslagen")

    at = AppTest.from_function(script, default_timeout=30)
    at.run()
    at.text_input(key="progress").input("Mijn nieuwe tekst").run()
    at.button[0].click().run()
    assert any("gewijzigd door anna op 02-11-2026 om 14:05" in w.value for w in at.warning)
    assert at.text_input(key="progress").value == "Mijn nieuwe tekst"
    assert not at.toast


def test_every_write_is_in_the_audit_trail_with_before_and_after(demo_db):
    lead = user_of(demo_db, "leider")
    p = pilot_of(demo_db, "Laren")
    with demo_db.tx("leider") as tx:
        tx.update("pilots", p["id"], {"status": "paused"}, p["version"],
                  village_id=p["village_id"])
        new = tx.insert("partners", {"village_id": p["village_id"], "partner_type": "kerk"},
                        village_id=p["village_id"])
        tx.delete("partners", new, expected_version=1, village_id=p["village_id"])
    trail = audit.entries(demo_db, lead, username="leider")
    assert list(trail["action"][:3]) == ["delete", "insert", "update"]
    upd = trail[trail["action"] == "update"].iloc[0]
    assert upd["table_name"] == "pilots" and upd["record_id"] == p["id"]
    assert upd["village"] == "Laren"
    assert '"status": "active"' in upd["before"] and '"status": "paused"' in upd["after"]
    assert "kerk" in trail[trail["action"] == "delete"].iloc[0]["before"]


def test_audit_filters(demo_db):
    lead = user_of(demo_db, "leider")
    with demo_db.tx("leider") as tx:
        p = pilot_of(demo_db, "Vorden")
        tx.update("pilots", p["id"], {"lessons": "Zoekwoord-xyz"}, p["version"],
                  village_id=p["village_id"])
    assert len(audit.entries(demo_db, lead, text="zoekwoord-XYZ")) == 1
    assert set(audit.entries(demo_db, lead, action="import")["action"]) == {"import"}
    assert len(audit.entries(demo_db, lead, table="pilots", village="Vorden")) == 1
    assert audit.entries(demo_db, lead, since=AS_OF + timedelta(days=3650)).empty
    opts = audit.choices(demo_db, lead)
    assert "leider" in opts["username"] and "update" in opts["action"]
    assert audit.count(demo_db, lead) >= 2


def test_audit_trail_is_for_leads_only(demo_db):
    for who in ("stuurgroep-vorden", "provincie"):
        with pytest.raises(AccessDenied):
            audit.entries(demo_db, user_of(demo_db, who))


def test_audit_trail_is_append_only(demo_db):
    with pytest.raises(ValueError):
        with demo_db.tx("leider") as tx:
            tx.update("audit_log", 1, {"username": "iemand"}, None)
    with pytest.raises(ValueError):
        with demo_db.tx("leider") as tx:
            tx.delete("audit_log", 1, None)


def test_audit_export_is_a_workbook(demo_db):
    lead = user_of(demo_db, "leider")
    data = exchange.write_table("logboek", audit.entries(demo_db, lead, limit=None))
    ws = openpyxl.load_workbook(io.BytesIO(data))["logboek"]
    assert [c.value for c in ws[1]] == audit.COLUMNS
    assert ws.max_row >= 2
