"""Finished screens (issue 17, section 3): every page of every role, in Dutch, walked with
AppTest. No English that Streamlit would show on our behalf (its default placeholders, the
"Help for …" of a tooltip icon, the empty date picker's "dd - mm - yyyy"), no English words
of our own ("no go", "override"), and never Python's None, NaN or NaT in a text or a table."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dorp import ui as dorp_ui
from dorp.access import role_can
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of

# What a new user saw in English on Dutch screens (issue 17), and Python's empty values.
ENGLISH = ["no go", "override", "Choose an option", "Choose options", "Help for",
           "dd - mm - yyyy", "yyyy", "Page not found", "No options to select"]
PYTHON_EMPTY = re.compile(r"(?<![\w-])(None|nan|NaN|NaT)(?![\w-])")
# Widgets for which Streamlit shows its own English placeholder when none is given.
CHOOSERS = ("selectbox", "multiselect")


def nodes(at):
    """Every element of the page (main area and sidebar), depth first."""
    def walk(block):
        for child in getattr(block, "children", {}).values():
            yield child
            yield from walk(child)
    yield from walk(at._tree)


def texts_of(node) -> list[str]:
    """The user-visible strings of one element (value, label, placeholder, options, caption)."""
    out = []
    for attr in ("value", "label", "placeholder", "body"):
        v = getattr(node, attr, None) if attr != "value" or node.type not in (
            "dataframe", "arrow_data_frame", "vega_lite_chart", "arrow_vega_lite_chart") else None
        if isinstance(v, str):
            out.append(v)
    for o in getattr(node, "options", None) or []:
        out.append(str(o))
    return out


def table_cells(node) -> list[str]:
    df = node.value
    if not isinstance(df, pd.DataFrame):
        return []
    cells = [str(c) for c in df.columns]
    for col in df.columns:
        for v in df[col].tolist():
            cells.append("None" if v is None else str(v))
    return cells


def problems(at, where: str) -> list[str]:
    found = []
    for node in nodes(at):
        kind = getattr(node, "type", "")
        for s in texts_of(node):
            for word in ENGLISH:
                if word.lower() in s.lower():
                    found.append(f"{where}: {kind} shows {word!r}: {s[:120]!r}")
            if PYTHON_EMPTY.search(s) and kind not in ("code",):
                found.append(f"{where}: {kind} shows a Python empty value: {s[:120]!r}")
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "help", ""):
            found.append(f"{where}: {kind} {getattr(node, 'label', '')!r} has a tooltip "
                         "(Streamlit labels its icon 'Help for …' in English)")
        if kind in CHOOSERS and proto is not None and not proto.placeholder:
            # a selectbox shows its placeholder only while nothing is chosen (a None that is
            # one of its options, shown as "— kies —", is a choice)
            if kind == "multiselect" or not proto.HasField("default"):
                found.append(f"{where}: {kind} {node.label!r} has no Dutch placeholder")
        if kind == "date_input" and node.value is None:
            found.append(f"{where}: date_input {node.label!r} is empty (English 'dd - mm - "
                         "yyyy' in the browser)")
        if kind in ("dataframe", "arrow_data_frame", "table", "arrow_table"):
            for cell in table_cells(node):
                if PYTHON_EMPTY.fullmatch(cell.strip()):
                    found.append(f"{where}: a table shows {cell!r}")
                for word in ("override",):
                    if word in cell.lower():
                        found.append(f"{where}: a table shows {word!r}")
    return list(dict.fromkeys(found))


def ballot_records(db) -> dict:
    """Something on the ballot pages (the demo has no De Vonk and no ballot round): a De Vonk
    contest in Vorden at its prizes (three ideas, the jury's selection, a closed round with
    two winners), and a start meeting in Lochem with a round open and codes issued."""
    from dorp.access import SYSTEM
    from dorp.repo import ballot, steps, vonk
    vorden = db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    cid = vonk.add_contest(db, SYSTEM, vorden, "De Vonk Vorden", AS_OF, 2, AS_OF)
    for k, title in enumerate(("Buurtbus", "Moestuin", "Koffie-ochtend")):
        iid = vonk.add_idea(db, SYSTEM, cid, title, "Samen doen", f"Bewoner {k}", AS_OF, AS_OF)
        vonk.judge(db, SYSTEM, iid, True, "Past bij het dorp", 1)
    closed = ballot.open_contest_round(db, SYSTEM, cid)
    codes = ballot.issue_codes(db, SYSTEM, closed, 4)
    options = [oid for oid, _label in ballot.ballot_for_code(db, codes[0], "test").options]
    for code, oid in zip(codes, (options[0], options[0], options[1])):
        assert ballot.cast(db, code, [oid], "test").state == "counted"
    ballot.close(db, SYSTEM, closed, ballot.get_round(db, SYSTEM, closed)["version"])
    vonk.set_phase(db, SYSTEM, cid, "prizes", vonk.contest(db, SYSTEM, cid)["version"])
    mid = steps.add_start_meeting(db, SYSTEM, "Lochem", AS_OF, 30, 1, None, AS_OF)
    for village in ("Barchem", "Almen"):
        steps.add_pitch(db, SYSTEM, mid, village, None)
    opened = ballot.open_meeting_round(db, SYSTEM, mid)
    ballot.issue_codes(db, SYSTEM, opened, 20)
    return {"open": opened, "closed": closed}


def page_runs(app_as, demo_db, username: str):
    """(where, AppTest) for every page of the user's menu; the pilot page on each tab and for
    two pilots (one early, one in step 4; Vorden with a De Vonk contest); the ballot page
    before any round, with a round open (also as the projector shows it) and closed."""
    user = user_of(demo_db, username)
    if role_can(user, "edit_village"):
        yield "stemronde (nog geen ronde)", app_as(username, page="pages/stemronde.py")
    rounds = ballot_records(demo_db)
    for script, _title, _section, cap, url in dorp_ui.PAGES:
        if not role_can(user, cap):
            continue
        if url == "stemronde":
            for state, rid in (("open", rounds["open"]), ("beamer", rounds["open"]),
                               ("gesloten", rounds["closed"])):
                at = app_as(username, page=script, round_pick=rid)
                if state == "beamer":
                    at.toggle(key=f"projector:{rid}").set_value(True).run()
                    assert any("Stem met uw telefoon" in h.value for h in at.subheader)
                if state == "gesloten":
                    assert at.get("vega_lite_chart"), "the result chart"
                yield f"{url} ({state})", at
            continue
        if url != "pilot":
            at = app_as(username, page=script)
            yield url, at
            continue
        for village in ("Vorden", "Beesd"):
            vid = demo_db.scalar("SELECT id FROM villages WHERE name = ?", [village])
            for tab in range(7):
                at = app_as(username)
                at.query_params["village_id"] = str(vid)
                at.query_params["tab"] = str(tab)
                at.switch_page(script).run()
                if (village, tab) == ("Vorden", 6):   # the contest at its prizes
                    assert any("Fase 6 van 7" in m.value for m in at.markdown), username
                yield f"{url}?village_id={vid}&tab={tab}", at


@pytest.mark.parametrize("username", [LEAD, STEERING, FUNDER])
def test_no_english_and_no_python_empty_values_on_any_page(app_as, demo_db, username):
    found = []
    for where, at in page_runs(app_as, demo_db, username):
        assert not at.exception, (where, at.exception)
        found += problems(at, where)
    assert found == [], "\n".join(found)


def test_the_walker_finds_what_it_looks_for(app_as, demo_db):
    """The check itself can fail: a page with each of the faults is caught."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        import streamlit as st
        st.selectbox("Kies", ["a", "b"], index=None)
        st.multiselect("Meer", ["a"], placeholder="Kies")
        st.text_input("Reden", help="Uitleg")
        st.date_input("Datum", value=None)
        st.markdown("mBc is no go")
        st.dataframe(pd.DataFrame({"Bewijs": [None, "x"]}))

    at = AppTest.from_function(page, default_timeout=60).run()   # a busy machine
    assert not at.exception, at.exception
    found = "\n".join(problems(at, "test"))
    assert "'Kies' has no Dutch placeholder" in found
    assert "'Meer'" not in found
    assert "'Reden' has a tooltip" in found
    assert "date_input 'Datum' is empty" in found
    assert "shows 'no go'" in found
    assert re.search(r"a table shows '(None|nan)'", found)   # None arrives as NaN via Arrow


