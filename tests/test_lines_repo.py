"""The data layer of the five lines: scoring, validation, correction with versions and audit,
scope, latest scores and month-of-pilot alignment."""

from datetime import date, timedelta

import pandas as pd
import pytest

from dorp.access import SYSTEM, AccessDenied, User
from dorp.db import StaleVersion
from dorp.errors import Invalid
from dorp.repo import lines
from tests.conftest import AS_OF, STEERING, user_of

pytestmark = pytest.mark.both_stores


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def count(db, village_id):
    return db.scalar("SELECT count(*) FROM line_scores WHERE village_id = ?", [village_id])


def test_a_moment_is_saved_with_narrative_evidence_source_and_audit(demo_db):
    v = vid(demo_db, "Doornspijk")
    ids = lines.add_moment(demo_db, SYSTEM, v, AS_OF, {
        "broad_support": {"score": 3, "note": " Goede avond ", "evidence": "verslag.pdf",
                          "source": "residents"},
        "target_group": {"score": None},          # not scored: skipped
        "safeguarding": {"score": 2, "note": "", "source": None},
    }, AS_OF)
    assert len(ids) == 2
    rows = demo_db.rows("SELECT line, score, note, evidence, source, version FROM line_scores"
                        " WHERE village_id = ? ORDER BY line", [v])
    assert rows == [
        {"line": "broad_support", "score": 3, "note": "Goede avond", "evidence": "verslag.pdf",
         "source": "residents", "version": 1},
        {"line": "safeguarding", "score": 2, "note": None, "evidence": None, "source": None,
         "version": 1}]
    audit = demo_db.rows("SELECT action, record_id, village_id FROM audit_log"
                         " WHERE table_name = 'line_scores' ORDER BY id")
    assert [(a["action"], a["record_id"], a["village_id"]) for a in audit] == \
        [("insert", i, v) for i in ids]


@pytest.mark.parametrize("entry, field", [
    ({"score": 0}, "broad_support.score"),
    ({"score": 6}, "broad_support.score"),
    ({"score": True}, "broad_support.score"),
    ({"score": "3"}, "broad_support.score"),
    ({"score": 3, "source": "buren"}, "broad_support.source"),
    ({"score": 3, "note": "x" * 2001}, "broad_support.note"),
])
def test_bad_scores_are_refused_and_nothing_is_written(demo_db, entry, field):
    v = vid(demo_db, "Doornspijk")
    with pytest.raises(Invalid) as e:
        lines.add_moment(demo_db, SYSTEM, v, AS_OF,
                         {"broad_support": entry, "target_group": {"score": 4}}, AS_OF)
    assert field in e.value.problems
    assert count(demo_db, v) == 0


def test_dates_and_empty_moments_are_refused_in_dutch(demo_db):
    v = vid(demo_db, "Doornspijk")
    start = demo_db.scalar("SELECT started_on FROM pilots WHERE village_id = ?", [v])
    cases = [(AS_OF + timedelta(days=1), "toekomst"), (start - timedelta(days=1), "vóór de start"),
             (None, "Vul de datum")]
    for day, words in cases:
        with pytest.raises(Invalid) as e:
            lines.add_moment(demo_db, SYSTEM, v, day, {"broad_support": {"score": 3}}, AS_OF)
        assert words in e.value.problems["scored_on"]
    with pytest.raises(Invalid) as e:
        lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": None}}, AS_OF)
    assert "minstens één lijn" in e.value.problems["scores"]


def test_a_second_score_of_a_line_on_the_same_date_is_refused(demo_db):
    v = vid(demo_db, "Doornspijk")
    lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": 3}}, AS_OF)
    with pytest.raises(Invalid) as e:
        lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": 4},
                                                     "target_group": {"score": 4}}, AS_OF)
    assert "al een meting" in e.value.problems["broad_support.score"]
    assert count(demo_db, v) == 1


def test_steering_member_scores_only_own_village_and_funder_never(demo_db):
    steering = user_of(demo_db, STEERING)
    vorden, laren = vid(demo_db, "Vorden"), vid(demo_db, "Laren")
    lines.add_moment(demo_db, steering, vorden, AS_OF, {"target_group": {"score": 5}}, AS_OF)
    with pytest.raises(AccessDenied):
        lines.add_moment(demo_db, steering, laren, AS_OF, {"target_group": {"score": 5}}, AS_OF)
    with pytest.raises(AccessDenied):
        lines.history(demo_db, steering, laren)
    funder = user_of(demo_db, "provincie")
    with pytest.raises(AccessDenied):
        lines.add_moment(demo_db, funder, vorden, AS_OF, {"target_group": {"score": 5}}, AS_OF)
    with pytest.raises(AccessDenied):
        lines.latest(demo_db, funder)


def test_latest_is_scoped_to_the_users_villages(demo_db):
    steering = user_of(demo_db, STEERING)
    vorden, laren = vid(demo_db, "Vorden"), vid(demo_db, "Laren")
    assert set(lines.latest(demo_db, steering)["village_id"]) == {vorden}
    assert set(lines.latest(demo_db, steering, [vorden, laren])["village_id"]) == {vorden}
    assert lines.by_month_of_pilot(demo_db, steering, [laren]).empty
    assert set(lines.month_band(demo_db, steering)["pilots"]) == {1}


