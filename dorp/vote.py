"""The vote at the start meeting (Stap 1), as a pure function.

Source, "Methodiek: Dorp als Verzorgingshuis", Stap 1: "Op het einde van de avond mogen alle
dorpen in een korte presentatie aangeven waarom zij vinden dat hun dorp een 'dorp als
verzorgingshuis' wil worden. Via een stemprocedure wordt bepaald in welk dorp of welke dorpen
we gaan starten."  The number of villages that may start (`seats`) is set by the lead; when
villages tie for the last seat(s), the lead decides and records why (issue 3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoteResult:
    chosen: frozenset        # villages certainly chosen (above any tie)
    tied: frozenset          # villages tied for the remaining seat(s); empty without a tie
    open_seats: int          # seats the lead must still fill from `tied`

    @property
    def needs_decision(self) -> bool:
        return self.open_seats > 0 and bool(self.tied)


def result(votes: dict, seats: int) -> VoteResult:
    """Who is chosen with `seats` places. Villages without votes (None) never win.

    Ranking by votes; the village at place `seats` sets the bar. All villages strictly above
    the bar's vote count are chosen; when the villages having exactly the bar's count do not
    all fit in the remaining seats, they are tied and the lead decides."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    counted = {k: v for k, v in votes.items() if v is not None}
    ranked = sorted(counted.items(), key=lambda kv: -kv[1])
    if len(ranked) <= seats:
        return VoteResult(frozenset(k for k, _ in ranked), frozenset(), 0)
    bar = ranked[seats - 1][1]
    above = frozenset(k for k, v in ranked if v > bar)
    at_bar = frozenset(k for k, v in ranked if v == bar)
    open_seats = seats - len(above)
    if len(at_bar) <= open_seats:
        return VoteResult(above | at_bar, frozenset(), 0)
    return VoteResult(above, at_bar, open_seats)


def check_decision(res: VoteResult, decided: set | frozenset) -> str | None:
    """None when `decided` fills the open seats from the tied villages; else a Dutch message."""
    decided = set(decided)
    if not decided <= res.tied:
        return "Kies alleen uit de dorpen die gelijk staan."
    if len(decided) != res.open_seats:
        n = res.open_seats
        return f"Kies precies {n} {'dorp' if n == 1 else 'dorpen'} uit de dorpen die gelijk staan."
    return None