def test_village_names_on_the_map_do_not_cover_each_other():
    """The demo's villages (Gendringen and Dinxperlo, Winssen and Ewijk lie close together):
    no two name boxes overlap, estimated as the chart draws them."""
    import math
    from dorp.charts import lines as lc
    from dorp.demo import VILLAGES
    pts = pd.DataFrame([{"village": v, "lat": lat, "lon": lon}
                        for v, _m, _c, _p, lat, lon in VILLAGES])
    places = lc.label_places(pts)
    lat0 = math.radians(pts.lat.mean())
    span = max(pts.lat.max() - pts.lat.min(), (pts.lon.max() - pts.lon.min()) * math.cos(lat0) / 1.6)
    ppd = (lc.MAP_HEIGHT - 40) / span
    boxes = []
    for (_, r), (_, p) in zip(pts.iterrows(), places.iterrows()):
        x, y = p.label_lon * ppd * math.cos(lat0), -p.label_lat * ppd
        w = len(r.village) * lc.CHAR_PX
        boxes.append((r.village, x - w / 2, y - lc.LINE_PX / 2, x + w / 2, y + lc.LINE_PX / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a[3], b[3]) > max(a[1], b[1]) and min(a[4], b[4]) > max(a[2], b[2])
            assert not overlap, (a[0], b[0])
    # and a naive placement (every name above its dot) would have overlapped
    naive = [(v, lon * ppd * math.cos(lat0) - len(v) * lc.CHAR_PX / 2, -lat * ppd - 20,
              lon * ppd * math.cos(lat0) + len(v) * lc.CHAR_PX / 2, -lat * ppd - 7)
             for v, lat, lon in zip(pts.village, pts.lat, pts.lon)]
    assert any(min(a[3], b[3]) > max(a[1], b[1]) and min(a[4], b[4]) > max(a[2], b[2])
               for i, a in enumerate(naive) for b in naive[i + 1:])


def test_excel_summary_has_numbers_as_numbers_and_dates_without_a_time(demo_db):
    import io
    from datetime import date, datetime
    from openpyxl import load_workbook
    from dorp import report
    from tests.test_report_pdf import _view
    wb = load_workbook(io.BytesIO(report.build_xlsx(_view(demo_db))))
    ws = wb["Begroting per bron"]
    # the share columns found by their headers (the period's own columns stand before them)
    head = [c.value for c in ws[1]]
    cols = [head.index("Besteed (%)"), head.index("Aandeel in begroting")]
    shares = [[r[j] for j in cols] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert shares and all(isinstance(x, (int, float)) and 0 <= x <= 1.5 for row in shares for x in row)
    assert all(ws.cell(row=2, column=j + 1).number_format == "0%" for j in cols)
    dated = [c for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row
             if isinstance(c.value, (date, datetime))]
    assert dated, "no date cells"
    assert all(c.number_format == "d mmm yyyy" for c in dated)
    assert all(c.value.time() == datetime.min.time() if isinstance(c.value, datetime) else True
               for c in dated)
    counts = [c.value for row in wb["Pilots per stap"].iter_rows(min_row=2) for c in row[1:]]
    assert counts and all(isinstance(v, int) or v == "<5" for v in counts), counts


def test_funder_heading_follows_the_chosen_pilot(app_as, demo_db):
    at = app_as(FUNDER, page="pages/financiers.py")
    assert at.title[0].value == "Voortgang voor financiers"
    vid = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    at.selectbox(key="funder_village").set_value(vid).run()
    assert not at.exception
    assert at.title[0].value == "Voortgang voor financiers · Vorden"
