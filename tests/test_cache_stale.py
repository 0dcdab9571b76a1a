"""Cached views never show stale data after a write (issue 8): the data layer's cache is
keyed by a stamp of the audit log, which every write changes in its own transaction."""

from __future__ import annotations

import pytest

from dorp import ui
from dorp.access import SYSTEM
from dorp.repo import cache, pilots
from tests.conftest import AS_OF, LEAD, user_of

pytestmark = pytest.mark.both_stores


def _village(db, name):
    return db.one("SELECT id, version FROM villages WHERE name = ?", [name])


def _rename(db, user, old, new):
    """A write through the data layer's one way of writing (Tx), as ui.write would run it."""
    v = _village(db, old)
    with db.tx(user.username) as tx:
        tx.update("villages", v["id"], {"name": new}, expected_version=v["version"])


def _shown_text(at) -> str:
    """Everything a page shows as text: headings, markdown, metrics, tables, widgets."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                 "warning", "error", "success", "metric", "selectbox", "multiselect"):
        for el in getattr(at, kind, []):
            for attr in ("value", "label", "options", "body"):
                v = getattr(el, attr, None)
                if v is not None:
                    parts.append(str(v))
    for el in at.dataframe:
        parts.append(el.value.to_string())
    for el in at.get("vega_lite_chart"):
        parts.append(el.proto.spec)
    return "\n".join(parts)


def test_memo_recomputes_after_every_kind_of_write(demo_db):
    lead = user_of(demo_db, LEAD)
    first = pilots.overview(demo_db, lead, AS_OF)
    hits = cache.stats["hits"]
    again = pilots.overview(demo_db, lead, AS_OF)
    assert cache.stats["hits"] == hits + 1          # the second read came from the cache
    assert again.equals(first)
    again.loc[0, "village"] = "changed by the caller"  # callers get a copy
    assert pilots.overview(demo_db, lead, AS_OF).loc[0, "village"] != "changed by the caller"

    # update
    _rename(demo_db, lead, "Beesd", "Beesd aan de Linge")
    assert "Beesd aan de Linge" in set(pilots.overview(demo_db, lead, AS_OF).village)

    # insert: a low score on a line of a step-4 pilot raises line_low for it
    vorden = _village(demo_db, "Vorden")["id"]
    before = pilots.overview(demo_db, lead, AS_OF).set_index("village").loc["Vorden", "alerts"]
    assert "line_low" not in before
    with demo_db.tx(lead.username) as tx:
        sid = tx.insert("line_scores", {"village_id": vorden, "line": "broad_support",
                                        "scored_on": AS_OF, "score": 1}, village_id=vorden)
    after = pilots.overview(demo_db, lead, AS_OF).set_index("village").loc["Vorden", "alerts"]
    assert "line_low" in after

    # delete
    with demo_db.tx(lead.username) as tx:
        tx.delete("line_scores", sid, expected_version=1, village_id=vorden)
    again = pilots.overview(demo_db, lead, AS_OF).set_index("village").loc["Vorden", "alerts"]
    assert list(again) == list(before)


def test_a_write_on_another_connection_is_seen(demo_db, db_path):
    """Two sessions of the server may hold different connections: the stamp is in the data."""
    from dorp.db import open_db
    lead = user_of(demo_db, LEAD)
    assert "Laren" in set(pilots.overview(demo_db, lead, AS_OF).village)
    other = open_db(db_path)
    _rename(other, lead, "Laren", "Laren (Gld)")
    assert "Laren (Gld)" in set(pilots.overview(demo_db, lead, AS_OF).village)


def test_a_rolled_back_write_leaves_the_cached_view_right(demo_db):
    lead = user_of(demo_db, LEAD)
    pilots.overview(demo_db, lead, AS_OF)
    v = _village(demo_db, "Zelhem")
    with pytest.raises(RuntimeError):
        with demo_db.tx(lead.username) as tx:
            tx.update("villages", v["id"], {"name": "Nergenshuizen"}, expected_version=v["version"])
            raise RuntimeError("refused half-way")
    assert "Nergenshuizen" not in set(pilots.overview(demo_db, lead, AS_OF).village)


def test_the_cache_keeps_users_apart(demo_db):
    """A steering member never gets the lead's cached result (and vice versa)."""
    lead = user_of(demo_db, LEAD)
    steering = user_of(demo_db, "stuurgroep-vorden")
    assert len(pilots.facts(demo_db, lead, AS_OF)) == 10
    assert [f.village for _, f in pilots.facts(demo_db, steering, AS_OF)] == ["Vorden"]
    assert len(pilots.facts(demo_db, lead, AS_OF)) == 10


