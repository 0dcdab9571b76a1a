"""The method's vocabulary: steps, lines, working modes, parties, phases.

Source: ../shared/seed/000_258159f2a27b481a.txt ("Het wiel opnieuw uitvinden", Spectrum).
Each constant cites the passage it comes from. Labels (Dutch and English) live in the
catalogs under dorp/locales; the keys are built from these codes ("line.broad_support").
"""

from __future__ import annotations

# "Methodiek: Dorp als Verzorgingshuis" - "Het proces verloopt in vier stappen."
#   Stap 1: Gemeente en dorpsgemeenschap willen; Stap 2: De Maatschappelijke Businesscase (mBc);
#   Stap 3: Formeren van een stuurgroep; Stap 4: Projectuitvoering.
STEPS: tuple[int, ...] = (1, 2, 3, 4)

# Life-cycle of a pilot (INTERFACES.md, status JSON). "completed" is reached by a move with
# its own entry criteria (safeguarding plan + safeguarding score >= 3).
STATUSES: tuple[str, ...] = ("active", "paused", "stopped", "completed")

# "Een vijftal lijnen komt in alle projecten terug": 1. Breed draagvlak in het dorp,
# 2. De doelgroep betrokken, 3. Uitgaan van de kracht van het dorp,
# 4. Koppeling informeel / formeel, 5. Borging.
LINES: tuple[str, ...] = (
    "broad_support",
    "target_group",
    "village_strength",
    "informal_formal",
    "safeguarding",
)

# Chapter 4.2 "Vier ankerpunten om zelforganisatie te bevorderen", figuur 2:
# "faciliteren, motiveren, ondersteunen of niets dan wel zelf doen"; and before willen and
# kunnen comes mogen (4.3: "Wanneer zelforganisaties immers onwenselijk zijn vanuit een
# maatschappelijk perspectief, is het niet zinvol om deze zelforganisaties te stimuleren of te
# ondersteunen"; chapter 2 names the choice "stimuleren, faciliteren, ondersteunen en
# ontmoedigen"). The advice (INTERFACES.md advised_mode) keeps "niets / zelf doen" as one
# cell of the matrix ("none"): which of the two fits is not a matter of willing and able.
ADVISED_MODES: tuple[str, ...] = ("facilitate", "motivate", "support", "none", "discourage")

# Working modes a lead records as in use (several at once: 4.3 "parallel en serieel"). The
# matrix's fourth cell is two different modes, chosen by who is primarily responsible
# (4.2 "Zelf / niets doen"): "Valt het onderwerp in het publieke domein, dan ligt de primaire
# verantwoordelijkheid bij de organisaties die publieke taken uitvoeren en is zelf doen een
# goede keuze. Als de primaire verantwoordelijkheid bij burgers zelf ligt, is niets doen een
# goede keuze."
MODES: tuple[str, ...] = ("facilitate", "motivate", "support", "do_nothing", "do_it_yourself",
                          "discourage")

# The advised mode a recorded mode carries out (the others carry out themselves).
MODE_ADVICE: dict[str, str] = {"do_nothing": "none", "do_it_yourself": "none"}

# Every mode label, in the order charts list them (advised and recorded together).
ALL_MODES: tuple[str, ...] = ("facilitate", "motivate", "support", "none", "do_nothing",
                              "do_it_yourself", "discourage")

# Stap 1: "het is dus van belang dat deze beide partijen allebei positief staan".
CONSENT_PARTIES: tuple[str, ...] = ("municipality", "community")

# Stap 3: "in een stuurgroep beide partijen aanwezig"; plus the support organisation,
# care parties and others who often sit in (INTERFACES.md steering_members.party).
MEMBER_PARTIES: tuple[str, ...] = ("municipality", "community", "support", "care", "other")

# Chapter 3.4: three sources when judging a village - statistics, the eyes and ears of
# professionals, and residents themselves.
SOURCES: tuple[str, ...] = ("statistics", "professionals", "residents")

# Chapter 2.4, figuur 1 "Een nieuwe kijk op zelforganisatie": idee -> uitvoering
# (exploitatie, conservatie, verval, reorganisatie) -> insluiting; or an initiative ends
# ("Een zelforganisatie verdwijnt als het doel bereikt is"). "De verschillende fasen zijn
# niet-lineair": any phase may follow any other, and each change is kept with its date.
PHASES: tuple[str, ...] = (
    "idea",
    "exploitation",
    "conservation",
    "decay",
    "reorganisation",
    "enclosure",
    "ended",
)

# The figure of partners around a village on the method's page (residents, a social core
# team - "sociaal kernteam" - and professionals).
PARTNER_TYPES: tuple[str, ...] = (
    "gemeente",
    "dorpsgemeenschap",
    "dorpshuis",
    "dorpsraad",
    "burgerinitiatief",
    "sociaal_netwerk",
    "mantelzorger",
    "woningcorporatie",
    "thuiszorg",
    "ondernemers",
    "verenigingen",
    "kerk",
    "welzijn_zorg",
    "huisarts",
    "vervoersorganisaties",
)

# Effects table of the mBc: what a stakeholder invests.
INVESTMENT_KINDS: tuple[str, ...] = ("money", "hours", "in_kind")

# Budget sources (INTERFACES.md budget sheet).
BUDGET_SOURCES: tuple[str, ...] = ("province", "municipality", "other")

# Scores are whole numbers 1..5; a dimension counts as present at 3 or more (INTERFACES.md).
SCORE_MIN, SCORE_MAX, PRESENT_AT = 1, 5, 3
SCORES: tuple[int, ...] = tuple(range(SCORE_MIN, SCORE_MAX + 1))

# Alert codes (INTERFACES.md), in the order a lead should read them. Their conditions are in
# dorp/rules.py (ALERT_RULES); only active and paused pilots raise alerts.
ALERTS: tuple[str, ...] = (
    "mbc_no_go",
    "gate_unmet",
    "consent_missing",
    "steering_incomplete",
    "steering_dissatisfied",
    "line_low",
    "line_declining",
    "no_exit_plan",
    "behind_plan",
    "working_group_quiet",
    "stale",
)

# "stale": an active pilot with nothing recorded in the 90 days before today.
STALE_DAYS = 90

# Statuses of pilots that raise alerts (someone can still act on them).
ALERTING_STATUSES: tuple[str, ...] = ("active", "paused")

ROLES: tuple[str, ...] = ("lead", "steering", "funder")

# De Vonk (ch. 4, "Methodiek: De Vonk van Nederland", box "Fases van De Vonk"): "vliegende
# start (samenstellen projectgroep + plan) · uitrol communicatie (burgers informeren en
# enthousiasmeren) · verzamelen ideeën en eerste selectie door jury · aan de slag met de beste
# initiatieven · burgers stemmen · uitreiking prijzen (feestelijke slotmanifestatie) · nazorg
# (wat is nodig om ideeën realiseren)". "Inwoners kiezen de winnaars. Initiatiefnemers die niet
# winnen, worden in contact gebracht met informele netwerken en professionele ondersteuners
# zodat ook deze ideeën verder komen."
VONK_PHASES: tuple[str, ...] = (
    "flying_start", "communication", "ideas", "work", "vote", "prizes", "aftercare",
)

# What a live ballot round decides (Stap 1: "Via een stemprocedure wordt bepaald in welk dorp
# of welke dorpen we gaan starten"; De Vonk: "Inwoners kiezen de winnaars").
BALLOT_KINDS: tuple[str, ...] = ("start_meeting", "vonk")
