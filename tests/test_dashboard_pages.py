"""AppTest of both dashboards and the scoring page: demo data, an empty programme, a pilot
with a single score, a steering member limited to their own village."""

import json

import pytest

from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.repo import lines
from tests.conftest import AS_OF, LEAD, STEERING, chart_data, form_widget, user_of


def specs(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def texts(at):
    out = [m.value for m in at.markdown] + [e.value for e in at.info] + \
        [e.value for e in at.warning] + [e.value for e in at.success] + \
        [c.value for c in at.caption]
    return "\n".join(out)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


# --- programme overview ---------------------------------------------------------------------

def test_overview_shows_attention_heatmap_map_and_comparison(app_as):
    at = app_as(LEAD, page="pages/overzicht.py")
    assert not at.exception
    body = texts(at)
    assert "Aandacht nodig" in [s.value for s in at.subheader]
    # The fact behind each alert: which line, which meeting, how many days.
    assert "Breed draagvlak daalde van 4 naar 2" in body
    assert "In de stuurgroepvergadering van" in body and "gaf de dorpsgemeenschap een 2" in body
    assert "Al 144 dagen niets vastgelegd" in body
    assert "In de stuurgroep zit niemand namens de gemeente" in body
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4   # pipeline, map, heatmap, month-of-pilot comparison
    heat = chart_data(charts[2])
    laren = heat[heat.village == "Laren"].set_index("line")["score_label"].to_dict()
    assert laren["broad_support"] == "2" and laren["safeguarding"] == "2"
    assert set(heat.village) == {"Vorden", "Winssen", "Laren", "Heteren"}
    geo = chart_data(charts[1])
    assert len(geo) == 10 and {"lat", "lon"} <= set(geo.columns)


def test_overview_filters_apply_to_every_chart_and_table(app_as):
    at = app_as(LEAD, page="pages/overzicht.py")
    at.multiselect(key="ov_mun").set_value(["Bronckhorst", "Lochem"]).run()
    assert not at.exception
    assert [m.value for m in at.metric][0] == "2"
    table = at.dataframe[-1].value
    assert set(table["village"]) == {"Vorden", "Laren"}
    charts = at.get("vega_lite_chart")
    assert set(chart_data(charts[0])["n"]) and chart_data(charts[0])["n"].sum() == 2
    assert set(chart_data(charts[1])["village"]) == {"Vorden", "Laren"}
    assert set(chart_data(charts[2])["village"]) == {"Vorden", "Laren"}
    comp = chart_data(charts[3])
    assert set(comp.dropna(subset=["series"])["series"]) <= {"Vorden", "Laren",
                                                            "Mediaan van de getoonde pilots"}
    assert "Dinxperlo" not in texts(at)
    at.multiselect(key="ov_step").set_value([1]).run()
    assert "Geen pilots bij deze filters" in texts(at)


def test_overview_of_an_empty_programme_says_what_to_do(app_as, demo_db):
    demo_db.con.execute("DELETE FROM pilots")
    at = app_as(LEAD, page="pages/overzicht.py")
    assert not at.exception
    assert "Er zijn nog geen pilots" in texts(at)


def test_overview_in_english(app_as):
    at = app_as(LEAD, page="pages/overzicht.py", lang="en")
    assert not at.exception
    assert "Needs attention" in [s.value for s in at.subheader]
    assert "Broad support fell from 4 to 2" in texts(at)


# --- village dashboard ------------------------------------------------------------------------

def test_village_dashboard_of_laren_for_the_lead(app_as, demo_db):
    at = app_as(LEAD, page="pages/dorpsdashboard.py")
    at.selectbox(key="dd_village").set_value(vid(demo_db, "Laren")).run()
    assert not at.exception
    assert at.title[0].value == "Laren · Lochem"
    names = [s.get("facet", {}).get("row", {}).get("field") for s in specs(at)]
    # steps, now, over time, satisfaction, modes, Burgerkrachtgenerator stepper, phases
    assert len(at.get("vega_lite_chart")) == 7
    assert "line_label" in names
    body = texts(at)
    assert "Openstaande acties" in body or at.dataframe
    assert "Uitnodiging bewonersavond versturen" in set(at.dataframe[0].value["Actie"])
    assert "Formeel" in body and "Huisarts Laren" in body
    assert "Advies volgens de laatste mBc" in body and "Ondersteunen" in body
    assert "Breed draagvlak daalde van 4 naar 2" in body


def test_village_dashboard_print_layout(app_as, demo_db):
    at = app_as(LEAD, page="pages/dorpsdashboard.py")
    at.selectbox(key="dd_village").set_value(vid(demo_db, "Laren")).run()
    at.toggle(key="dd_print").set_value(True).run()
    assert not at.exception
    assert len(at.table) >= 1 and len(at.dataframe) == 0
    assert "Afgedrukt uit Dorpsregie" in texts(at)


def test_steering_member_sees_only_own_village(app_as, demo_db):
    at = app_as(STEERING, page="pages/dorpsdashboard.py")
    assert not at.exception
    assert at.title[0].value == "Vorden · Bronckhorst"
    assert not [s for s in at.selectbox if s.key == "dd_village"]   # no village to choose
    at.query_params["village_id"] = str(vid(demo_db, "Laren"))
    at.run()
    assert at.title[0].value == "Vorden · Bronckhorst"


def test_village_without_scores_says_add_the_first(app_as, demo_db):
    at = app_as(LEAD, page="pages/dorpsdashboard.py")
    at.selectbox(key="dd_village").set_value(vid(demo_db, "Doornspijk")).run()
    assert not at.exception
    assert "Nog geen metingen van de vijf lijnen" in texts(at)


def test_single_score_pilot_draws_readable_charts(app_as, demo_db):
    v = vid(demo_db, "Doornspijk")
    lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": 3}}, AS_OF)
    at = app_as(LEAD, page="pages/dorpsdashboard.py")
    at.selectbox(key="dd_village").set_value(v).run()
    assert not at.exception
    data = [chart_data(c) for c in at.get("vega_lite_chart")]
    over_time = next(d for d in data if "scored_on" in d.columns and len(d) == 1)
    assert over_time["score"].tolist() == [3]
    # one data point: the line chart draws points, or a single point would be invisible
    spec = next(s for s in specs(at) if "facet" in s and "row" in s["facet"])
    assert spec["spec"]["layer"][0]["mark"]["point"] is True
    # the overview includes it in heatmap and comparison
    ov = app_as(LEAD, page="pages/overzicht.py")
    heat = chart_data(ov.get("vega_lite_chart")[2])
    assert heat[(heat.village == "Doornspijk") & (heat.line == "broad_support")][
        "score_label"].tolist() == ["3"]


def test_no_cached_view_is_stale_after_a_save(app_as, demo_db):
    """Dashboards cache their views (ui.cached); a save through ui.write clears them."""
    v = vid(demo_db, "Doornspijk")
    ov = app_as(LEAD, page="pages/overzicht.py")
    assert "Doornspijk" not in set(chart_data(ov.get("vega_lite_chart")[2]).village)
    dd = app_as(LEAD, page="pages/dorpsdashboard.py")
    dd.selectbox(key="dd_village").set_value(v).run()
    assert "Nog geen metingen van de vijf lijnen" in texts(dd)
    mt = app_as(LEAD, page="pages/metingen.py")
    mt.selectbox(key="mt_village").set_value(v).run()
    form_widget(mt, "selectbox", "moment", "target_group.score").set_value(4)
    form_widget(mt, "button", "moment").click().run()
    assert not mt.exception and "Meting opgeslagen." in [s.value for s in mt.success]
    ov.run()
    heat = chart_data(ov.get("vega_lite_chart")[2])
    assert heat[(heat.village == "Doornspijk") & (heat.line == "target_group")][
        "score_label"].tolist() == ["4"]
    dd.run()
    assert "Nog geen metingen van de vijf lijnen" not in texts(dd)
    now = [chart_data(c) for c in dd.get("vega_lite_chart")]
    assert any("bar" in d.columns and 4 in set(d["bar"]) for d in now)
