"""The method's rules as pure functions: no database, no Streamlit.

Each rule cites the passage of ../shared/seed/000_258159f2a27b481a.txt it encodes and the
exact form promised in ../shared/INTERFACES.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dorp import plan as programme_plan
from dorp.method import ALERTS, LINES, PRESENT_AT, STALE_DAYS


def present(score: int | None) -> bool:
    """A dimension counts as present at 3 or more (INTERFACES.md; the source speaks of
    gradations, chapter 4.3: "De assen bereidheid en bekwaamheid zijn geen absolute
    eenheden, maar gradaties")."""
    return score is not None and score >= PRESENT_AT


def mbc_verdict(willingness: int | None, ability: int | None) -> str:
    """Stap 2: "Het project heeft kans van slagen als het dorp minstens de bereidheid of de
    bekwaamheid heeft. In een dorp waar beide ontbreken kunnen we met deze methodiek niet
    uit de voeten."  -> go / no_go; pending without an assessment."""
    if willingness is None and ability is None:
        return "pending"
    return "go" if present(willingness) or present(ability) else "no_go"


def advised_mode(willingness: int | None, ability: int | None) -> str | None:
    """Chapter 4.2, figuur 2 (bereid x bekwaam): willing and able -> faciliteren; able but
    not willing -> motiveren ("situaties waar burgers wel bekwaam zijn, maar (vooralsnog)
    niet bereid"); willing but not able -> ondersteunen; neither -> niets / zelf doen."""
    if willingness is None and ability is None:
        return None
    w, a = present(willingness), present(ability)
    if w and a:
        return "facilitate"
    if a:
        return "motivate"
    if w:
        return "support"
    return "none"


def both_satisfied(municipality: int | None, community: int | None) -> bool:
    """Stap 3: "Het slaagt pas als zowel gemeente als gemeenschap tevreden zijn met het op
    gang gebrachte proces." Satisfied = scored 3 or more."""
    return present(municipality) and present(community)


@dataclass
class Meeting:
    on: date
    municipality: int | None
    community: int | None


@dataclass
class PilotFacts:
    """Everything the rules need about one pilot, gathered by the data layer."""

    village: str
    municipality: str
    step: int
    status: str
    started_on: date | None = None
    chosen_by_vote: bool = False
    consent: frozenset[str] = frozenset()  # parties whose consent is recorded
    willingness: int | None = None  # latest mBc assessment
    ability: int | None = None
    presented_village: bool = False
    presented_municipality: bool = False
    member_parties: frozenset[str] = frozenset()  # parties of current steering members
    latest_meeting: Meeting | None = None
    satisfied_meeting: bool = False  # some meeting where both parties scored >= 3
    line_history: dict[str, list[int]] = field(default_factory=dict)  # oldest first
    has_exit_plan: bool = False  # safeguarding plan with exit date and successor
    override_current: bool = False  # the move into the current stage was an override
    last_activity: date | None = None
    modes: list[str] = field(default_factory=list)
    # The programme plan (dorp/plan.py): stage ("1".."4", "completed") -> planned date of
    # entering it. Empty: no plan.
    plan: dict[str, date] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return mbc_verdict(self.willingness, self.ability)

    def latest_line(self, line: str) -> int | None:
        history = self.line_history.get(line) or []
        return history[-1] if history else None


# --- entry criteria of each step -------------------------------------------------------
# Codes of unmet criteria; labels in the catalogs ("gate.<code>").


def missing_for(stage: int | str, f: PilotFacts) -> list[str]:
    """Entry criteria not met for `stage` (2, 3, 4 or "completed"); empty when all hold.

    - step 2 (Stap 1): "Via een stemprocedure wordt bepaald in welk dorp ... we gaan starten"
      and both municipality and community are positive.
    - step 3 (Stap 2): the verdict is go and "De mBc wordt gepresenteerd aan dorp en gemeente."
    - step 4 (Stap 3): "in een stuurgroep beide partijen aanwezig" and both satisfied.
    - completed (lijn 5, Borging): "De betrokkenheid van Spectrum is altijd van tijdelijke
      aard ... een solide basis waarop de dorpsgemeenschap kan bouwen."
    """
    missing: list[str] = []
    if stage == 1:
        return missing
    if stage == 2:
        if not f.chosen_by_vote:
            missing.append("not_chosen")
        if "municipality" not in f.consent:
            missing.append("consent_municipality")
        if "community" not in f.consent:
            missing.append("consent_community")
    elif stage == 3:
        if f.verdict != "go":
            missing.append("mbc_not_go")
        if not f.presented_village:
            missing.append("mbc_not_presented_village")
        if not f.presented_municipality:
            missing.append("mbc_not_presented_municipality")
    elif stage == 4:
        if "municipality" not in f.member_parties:
            missing.append("no_municipality_member")
        if "community" not in f.member_parties:
            missing.append("no_community_member")
        if not f.satisfied_meeting:
            missing.append("no_satisfied_meeting")
    elif stage == "completed":
        if not f.has_exit_plan:
            missing.append("no_exit_plan")
        if not present(f.latest_line("safeguarding")):
            missing.append("safeguarding_low")
    else:
        raise ValueError(f"unknown stage {stage!r}")
    return missing


def current_stage(f: PilotFacts) -> int | str:
    return "completed" if f.status == "completed" else f.step


def next_stage(f: PilotFacts) -> int | str | None:
    if f.status in ("stopped", "completed"):
        return None
    return f.step + 1 if f.step < 4 else "completed"


# --- alerts ------------------------------------------------------------------------------


def low_lines(f: PilotFacts) -> list[str]:
    """Lines whose latest score is 2 or lower."""
    return [ln for ln in LINES if (s := f.latest_line(ln)) is not None and s <= 2]


def declining_lines(f: PilotFacts) -> list[str]:
    """Lines whose latest score is at least 2 below the one before it."""
    out = []
    for ln in LINES:
        h = f.line_history.get(ln) or []
        if len(h) >= 2 and h[-1] <= h[-2] - 2:
            out.append(ln)
    return out


def days_quiet(f: PilotFacts, today: date) -> int | None:
    return None if f.last_activity is None else (today - f.last_activity).days


def alerts(f: PilotFacts, today: date) -> list[str]:
    """Alert codes of INTERFACES.md, sorted alphabetically."""
    out: set[str] = set()
    if f.step >= 2 and not {"municipality", "community"} <= f.consent:
        out.add("consent_missing")
    if f.verdict == "no_go" and f.status == "active":
        out.add("mbc_no_go")
    if missing_for(current_stage(f), f) and not f.override_current:
        out.add("gate_unmet")
    if f.step >= 3 and not {"municipality", "community"} <= f.member_parties:
        out.add("steering_incomplete")
    m = f.latest_meeting
    if m is not None and (
        (m.municipality is not None and m.municipality <= 2)
        or (m.community is not None and m.community <= 2)
    ):
        out.add("steering_dissatisfied")
    if f.step == 4:
        if low_lines(f):
            out.add("line_low")
        if declining_lines(f):
            out.add("line_declining")
        if not f.has_exit_plan:
            out.add("no_exit_plan")
    if f.status == "active" and (
        f.last_activity is None or f.last_activity < today - timedelta(days=STALE_DAYS)
    ):
        out.add("stale")
    # The programme plan (dorp/plan.py, INTERFACES.md behind_plan).
    if programme_plan.behind_plan(f.step, f.status, f.plan, today):
        out.add("behind_plan")
    assert out <= set(ALERTS)
    return sorted(out)


def alert_rank(codes: list[str]) -> int:
    """Weight for ordering pilots in "Aandacht nodig": blocking problems first."""
    weights = {code: len(ALERTS) - i for i, code in enumerate(ALERTS)}
    return sum(weights[c] for c in codes)
