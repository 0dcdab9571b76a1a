"""The funder's aggregates on the demo data, against figures computed independently here
with pandas from the demo tables (dorp.demo.build), not through the app's SQL."""

from datetime import date

import pandas as pd
import pytest

from dorp import demo, i18n
from dorp.access import AccessDenied, User
from dorp.method import LINES
from dorp.repo import funder
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def tables():
    return demo.build(AS_OF)


def _stage(step, status):
    return status if status in ("completed", "stopped") else str(int(step))


def _whole(tables) -> funder.Period:
    prog = tables["programme"].iloc[0]
    return funder.periods("programme", prog["start_date"], AS_OF, prog["end_date"])[0]


# --- pure functions --------------------------------------------------------------------------

@pytest.mark.parametrize("n, shown", [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (1234, "1.234"),
                                      (None, "–")])
def test_suppress_counts_below_five(n, shown):
    assert funder.suppress(n) == shown


def test_periods_cover_the_programme_latest_first():
    qs = funder.periods("quarter", date(2024, 5, 28), date(2026, 11, 29))
    assert qs[0] == funder.Period("quarter", date(2026, 10, 1), date(2026, 12, 31))
    assert qs[-1] == funder.Period("quarter", date(2024, 4, 1), date(2024, 6, 30))
    assert len(qs) == 11
    assert all(a.start == b.end + pd.Timedelta(days=1) for a, b in zip(qs, qs[1:]))
    hs = funder.periods("half", date(2024, 5, 28), date(2026, 11, 29))
    assert [(h.start, h.end) for h in hs[:2]] == [(date(2026, 7, 1), date(2026, 12, 31)),
                                                  (date(2026, 1, 1), date(2026, 6, 30))]
    ys = funder.periods("year", date(2024, 5, 28), date(2026, 11, 29))
    assert [y.start.year for y in ys] == [2026, 2025, 2024]
    whole = funder.periods("programme", date(2024, 5, 28), date(2026, 11, 29), date(2028, 5, 28))
    assert whole == [funder.Period("programme", date(2024, 5, 28), date(2028, 5, 28))]
    assert whole[0].cutoff(date(2026, 11, 29)) == date(2026, 11, 29)
    assert funder.period_label(qs[0]) == "4e kwartaal 2026"
    assert funder.period_label(hs[1], "en") == "H1 2026"


def test_month_ends():
    assert funder.month_ends(date(2024, 1, 15), date(2024, 3, 10)) == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 10)]


# --- aggregates against pandas -----------------------------------------------------------------

def test_pilots_per_stage_now_and_over_time(demo_db, tables):
    user = user_of(demo_db, FUNDER)
    view = funder.view(demo_db, user, _whole(tables), AS_OF)
    p = tables["pilots"]
    expected = p.apply(lambda r: _stage(r["step"], r["status"]), axis=1).value_counts()
    got = view.stages_now.set_index("stage")["n"]
    for stage in funder.STAGES:
        assert got[stage] == expected.get(stage, 0), stage
    assert got.sum() == len(p) == 10

    # Over time: on each month end, the last move on or before that day, per pilot.
    moves = tables["step_moves"].reset_index(names="order")
    for day in (date(2025, 6, 30), date(2026, 3, 31), date(2026, 8, 31)):
        upto = moves[moves["moved_on"] <= day].sort_values(["moved_on", "order"])
        last = upto.groupby("village").tail(1)
        exp = last.apply(lambda r: _stage(r["to_step"], r["to_status"]), axis=1).value_counts()
        got_day = view.stages_over_time[view.stages_over_time["day"] == day].set_index("stage")["n"]
        assert not got_day.empty, day
        for stage in funder.STAGES:
            assert got_day[stage] == exp.get(stage, 0), (day, stage)


def test_lines_distribution(demo_db, tables):
    user = user_of(demo_db, FUNDER)
    cutoff = date(2026, 6, 30)
    counts, stats = funder.lines_distribution(demo_db, user, cutoff)
    ls = tables["line_scores"].reset_index(names="order")
    ls = ls[ls["date"] <= cutoff].sort_values(["date", "order"])
    latest = ls.groupby(["village", "line"]).tail(1)
    exp = latest.groupby(["line", "score"]).size()
    assert len(counts) == len(LINES) * 5
    for r in counts.itertuples():
        assert r.n == exp.get((r.line, r.score), 0), (r.line, r.score)
    for r in stats.itertuples():
        s = latest[latest["line"] == r.line]["score"]
        assert r.pilots == len(s)
        assert r.min == s.min() and r.max == s.max()
        assert r.mean == pytest.approx(s.mean(), abs=0.005)


