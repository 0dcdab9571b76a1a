"""The dashboard query at scale: the facts of every pilot in SQL equal the same facts computed
in plain pandas from the raw rows (the benchmark's yardstick, dorp.bench.facts_pandas, which
takes every latest record as a whole), on the demo and on a scale programme whose villages
carry the corners of each rule. And the query's own results on hand-made corners, so the two
cannot agree on a mistake unnoticed."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from dorp import bench, demo_scale
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.repo import bulk, pilots
from tests.conftest import AS_OF


def _same(db):
    sql = pilots.facts_rows.uncached(db, SYSTEM, AS_OF)
    pd_rows = bench.facts_pandas(bench.load_tables(db), AS_OF)
    assert bench.comparable(sql) == bench.comparable(pd_rows)
    return sql


def test_sql_and_pandas_agree_on_the_demo(demo_db):
    rows = _same(demo_db)
    assert len(rows) == 10
    laren = next(r for r in rows if r["village"] == "Laren")
    assert (laren["broad_support_2"], laren["broad_support_1"]) == (4, 2)   # the demo's drop


def _with_corners(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The scale programme plus the corners of each rule: in every fifth village a newest
    assessment (today, or three days ago) that differs from the one before it in one way (no
    presentation, an empty dimension, "mag dit?" no or empty); in every eleventh two
    assessments on one day (the one entered last counts); in every ninth an assessment on the
    very day the pilot entered its step; in every seventh a newest, dissatisfied meeting; in
    every sixth a municipality member whose membership ends today."""
    t = {k: v.copy() for k, v in tables.items()}
    mbc = t["mbc"]
    latest = mbc.sort_values("assessed_on").groupby("village").tail(1)
    extra = []
    for i, r in enumerate(latest.to_dict("records")):
        kind = (i // 5) % 4
        if i % 5 == 0:
            r = dict(r, assessed_on=AS_OF - timedelta(days=3 if kind >= 2 else 0))
            if kind == 0:
                r["presented_village_on"] = r["presented_municipality_on"] = None
            elif kind == 1:
                r["ability"] = None
            elif kind == 2:
                r["may_ok"] = False
            else:
                r["may_ok"] = None
                r["willingness"] = None
            extra.append(r)
        if i % 11 == 3:
            day = AS_OF - timedelta(days=10)
            extra += [dict(r, assessed_on=day, willingness=5, ability=5),
                      dict(r, assessed_on=day, willingness=1, ability=1)]
    moves = t["step_moves"]
    into = moves[moves.from_step.notna() & (moves.from_step != moves.to_step)]
    newest = into.sort_values("moved_on").groupby("village").tail(1)
    for i, r in enumerate(newest.to_dict("records")):
        if i % 9 == 0:
            extra.append({"village": r["village"], "assessed_on": r["moved_on"],
                          "willingness": 1, "ability": 2, "may_ok": True,
                          "presented_village_on": r["moved_on"],
                          "presented_municipality_on": r["moved_on"]})
    t["mbc"] = pd.concat([mbc, pd.DataFrame(extra)], ignore_index=True)
    me = t["steering_meetings"]
    last = me.sort_values("date").groupby("village").tail(1)
    low = [dict(r, date=AS_OF - timedelta(days=1), municipality_satisfaction=2)
           for i, r in enumerate(last.to_dict("records")) if i % 7 == 0]
    t["steering_meetings"] = pd.concat([me, pd.DataFrame(low)], ignore_index=True)
    sm = t["steering_members"]
    mun = sm.index[sm.party == "municipality"]
    sm.loc[mun[::6], "until_date"] = AS_OF
    t["steering_members"] = sm
    return t


@pytest.fixture(scope="module")
def scale_db(tmp_path_factory):
    db = open_db(tmp_path_factory.mktemp("scale") / "scale.duckdb")
    bulk.replace_all(db, SYSTEM, _with_corners(demo_scale.build(80, AS_OF)), replace=False)
    yield db
    db.con.close()


def test_sql_and_pandas_agree_at_scale(scale_db):
    rows = _same(scale_db)
    assert len(rows) == 80
    assert all(r["broad_support_2"] is not None for r in rows)
    # the corners are really there: the newest assessment as a whole, not per column
    assert any(r["may_0"] is False for r in rows) and any(r["may_0"] is None for r in rows)
    assert any(r["mbc_on_0"] is not None and r["ability_0"] is None for r in rows)
    assert any(r["mbc_on_0"] is not None and r["willingness_0"] is None for r in rows)
    assert any(r["mbc_on_0"] is not None and r["presented_village_0"] is None for r in rows)
    assert any(r["mun_sat_0"] == 2 for r in rows)
    # most pilots entered their stage on a recorded move, judged on that day's records
    entered = [r for r in rows if r["entered_on"] is not None]
    assert len(entered) > 60
    assert all(r["mbc_on_1"] is None or r["mbc_on_1"] <= r["entered_on"] for r in entered)


def test_latest_two_scores_follow_date_then_entry_order(demo_db):
    """Two scores on the same day: the one entered last counts as the latest."""
    vid = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    with demo_db.tx("t") as tx:
        for score in (2, 5):
            tx.insert("line_scores", {"village_id": vid, "line": "target_group",
                                      "scored_on": AS_OF, "score": score}, village_id=vid)
    rows = _same(demo_db)
    vorden = next(r for r in rows if r["village"] == "Vorden")
    assert (vorden["target_group_2"], vorden["target_group_1"]) == (2, 5)


def test_the_latest_assessment_is_taken_as_a_whole(demo_db):
    """Review found: willingness, ability and the presentation dates came from different
    assessments. A newer assessment without presentation and without ability is the latest."""
    vid = demo_db.scalar("SELECT id FROM villages WHERE name = 'Doornspijk'")
    with demo_db.tx("t") as tx:
        tx.insert("mbc", {"village_id": vid, "assessed_on": AS_OF, "willingness": 2,
                          "may_ok": None}, village_id=vid)
    rows = _same(demo_db)
    r = next(r for r in rows if r["village"] == "Doornspijk")
    assert (r["willingness_0"], r["ability_0"], r["may_0"], r["presented_village_0"],
            r["presented_municipality_0"]) == (2, None, None, None, None)
    f = dict(pilots.facts(demo_db, SYSTEM, AS_OF))[vid]
    assert (f.verdict, f.advised_mode) == ("pending", None)
    # it entered step 3 before this assessment: the gate stands, judged on that day
    assert f.entered_on < AS_OF and f.at_entry.mbc.willingness == 4


def test_the_facts_query_names_each_column_once(demo_db):
    """A row is a dict: two columns of one name would silently keep only the last."""
    sql = pilots._FACTS_SQL.replace("{scope}", "")
    names = [d[0] for d in demo_db.con.cursor().execute(sql, [AS_OF]).description]
    assert len(names) == len(set(names)) and set(pilots.FACT_COLUMNS) <= set(names)


def test_safeguarding_as_of_the_day_of_entry(empty_db):
    """Completed when the latest safeguarding score was 4; a lower score since changes today's
    records, not the ones the completion was judged on."""
    from datetime import date
    from tests.test_judgements import programme
    tables = programme({"name": "X", "pilot": {"step": 4, "status": "completed"},
                        "line_scores": [{"line": "safeguarding", "date": date(2026, 5, 1),
                                         "score": 4},
                                        {"line": "safeguarding", "date": date(2026, 8, 1),
                                         "score": 2}],
                        "step_moves": [{"from_step": 4, "to_step": 4, "from_status": "active",
                                        "to_status": "completed",
                                        "moved_on": date(2026, 6, 1)}]})
    bulk.replace_all(empty_db, SYSTEM, tables, replace=False)
    [(_, f)] = pilots.facts(empty_db, SYSTEM, AS_OF)
    assert f.entered_on == date(2026, 6, 1)
    assert (f.at_entry.safeguarding, f.now.safeguarding) == (4, 2)
    assert f.line_history["safeguarding"] == [4, 2]
    _same(empty_db)


def test_facts_are_cached_until_a_write(scale_db):
    from dorp.repo import cache
    pilots.facts(scale_db, SYSTEM, AS_OF)
    hits = cache.stats["hits"]
    pilots.facts(scale_db, SYSTEM, AS_OF)
    # the facts rows, the Burgerkrachtgenerator's, and the plan's dates (behind_plan)
    assert cache.stats["hits"] == hits + 3
