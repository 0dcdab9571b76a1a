"""Moves of a pilot between steps and statuses (the pilot's timeline). Lead only."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import moves, rules
from dorp.access import User, require
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid
from dorp.repo import pilots


def pilot_facts(db: Db, user: User, village_id: int, today: date) -> rules.PilotFacts | None:
    """The rules' facts of one pilot (None when the village has no pilot)."""
    require(user, "view_village", village_id)
    return dict(pilots.facts(db, user, today)).get(village_id)


def pilot_record(db: Db, user: User, village_id: int) -> dict | None:
    require(user, "view_village", village_id)
    return db.one("SELECT id, step, status, started_on, version FROM pilots WHERE village_id = ?",
                  [village_id])


def timeline(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """Every move of the pilot, newest first."""
    require(user, "view_village", village_id)
    return db.df("SELECT id, from_step, to_step, from_status, to_status, moved_on, moved_by,"
                 " reason, override FROM step_moves WHERE village_id = ?"
                 " ORDER BY moved_on DESC, id DESC", [village_id])


def move(db: Db, user: User, village_id: int, action: str, reason: str | None,
         override: bool, today: date, expected_version: int | None = None) -> moves.Move:
    """Plan the move with the method's gates (dorp.moves.plan), then store it: the pilot's
    step/status change and a step_moves row, in one transaction, both audited."""
    require(user, "move_step", village_id)
    f = pilot_facts(db, user, village_id, today)
    rec = pilot_record(db, user, village_id)
    if f is None or rec is None:
        raise Invalid({"village": "Dit dorp heeft (nog) geen pilot."})
    if expected_version is not None and rec["version"] != expected_version:
        # moved (or its texts changed) since the form showed it: say so before judging the
        # move against a state the user has not seen
        who = db.one("SELECT updated_by, updated_at FROM pilots WHERE id = ?", [rec["id"]])
        raise StaleVersion("pilots", rec["id"], who["updated_by"], who["updated_at"],
                           rec["version"])
    m = moves.plan(f, action, reason, override)
    with db.tx(user.username) as tx:
        tx.update("pilots", rec["id"], {"step": m.to_step, "status": m.to_status},
                  expected_version, village_id=village_id)
        move_id = tx.insert("step_moves", {
            "village_id": village_id, "from_step": m.from_step, "to_step": m.to_step,
            "from_status": m.from_status, "to_status": m.to_status, "moved_on": today,
            "moved_by": user.username, "reason": m.reason, "override": m.override},
            village_id=village_id)
        tx.log("move", "step_moves", move_id, village_id, after={
            "action": action, "from_step": m.from_step, "to_step": m.to_step,
            "to_status": m.to_status, "override": m.override, "missing": list(m.missing),
            "reason": m.reason})
    return m
