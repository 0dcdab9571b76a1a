"""`dorp status --json`: the computed state of every pilot (INTERFACES.md schema).
No personal data: no names of people, no notes."""

from __future__ import annotations

from datetime import date

from dorp import burgerkracht, rules
from dorp.access import User
from dorp.db import Db
from dorp.method import LINES
from dorp.repo import pilots, programme


def pilot_status(f: rules.PilotFacts, today: date) -> dict:
    """One pilot as INTERFACES.md promises it. The mBc part is the latest assessment as a
    whole record (its own scores, its own "mag dit?"); `may` is null where it was left empty."""
    m = f.latest_meeting
    return {
        "village": f.village,
        "municipality": f.municipality,
        "step": f.step,
        "status": f.status,
        "mbc": {"willingness": f.willingness, "ability": f.ability, "may": f.may,
                "verdict": f.verdict},
        "advised_mode": f.advised_mode,
        "modes": list(f.modes),
        "steering_group": {
            "has_municipality": "municipality" in f.member_parties,
            "has_community": "community" in f.member_parties,
            "both_satisfied": None if m is None else m.both_satisfied,
        },
        "lines": {ln: f.latest_line(ln) for ln in LINES},
        "burgerkracht": burgerkracht.status(f.burgerkracht),
        "alerts": rules.alerts(f, today),
    }


def status(db: Db, user: User, today: date) -> dict:
    prog = programme.get(db, user)
    items = [pilot_status(f, today) for _, f in pilots.facts(db, user, today)]
    return {
        "programme": {"name": prog["name"] if prog else "", "pilots": len(items)},
        "pilots": items,
    }