def test_the_stamp_changes_with_each_committed_write_only(demo_db):
    s0 = cache.stamp(demo_db)
    assert cache.stamp(demo_db) == s0
    v = _village(demo_db, "Ewijk")
    with demo_db.tx(SYSTEM.username) as tx:
        tx.update("villages", v["id"], {"population": 3600}, expected_version=v["version"])
        assert cache.stamp(demo_db) == s0          # not yet committed: others see the old
    assert cache.stamp(demo_db) != s0


def _page_state(db, script: str) -> dict:
    """What a lead would have chosen on the page so that it shows Vorden (every page of the
    lead's menu shows village names: none is left out)."""
    if script == "pages/startbijeenkomst.py":   # the start meeting where Vorden pitched
        return {"start_meeting": db.scalar(
            "SELECT p.meeting_id FROM pitches p JOIN villages v ON v.id = p.village_id"
            " WHERE v.name = 'Vorden'")}
    if script == "pages/stemronde.py":   # a round for that meeting: Vorden on the ballot
        from dorp.access import SYSTEM
        from dorp.repo import ballot
        meeting = db.scalar("SELECT p.meeting_id FROM pitches p JOIN villages v"
                            " ON v.id = p.village_id WHERE v.name = 'Vorden'")
        return {"round_pick": ballot.open_meeting_round(db, SYSTEM, meeting)}
    return {}


@pytest.mark.parametrize("script", [p[0] for p in ui.PAGES])
def test_no_page_shows_stale_data_after_a_write(app_as, demo_db, script):
    """Every page (as a lead): load it, rename a village through the data layer, re-run the
    same session: the page shows the new name, never the old one."""
    at = app_as(LEAD, **_page_state(demo_db, script))
    at.switch_page(script).run()      # every page is in the lead's menu
    assert not at.exception, at.exception
    before = _shown_text(at)
    assert "Vorden" in before, f"{script} shows no village name: choose one in _page_state"
    _rename(demo_db, user_of(demo_db, LEAD), "Vorden", "Vorden-Hackfort")
    at.run()
    assert not at.exception, at.exception
    assert "Vorden-Hackfort" in _shown_text(at)
    assert "Vorden" not in _exact_values(at)   # no table cell or choice still has the old name


def _exact_values(at) -> set[str]:
    values = set()
    for el in at.dataframe:
        values |= {str(x) for x in el.value.astype(str).to_numpy().ravel()}
    for kind in ("selectbox", "multiselect"):
        for el in getattr(at, kind, []):
            values |= {str(o) for o in el.options}
    return values


def test_sessions_asking_at_once_share_one_computation(demo_db):
    """Ten people opening the overview together: the facts are computed once, the others
    wait for that result (and a failure is not cached: the next caller tries again)."""
    import threading
    import time
    calls = []

    @cache.memo
    def slow(db, user, x):
        calls.append(x)
        time.sleep(0.2)
        if x == "fails":
            raise RuntimeError("boom")
        return [x]

    lead = user_of(demo_db, LEAD)
    got = []
    threads = [threading.Thread(target=lambda: got.append(slow(demo_db, lead, 1)))
               for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert calls == [1] and got == [[1]] * 6
    for _ in range(2):
        with pytest.raises(RuntimeError):
            slow(demo_db, lead, "fails")
    assert calls == [1, "fails", "fails"]


def test_functions_of_the_same_name_do_not_share_results(demo_db):
    """funder.view and plan.view share a name and arguments, and the first calls the second:
    each gets its own result (keyed by module), and the nested call does not wait for itself."""
    import threading

    from dorp.repo import funder, plan
    user = user_of(demo_db, LEAD)
    period = funder.periods("programme", demo_db.scalar("SELECT start_date FROM programme"),
                            AS_OF)[0]
    done: list = []
    worker = threading.Thread(target=lambda: done.append(funder.view(demo_db, user, period, AS_OF,
                                                                     None)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert done, "funder.view waited for its own nested plan.view"
    fv = done[0]
    pv = plan.view(demo_db, user, period, AS_OF, None)
    assert type(pv).__module__ == "dorp.repo.plan" and type(fv).__module__ == "dorp.repo.funder"
    assert funder.view(demo_db, user, period, AS_OF, None).budget_by_source.equals(fv.budget_by_source)
