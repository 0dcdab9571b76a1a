"""The dashboards' chart builders: pure functions, DataFrame in, chart out. Tests on their
specs and data; every chart also renders to SVG offline (vl-convert), with one data point and
with ten years of monthly data."""

from datetime import date, timedelta

import pandas as pd
import pytest
import vl_convert as vlc

from dorp.charts import lines as lc
from dorp.method import LINES, PHASES
from dorp.repo.dashboard import Filters

TODAY = date(2026, 11, 29)


def data_of(chart) -> pd.DataFrame:
    spec = chart.to_dict()
    frames = [pd.DataFrame(v) for v in spec.get("datasets", {}).values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def renders(chart) -> str:
    svg = vlc.vegalite_to_svg(chart.to_dict())
    assert svg.startswith("<svg") and len(svg) > 1000
    return svg


def pilots_frame():
    return pd.DataFrame({
        "village_id": [1, 2, 3], "village": ["Laren", "Vorden", "Beesd"],
        "municipality": ["Lochem", "Bronckhorst", "West Betuwe"], "step": [4, 4, 1],
        "status": ["active", "active", "active"], "scored": [True, True, False],
        "lat": [52.19, 52.10, None],
        "lon": [6.36, 6.31, None]})


def latest_frame():
    return pd.DataFrame({
        "village_id": [1, 1, 2, 2, 2, 2, 2], "score": [2, 3, 4, 4, 5, 4, 1],
        "line": ["broad_support", "safeguarding", *LINES],
        "scored_on": [TODAY] * 7})


def test_heatmap_cells_equal_the_latest_scores_and_mark_missing_ones():
    chart = lc.heatmap(latest_frame(), pilots_frame())
    cells = data_of(chart)
    assert len(cells) == 3 * 5
    got = {(r.village, r.line): r.score_label for r in cells.itertuples()}
    for r in latest_frame().merge(pilots_frame(), on="village_id").itertuples():
        assert got[(r.village, r.line)] == str(r.score)
    assert got[("Laren", "target_group")] == "–" and got[("Beesd", "broad_support")] == "–"
    spec = chart.to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Laren", "Vorden", "Beesd"]
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["1", "2", "3", "4", "5", "–"]
    assert scale["range"][:5] == list(lc.SCORE_COLOURS.values())  # PuOr: colour-blind safe
    assert spec["layer"][1]["mark"]["type"] == "text"               # the number in every cell
    renders(chart)


def test_heatmap_obeys_filters_through_the_pilots_it_is_given():
    pilots = Filters(municipalities=("Lochem",)).keep(pilots_frame())
    cells = data_of(lc.heatmap(latest_frame(), pilots))
    assert set(cells.village) == {"Laren"}
    assert Filters(steps=(1,)).keep(pilots_frame()).village.tolist() == ["Beesd"]
    assert Filters(statuses=("paused",)).keep(pilots_frame()).empty
    assert len(Filters().keep(pilots_frame())) == 3


def test_month_compare_puts_pilots_on_months_since_start_with_the_band():
    band = pd.DataFrame({"line": ["broad_support"] * 3, "month": [0, 1, 2],
                         "p25": [1.0, 2.0, 2.0], "median": [2.0, 2.5, 3.0],
                         "p75": [3.0, 3.0, 4.0], "pilots": [3, 3, 2]})
    own = pd.DataFrame({"village_id": [1, 1, 2], "line": ["broad_support"] * 3,
                        "month": [0, 2, 0], "score": [2, 4, 3]})
    chart = lc.month_compare(band, own, {1: "Laren", 2: "Vorden"})
    d = data_of(chart)
    pilots = d[d.kind == "pilot"]
    assert sorted(zip(pilots.series, pilots.month, pilots.score)) == \
        [("Laren", 0, 2), ("Laren", 2, 4), ("Vorden", 0, 3)]
    assert d[d.kind == "band"]["score"].tolist() == [2.0, 2.5, 3.0]
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "line_label" and spec["columns"] == 3
    assert spec["spec"]["layer"][2]["encoding"]["x"]["field"] == "month"
    renders(chart)


def test_village_map_has_a_plain_background_and_leaves_out_unknown_places():
    chart = lc.village_map(pilots_frame())
    spec = chart.to_dict()
    assert spec["projection"]["type"] == "mercator"
    assert "url" not in str(spec.get("data", "")) and "tile" not in str(spec).lower()
    assert spec["config"]["view"]["fill"] == "#fafafa"
    assert set(data_of(chart).village) == {"Laren", "Vorden"}
    renders(chart)


def _history(months: int) -> pd.DataFrame:
    start = TODAY - timedelta(days=30 * months)
    return pd.DataFrame([{"line": ln, "scored_on": start + timedelta(days=30 * k),
                          "score": 1 + (k + i) % 5, "id": k}
                         for k in range(months) for i, ln in enumerate(LINES)])


@pytest.mark.parametrize("months", [1, 120])
def test_village_charts_render_with_one_point_and_with_ten_years(months):
    hist = _history(months)
    over_time = lc.lines_over_time(hist)
    assert over_time.to_dict()["spec"]["layer"][0]["mark"]["point"] is (months == 1)
    latest = hist.sort_values("scored_on").groupby("line").tail(1)
    meetings = pd.DataFrame({"held_on": [TODAY - timedelta(days=61 * k) for k in range(
        min(months, 60))], "municipality_satisfaction": 3, "community_satisfaction": 4})
    modes = pd.DataFrame({"mode": ["support"], "started_on": [TODAY - timedelta(days=30 * months)],
                          "ended_on": [None], "reason": ["start"]})
    assessments = pd.DataFrame({"assessed_on": [TODAY - timedelta(days=30 * months)],
                                "willingness": [4], "ability": [2], "advised": ["support"]})
    for chart in (over_time, lc.lines_now(latest), lc.satisfaction(meetings),
                  lc.modes_timeline(modes, assessments, TODAY)):
        renders(chart)


def test_lines_now_shows_every_line_also_unscored():
    d = data_of(lc.lines_now(pd.DataFrame({"line": ["target_group"], "score": [4]})))
    assert len(d[d.line.notna()].drop_duplicates("line")) == 5
    row = d[d.line == "broad_support"].iloc[0]
    assert row["text"] == "nog niet gemeten" and row["bar"] == 0


def test_modes_timeline_shows_used_and_advised_modes():
    modes = pd.DataFrame({"mode": ["motivate", "support"],
                          "started_on": [date(2025, 1, 1), date(2025, 6, 1)],
                          "ended_on": [date(2025, 6, 1), None], "reason": ["a", None]})
    assessments = pd.DataFrame({"assessed_on": [date(2024, 12, 1), date(2025, 5, 1)],
                                "willingness": [2, 4], "ability": [4, 2],
                                "advised": ["motivate", "support"]})
    d = data_of(lc.modes_timeline(modes, assessments, TODAY))
    assert sorted(zip(d["kind"], d["mode"])) == [
        ("Advies (mBc)", "motivate"), ("Advies (mBc)", "support"),
        ("In gebruik", "motivate"), ("In gebruik", "support")]
    open_end = d[(d.kind == "In gebruik") & (d["mode"] == "support")]["end"].iloc[0]
    assert pd.Timestamp(open_end).date() == TODAY
    advised_first_end = d[(d.kind == "Advies (mBc)") & (d["mode"] == "motivate")]["end"].iloc[0]
    assert pd.Timestamp(advised_first_end).date() == date(2025, 5, 1)


def test_initiatives_by_phase_counts_every_phase_in_the_methods_order():
    ini = pd.DataFrame({"name": ["Koffie", "Vervoer", "Eten"],
                        "phase": ["idea", "idea", "decay"]})
    chart = lc.initiatives_by_phase(ini)
    d = data_of(chart)
    bars = d.drop_duplicates("phase").set_index("phase")
    assert bars.loc["idea", "n"] == 2 and bars.loc["decay", "n"] == 1
    assert bars.loc["enclosure", "n"] == 0 and set(bars.index) == set(PHASES)
    assert "Koffie, Vervoer" in bars.loc["idea", "names"]
    renders(chart)


def test_steps_track_marks_done_current_and_todo():
    d = data_of(lc.steps_track(3, "active"))
    assert d.drop_duplicates("step")["state"].tolist() == ["done", "done", "current", "todo"]
    d = data_of(lc.steps_track(4, "completed"))
    assert set(d["state"]) == {"done"}


def test_spec_inlines_data_drops_default_size_and_speaks_dutch():
    from dorp import charts
    pilots = pilots_frame().assign(alerts=[[], [], []], last_activity=None)
    s = lc.spec(charts.pipeline(pilots))           # a chart with a DataFrame: inlined
    assert "datasets" in s and "continuousWidth" not in str(s)
    assert s["config"]["locale"]["time"]["shortMonths"][9] == "okt"
    assert "locale" not in lc.spec(lc.steps_track(2, "active"), "en").get("config", {})
    svg = vlc.vegalite_to_svg(lc.spec(lc.satisfaction(pd.DataFrame({
        "held_on": [date(2026, 10, 1)], "municipality_satisfaction": [3],
        "community_satisfaction": [4]}))))
    assert "okt" in svg


def test_a_map_of_hundreds_of_villages_is_drawn_on_a_canvas():
    few = lc.spec(lc.village_map(pilots_frame()))
    assert "usermeta" not in few                    # ten villages: SVG, with their names
    many = pd.DataFrame({"village": [f"Dorp {i}" for i in range(300)], "municipality": "Ede",
                         "lat": 52.0, "lon": 5.7, "step": 4, "status": "active"})
    spec = lc.spec(lc.village_map(many))
    assert spec["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert len(next(iter(spec["datasets"].values()))) == 300
    assert not [x for x in spec["layer"] if x["mark"].get("type") == "text"]   # no names


def test_pipeline_from_counts_equals_pipeline_from_pilots():
    from dorp import charts
    pilots = pilots_frame()
    counts = pilots.groupby(["step", "status"]).size().reset_index(name="n")
    a, b = lc.spec(charts.pipeline(pilots)), lc.spec(charts.pipeline(counts))
    assert list(a["datasets"].values()) == list(b["datasets"].values())


def test_a_heatmap_of_many_pilots_is_drawn_on_a_canvas():
    latest = latest_frame()
    few = lc.spec(lc.heatmap(latest, pilots_frame()))
    assert "usermeta" not in few                    # 3 pilots x 5 lines: SVG (its texts readable)
    many = pd.DataFrame({"village_id": range(40), "village": [f"Dorp {i}" for i in range(40)]})
    assert lc.spec(lc.heatmap(latest, many))["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
