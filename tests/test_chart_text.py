"""Every chart has a text alternative (issue 17, WCAG 1.1.1): ui.chart gives it a summary
(its accessible name, shown under it) and its numbers as a table behind a toggle."""

from datetime import date

import pandas as pd

from dorp import i18n
from dorp.charts import lines as lc
from dorp.ui import chart_table
from tests.conftest import LEAD, STEERING, chart_spec


def test_chart_table_uses_tooltip_fields_titles_and_dutch_dates():
    scores = pd.DataFrame({"line": ["broad_support", "broad_support"],
                           "scored_on": [date(2026, 3, 1), date(2026, 6, 2)], "score": [2, 4]})
    tables = chart_table(lc.spec(lc.lines_over_time(scores, "nl"), "nl"), "nl")
    assert len(tables) == 1
    t = tables[0]
    assert list(t.columns) == [i18n.t("dashboard.line", "nl"), i18n.t("dashboard.scored_on", "nl"),
                               i18n.t("dashboard.score", "nl")]
    assert t.iloc[:, 1].tolist() == ["1 mrt 2026", "2 jun 2026"]
    assert t.iloc[:, 2].tolist() == [2, 4]
    assert set(t.iloc[:, 0]) == {i18n.label("line", "broad_support", "nl")}


def test_overview_charts_carry_summary_caption_and_table_toggle(app_as):
    at = app_as(LEAD, page="pages/overzicht.py")
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3
    captions = [c.value for c in at.caption]
    toggles = [t for t in at.toggle if t.label == "Cijfers als tabel"]
    assert len(toggles) == len(charts)
    for el in charts:
        summary = chart_spec(el)["description"]
        assert summary and summary != "Vega visualization"
        assert summary in [c.replace("\\", "") for c in captions], summary   # (markdown-escaped)
        assert chart_spec(el)["config"]["mark"]["aria"] is False
    # the first chart (pilots per step, by status) as a table: its tooltip titles as columns
    before = len(at.dataframe)
    toggles[0].set_value(True).run()
    assert len(at.dataframe) == before + 1
    want = [i18n.t("overview.step"), i18n.t("overview.status"), i18n.t("overview.pilots")]
    shown = [d.value for d in at.dataframe if list(d.value.columns) == want]
    assert len(shown) == 1
    table = shown[0]
    assert table[i18n.t("overview.pilots")].sum() == 10      # the demo's ten pilots


def test_village_dashboard_in_english_has_english_summaries(app_as):
    at = app_as(STEERING, page="pages/dorpsdashboard.py", lang="en")
    summaries = [chart_spec(el)["description"] for el in at.get("vega_lite_chart")]
    assert summaries and all(s for s in summaries)
    assert any(s.startswith("The four steps of the method") for s in summaries)
