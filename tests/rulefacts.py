"""Building the rules' facts by hand for pure tests (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dorp.rules import Assessment, Meeting, PilotFacts, Records

TODAY = date(2026, 11, 29)
BOTH = frozenset({"municipality", "community"})


def records(on: date = TODAY, **kw) -> Records:
    return Records(on=on, **kw)


def facts(step: int = 1, status: str = "active", *, at_entry: Records | None = None,
          entered_on: date | None = None, last_activity: date | None = TODAY,
          line_history: dict | None = None, override_current: bool = False,
          modes: list | None = None, plan: dict | None = None, **now) -> PilotFacts:
    """A pilot whose today's records are `now` (Records fields); with `at_entry`, the
    records of the day it entered its stage (`entered_on`, default that record's day)."""
    if at_entry is not None and entered_on is None:
        entered_on = at_entry.on
    return PilotFacts(village="X", municipality="Y", step=step, status=status,
                      now=records(**now), entered_on=entered_on, at_entry=at_entry,
                      override_current=override_current, line_history=line_history or {},
                      last_activity=last_activity, modes=modes or [], plan=plan or {})


def mbc(w=None, a=None, may=None, on=TODAY, village=None, municipality=None) -> Assessment:
    return Assessment(on=on, willingness=w, ability=a, may=may, presented_village_on=village,
                      presented_municipality_on=municipality)


def meeting(m, c, on=TODAY) -> Meeting:
    return Meeting(on, m, c)


__all__ = ["TODAY", "BOTH", "records", "facts", "mbc", "meeting", "replace"]
