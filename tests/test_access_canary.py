"""Canary test: distinctive names, e-mail addresses and notes are planted in every free-text
field of village A (Vorden) and village B (Laren). Then

- every funder page (AppTest, each village choice) and every funder export (PDF, Excel)
  shows none of them;
- a steering member of A, on every page they may open (also with B's id in the URL) and
  through every data-layer function they may call, sees nothing of B.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from dorp import ui
from dorp.access import role_can
from tests.conftest import AS_OF, FUNDER, STEERING, user_of

pytestmark = pytest.mark.both_stores

VILLAGES = {"A": "Vorden", "B": "Laren"}


def canaries(key: str) -> dict[str, str]:
    k = key.lower()
    return {
        "name": f"Kanarie{key}voornaam Piepzak{key}",
        "email": f"kanarie{k}.piep@vogelkooi{k}.example",
        "note": f"KANARIENOTITIE{key} gezondheid valt tegen",
    }


def all_canaries(key: str) -> list[str]:
    c = canaries(key)
    # also the parts, so half of a name would be caught too
    return [*c.values(), f"Piepzak{key}", f"vogelkooi{key.lower()}", f"KANARIENOTITIE{key}"]


def plant(db) -> None:
    d = AS_OF - timedelta(days=20)
    for key, village in VILLAGES.items():
        v = db.scalar("SELECT id FROM villages WHERE name = ?", [village])
        c = canaries(key)
        name, email, note = c["name"], c["email"], c["note"]
        with db.tx("leider") as tx:
            tx.insert("steering_members", {"village_id": v, "name": name, "email": email,
                                           "organisation": f"Club {name}", "party": "community",
                                           "role": note, "from_date": d}, village_id=v)
            m = tx.insert("steering_meetings", {
                "village_id": v, "held_on": d, "municipality_satisfaction": 4,
                "community_satisfaction": 4, "decisions": f"{note} besluit {name}",
                "notes": f"{note} {email}"}, village_id=v)
            tx.insert("actions", {"meeting_id": m, "village_id": v, "description": note,
                                  "who": name, "due_on": d + timedelta(days=30)}, village_id=v)
            tx.insert("line_scores", {"village_id": v, "line": "target_group", "scored_on": d,
                                      "score": 4, "note": f"{note} {name}", "evidence": email,
                                      "source": "residents"}, village_id=v)
            tx.insert("mbc", {"village_id": v, "assessed_on": d - timedelta(days=400),
                              "willingness": 4, "ability": 4, "may_note": note,
                              "willingness_evidence": name, "ability_evidence": email,
                              "opportunities": note, "resistances": name, "source": note},
                      village_id=v)
            tx.insert("consent", {"village_id": v, "party": "community",
                                  "given_on": d - timedelta(days=500), "given_by": name},
                      village_id=v)
            tx.insert("partners", {"village_id": v, "partner_type": "Mantelzorger", "name": name,
                                   "formal": False, "note": f"{note} {email}"}, village_id=v)
            tx.insert("initiatives", {"village_id": v, "name": f"Initiatief van {name}",
                                      "phase": "idea", "description": note, "since": d},
                      village_id=v)
            tx.insert("working_modes", {"village_id": v, "mode": "support", "started_on": d,
                                        "reason": f"{note} {name}"}, village_id=v)
            # the Burgerkrachtgenerator: a lead-group member, who led a conversation, notes
            tx.insert("bkg_lead_group", {"village_id": v, "name": name, "role": "resident",
                                         "joined_on": d}, village_id=v)
            conv = tx.insert("bkg_conversations", {
                "village_id": v, "seq": 99, "held_on": d, "participants": 5,
                "summary": f"{note} {email}", "led_by": name, "question": note}, village_id=v)
            theme = tx.insert("bkg_themes", {"village_id": v, "theme": f"Kanariethema {key}",
                                             "found_on": d}, village_id=v)
            tx.insert("bkg_theme_sources", {"village_id": v, "theme_id": theme,
                                            "conversation_id": conv}, village_id=v)
            tx.insert("bkg_village_meetings", {"village_id": v, "held_on": d, "attendees": 20,
                                               "themes_recognised": True,
                                               "additions": f"{note} {name}"}, village_id=v)
            group = tx.insert("working_groups", {"village_id": v, "theme_id": theme,
                                                 "name": f"Kanariegroep {key}", "started_on": d,
                                                 "status": "active"}, village_id=v)
            tx.insert("working_group_modes", {"village_id": v, "group_id": group,
                                              "mode": "support", "started_on": d,
                                              "reason": f"{note} {name}"}, village_id=v)
            tx.insert("working_group_contacts", {"village_id": v, "group_id": group,
                                                 "contact_on": d, "kind": "call",
                                                 "note": f"{note} {email} {name}"}, village_id=v)
            sg = tx.execute("SELECT id FROM safeguarding WHERE village_id = ?", [v]).fetchone()
            values = {"successor": name, "handed_over": email, "notes": note}
            if sg:
                tx.update("safeguarding", sg[0], values, None, village_id=v)
            else:
                tx.insert("safeguarding", {"village_id": v, **values}, village_id=v)


@pytest.fixture
def planted(demo_db):
    plant(demo_db)
    return demo_db


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def page_text(at) -> str:
    """Everything an AppTest run put on screen: element protos (texts, options, chart specs
    and data), plus dataframe contents."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def leaks(text: str, key: str) -> list[str]:
    low = text.lower()
    return [c for c in all_canaries(key) if c.lower() in low]


