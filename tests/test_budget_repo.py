"""Budget lines and the funder's texts: validation in Dutch before writing, versions,
audit, access; and the lead's page (AppTest)."""

import json
from datetime import date

import pandas as pd
import pytest

from dorp.access import AccessDenied
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.repo import budget, funder
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, form_widget, user_of

pytestmark = pytest.mark.both_stores


def _vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def test_add_update_delete_versioned_and_audited(demo_db):
    lead = user_of(demo_db, LEAD)
    vid = _vid(demo_db, "Vorden")
    before = funder.budget(demo_db, lead, AS_OF)[0].set_index("source").loc["total"]
    new_id = budget.add_line(demo_db, lead, {"village_id": vid, "category": "Dorpsavond",
                                             "source": "municipality", "period": date(2026, 9, 1),
                                             "budgeted": "1.250,50", "spent": "1000"})
    row = demo_db.one("SELECT * FROM budget WHERE id = ?", [new_id])
    assert float(row["budgeted"]) == 1250.50 and float(row["spent"]) == 1000 and row["version"] == 1
    after = funder.budget(demo_db, lead, AS_OF)[0].set_index("source").loc["total"]
    assert after["budgeted"] == pytest.approx(before["budgeted"] + 1250.50)

    v2 = budget.update_line(demo_db, lead, new_id, {"village_id": vid, "category": "Dorpsavond",
                                                    "source": "municipality", "period": date(2026, 9, 1),
                                                    "budgeted": 1500, "spent": "12.500"}, 1)
    assert v2 == 2
    assert float(demo_db.scalar("SELECT spent FROM budget WHERE id = ?", [new_id])) == 12500
    with pytest.raises(StaleVersion):
        budget.update_line(demo_db, lead, new_id, {"village_id": vid, "category": "X",
                                                   "source": "other", "budgeted": 1, "spent": 0}, 1)
    budget.delete_line(demo_db, lead, new_id, 2)
    assert demo_db.scalar("SELECT count(*) FROM budget WHERE id = ?", [new_id]) == 0
    log = demo_db.rows("SELECT action, username, village_id, after FROM audit_log"
                       " WHERE table_name = 'budget' AND record_id = ? ORDER BY id", [new_id])
    assert [r["action"] for r in log] == ["insert", "update", "delete"]
    assert {r["username"] for r in log} == {LEAD} and {r["village_id"] for r in log} == {vid}
    assert json.loads(log[1]["after"])["spent"] == 12500


def test_invalid_lines_are_refused_in_dutch_before_writing(demo_db):
    lead = user_of(demo_db, LEAD)
    n = demo_db.scalar("SELECT count(*) FROM budget")
    with pytest.raises(Invalid) as e:
        budget.add_line(demo_db, lead, {"village_id": 999999, "category": " ", "source": "bank",
                                        "budgeted": "-5", "spent": "veel"})
    assert set(e.value.problems) == {"village_id", "category", "source", "budgeted", "spent"}
    assert "negatief" in e.value.problems["budgeted"] and "bedrag" in e.value.problems["spent"]
    assert demo_db.scalar("SELECT count(*) FROM budget") == n
    # A programme-level line without a period is fine.
    budget.add_line(demo_db, lead, {"village_id": None, "category": "Evaluatie", "source": "other",
                                    "period": None, "budgeted": 0, "spent": 0})


@pytest.mark.parametrize("who", [FUNDER, STEERING])
def test_only_leads_edit(demo_db, who):
    user = user_of(demo_db, who)
    with pytest.raises(AccessDenied):
        budget.add_line(demo_db, user, {"village_id": None, "category": "X", "source": "other",
                                         "budgeted": 1, "spent": 0})
    with pytest.raises(AccessDenied):
        budget.texts(demo_db, user)


