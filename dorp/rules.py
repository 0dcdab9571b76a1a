"""The method's rules as pure functions: no database, no Streamlit.

Each rule cites the passage of ../shared/seed/000_258159f2a27b481a.txt it encodes and the
exact form promised in ../shared/INTERFACES.md ("dorp status --json").

The facts of a pilot (`PilotFacts`) hold its records twice, as `Records` of one day:
- `now`: the records as they stand today (`today`, or `--as-of`);
- `at_entry`: the records as they stood on the day the pilot entered the stage it stands at
  (its latest recorded move into it). The entry criteria of that stage are judged on these;
  with no recorded move (imported history) they are judged on today's records.
"Latest" always means the latest *record as a whole* (by date, then by entry order), never
the latest value of each column taken from different records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from dorp import plan as programme_plan
from dorp.method import ALERTING_STATUSES, ALERTS, LINES, PRESENT_AT, STALE_DAYS

BOTH_PARTIES = frozenset({"municipality", "community"})


def present(score: int | None) -> bool:
    """A dimension counts as present at 3 or more (INTERFACES.md; the source speaks of
    gradations, chapter 4.3: "De assen bereidheid en bekwaamheid zijn geen absolute
    eenheden, maar gradaties")."""
    return score is not None and score >= PRESENT_AT


def mbc_verdict(willingness: int | None, ability: int | None, may: bool | None = None) -> str:
    """The verdict of one assessment.

    - "Mag dit?" comes first (4.3: "een volgordelijkheid ... tussen (1) mogen en (2) willen en
      kunnen. Wanneer zelforganisaties immers onwenselijk zijn vanuit een maatschappelijk
      perspectief, is het niet zinvol om deze zelforganisaties te stimuleren of te
      ondersteunen"): judged not desirable -> no_go, whatever the scores.
    - Stap 2: "Het project heeft kans van slagen als het dorp minstens de bereidheid of de
      bekwaamheid heeft. In een dorp waar beide ontbreken kunnen we met deze methodiek niet
      uit de voeten." -> go when one is present; no_go when both are assessed and absent;
      pending while that cannot be decided yet (nothing assessed, or one dimension assessed
      below 3 and the other not yet: the missing one can still make it go)."""
    if may is False:
        return "no_go"
    if present(willingness) or present(ability):
        return "go"
    if willingness is not None and ability is not None:
        return "no_go"
    return "pending"


def advised_mode(willingness: int | None, ability: int | None,
                 may: bool | None = None) -> str | None:
    """Chapter 4.2, figuur 2 (bereid x bekwaam), after "mag dit?" (4.1, 4.3):
    not desirable -> ontmoedigen (chapter 2: "een keuze ... tussen stimuleren, faciliteren,
    ondersteunen en ontmoedigen"); willing and able -> faciliteren; able but not willing ->
    motiveren ("situaties waar burgers wel bekwaam zijn, maar (vooralsnog) niet bereid");
    willing but not able -> ondersteunen; neither -> niets / zelf doen ("none": which of the
    two depends on who is primarily responsible, not on willing and able). None while either
    dimension is not assessed. Working groups use it without `may`."""
    if may is False:
        return "discourage"
    if willingness is None or ability is None:
        return None
    w, a = present(willingness), present(ability)
    if w and a:
        return "facilitate"
    if a:
        return "motivate"
    if w:
        return "support"
    return "none"


def missing_dimensions(willingness: int | None, ability: int | None) -> list[str]:
    """The dimensions not yet assessed ("willingness", "ability"), for saying what is
    still needed while the verdict is pending or the advice is open."""
    return [name for name, v in (("willingness", willingness), ("ability", ability)) if v is None]


def both_satisfied(municipality: int | None, community: int | None) -> bool:
    """Stap 3: "Het slaagt pas als zowel gemeente als gemeenschap tevreden zijn met het op
    gang gebrachte proces." Satisfied = scored 3 or more."""
    return present(municipality) and present(community)


def dissatisfied(score: int | None) -> bool:
    """A party scored 2 or lower (INTERFACES.md steering_dissatisfied)."""
    return score is not None and score <= PRESENT_AT - 1


@dataclass(frozen=True)
class Meeting:
    on: date
    municipality: int | None
    community: int | None

    @property
    def both_satisfied(self) -> bool:
        return both_satisfied(self.municipality, self.community)

    @property
    def dissatisfied_parties(self) -> list[str]:
        return [p for p, s in (("municipality", self.municipality),
                               ("community", self.community)) if dissatisfied(s)]


@dataclass(frozen=True)
class Assessment:
    """One mBc assessment, taken as a whole record."""

    on: date | None
    willingness: int | None = None
    ability: int | None = None
    may: bool | None = None                    # "mag dit?": None while not (yet) judged
    presented_village_on: date | None = None
    presented_municipality_on: date | None = None

    @property
    def verdict(self) -> str:
        return mbc_verdict(self.willingness, self.ability, self.may)

    @property
    def advised_mode(self) -> str | None:
        return advised_mode(self.willingness, self.ability, self.may)

    @property
    def missing(self) -> list[str]:
        return missing_dimensions(self.willingness, self.ability)

    def presented_to(self, party: str, by: date) -> bool:
        """Stap 2: "De mBc wordt gepresenteerd aan dorp en gemeente": this assessment was
        presented to `party` ("village" / "municipality") on or before `by`."""
        dates = {"village": self.presented_village_on,
                 "municipality": self.presented_municipality_on}
        d = dates[party]
        return d is not None and d <= by


@dataclass(frozen=True)
class Records:
    """What the entry criteria look at, as the records stood on one day (`on`)."""

    on: date
    chosen_by_vote: bool = False
    consent: frozenset[str] = frozenset()          # parties whose consent is recorded
    mbc: Assessment | None = None                  # the latest assessment of that day
    member_parties: frozenset[str] = frozenset()   # parties of the members of that day
    latest_meeting: Meeting | None = None          # the latest steering meeting of that day
    has_exit_plan: bool = False                    # safeguarding plan: exit date + successor
    safeguarding: int | None = None                # the latest safeguarding score of that day


@dataclass
class PilotFacts:
    """Everything the rules need about one pilot, gathered by the data layer."""

    village: str
    municipality: str
    step: int
    status: str
    now: Records
    started_on: date | None = None
    entered_on: date | None = None       # day of the latest recorded move into the stage
    at_entry: Records | None = None      # the records of that day (None: no recorded move)
    override_current: bool = False       # an override is recorded for the current stage
    line_history: dict[str, list[int]] = field(default_factory=dict)  # last two, oldest first
    last_activity: date | None = None
    modes: list[str] = field(default_factory=list)
    # The programme plan (dorp/plan.py): stage ("1".."4", "completed") -> planned date of
    # entering it. Empty: no plan.
    plan: dict[str, date] = field(default_factory=dict)
    # The Burgerkrachtgenerator in this village (dorp.burgerkracht.Facts; None: not used).
    burgerkracht: object | None = None

    # today's records, by their usual names
    @property
    def mbc(self) -> Assessment | None:
        return self.now.mbc

    @property
    def willingness(self) -> int | None:
        return self.mbc.willingness if self.mbc else None

    @property
    def ability(self) -> int | None:
        return self.mbc.ability if self.mbc else None

    @property
    def may(self) -> bool | None:
        return self.mbc.may if self.mbc else None

    @property
    def verdict(self) -> str:
        """The latest mBc's verdict; pending without an assessment."""
        return self.mbc.verdict if self.mbc else "pending"

    @property
    def advised_mode(self) -> str | None:
        return self.mbc.advised_mode if self.mbc else None

    @property
    def consent(self) -> frozenset[str]:
        return self.now.consent

    @property
    def member_parties(self) -> frozenset[str]:
        return self.now.member_parties

    @property
    def latest_meeting(self) -> Meeting | None:
        return self.now.latest_meeting

    @property
    def has_exit_plan(self) -> bool:
        return self.now.has_exit_plan

    # the day the current stage's entry criteria are judged on
    @property
    def judged(self) -> Records:
        return self.at_entry if self.at_entry is not None else self.now

    @property
    def judged_on(self) -> date:
        return self.judged.on

    def latest_line(self, line: str) -> int | None:
        history = self.line_history.get(line) or []
        return history[-1] if history else None


# --- entry criteria of each step -------------------------------------------------------
# Codes of unmet criteria; labels in the catalogs ("gate.<code>").


def missing_for(stage: int | str, r: Records) -> list[str]:
    """Entry criteria of `stage` (2, 3, 4 or "completed") that do not hold on the records
    `r` (of one day); empty when all hold.

    - step 2 (Stap 1): "Via een stemprocedure wordt bepaald in welk dorp of welke dorpen we
      gaan starten" and "het is dus van belang dat deze beide partijen allebei positief staan".
    - step 3 (Stap 2): the latest mBc has verdict go ("minstens de bereidheid of de
      bekwaamheid", after "mag dit?") and "De mBc wordt gepresenteerd aan dorp en gemeente":
      that same assessment, on or before the day. An older, presented one does not count.
    - step 4 (Stap 3): "in een stuurgroep beide partijen aanwezig" and "Het slaagt pas als
      zowel gemeente als gemeenschap tevreden zijn": at the latest meeting of the day.
    - completed (lijn 5, Borging): "De betrokkenheid van Spectrum is altijd van tijdelijke
      aard ... een solide basis waarop de dorpsgemeenschap kan bouwen": a plan and the
      latest safeguarding score >= 3.
    """
    missing: list[str] = []
    if stage == 1:
        return missing
    if stage == 2:
        if not r.chosen_by_vote:
            missing.append("not_chosen")
        if "municipality" not in r.consent:
            missing.append("consent_municipality")
        if "community" not in r.consent:
            missing.append("consent_community")
    elif stage == 3:
        m = r.mbc
        if m is None:
            return ["no_mbc"]
        if m.may is False:
            missing.append("mbc_not_desirable")
        elif m.verdict == "pending":
            missing.append("mbc_pending")
        elif m.verdict != "go":
            missing.append("mbc_not_go")
        if not m.presented_to("village", r.on):
            missing.append("mbc_not_presented_village")
        if not m.presented_to("municipality", r.on):
            missing.append("mbc_not_presented_municipality")
    elif stage == 4:
        if "municipality" not in r.member_parties:
            missing.append("no_municipality_member")
        if "community" not in r.member_parties:
            missing.append("no_community_member")
        if r.latest_meeting is None:
            missing.append("no_meeting")
        elif not r.latest_meeting.both_satisfied:
            missing.append("meeting_not_satisfied")
    elif stage == "completed":
        if not r.has_exit_plan:
            missing.append("no_exit_plan")
        if not present(r.safeguarding):
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


def gate_missing(f: PilotFacts) -> list[str]:
    """Entry criteria of the stage the pilot stands at that did not hold on the day it
    entered it (with no recorded move: on today's records)."""
    return missing_for(current_stage(f), f.judged)


def next_missing(f: PilotFacts) -> list[str]:
    """Entry criteria of the next stage that do not hold today (a move is made today)."""
    nxt = next_stage(f)
    return [] if nxt is None else missing_for(nxt, f.now)


# --- alerts ------------------------------------------------------------------------------


def low_lines(f: PilotFacts) -> list[str]:
    """Lines whose latest score is 2 or lower."""
    return [ln for ln in LINES if dissatisfied(f.latest_line(ln))]


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


# One condition per alert code (INTERFACES.md "Alert codes"); adding a code is one entry here
# plus its place in method.ALERTS and its labels. Each is asked only of active and paused
# pilots (`alerts`).
AlertRule = Callable[[PilotFacts, date], bool]
ALERT_RULES: dict[str, AlertRule] = {
    # Stap 1: both parties positive, from step 2 on.
    "consent_missing": lambda f, today: f.step >= 2 and not BOTH_PARTIES <= f.consent,
    # Stap 2 / 4.3: the latest verdict is no go, while the pilot is active.
    "mbc_no_go": lambda f, today: f.status == "active" and f.verdict == "no_go",
    # The current stage's entry criteria on the day of entry, unless overridden.
    "gate_unmet": lambda f, today: bool(gate_missing(f)) and not f.override_current,
    # Stap 3: "in een stuurgroep beide partijen aanwezig".
    "steering_incomplete": lambda f, today: f.step >= 3 and not BOTH_PARTIES <= f.member_parties,
    # Stap 3: both satisfied; at the latest meeting one party scored <= 2.
    "steering_dissatisfied": lambda f, today: (f.latest_meeting is not None
                                               and bool(f.latest_meeting.dissatisfied_parties)),
    # The five lines (step 4).
    "line_low": lambda f, today: f.step == 4 and bool(low_lines(f)),
    "line_declining": lambda f, today: f.step == 4 and bool(declining_lines(f)),
    # Lijn 5, Borging: an exit, planned from the start.
    "no_exit_plan": lambda f, today: f.step == 4 and not f.has_exit_plan,
    # Nothing recorded in the 90 days before today, for an active pilot.
    "stale": lambda f, today: f.status == "active" and (
        f.last_activity is None or f.last_activity < today - timedelta(days=STALE_DAYS)),
    # The programme plan (dorp/plan.py): the next step (completion, at step 4) planned more
    # than 30 days before today, for an active pilot; none without a plan.
    "behind_plan": lambda f, today: programme_plan.behind_plan(f.step, f.status, f.plan, today),
    # Burgerkrachtgenerator, step 5: the method leaves working groups "een vacuüm" on purpose;
    # an active group of an active pilot without contact in the last 60 days is flagged.
    "working_group_quiet": lambda f, today: (f.status == "active" and f.burgerkracht is not None
                                             and bool(f.burgerkracht.quiet_groups(today))),
}
assert set(ALERT_RULES) == set(ALERTS), "every alert code has exactly one rule"


def alerts(f: PilotFacts, today: date) -> list[str]:
    """Alert codes of INTERFACES.md, sorted alphabetically. Only active and paused pilots
    raise alerts: a stopped or completed pilot needs no one to act."""
    if f.status not in ALERTING_STATUSES:
        return []
    return sorted(code for code, rule in ALERT_RULES.items() if rule(f, today))


def alert_rank(codes: list[str]) -> int:
    """Weight for ordering pilots in "Aandacht nodig": blocking problems first."""
    weights = {code: len(ALERTS) - i for i, code in enumerate(ALERTS)}
    return sum(weights[c] for c in codes)
