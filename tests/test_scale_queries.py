"""The dashboard query at scale (issue 8): the facts of every pilot in DuckDB equal the same
computation in plain pandas (the benchmark's yardstick), on the demo and on a scale programme."""

from __future__ import annotations

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
    assert laren["history"]["broad_support"] == [4, 2]   # the demo's drop, oldest first


@pytest.fixture(scope="module")
def scale_db(tmp_path_factory):
    db = open_db(tmp_path_factory.mktemp("scale") / "scale.duckdb")
    bulk.replace_all(db, SYSTEM, demo_scale.build(80, AS_OF), replace=False)
    yield db
    db.con.close()


def test_sql_and_pandas_agree_at_scale(scale_db):
    rows = _same(scale_db)
    assert len(rows) == 80
    assert all(len(h) == 2 for r in rows for h in r["history"].values())


def test_latest_two_scores_follow_date_then_entry_order(demo_db):
    """Two scores on the same day: the one entered last counts as the latest."""
    vid = demo_db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    with demo_db.tx("t") as tx:
        for score in (2, 5):
            tx.insert("line_scores", {"village_id": vid, "line": "target_group",
                                      "scored_on": AS_OF, "score": score}, village_id=vid)
    rows = _same(demo_db)
    vorden = next(r for r in rows if r["village"] == "Vorden")
    assert vorden["history"]["target_group"] == [2, 5]


def test_facts_are_cached_until_a_write(scale_db):
    from dorp.repo import cache
    pilots.facts(scale_db, SYSTEM, AS_OF)
    hits = cache.stats["hits"]
    pilots.facts(scale_db, SYSTEM, AS_OF)
    assert cache.stats["hits"] == hits + 2    # the facts rows and the Burgerkrachtgenerator's