def test_funder_texts_refuse_names_and_email(demo_db):
    lead = user_of(demo_db, LEAD)
    vid = _vid(demo_db, "Vorden")
    ver = demo_db.scalar("SELECT version FROM pilots WHERE village_id = ?", [vid])
    member = demo_db.scalar("SELECT name FROM steering_members WHERE village_id = ? LIMIT 1", [vid])
    with pytest.raises(Invalid) as e:
        budget.save_texts(demo_db, lead, vid, f"Goed gesprek met {member.upper()}.",
                          "Mail ons: info@vorden.nl", ver)
    assert set(e.value.problems) == {"progress_text", "lessons"}
    assert member in e.value.problems["progress_text"]
    new = budget.save_texts(demo_db, lead, vid, "  De werkgroepen draaien.  ", "", ver)
    assert new == ver + 1
    row = demo_db.one("SELECT progress_text, lessons FROM pilots WHERE village_id = ?", [vid])
    assert row == {"progress_text": "De werkgroepen draaien.", "lessons": None}
    with pytest.raises(StaleVersion):
        budget.save_texts(demo_db, lead, vid, "Oud", "", ver)
    texts = funder.pilot_texts(demo_db, user_of(demo_db, FUNDER), vid)
    assert texts.iloc[0]["progress_text"] == "De werkgroepen draaien."


# --- the lead's page ---------------------------------------------------------------------------

def test_budget_page_adds_a_line_and_saves_texts(app_as, demo_db):
    at = app_as(LEAD, page="pages/begroting.py")
    assert not at.exception
    assert at.title[0].value == "Begroting en teksten voor de financier"
    n = demo_db.scalar("SELECT count(*) FROM budget")
    form_widget(at, "text_input", "budget_add", "category").input("Vervoer op maat")
    form_widget(at, "selectbox", "budget_add", "source").select("municipality")
    form_widget(at, "text_input", "budget_add", "budgeted").input("7.500")
    form_widget(at, "text_input", "budget_add", "spent").input("1250,75")
    at.button[[b.label for b in at.button].index("Regel toevoegen")].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert demo_db.scalar("SELECT count(*) FROM budget") == n + 1
    row = demo_db.one("SELECT village_id, budgeted, spent FROM budget WHERE category = 'Vervoer op maat'")
    assert row["village_id"] is None and float(row["budgeted"]) == 7500 and float(row["spent"]) == 1250.75
    assert "Begrotingsregel toegevoegd." in [s.value for s in at.success]
    assert form_widget(at, "text_input", "budget_add", "category").value == ""   # empty again

    # A refused amount keeps the form and says why, in Dutch.
    form_widget(at, "text_input", "budget_add", "category").input("Fout")
    form_widget(at, "text_input", "budget_add", "budgeted").input("-3")
    at.button[[b.label for b in at.button].index("Regel toevoegen")].click().run()
    assert any("negatief" in e.value for e in at.error)
    assert demo_db.scalar("SELECT count(*) FROM budget") == n + 1
    assert form_widget(at, "text_input", "budget_add", "budgeted").value == "-3"   # kept

    # The funder's texts of the first pilot (Beesd); the refused line above keeps its message.
    form_widget(at, "text_area", "texts", "progress_text").input("Startbijeenkomst gehouden; de gemeente denkt mee.")
    at.button[[b.label for b in at.button].index("Teksten opslaan")].click().run()
    assert not at.exception
    assert "Teksten voor de financier opgeslagen." in [s.value for s in at.success]
    assert [e.value for e in at.error if "negatief" not in e.value and "verbeter" not in e.value] == []
    assert demo_db.scalar("SELECT progress_text FROM pilots p JOIN villages v ON v.id = p.village_id"
                          " WHERE v.name = 'Beesd'") == "Startbijeenkomst gehouden; de gemeente denkt mee."


def test_budget_page_refuses_funder_and_steering(demo_db):
    """Not in their menu, and the page itself (a deep link runs it without app.py) refuses."""
    from tests.conftest import page_as
    for who in (FUNDER, STEERING, None):
        at = page_as(demo_db, "pages/begroting.py", who)
        assert not at.dataframe and not at.text_area


def test_lines_list_dates_as_dates(demo_db):
    df = budget.lines(demo_db, user_of(demo_db, FUNDER))
    assert len(df) == demo_db.scalar("SELECT count(*) FROM budget")
    assert all(d is None or type(d) is date for d in df["period"])
    assert pd.isna(df.iloc[0]["village"])          # programme-level lines first
