"""The funder page (AppTest): figures equal the shared aggregates, period selector, one
pilot, charts, "<5", downloads; other roles refused."""

import json

from streamlit.testing.v1 import AppTest

from dorp.repo import funder
from tests.conftest import AS_OF, FUNDER, ROOT, STEERING, user_of


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_funder_lands_on_the_funder_page_with_the_shared_figures(app_as, demo_db):
    at = app_as(FUNDER)            # the funder's menu starts with this page
    assert not at.exception
    assert at.title[0].value == "Voortgang voor financiers"
    # Default period: the current quarter; figures equal those of the shared view.
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    q = funder.periods("quarter", prog["start_date"], AS_OF)[0]
    view = funder.view(demo_db, user_of(demo_db, FUNDER), q, AS_OF)
    assert _metrics(at) == dict(view.summary_rows())
    assert _metrics(at)["Mijlpalen in de periode"] == "1"     # Winssen completed in Q4 2026
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 6      # four of progress, two of the plan (spending in the period, curve)
    subheads = [s.value for s in at.subheader]
    for s in ("Pilots per stap", "Pilots per stap door de tijd", "De vijf lijnen over het programma",
              "Begroting en besteding per financieringsbron", "Mijlpalen in deze periode",
              "Per pilot: voortgang en lessen", "Plan tegenover werkelijkheid",
              "Per pilot: op schema?", "Besteding: gepland tegenover besteed, per bron"):
        assert s in subheads
    # The lines' table counts pilots, not people: shown as they are (no "<5").
    lines = at.dataframe[0].value
    assert "<5" not in lines.to_numpy().ravel().tolist()
    assert lines.set_index("line").loc["Breed draagvlak", ["1", "2", "3", "4", "5"]].tolist() \
        == [str(n) for n in view.line_counts[view.line_counts.line == "broad_support"].n]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Rapport downloaden (PDF)", "Samenvatting downloaden (Excel)"]
    assert len(at.expander) >= 10          # one per pilot (+ all milestones)


def test_period_selector_and_one_pilot(app_as, demo_db):
    at = app_as(FUNDER)
    at.radio(key="funder_kind").set_value("programme").run()
    assert not at.exception
    assert _metrics(at)["Mijlpalen in de periode"] == "30"
    at.radio(key="funder_kind").set_value("year").run()
    year_box = at.selectbox(key="funder_period_year")
    assert year_box.options == ["2026", "2025", "2024"]
    start = demo_db.scalar("SELECT start_date FROM programme")
    y2025 = funder.periods("year", start, AS_OF)[1]
    year_box.set_value(y2025).run()
    view = funder.view(demo_db, user_of(demo_db, FUNDER), y2025, AS_OF)
    assert _metrics(at) == dict(view.summary_rows())
    assert _metrics(at)["Mijlpalen in de periode"] == str(int(view.milestones["in_period"].sum()))
    vid = funder.village_id_by_name(demo_db, user_of(demo_db, FUNDER), "Doornspijk")
    at.selectbox(key="funder_village").set_value(vid).run()
    assert _metrics(at)["Pilots"] == "0"           # Doornspijk started in 2026
    at.radio(key="funder_kind").set_value("programme").run()
    assert not at.exception
    m = _metrics(at)
    assert m["Pilots"] == "1" and m["Leden van stuurgroepen"] == "<5"
    assert [e.label for e in at.expander if e.label.startswith("Doornspijk")]
    assert not [e.label for e in at.expander if e.label.startswith("Vorden")]


def test_other_roles_and_anonymous_are_refused(demo_db):
    for who in (STEERING, None):
        at = AppTest.from_file(str(ROOT / "pages" / "financiers.py"), default_timeout=60)
        if who:
            at.session_state["user"] = user_of(demo_db, who)
        at.run()
        assert not at.exception
        assert not at.metric and not at.get("vega_lite_chart")
        if who:
            assert any("geen toegang" in e.value for e in at.error)


def test_english(app_as):
    at = app_as(FUNDER, lang="en")
    assert at.title[0].value == "Progress for funders"
    assert "Spent (cumulative)" in _metrics(at)


def test_large_programme_lists_pilots_in_one_table(empty_db):
    """Above 25 pilots the per-pilot texts come as one table (not hundreds of expanders)."""
    from streamlit.testing.v1 import AppTest
    from dorp import demo_scale
    from dorp.access import SYSTEM
    from dorp.repo import bulk, users
    from tests.conftest import AS_OF, ROOT
    bulk.replace_all(empty_db, SYSTEM, demo_scale.build(30, AS_OF), replace=False)
    users.add(empty_db, SYSTEM, "fin", "funder", "wachtwoord-fin")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = users.load(empty_db, "fin")
    at.run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "progress_text" in d.value.columns]
    assert len(tables) == 1 and len(tables[0]) == 30
    assert len(at.expander) < 10


def _table_with(at, *columns: str):
    """The page's dataframe whose columns start with `columns` (found by what they hold)."""
    found = [d.value for d in at.dataframe if tuple(d.value.columns[:len(columns)]) == columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_budget_per_post_and_per_pilot_as_in_the_pdf(app_as, demo_db):
    """Issue 17 §3: the page shows the budget per post and per pilot, as the PDF does, with
    the same figures (Dutch money) as the shared view."""
    from dorp import i18n
    at = app_as(FUNDER)
    at.radio(key="funder_kind").set_value("programme").run()
    assert not at.exception
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    whole = funder.periods("programme", prog["start_date"], AS_OF)[0]
    view = funder.view(demo_db, user_of(demo_db, FUNDER), whole, AS_OF)
    labels = [m.value for m in at.markdown]
    assert "**Begroting per post**" in labels and "**Begroting per pilot**" in labels
    posts = _table_with(at, "level", "category")
    assert len(posts) == len(view.budget_by_category) > 0
    first = view.budget_by_category.iloc[0]
    row = posts.iloc[0]
    assert row["category"] == first["category"]
    assert row["budgeted"] == i18n.fmt_money(first["budgeted"], "nl")
    assert row["spent_period"] == i18n.fmt_money(first["spent_period"], "nl")
    assert set(posts["level"]) <= {"Programma", "Pilots"}
    pilots = _table_with(at, "village", "budgeted_period")
    assert sorted(pilots["village"]) == sorted(view.budget_by_pilot["village"])
    laren = view.budget_by_pilot.set_index("village").loc["Laren"]
    assert pilots.set_index("village").loc["Laren", "spent"] == i18n.fmt_money(laren["spent"], "nl")
    # One pilot chosen: its own figures are the ones above; no table of pilots.
    vid = funder.village_id_by_name(demo_db, user_of(demo_db, FUNDER), "Laren")
    at.selectbox(key="funder_village").set_value(vid).run()
    assert not at.exception
    assert not [d for d in at.dataframe
                if tuple(d.value.columns[:2]) == ("village", "budgeted_period")]
    assert "**Begroting per pilot**" not in [m.value for m in at.markdown]
