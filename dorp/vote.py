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
    open_seats: int          # seats not filled by the vote itself
    unvoted: frozenset = frozenset()  # villages with 0 votes: chosen only by a decision

    @property
    def needs_decision(self) -> bool:
        """A tie for the last seat(s): the lead must choose among the tied villages."""
        return self.open_seats > 0 and bool(self.tied)

    @property
    def may_decide(self) -> bool:
        """The lead may record a decision: a tie, or seats left that only villages without
        votes could fill (never automatically)."""
        return self.needs_decision or (self.open_seats > 0 and bool(self.unvoted))


def result(votes: dict, seats: int) -> VoteResult:
    """Who is chosen with `seats` places. Villages without a vote count (None) never win;
    villages with 0 votes are never chosen automatically, even when there are no more
    pitches than seats ("Via een stemprocedure wordt bepaald": a village nobody voted for was
    not chosen by the vote); only an explicit decision with a reason can choose them.

    Ranking by votes; the village at place `seats` sets the bar. All villages strictly above
    the bar's vote count are chosen; when the villages having exactly the bar's count do not
    all fit in the remaining seats, they are tied and the lead decides."""
    if seats < 1:
        raise ValueError("seats must be at least 1")
    counted = {k: v for k, v in votes.items() if v is not None}
    unvoted = frozenset(k for k, v in counted.items() if v == 0)
    ranked = sorted(((k, v) for k, v in counted.items() if v > 0), key=lambda kv: -kv[1])
    if len(ranked) <= seats:
        return VoteResult(frozenset(k for k, _ in ranked), frozenset(), seats - len(ranked),
                          unvoted)
    bar = ranked[seats - 1][1]
    above = frozenset(k for k, v in ranked if v > bar)
    at_bar = frozenset(k for k, v in ranked if v == bar)
    open_seats = seats - len(above)
    if len(at_bar) <= open_seats:
        return VoteResult(above | at_bar, frozenset(), 0)
    return VoteResult(above, at_bar, open_seats)


def check_decision(res: VoteResult, decided: set | frozenset) -> str | None:
    """None when `decided` is a valid decision of the lead; else a Dutch message. On a tie
    it fills the open seats exactly from the tied villages; with seats left and villages
    without votes, it picks at least one and at most the open seats from those."""
    decided = set(decided)
    if res.needs_decision:
        if not decided <= res.tied:
            return "Kies alleen uit de dorpen die gelijk staan."
        if len(decided) != res.open_seats:
            n = res.open_seats
            return (f"Kies precies {n} {'dorp' if n == 1 else 'dorpen'} uit de dorpen die "
                    "gelijk staan.")
        return None
    if res.may_decide:
        if not decided <= res.unvoted:
            return "Kies alleen uit de dorpen zonder stemmen."
        if not 1 <= len(decided) <= res.open_seats:
            n = res.open_seats
            return (f"Kies minstens 1 en hoogstens {n} {'dorp' if n == 1 else 'dorpen'} uit de "
                    "dorpen zonder stemmen.")
        return None
    return "Er is niets te beslissen: de stemming heeft alle plaatsen verdeeld."
