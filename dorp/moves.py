"""Moving a pilot between steps and statuses: the method's gates, as pure logic.

A pilot moves on only when the entry criteria of the next stage hold
(`dorp.rules.missing_for`, INTERFACES.md "Entry criteria of each step"); otherwise the lead may
override with a written reason. Pause, resume, stop and complete are moves too and always carry
a reason (issue 3: "Pause, stop and complete are moves too, with a reason"). Steps are never skipped: the only forward move is to the next stage.
The data layer (dorp/repo/moves.py) stores the planned move in `step_moves` and updates the pilot.
"""

from __future__ import annotations

from dataclasses import dataclass

from dorp import i18n, rules
from dorp.errors import Invalid

ACTIONS: tuple[str, ...] = ("advance", "pause", "resume", "stop")
MIN_REASON = 5  # characters: a reason must say something


@dataclass(frozen=True)
class Move:
    from_step: int
    to_step: int
    from_status: str
    to_status: str
    override: bool
    reason: str | None
    missing: tuple[str, ...] = ()  # criteria that did not hold (override moves)


class GateUnmet(Invalid):
    """The next stage's entry criteria do not hold and no override was asked."""

    def __init__(self, stage, missing: list[str]):
        self.stage, self.missing = stage, list(missing)
        items = "; ".join(i18n.label("gate", m, "nl") for m in missing)
        super().__init__({"move": f"Niet verplaatst naar {i18n.label('step_long', stage, 'nl')}. "
                                  f"Nog niet vervuld: {items}. Een programmaleider kan dit "
                                  "overrulen met een geschreven reden."})


def available(f: rules.PilotFacts) -> list[str]:
    """Actions that make sense from the pilot's current status."""
    if f.status == "active":
        return ["advance", "pause", "stop"]
    if f.status == "paused":
        return ["resume", "stop"]
    return []


def plan(f: rules.PilotFacts, action: str, reason: str | None = None,
         override: bool = False) -> Move:
    """The move `action` would make, or Invalid/GateUnmet explaining why not."""
    reason = (reason or "").strip() or None
    if action not in ACTIONS:
        raise Invalid({"action": f"Onbekende beweging '{action}'."})
    if action not in available(f):
        raise Invalid({"action": f"Dit kan niet bij een pilot met status "
                                 f"'{i18n.label('status', f.status, 'nl')}'."})
    short = reason is None or len(reason) < MIN_REASON
    if action == "advance":
        nxt = rules.next_stage(f)
        missing = rules.missing_for(nxt, f.now)   # the move is made today, on today's records
        if missing and not override:
            raise GateUnmet(nxt, missing)
        if override and short:
            raise Invalid({"reason": "Een override vraagt een geschreven reden "
                                     f"(minstens {MIN_REASON} tekens)."})
        if nxt == "completed":
            if short:
                raise Invalid({"reason": "Geef bij het afronden een reden (minstens "
                                         f"{MIN_REASON} tekens), bijvoorbeeld hoe de borging "
                                         "geregeld is."})
            return Move(f.step, f.step, f.status, "completed", bool(missing), reason,
                        tuple(missing))
        return Move(f.step, int(nxt), f.status, "active", bool(missing), reason, tuple(missing))
    if short:
        raise Invalid({"reason": f"Geef een reden (minstens {MIN_REASON} tekens)."})
    to_status = {"pause": "paused", "resume": "active", "stop": "stopped"}[action]
    # The stage does not change: the override that let the pilot into it still stands.
    return Move(f.step, f.step, f.status, to_status, f.override_current, reason)
