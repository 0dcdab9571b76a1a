"""Caching of whole-programme reads that can never show stale data.

A cached result is keyed by the function, the user's scope, the arguments and a *stamp* of
the database: the highest id in `audit_log` and the number of rows just below it. Every
write of the app goes through Tx.insert/update/delete or an import, and each of those
appends to the audit log in the same transaction (docs/ARCHITECTURE.md), so any committed write, from any
session or thread, changes the stamp and the next read recomputes. The stamp is read before
the result is computed, so a cached result is never older than its stamp. (A per-process
`st.cache_data` cleared by ui.after_write() would miss writes that do not pass through that
session's ui.write; this does not.)

Only for reads of audited tables that do not log reads of personal data (a cached read
would skip the read log). Costs one small query (about 1 ms, also with millions of audit
rows).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from functools import wraps
from typing import Callable, TypeVar

from dorp.access import User
from dorp.db import Db

F = TypeVar("F", bound=Callable)

MAX_ENTRIES = 64  # per database connection
# The highest id, and how many entries lie in a window below it: a write committed late (its
# ids taken before another's, committed after it - two app processes on PostgreSQL) still
# changes the count. Counting only the window keeps the stamp cheap with millions of entries
# (PostgreSQL counts rows one by one; the primary key finds the window). A transaction would
# have to stay open while more than WINDOW audited writes of others commit to slip past it.
WINDOW = 10_000
_STAMP_SQL = ("SELECT count(*), max(id) FROM audit_log"
              " WHERE id > (SELECT coalesce(max(id), 0) FROM audit_log) - ?")
_lock = threading.Lock()
_stores: "weakref.WeakKeyDictionary[object, OrderedDict]" = weakref.WeakKeyDictionary()
_flights: dict[tuple, threading.Lock] = {}   # computations in progress, one lock per key
stats = {"hits": 0, "misses": 0}


def stamp(db: Db) -> tuple:
    """Changes with every committed write (see the module's docstring)."""
    return tuple(db.con.cursor().execute(_STAMP_SQL, [WINDOW]).fetchone())


def _user_key(user: User) -> tuple:
    """What a cached read may depend on: the user's scope (role and villages), not the name,
    so people with the same scope share a result (and a warm-up at server start serves the
    first lead who logs in)."""
    return (user.role, tuple(sorted(user.village_ids)))


def memo(fn: F) -> F:
    """Cache `fn(db, user, *args)` per connection, user scope, arguments and stamp.
    Results with a .copy() (DataFrames) are copied out, so callers may change them. One
    computation per key at a time: sessions asking for the same result meanwhile (ten people
    opening the overview together, or the warm-up at server start and the first visitor)
    wait for it instead of each computing it again."""

    def out(value):
        return value.copy() if hasattr(value, "copy") and not isinstance(value, (list, dict)) \
            else value

    def lookup(store, key):
        with _lock:
            hit = store.get(key, _MISS)
            if hit is not _MISS:
                store.move_to_end(key)
                stats["hits"] += 1
        return hit

    name = f"{fn.__module__}.{fn.__qualname__}"

    @wraps(fn)
    def wrapper(db: Db, user: User, *args, **kwargs):
        # The module is part of the key: funder.view and plan.view share a name and arguments
        # (and the first calls the second).
        key = (name, _user_key(user), args, tuple(sorted(kwargs.items())), stamp(db))
        with _lock:
            store = _stores.get(db.con)
            if store is None:
                store = _stores[db.con] = OrderedDict()
        hit = lookup(store, key)
        if hit is not _MISS:
            return out(hit)
        with _lock:
            flight = _flights.setdefault((id(store), key), threading.RLock())
        try:
            with flight:
                hit = lookup(store, key)    # computed by another session while we waited
                if hit is not _MISS:
                    return out(hit)
                stats["misses"] += 1
                value = fn(db, user, *args, **kwargs)
                with _lock:
                    store[key] = out(value)
                    while len(store) > MAX_ENTRIES:
                        store.popitem(last=False)
                return value
        finally:
            with _lock:
                _flights.pop((id(store), key), None)

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


_MISS = object()


def clear() -> None:
    with _lock:
        _stores.clear()
