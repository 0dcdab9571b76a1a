"""User text shown through st.markdown is escaped so it cannot format, link or load images."""

from dorp.ui import md


def test_markdown_characters_are_escaped():
    out = md("![x](https://evil.example/p.png) **vet** [link](http://x) $a$ <b>")
    for raw in ("![", "](", "**", "[link]", "$a$", "<b>"):
        assert raw not in out
    assert md(None) == ""
    assert md("Gewoon een notitie") == "Gewoon een notitie"


import pytest


@pytest.mark.parametrize("page,kinds", [
    ("pages/dorpsdashboard.py", {"people", "notes"}),
    ("pages/pilot.py", {"people", "notes"}),
    ("pages/metingen.py", {"notes"}),
])
def test_pages_showing_people_or_notes_log_the_read(app_as, demo_db, page, kinds):
    from tests.conftest import LEAD
    at = app_as(LEAD)  # lands on the overview, which shows no people or notes
    assert demo_db.scalar("SELECT count(*) FROM read_log") == 0
    at.switch_page(page).run()
    assert not at.exception
    rows = demo_db.rows("SELECT username, what, village_id FROM read_log ORDER BY id")
    assert {r["what"] for r in rows} == kinds
    assert {r["username"] for r in rows} == {LEAD}
    assert len({r["village_id"] for r in rows}) == 1 and rows[0]["village_id"] is not None