def test_latest_equals_the_newest_score_per_village_and_line(demo_db):
    lead = SYSTEM
    got = lines.latest(demo_db, lead).set_index(["village_id", "line"])
    raw = demo_db.df("SELECT village_id, line, scored_on, id, score FROM line_scores")
    raw = raw.sort_values(["scored_on", "id"])
    want = raw.groupby(["village_id", "line"]).tail(1).set_index(["village_id", "line"])
    assert len(got) == len(want) == 20
    for key, row in want.iterrows():
        assert got.loc[key, "score"] == row["score"]
        assert got.loc[key, "scored_on"] == row["scored_on"].date()
    laren = vid(demo_db, "Laren")
    assert got.loc[(laren, "broad_support"), "score"] == 2


def test_correction_bumps_the_version_keeps_the_old_value_in_the_audit_and_refuses_stale(demo_db):
    v = vid(demo_db, "Doornspijk")
    [sid] = lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": 3}}, AS_OF)
    new_version = lines.correct(demo_db, SYSTEM, sid, {"score": 4, "note": "herzien"}, 1, AS_OF)
    assert new_version == 2
    r = lines.get(demo_db, SYSTEM, sid)
    assert (r["score"], r["note"], r["version"]) == (4, "herzien", 2)
    trail = lines.audit_trail(demo_db, SYSTEM, sid)
    assert [a["action"] for a in trail] == ["insert", "update"]
    assert trail[1]["before"] == {"score": 3, "note": None}
    assert trail[1]["after"] == {"score": 4, "note": "herzien"}
    with pytest.raises(StaleVersion):                       # someone else saved version 2
        lines.correct(demo_db, SYSTEM, sid, {"score": 5}, 1, AS_OF)
    with pytest.raises(Invalid):
        lines.correct(demo_db, SYSTEM, sid, {"score": 9}, 2, AS_OF)
    assert lines.get(demo_db, SYSTEM, sid)["score"] == 4
    lines.delete(demo_db, SYSTEM, sid, 2)
    assert lines.get(demo_db, SYSTEM, sid) is None
    assert [a["action"] for a in lines.audit_trail(demo_db, SYSTEM, sid)][-1] == "delete"


def test_correcting_to_a_date_that_is_taken_is_refused(demo_db):
    v = vid(demo_db, "Doornspijk")
    day = AS_OF - timedelta(days=3)
    lines.add_moment(demo_db, SYSTEM, v, day, {"broad_support": {"score": 3}}, AS_OF)
    [sid] = lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"broad_support": {"score": 4}}, AS_OF)
    with pytest.raises(Invalid) as e:
        lines.correct(demo_db, SYSTEM, sid, {"scored_on": day}, 1, AS_OF)
    assert "al een meting" in e.value.problems["scored_on"]


def test_month_of_pilot_alignment(empty_db):
    db = empty_db
    with db.tx("test") as tx:
        m = tx.insert("municipalities", {"name": "Gem"})
        a = tx.insert("villages", {"name": "A", "municipality_id": m})
        b = tx.insert("villages", {"name": "B", "municipality_id": m})
        tx.insert("pilots", {"village_id": a, "step": 4, "status": "active",
                             "started_on": date(2024, 1, 15)})
        tx.insert("pilots", {"village_id": b, "step": 4, "status": "active",
                             "started_on": date(2025, 6, 1)})
        for v, day, score in [(a, date(2024, 1, 20), 1), (a, date(2024, 3, 14), 2),
                              (a, date(2024, 3, 15), 3), (a, date(2024, 3, 30), 4),
                              (b, date(2025, 6, 1), 5), (b, date(2025, 8, 31), 3),
                              (b, date(2025, 5, 1), 1)]:       # before the start: left out
            tx.insert("line_scores", {"village_id": v, "line": "broad_support",
                                      "scored_on": day, "score": score})
    got = lines.by_month_of_pilot(db, SYSTEM)
    assert [tuple(r) for r in got[["village_id", "month", "score"]].itertuples(index=False)] == [
        (a, 0, 1), (a, 1, 2), (a, 2, 4), (b, 0, 5), (b, 2, 3)]
    # The band counts every score in a month of a pilot: month 2 holds A's 3 and 4 and B's 3.
    band = lines.month_band(db, SYSTEM).set_index("month")
    assert band.loc[0, "median"] == 3 and band.loc[0, "pilots"] == 2
    assert band.loc[2, ["p25", "median", "p75", "pilots"]].tolist() == [3.0, 3.0, 3.5, 3]
    assert band.loc[1, "pilots"] == 1


def test_every_level_of_every_line_is_written_out_in_both_languages():
    from dorp.method import LINES, SCORES
    for lang in ("nl", "en"):
        texts = {lines.level_text(ln, s, lang) for ln in LINES for s in SCORES}
        assert len(texts) == len(LINES) * len(SCORES)
        assert not any(t.startswith("lines.scale") for t in texts)


def test_band_quantiles_from_the_histogram_equal_duckdbs_quantile_cont():
    import duckdb
    import numpy as np
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"line": rng.choice(["a", "b"], 3000), "month": rng.integers(0, 40, 3000),
                       "score": rng.integers(1, 6, 3000)})
    con = duckdb.connect()
    want = con.execute("SELECT line, month, quantile_cont(score, 0.25) AS p25, median(score)"
                       " AS median, quantile_cont(score, 0.75) AS p75, count(*) AS pilots"
                       " FROM df GROUP BY ALL ORDER BY 1, 2").df()
    hist = con.execute("SELECT line, month, score, count(*) AS n FROM df GROUP BY ALL").df()
    got = lines.band_from_histogram(hist).sort_values(["line", "month"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert lines.band_from_histogram(hist.head(0)).empty
