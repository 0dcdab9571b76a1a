"""Warm-up at server start: what the first visitor after a (re)start would otherwise wait for.

app.py's server branch calls start() once per server process. A background thread then
- imports what the pages draw with (pandas, pyarrow, Altair and its Vega-Lite schema, the
  chart builders, babel's Dutch dates);
- opens the store (migrations run here, not in the first visitor's run);
- computes a lead's programme view (the facts of every pilot and their alerts: the overview's
  costliest read, cached per user scope until the next write, dorp/repo/cache.py) and builds
  the overview's first charts once, so Altair has loaded its schema.

The server answers while this runs. A visitor who arrives meanwhile and needs the same
programme view waits for this computation (one computation per key) rather than starting a
second one. Nothing here is required: if anything fails (a store that cannot be reached yet),
the first visitor simply does the work and sees the usual message.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)
LEAD_SCOPE = "opstart"   # the warm-up's user name (a lead's scope; names are not part of keys)


def start() -> threading.Thread:
    """Run warm_up() in a daemon thread (the server does not wait for it)."""
    th = threading.Thread(target=warm_up, name="dorp-warm-up", daemon=True)
    th.start()
    return th


def warm_up() -> float | None:
    """Seconds it took, or None when it could not finish (logged, never raised)."""
    t0 = time.perf_counter()
    try:
        from dorp import charts, config, i18n, ui
        from dorp.access import User
        from dorp.charts import lines as line_charts
        from dorp.db import Db
        from dorp.repo import dashboard

        database = Db(ui._connection())
        today = config.today()
        lead = User(LEAD_SCOPE, "lead")
        lang = i18n.DEFAULT_LANG
        counts = dashboard.pipeline(database, lead)
        points = dashboard.map_points(database, lead)
        # exactly the overview's call without filters, so its cache entry serves that page
        dashboard.programme(database, lead, today, dashboard.Filters())
        line_charts.spec(charts.pipeline(counts, lang), lang)
        if not points.empty:
            line_charts.spec(line_charts.village_map(points, lang, config.map_tiles()), lang)
        i18n.fmt_date(today, lang)
    except Exception as e:  # noqa: BLE001 - a warm-up must never stop the server
        log.warning("warm-up at start did not finish: %s: %s", type(e).__name__, e)
        return None
    took = time.perf_counter() - t0
    log.info("warm-up at start: %.2f s", took)
    return took