def test_canaries_are_visible_to_the_lead(planted, app_as):
    """The test can fail: the lead's village dashboard does show A's planted people."""
    from dorp.repo import steps
    from tests.conftest import LEAD
    lead = user_of(planted, LEAD)
    vid = planted.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    assert leaks(steps.members(planted, lead, vid).to_csv(), "A")


# --- the funder --------------------------------------------------------------------------------

FUNDER_PAGES = [p[0] for p in ui.PAGES if p[3] == "view_funder"]


@pytest.mark.parametrize("script", FUNDER_PAGES)
def test_funder_pages_show_no_personal_data(planted, app_as, script):
    at = app_as(FUNDER, page=script)
    assert not at.exception
    texts = [page_text(at)]
    # every village choice the page offers
    for sb in at.selectbox:
        if sb.key == "funder_village":
            for option in sb.options[1:]:
                sb.select(option)
                at.run()
                assert not at.exception
                texts.append(page_text(at))
    # and every period kind
    for radio in at.radio:
        if radio.key == "funder_kind":
            from dorp.repo import funder
            for option in funder.PERIOD_KINDS:
                at.radio(key="funder_kind").set_value(option)
                at.run()
                assert not at.exception
                texts.append(page_text(at))
    text = "\n".join(texts)
    assert "Vorden" in text          # the page did render the programme
    assert leaks(text, "A") == [] and leaks(text, "B") == []


def test_funder_exports_show_no_personal_data(planted):
    from openpyxl import load_workbook
    from pypdf import PdfReader
    from dorp import report
    from dorp.repo import funder
    u = user_of(planted, FUNDER)
    prog = planted.one("SELECT start_date, end_date FROM programme")
    texts = []
    for kind in funder.PERIOD_KINDS:
        period = funder.periods(kind, prog["start_date"], AS_OF, prog["end_date"])[0]
        for vid in [None, *funder.villages(planted, u)]:
            view = funder.view(planted, u, period, AS_OF, vid)
            if kind == "programme" or vid is None:
                pdf = PdfReader(io.BytesIO(report.build_pdf(view, "nl")))
                texts.append("\n".join(p.extract_text() or "" for p in pdf.pages))
            wb = load_workbook(io.BytesIO(report.build_xlsx(view, "nl")))
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    texts.append(" ".join(str(x) for x in row if x is not None))
    text = "\n".join(texts)
    assert "Vorden" in text
    assert leaks(text, "A") == [] and leaks(text, "B") == []


def test_funder_data_layer_returns_no_personal_data(planted):
    """Every data-layer function a funder may call, for every village."""
    from tests.test_access_matrix import FUNCTIONS, _ctx
    u = user_of(planted, FUNDER)
    ctx = _ctx(planted, VILLAGES)
    for name, (fn, expect) in FUNCTIONS.items():
        if expect[2] != "Y":
            continue
        for key in ("A", "B"):
            try:
                result = fn(planted, u, {**ctx[key], "all": ctx})
            except Exception:
                continue
            text = repr(result) + (result.to_csv() if hasattr(result, "to_csv") else "")
            assert leaks(text, "A") == [] and leaks(text, "B") == [], name


# --- a steering member of A looking at B ---------------------------------------------------------

STEERING_PAGES = [p[0] for p in ui.PAGES if p[3] in ("view_village_any", "view_village",
                                                      "add_meeting", "score_lines")]


@pytest.mark.parametrize("script", STEERING_PAGES)
def test_steering_member_sees_nothing_of_another_village(planted, app_as, script):
    b = planted.scalar("SELECT id FROM villages WHERE name = 'Laren'")
    assert role_can(user_of(planted, STEERING), "view_village_any")
    at = app_as(STEERING, page=script)
    assert not at.exception
    texts = [page_text(at)]
    # with B's id in the URL, as a crafted link would have it
    at.query_params["village_id"] = str(b)
    at.run()
    assert not at.exception
    texts.append(page_text(at))
    # every choice the page offers
    for sb in at.selectbox:
        for option in sb.options:
            try:
                sb.select(option)
                at.run()
            except Exception:
                continue
            texts.append(page_text(at))
    text = "\n".join(texts)
    assert leaks(text, "B") == [], script
    assert "Laren" not in text, script


def test_steering_data_layer_gives_nothing_of_b(planted):
    from tests.test_access_matrix import FUNCTIONS, _ctx
    u = user_of(planted, STEERING)
    ctx = _ctx(planted, VILLAGES)
    seen_a = False
    for name, (fn, expect) in FUNCTIONS.items():
        if expect[1] not in ("Y", "A", "S"):
            continue
        for key in ("A", "B"):
            try:
                result = fn(planted, u, {**ctx[key], "all": ctx})
            except Exception:
                continue
            text = repr(result) + (result.to_csv() if hasattr(result, "to_csv") else "")
            assert leaks(text, "B") == [], (name, key)
            seen_a = seen_a or bool(leaks(text, "A"))
    assert seen_a   # their own village's people are there: the canaries do work
