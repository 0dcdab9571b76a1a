"""The Burgerkrachtgenerator: the method's instrument for getting residents moving, as pure
functions (no database, no Streamlit).

Source: ../shared/seed/000_258159f2a27b481a.txt, ch. 4 "Methodiek: De Burgerkrachtgenerator":
"De Burgerkrachtgenerator is een instrument om zelfredzaamheid, zorg voor elkaar en
maatschappelijke participatie te stimuleren. Het zet in op zelforganisatie van burgers op
thema's en onderwerpen die zij belangrijk vinden. Dit doen we door het doorlopen van vijf
stappen." In ch. 2 it is how, in Beemte-Broekland, "uiteindelijk veertig mensen zich
georganiseerd [hebben] om een nieuwe invulling te geven aan het dorpshuis". It is the
method's example of motivating (ch. 4.2 "Motiveren: boor de energie van burgers aan ... De
Burgerkrachtgenerator is hier een inspirerend voorbeeld van") and it runs inside step 4 of a
pilot ("Zo wordt met het toepassen van de Burger-krachtgenerator ... bewoners gestimuleerd om
actief te worden", lijn 5 Borging).

The exact shapes promised to scripts are in ../shared/INTERFACES.md (`burgerkracht` in
`dorp status --json`, the alert `working_group_quiet`, the six exchange sheets).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from dorp import rules

# The five steps, in the source's order and with its headings:
# "Formeren kopgroep", "Kleinschalige en vraaggestuurde groepsgesprekken", "Analyse",
# "Dorps- /wijkbrede bijeenkomst", "Werkgroepen en terugkombijeenkomsten".
STAGES: tuple[str, ...] = ("lead_group", "conversations", "analysis", "village_meeting",
                           "working_groups")

# "Deze kopgroep bestaat uit burgers, een adviseur van Spectrum en, indien gewenst, een
# welzijnsprofessional en / of gemeenteambtenaar."
LEAD_ROLES: tuple[str, ...] = ("resident", "adviser", "welfare", "civil_servant")
PROFESSIONAL_ROLES: frozenset[str] = frozenset({"adviser", "welfare", "civil_servant"})

# "In elk van deze gesprekken nemen minimaal 4 en maximaal 7 bewoners deel."
PARTICIPANTS_MIN, PARTICIPANTS_MAX = 4, 7

# "Dit doen we aan de hand van één centrale vraag, zoals: ..."
CENTRAL_QUESTION = ("Wat heeft u zowel nu als in de toekomst nodig om hier prettig te kunnen "
                    "wonen en leven? En wat wilt u hier eventueel zelf aan bijdragen?")

# Step 5: "Ook bellen we zelf een keer met de diverse groepen om te vragen hoe het gaat",
# "Daarnaast organiseren we een aantal 'terugkombijeenkomsten'" and "we bieden ondersteuning
# (zonder het over te nemen!) wanneer groepen vastlopen".
CONTACT_KINDS: tuple[str, ...] = ("call", "return_meeting", "support")

# INTERFACES.md working_groups.status.
GROUP_STATUSES: tuple[str, ...] = ("active", "done", "stopped")

# "Wij doen hier even 'niets': we laten bewust 'een vacuüm' ontstaan ... We zijn uiteraard wel
# bereikbaar". The method leaves a vacuum on purpose; the product makes it safe: an active
# group with no contact in the 60 days before today (counting from its start) is flagged
# (INTERFACES.md alert `working_group_quiet`).
QUIET_DAYS = 60

ERASED = "[persoon verwijderd]"   # dorp.repo.privacy.ERASED: a name that was erased


def participants_problem(n) -> str | None:
    """The method's rule for a group conversation, as the Dutch refusal (None: allowed)."""
    if n is None:
        return "Vul het aantal deelnemers in (4 tot en met 7 bewoners)."
    if isinstance(n, bool) or not isinstance(n, int) or not PARTICIPANTS_MIN <= n <= PARTICIPANTS_MAX:
        return (f"{n} deelnemers kan niet: aan een groepsgesprek van de Burgerkrachtgenerator "
                f"nemen minimaal {PARTICIPANTS_MIN} en maximaal {PARTICIPANTS_MAX} bewoners deel "
                "(de regel van de methode). Splits een grotere groep in twee gesprekken.")
    return None


