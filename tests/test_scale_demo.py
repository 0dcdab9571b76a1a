"""`dorp demo --scale N` (issue 8): many villages over real municipalities, ten years of
history each, deterministic, loadable like the demo."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pandas as pd
import pytest

from dorp import demo_scale, status
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.method import LINES
from dorp.repo import bulk
from dorp.sheets import BY_NAME
from tests.conftest import AS_OF, ROOT

GELDERLAND = {m[0] for m in demo_scale.GELDERLAND}


@pytest.fixture(scope="module")
def tables():
    return demo_scale.build(60, AS_OF)


def test_deterministic_for_the_same_inputs(tables):
    again = demo_scale.build(60, AS_OF)
    assert tables.keys() == again.keys()
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])
    other = demo_scale.build(60, AS_OF, seed=7)
    assert not other["line_scores"].score.equals(tables["line_scores"].score)


def test_villages_are_unique_and_in_real_gelderland_municipalities(tables):
    v = tables["villages"]
    assert len(v) == 60 and v.village.is_unique
    assert set(v.municipality) <= GELDERLAND
    assert v.municipality.nunique() >= 20             # spread, not piled up
    assert v.cbs_code.str.fullmatch(r"GM\d{4}").all()
    assert v.lat.between(51.7, 52.6).all() and v.lon.between(5.0, 6.9).all()
    assert "Vorden" in set(v.village)


def test_large_programmes_reach_beyond_gelderland():
    v = demo_scale.villages(1000, __import__("numpy").random.default_rng(1))
    assert v.village.is_unique
    assert set(v.municipality) - GELDERLAND            # other Dutch municipalities join
    assert "Vorden 2" in set(v.village)                # a place used again is numbered


def test_ten_years_of_monthly_scores_meetings_assessments_and_budget(tables):
    ls = tables["line_scores"]
    assert len(ls) == 60 * len(LINES) * 120
    per = ls.groupby(["village", "line"]).date.agg(["min", "max", "count"])
    assert (per["count"] == 120).all()
    span = (per["max"] - per["min"]).dt.days
    assert span.between(119 * 28, 120 * 31).all()
    assert (ls.date.dt.date <= AS_OF).all() and ls.score.between(1, 5).all()
    assert set(ls.line) == set(LINES)
    pilots3 = set(tables["pilots"].query("step >= 3").village)
    meetings = tables["steering_meetings"].groupby("village").size()
    assert set(meetings.index) == pilots3 and (meetings == 60).all()
    assert (tables["mbc"].groupby("village").size() == 10).all()
    village_budget = tables["budget"].dropna(subset=["village"])
    assert (village_budget.groupby("village").size() == 30).all()
    assert tables["budget"].village.isna().any()       # the programme's own lines


def test_only_columns_of_the_exchange_format(tables):
    for name, df in tables.items():
        assert set(df.columns) <= set(BY_NAME[name].columns), name
        assert set(BY_NAME[name].required) <= set(df.columns) or name == "votes", name


def test_loads_and_the_rules_run_on_it(tmp_path, tables):
    db = open_db(tmp_path / "scale.duckdb")
    counts = bulk.replace_all(db, SYSTEM, tables, replace=False)
    assert counts["line_scores"] == len(tables["line_scores"])
    assert db.scalar("SELECT count(*) FROM line_scores") == 60 * 5 * 120
    result = status.status(db, SYSTEM, AS_OF)
    assert result["programme"]["pilots"] == 60
    steps = {p["step"] for p in result["pilots"]}
    assert steps >= {3, 4}
    alerts = {a for p in result["pilots"] for a in p["alerts"]}
    assert {"stale", "line_low"} <= alerts            # some pilots need attention
    assert not all(p["alerts"] for p in result["pilots"])  # ... not all of them


def test_cli_demo_scale(tmp_path):
    env = {"DORP_DB": str(tmp_path / "cli.duckdb"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "dorp.cli", "demo", "--scale", "25",
                        "--as-of", AS_OF.isoformat()], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "25 dorpen, 25 pilots" in r.stdout
    assert "leider" in r.stdout
    r = subprocess.run([sys.executable, "-m", "dorp.cli", "status", "--json", "--as-of",
                        AS_OF.isoformat()], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.count('"village"') == 25


def test_rejects_nonsense():
    with pytest.raises(ValueError):
        demo_scale.build(0, AS_OF)
