"""The overview's first charts come from small SQL aggregates (pilots per step and status, the
map's points), not from the facts of every pilot: they agree with those facts under every
filter, follow the user's scope, and a programme view is shared by users of the same scope."""

from __future__ import annotations

import pytest

from dorp.access import AccessDenied, User
from dorp.repo import cache, dashboard
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, user_of

pytestmark = pytest.mark.both_stores

FILTERS = [
    dashboard.Filters(),
    dashboard.Filters(municipalities=("Bronckhorst", "Lochem")),
    dashboard.Filters(steps=(4,)),
    dashboard.Filters(statuses=("active",), steps=(2, 3)),
    dashboard.Filters(municipalities=("Ede",), steps=(1,)),        # nothing left
]


@pytest.mark.parametrize("filters", FILTERS)
def test_pipeline_counts_agree_with_the_facts_of_every_pilot(demo_db, filters):
    lead = user_of(demo_db, LEAD)
    pilots = dashboard.programme(demo_db, lead, AS_OF, filters).pilots
    expected = pilots.groupby(["step", "status"]).size().to_dict()
    counts = dashboard.pipeline(demo_db, lead, filters)
    assert {(int(r.step), r.status): int(r.n) for r in counts.itertuples()} == expected


@pytest.mark.parametrize("filters", FILTERS)
def test_map_points_are_the_shown_villages_with_coordinates(demo_db, filters):
    lead = user_of(demo_db, LEAD)
    pilots = dashboard.programme(demo_db, lead, AS_OF, filters).pilots
    points = dashboard.map_points(demo_db, lead, filters)
    assert sorted(points.village) == sorted(pilots.dropna(subset=["lat", "lon"]).village)
    assert list(points.columns) == ["village", "municipality", "lat", "lon", "step", "status"]


def test_a_village_without_coordinates_is_counted_but_not_on_the_map(demo_db):
    lead = user_of(demo_db, LEAD)
    demo_db.con.execute("UPDATE villages SET lat = NULL WHERE name = 'Vorden'")
    assert "Vorden" not in set(dashboard.map_points(demo_db, lead).village)
    assert int(dashboard.pipeline(demo_db, lead).n.sum()) == 10


def test_only_a_lead_gets_the_overview_aggregates(demo_db):
    for who in (STEERING, FUNDER):
        with pytest.raises(AccessDenied):
            dashboard.pipeline(demo_db, user_of(demo_db, who))
        with pytest.raises(AccessDenied):
            dashboard.map_points(demo_db, user_of(demo_db, who))


def test_the_programme_is_computed_once_per_scope_and_again_after_a_write(demo_db):
    cache.clear()
    lead, other = user_of(demo_db, LEAD), User("tweede-leider", "lead", id=999)
    before = cache.stats["misses"]
    first = dashboard.programme(demo_db, lead, AS_OF, dashboard.Filters(steps=(4,)))
    computed = cache.stats["misses"]
    assert computed > before                            # the programme and the facts under it
    assert dashboard.programme(demo_db, other, AS_OF, dashboard.Filters(steps=(4,))) is first
    assert cache.stats["misses"] == computed            # another lead: nothing computed again
    with demo_db.tx(LEAD) as tx:
        v = demo_db.one("SELECT id, version FROM villages WHERE name = 'Vorden'")
        tx.update("villages", v["id"], {"name": "Vorden-Hackfort"}, expected_version=v["version"])
    again = dashboard.programme(demo_db, other, AS_OF, dashboard.Filters(steps=(4,)))
    assert again is not first and "Vorden-Hackfort" in set(again.pilots.village)