# --- names must stay out of themes and summaries ------------------------------------------------
# Step 4: "deze thema's / onderwerpen [worden] geanonimiseerd gepresenteerd aan het hele dorp".

def _plain(text: str) -> str:
    """Text without accents (é -> e) and with single spaces; case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _name_patterns(name: str) -> list[re.Pattern]:
    """How a person's name can show up in a text:
    - the full name, in any case ("anneke de vries");
    - a surname of more than one word with its prefix, the last word capitalised as names
      are ("De Vries", "van den Berg"): "de vries" in lower case is ordinary Dutch;
    - a one-word surname of 4 letters or more, capitalised ("Jansen").
    A first name alone is not searched for: too many are ordinary words ("jan", "bert")."""
    words = _plain(name).split()
    if not words or len(" ".join(words)) < 3:
        return []
    out = [re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)]
    if len(words) >= 2:
        surname = words[1:]
        last = surname[-1]
        if last[:1].isupper() and (len(surname) > 1 or len(last) >= 4):
            prefix = "".join(f"(?i:{re.escape(w)})\\s+" for w in surname[:-1])
            out.append(re.compile(r"(?<!\w)" + prefix + re.escape(last) + r"(?!\w)"))
    return out


def names_in(text: str | None, names: Iterable[str]) -> list[str]:
    """The names (as given) that appear in `text`."""
    if not text:
        return []
    plain = _plain(text)
    found = []
    for name in names:
        if not name or name == ERASED:
            continue
        if any(p.search(plain) for p in _name_patterns(name)):
            found.append(name)
    return sorted(set(found))


def name_problem(text: str | None, names: Iterable[str], what: str) -> str | None:
    """The Dutch refusal for a theme or summary that names someone known to the pilot."""
    found = names_in(text, names)
    return names_message(found, what) if found else None


def names_message(found: list[str], what: str) -> str:
    who = ", ".join(f"'{n}'" for n in found)
    return (f"{what[0].upper() + what[1:]} noemt {who}, die bij deze pilot bekend is (kopgroep "
            "of stuurgroep). Thema's en samenvattingen worden geanonimiseerd aan het hele dorp "
            "gepresenteerd (Burgerkrachtgenerator, stap 4): laat namen van bewoners weg.")


# --- the lead group -------------------------------------------------------------------------------

def lead_group_warnings(roles: Iterable[str]) -> list[str]:
    """Warnings about the lead group's make-up (codes; labels "bkg.warn.<code>").
    "De betrokken burgers zijn zoveel als mogelijk eigenaar van het proces en de betrokken
    professionals bieden vraaggestuurde ondersteuning op maat."
    - no_resident: members, but no resident: only professionals;
    - professionals_majority: residents, but fewer than professionals;
    - no_adviser: no adviser of the support organisation ("een adviseur van Spectrum")."""
    roles = list(roles)
    if not roles:
        return []
    residents = sum(r == "resident" for r in roles)
    professionals = sum(r in PROFESSIONAL_ROLES for r in roles)
    out = []
    if residents == 0:
        out.append("no_resident")
    elif residents < professionals:
        out.append("professionals_majority")
    if "adviser" not in roles:
        out.append("no_adviser")
    return out


# --- working groups -------------------------------------------------------------------------------

def group_advised_mode(willingness: int | None, ability: int | None) -> str | None:
    """A working group's advised mode: the same matrix as the pilot's (ch. 4.2, figuur 2)
    from the group's own willingness and ability (INTERFACES.md); null while either is not
    assessed. ("mag dit?" is asked of the pilot's plan, not per group.)"""
    if willingness is None or ability is None:
        return None
    return rules.advised_mode(willingness, ability)


@dataclass(frozen=True)
class Group:
    """One working group as the rules see it (no names of people; the group's own name is the
    name of a theme's group, e.g. "Werkgroep dorpshuis")."""

    name: str
    theme: str
    status: str
    started_on: date
    willingness: int | None = None
    ability: int | None = None
    plan_presented_on: date | None = None
    last_contact: date | None = None       # latest contact on or before today
    modes: tuple[str, ...] = ()            # working modes in use today
    id: int | None = None

    @property
    def advised_mode(self) -> str | None:
        return group_advised_mode(self.willingness, self.ability)

    def quiet_since(self) -> date:
        """The day the vacuum began: its last contact, or its start without one."""
        return max(d for d in (self.started_on, self.last_contact) if d is not None)

    def days_quiet(self, today: date) -> int:
        return (today - self.quiet_since()).days

    def is_quiet(self, today: date) -> bool:
        """INTERFACES.md `working_group_quiet`: active, and no contact recorded (call, return
        meeting, support) in the 60 days before today, counting from its start."""
        return (self.status == "active" and self.started_on <= today
                and self.quiet_since() < today - timedelta(days=QUIET_DAYS))


@dataclass(frozen=True)
class Facts:
    """The instrument in one village, as of one day: counts and the working groups."""

    lead_roles: tuple[str, ...] = ()     # the role of each lead-group member
    conversations: int = 0
    residents_heard: int = 0             # the participants of all conversations, summed
    themes: int = 0
    meetings: int = 0
    groups: tuple[Group, ...] = ()
    last_activity: date | None = None    # the latest dated record (for `stale`)

    @property
    def used(self) -> bool:
        return self.stage is not None

    @property
    def stage(self) -> str | None:
        """INTERFACES.md: "the furthest of the instrument's steps with a record - lead group
        member, conversation, theme, village meeting, working group"; None: not used."""
        have = (bool(self.lead_roles), self.conversations > 0, self.themes > 0,
                self.meetings > 0, bool(self.groups))
        furthest = None
        for code, has in zip(STAGES, have):
            if has:
                furthest = code
        return furthest

    def has(self, stage: str) -> bool:
        return {"lead_group": bool(self.lead_roles), "conversations": self.conversations > 0,
                "analysis": self.themes > 0, "village_meeting": self.meetings > 0,
                "working_groups": bool(self.groups)}[stage]

    def quiet_groups(self, today: date) -> list[Group]:
        return [g for g in self.groups if g.is_quiet(today)]

    @property
    def active_groups(self) -> list[Group]:
        return [g for g in self.groups if g.status == "active"]

    @property
    def modes_in_use(self) -> list[str]:
        """The modes in use for the active groups today (4.3: "parallel en serieel")."""
        return sorted({m for g in self.active_groups for m in g.modes})

    def status(self) -> dict:
        """The `burgerkracht` object of `dorp status --json` (INTERFACES.md). No names of
        people; a group is given by its theme (anonymised by the rule above)."""
        return {
            "stage": self.stage,
            "conversations": self.conversations,
            "residents_heard": self.residents_heard,
            "themes": self.themes,
            "working_groups": [{"theme": g.theme, "status": g.status,
                                "advised_mode": g.advised_mode} for g in self.groups],
        }


def status(bkg: Facts | None) -> dict | None:
    """`burgerkracht` of a pilot: null when the instrument is not used there."""
    return bkg.status() if bkg is not None and bkg.used else None


def stepper(stage: str | None, bkg: Facts | None = None) -> list[tuple[str, str]]:
    """(stage, state) for each of the five steps: "done" before the current one ("skipped"
    when it has no record of its own), "now" at it, "todo" after it."""
    current = STAGES.index(stage) if stage else -1
    out = []
    for i, code in enumerate(STAGES):
        if i < current:
            state = "done" if bkg is None or bkg.has(code) else "skipped"
        elif i == current:
            state = "now"
        else:
            state = "todo"
        out.append((code, state))
    return out


def next_stage(stage: str | None) -> str | None:
    """The step to take next (None after the last)."""
    if stage is None:
        return STAGES[0]
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def attach(f: rules.PilotFacts, bkg: Facts | None) -> rules.PilotFacts:
    """Give a pilot's facts its instrument: the alert needs the groups, the pilot's modes in use
    include its groups' modes (4.3: modes "parallel en serieel"; the groups carry them out),
    and a contact or conversation counts as something recorded (`stale`)."""
    f.burgerkracht = bkg
    if bkg is None:
        return f
    f.modes = sorted(set(f.modes) | set(bkg.modes_in_use))
    if bkg.last_activity is not None and (f.last_activity is None
                                          or bkg.last_activity > f.last_activity):
        f.last_activity = bkg.last_activity
    return f