def test_budget_by_source_cumulative(demo_db, tables):
    user = user_of(demo_db, FUNDER)
    b = tables["budget"]
    for cutoff in (AS_OF, date(2025, 12, 31)):
        by, cat = funder.budget(demo_db, user, cutoff)
        sel = b[b["period"] <= cutoff]
        exp = sel.groupby("source")[["budgeted", "spent"]].sum()
        got = by.set_index("source")
        for src in ("province", "municipality", "other"):
            assert got.loc[src, "budgeted"] == pytest.approx(exp["budgeted"].get(src, 0))
            assert got.loc[src, "spent"] == pytest.approx(exp["spent"].get(src, 0))
        assert got.loc["total", "budgeted"] == pytest.approx(sel["budgeted"].sum())
        assert got.loc["total", "spent"] == pytest.approx(sel["spent"].sum())
        assert got.loc["total", "spent_share"] == pytest.approx(sel["spent"].sum() / sel["budgeted"].sum())
        assert got.loc["province", "budget_share"] == pytest.approx(
            exp["budgeted"].get("province", 0) / sel["budgeted"].sum())
        assert cat["budgeted"].sum() == pytest.approx(sel["budgeted"].sum())
    # A pilot: only its own lines.
    vid = funder.village_id_by_name(demo_db, user, "Vorden")
    by, _ = funder.budget(demo_db, user, AS_OF, vid)
    vorden = b[b["village"] == "Vorden"]
    assert by.set_index("source").loc["total", "spent"] == pytest.approx(vorden["spent"].sum())


def test_milestones_are_the_first_date_of_each_stage(demo_db, tables):
    user = user_of(demo_db, FUNDER)
    q = funder.periods("quarter", date(2024, 5, 28), AS_OF)[2]   # Q2 2026
    ms = funder.milestones(demo_db, user, q, AS_OF)
    m = tables["step_moves"].copy()
    m["stage"] = m.apply(lambda r: _stage(r["to_step"], r["to_status"]), axis=1)
    first = m.groupby(["village", "stage"])["moved_on"].min()
    first = first[first <= q.end]          # nothing after the period's end
    assert len(ms) == len(first)
    for r in ms.itertuples():
        assert r.reached_on == first[(r.village, r.stage)]
        assert r.in_period == (q.start <= r.reached_on <= q.end)
    exp_in = ((first >= q.start) & (first <= q.end)).sum()
    assert ms["in_period"].sum() == exp_in > 0


def test_people_counts_and_summary(demo_db, tables):
    user = user_of(demo_db, FUNDER)
    view = funder.view(demo_db, user, _whole(tables), AS_OF)
    sm = tables["start_meetings"]
    chosen = tables["votes"][tables["votes"]["chosen"]][["municipality", "meeting_date"]].drop_duplicates()
    residents = sm.merge(chosen, on=["municipality", "meeting_date"])["residents_present"].sum()
    members = tables["steering_members"]
    assert view.people["residents_at_start"] == residents
    assert view.people["steering_members"] == len(members[members["from_date"] <= AS_OF])
    f = view.figures()
    assert f["budgeted"] == pytest.approx(tables["budget"]["budgeted"].sum())
    assert f["in_execution"] == ((tables["pilots"]["step"] == 4)
                                 & (tables["pilots"]["status"] == "active")).sum()
    rows = dict(view.summary_rows())
    assert rows["Pilots"] == "10"
    assert rows["Besteed (cumulatief)"] == i18n.fmt_money(tables["budget"]["spent"].sum())


def test_one_village_keeps_people_counts_suppressed(demo_db):
    user = user_of(demo_db, FUNDER)
    vid = funder.village_id_by_name(demo_db, user, "Doornspijk")
    p = funder.periods("year", date(2024, 5, 28), AS_OF)[0]
    view = funder.view(demo_db, user, p, AS_OF, vid)
    assert view.village == "Doornspijk"
    assert 0 < view.figures()["steering_members"] < 5
    assert dict(view.summary_rows())["Leden van stuurgroepen"] == "<5"
    assert view.stages_now.set_index("stage")["n"].sum() == 1


def test_access(demo_db):
    p = funder.periods("year", date(2024, 5, 28), AS_OF)[0]
    funder.view(demo_db, user_of(demo_db, LEAD), p, AS_OF)
    with pytest.raises(AccessDenied):
        funder.view(demo_db, user_of(demo_db, STEERING), p, AS_OF)
    with pytest.raises(AccessDenied):
        funder.view(demo_db, User("x", "nobody"), p, AS_OF)
