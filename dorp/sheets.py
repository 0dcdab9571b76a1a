"""The exchange format (INTERFACES.md "Exchange workbook"): one sheet per table.

`REQUIRED` are the promised columns, in order; `OPTIONAL` are the extra columns this app
adds (the format allows more columns). EXTRA sheets hold what the promised sheets do not
(the format allows more; a workbook without them simply has none of those records).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sheet:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    promised: bool = True  # listed in INTERFACES.md

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SHEETS: tuple[Sheet, ...] = (
    Sheet("programme", ("name", "funder", "start_date", "end_date"), ("is_demo",)),
    Sheet("villages", ("village", "municipality", "cbs_code", "population"), ("lat", "lon")),
    Sheet("pilots", ("village", "step", "status", "started_on"), ("progress_text", "lessons")),
    Sheet("votes", ("meeting_date", "municipality", "village", "votes", "chosen"), ("pitch_note",)),
    Sheet("consent", ("village", "party", "given_on"), ("given_by",)),
    Sheet("mbc", ("village", "assessed_on", "willingness", "ability", "source", "opportunities",
                  "resistances", "presented_village_on", "presented_municipality_on"),
          ("may_ok", "may_note", "willingness_source", "willingness_evidence", "ability_source",
           "ability_evidence")),
    Sheet("steering_members", ("village", "name", "organisation", "party", "role"),
          ("email", "from_date", "until_date")),
    Sheet("steering_meetings", ("village", "date", "municipality_satisfaction",
                                "community_satisfaction", "decisions"), ("notes",)),
    Sheet("line_scores", ("village", "line", "date", "score", "note"), ("evidence", "source")),
    Sheet("safeguarding", ("village", "exit_date", "successor", "notes"), ("handed_over",)),
    Sheet("budget", ("village", "category", "source", "budgeted", "spent"), ("period",)),
    # The Burgerkrachtgenerator (ch. 4, "Methodiek: De Burgerkrachtgenerator"; issue 15).
    Sheet("bkg_lead_group", ("village", "name", "role", "joined_on")),
    Sheet("bkg_conversations", ("village", "date", "participants", "summary"),
          ("number", "question", "led_by")),
    Sheet("bkg_themes", ("village", "theme", "found_on"), ("conversations",)),
    Sheet("bkg_village_meetings", ("village", "date", "attendees", "themes_recognised"),
          ("additions",)),
    Sheet("working_groups", ("village", "theme", "name", "started_on", "willingness", "ability",
                             "plan_presented_on", "status")),
    Sheet("working_group_contacts", ("village", "working_group", "date", "kind", "note")),
    # Extra sheets of this app.
    Sheet("start_meetings", ("meeting_date", "municipality"),
          ("residents_present", "seats", "tie_decision", "tie_reason", "note"), promised=False),
    Sheet("mbc_effects", ("village", "assessed_on", "stakeholder"),
          ("investment_kind", "amount", "expected_effect", "beneficiary"), promised=False),
    Sheet("partners", ("village", "partner_type"), ("name", "formal", "note"), promised=False),
    Sheet("actions", ("village", "meeting_date", "description"), ("who", "due_on", "done"),
          promised=False),
    Sheet("working_modes", ("village", "mode", "started_on"), ("ended_on", "reason"),
          promised=False),
    Sheet("initiatives", ("village", "name", "phase"), ("description", "since"), promised=False),
    Sheet("initiative_phases", ("village", "initiative", "to_phase"),
          ("from_phase", "changed_on", "changed_by"), promised=False),
    Sheet("step_moves", ("village", "to_step", "to_status", "moved_on"),
          ("from_step", "from_status", "moved_by", "reason", "override"), promised=False),
    Sheet("vonk_contests", ("village", "title", "started_on", "phase", "winners"),
          ("project_group", "plan", "communication", "prize_event_on", "prize_event_note",
           "tie_decision", "tie_reason"), promised=False),
    Sheet("vonk_ideas", ("village", "contest", "title", "initiator", "submitted_on"),
          ("description", "jury_kept", "jury_reason", "votes", "winner", "prize", "aftercare",
           "aftercare_on", "initiative"), promised=False),
    Sheet("ballot_results", ("round", "kind", "opened_on", "option", "votes"),
          ("municipality", "meeting_date", "village", "contest", "closed_on", "choices",
           "codes_issued", "codes_used"), promised=False),
    # The programme plan (issue 18): what the funder funded, to compare with what came of it.
    Sheet("plan_steps", ("village", "step_1_on", "step_2_on", "step_3_on", "step_4_on",
                         "completed_on"), ("explanation",), promised=False),
    Sheet("plan_milestones", ("village", "milestone", "planned_on"), ("reached_on",),
          promised=False),
    Sheet("plan_spend", ("village", "period", "source", "planned"), promised=False),
    Sheet("plan_line_targets", ("village", "line", "score", "by_month"), promised=False),
    Sheet("bkg_subgroups", ("village", "meeting_date", "theme", "volunteers"), promised=False),
    Sheet("working_group_modes", ("village", "working_group", "mode", "started_on"),
          ("ended_on", "reason"), promised=False),
)

# Sheets whose `village` must be a village with a pilot (empty: the programme as a whole).
PLAN_SHEETS: tuple[str, ...] = ("plan_steps", "plan_milestones", "plan_spend",
                                "plan_line_targets")
# plan_steps: the planned dates in the order the pilot passes them.
PLAN_DATES: tuple[str, ...] = ("step_1_on", "step_2_on", "step_3_on", "step_4_on",
                               "completed_on")

BY_NAME = {s.name: s for s in SHEETS}


# --- what each column holds (the template's explanation sheet, the import validation) ---------

from dorp.method import (BALLOT_KINDS, BUDGET_SOURCES, CONSENT_PARTIES,  # noqa: E402
                         INVESTMENT_KINDS, LINES, MEMBER_PARTIES, MODES, PHASES, SOURCES,
                         STATUSES, VONK_PHASES)
from dorp import burgerkracht as bk  # noqa: E402

TEXT_MAX = 32767  # Excel's own limit for one cell


@dataclass(frozen=True)
class Col:
    kind: str                 # text | int | float | money | date | bool
    doc: str                  # Dutch explanation (template sheet "uitleg")
    needed: bool = False      # every row must have a value
    choices: tuple = ()       # allowed values (codes)
    lo: float | None = None   # lowest allowed number
    hi: float | None = None   # highest allowed number
    why: str = ""             # the method's reason for the range, said with a refusal


def _score(doc: str, needed: bool = False) -> Col:
    return Col("int", doc + " Heel getal van 1 tot en met 5 (3 of hoger telt als aanwezig).",
               needed, lo=1, hi=5)


_VILLAGE = Col("text", "Naam van het dorp, precies zoals op het blad 'villages'.", True)
_VILLAGE_OPT = Col("text", "Naam van het dorp, precies zoals op het blad 'villages'.")

COLUMNS: dict[str, dict[str, Col]] = {
    "programme": {
        "name": Col("text", "Naam van het programma.", True),
        "funder": Col("text", "Wie het programma (mede) financiert, bijv. Provincie Gelderland."),
        "start_date": Col("date", "Begindatum van het programma."),
        "end_date": Col("date", "Einddatum van het programma."),
        "is_demo": Col("bool", "WAAR als dit het demoprogramma is (verzonnen gegevens)."),
    },
    "villages": {
        "village": Col("text", "Naam van het dorp; uniek binnen het programma.", True),
        "municipality": Col("text", "Gemeente waar het dorp onder valt.", True),
        "cbs_code": Col("text", "CBS-code van de gemeente, bijv. GM1876."),
        "population": Col("int", "Aantal inwoners.", lo=0),
        "lat": Col("float", "Breedtegraad (voor de kaart), bijv. 52,105.", lo=-90, hi=90),
        "lon": Col("float", "Lengtegraad (voor de kaart), bijv. 6,312.", lo=-180, hi=180),
    },
    "pilots": {
        "village": _VILLAGE,
        "step": Col("int", "Stap van de methode waar de pilot nu staat: 1 willen, 2 mBc, "
                           "3 stuurgroep, 4 uitvoering.", True, lo=1, hi=4),
        "status": Col("text", "Stand van de pilot.", True, choices=STATUSES),
        "started_on": Col("date", "Datum waarop de pilot begon."),
        "progress_text": Col("text", "Voortgangstekst voor de financier (zonder persoonsgegevens)."),
        "lessons": Col("text", "Geleerde lessen, voor de financier."),
    },
    "votes": {
        "meeting_date": Col("date", "Datum van de startbijeenkomst waar gestemd werd.", True),
        "municipality": Col("text", "Gemeente die de startbijeenkomst hield.", True),
        "village": _VILLAGE,
        "votes": Col("int", "Aantal stemmen voor dit dorp.", lo=0),
        "chosen": Col("bool", "WAAR als het dorp door de stemming gekozen is."),
        "pitch_note": Col("text", "Korte samenvatting van de pitch van het dorp."),
    },
    "consent": {
        "village": _VILLAGE,
        "party": Col("text", "Wie instemt: de gemeente of de dorpsgemeenschap.", True,
                     choices=CONSENT_PARTIES),
        "given_on": Col("date", "Datum van de instemming.", True),
        "given_by": Col("text", "Wie namens die partij instemde, bijv. College van B&W."),
    },
    "mbc": {
        "village": _VILLAGE,
        "assessed_on": Col("date", "Datum van de beoordeling (maatschappelijke businesscase).",
                           True),
        "willingness": _score("Bereidheid van bewoners."),
        "ability": _score("Bekwaamheid van bewoners."),
        "source": Col("text", "Waar de beoordeling op rust.", choices=SOURCES),
        "opportunities": Col("text", "Kansen, één per regel."),
        "resistances": Col("text", "Weerstanden, één per regel."),
        "presented_village_on": Col("date", "Datum waarop de mBc aan het dorp is gepresenteerd."),
        "presented_municipality_on": Col("date", "Datum waarop de mBc aan de gemeente is "
                                                 "gepresenteerd."),
        "may_ok": Col("bool", "WAAR als het initiatief mag (binnen de wet, niet voor eigen "
                              "gewin, niemand uitgesloten)."),
        "may_note": Col("text", "Toelichting bij 'mag het?'."),
        "willingness_source": Col("text", "Bron van het oordeel over bereidheid.",
                                  choices=SOURCES),
        "willingness_evidence": Col("text", "Onderbouwing van de bereidheid."),
        "ability_source": Col("text", "Bron van het oordeel over bekwaamheid.", choices=SOURCES),
        "ability_evidence": Col("text", "Onderbouwing van de bekwaamheid."),
    },
    "steering_members": {
        "village": _VILLAGE,
        "name": Col("text", "Naam van het stuurgroeplid.", True),
        "organisation": Col("text", "Organisatie van het lid."),
        "party": Col("text", "Namens wie het lid in de stuurgroep zit.", True,
                     choices=MEMBER_PARTIES),
        "role": Col("text", "Rol in de stuurgroep, bijv. voorzitter."),
        "email": Col("text", "E-mailadres."),
        "from_date": Col("date", "Lid sinds."),
        "until_date": Col("date", "Lid tot (leeg: nog lid)."),
    },
    "steering_meetings": {
        "village": _VILLAGE,
        "date": Col("date", "Datum van het stuurgroepoverleg.", True),
        "municipality_satisfaction": _score("Tevredenheid van de gemeente over het proces."),
        "community_satisfaction": _score("Tevredenheid van de dorpsgemeenschap over het proces."),
        "decisions": Col("text", "Genomen besluiten."),
        "notes": Col("text", "Verslag of aantekeningen."),
    },
    "line_scores": {
        "village": _VILLAGE,
        "line": Col("text", "Welke van de vijf lijnen.", True, choices=LINES),
        "date": Col("date", "Datum van de score.", True),
        "score": _score("Score van de lijn.", True),
        "note": Col("text", "Toelichting."),
        "evidence": Col("text", "Waar de score op rust."),
        "source": Col("text", "Bron van de score.", choices=SOURCES),
    },
    "safeguarding": {
        "village": _VILLAGE,
        "exit_date": Col("date", "Geplande datum waarop de ondersteuning stopt."),
        "successor": Col("text", "Wie het daarna draagt."),
        "notes": Col("text", "Aantekeningen over de borging."),
        "handed_over": Col("text", "Wat al is overgedragen."),
    },
    "budget": {
        "village": Col("text", "Naam van het dorp; leeg voor een post op programmaniveau."),
        "category": Col("text", "Soort kosten, bijv. Uitvoering pilot.", True),
        "source": Col("text", "Wie betaalt.", True, choices=BUDGET_SOURCES),
        "budgeted": Col("money", "Begroot bedrag in euro.", lo=0),
        "spent": Col("money", "Besteed bedrag in euro.", lo=0),
        "period": Col("date", "Eerste dag van de periode waar de post bij hoort."),
    },
    "bkg_lead_group": {
        "village": _VILLAGE,
        "name": Col("text", "Naam van het kopgroeplid.", True),
        "role": Col("text", "Rol in de kopgroep: resident (bewoner), adviser (adviseur van "
                            "Spectrum), welfare (welzijnsprofessional) of civil_servant "
                            "(gemeenteambtenaar).", True, choices=bk.LEAD_ROLES),
        "joined_on": Col("date", "Lid van de kopgroep sinds."),
    },
    "bkg_conversations": {
        "village": _VILLAGE,
        "date": Col("date", "Datum van het groepsgesprek.", True),
        "participants": Col("int", "Aantal deelnemende bewoners: minimaal 4 en maximaal 7 (de "
                                   "regel van de methode).", True, lo=bk.PARTICIPANTS_MIN,
                            hi=bk.PARTICIPANTS_MAX,
                            why="Aan een groepsgesprek van de Burgerkrachtgenerator nemen "
                                "minimaal 4 en maximaal 7 bewoners deel (de regel van de "
                                "methode); splits een grotere groep in twee gesprekken."),
        "summary": Col("text", "Korte samenvatting, zonder namen van bewoners (de analyse wordt "
                               "geanonimiseerd aan het dorp gepresenteerd)."),
        "number": Col("int", "Volgnummer van het gesprek binnen het dorp (leeg: genummerd op "
                             "datum, na de ingevulde nummers).", lo=1),
        "question": Col("text", "De centrale vraag van het gesprek."),
        "led_by": Col("text", "Wie het gesprek leidde."),
    },
    "bkg_themes": {
        "village": _VILLAGE,
        "theme": Col("text", "Een centraal thema uit de analyse van de gesprekken, zonder namen "
                             "van bewoners.", True),
        "found_on": Col("date", "Datum van de analyse."),
        "conversations": Col("text", "Nummers van de groepsgesprekken waar het thema uit kwam "
                                     "(kolom 'number' op 'bkg_conversations'), gescheiden door "
                                     "komma's, bijv. 1, 3."),
    },
    "bkg_village_meetings": {
        "village": _VILLAGE,
        "date": Col("date", "Datum van de dorpsbijeenkomst.", True),
        "attendees": Col("int", "Aantal aanwezigen.", lo=0),
        "themes_recognised": Col("bool", "WAAR als de aanwezigen zich herkenden in de analyse."),
        "additions": Col("text", "Aanvullingen van de aanwezigen op de analyse."),
    },
    "working_groups": {
        "village": _VILLAGE,
        "theme": Col("text", "Thema van de werkgroep, precies zoals op het blad 'bkg_themes'.",
                     True),
        "name": Col("text", "Naam van de werkgroep (uniek binnen het dorp, zonder namen van "
                            "bewoners).", True),
        "started_on": Col("date", "Startdatum van de werkgroep.", True),
        "willingness": _score("Bereidheid van de werkgroep."),
        "ability": _score("Bekwaamheid van de werkgroep."),
        "plan_presented_on": Col("date", "Datum waarop het plan van aanpak is gepresenteerd."),
        "status": Col("text", "Stand van de werkgroep.", True, choices=bk.GROUP_STATUSES),
    },
    "working_group_contacts": {
        "village": _VILLAGE,
        "working_group": Col("text", "Naam van de werkgroep, precies zoals op het blad "
                                     "'working_groups'.", True),
        "date": Col("date", "Datum van het contact.", True),
        "kind": Col("text", "Soort contact: call (belronde), return_meeting "
                            "(terugkombijeenkomst) of support (ondersteuning gevraagd).", True,
                    choices=bk.CONTACT_KINDS),
        "note": Col("text", "Notitie."),
    },
    "bkg_subgroups": {
        "village": _VILLAGE,
        "meeting_date": Col("date", "Datum van de dorpsbijeenkomst (zoals op "
                                    "'bkg_village_meetings').", True),
        "theme": Col("text", "Thema van de subgroep, zoals op 'bkg_themes'.", True),
        "volunteers": Col("int", "Hoeveel aanwezigen willen meehelpen.", True, lo=0),
    },
    "working_group_modes": {
        "village": _VILLAGE,
        "working_group": Col("text", "Naam van de werkgroep, zoals op 'working_groups'.", True),
        "mode": Col("text", "Werkwijze voor deze werkgroep.", True, choices=MODES),
        "started_on": Col("date", "Sinds wanneer.", True),
        "ended_on": Col("date", "Tot wanneer (leeg: loopt nog)."),
        "reason": Col("text", "Waarom deze werkwijze."),
    },
    "start_meetings": {
        "meeting_date": Col("date", "Datum van de startbijeenkomst.", True),
        "municipality": Col("text", "Gemeente die de startbijeenkomst hield.", True),
        "residents_present": Col("int", "Aantal aanwezige bewoners.", lo=0),
        "seats": Col("int", "Hoeveel dorpen mogen starten.", lo=1),
        "tie_decision": Col("text", "Besluit van de programmaleider bij gelijke stemmen."),
        "tie_reason": Col("text", "Reden van dat besluit."),
        "note": Col("text", "Aantekeningen."),
    },
    "mbc_effects": {
        "village": _VILLAGE,
        "assessed_on": Col("date", "Datum van de mBc waar dit effect bij hoort (zoals op het "
                                   "blad 'mbc').", True),
        "stakeholder": Col("text", "Belanghebbende die investeert.", True),
        "investment_kind": Col("text", "Soort investering.", choices=INVESTMENT_KINDS),
        "amount": Col("float", "Omvang van de investering (euro of uren).", lo=0),
        "expected_effect": Col("text", "Verwacht effect."),
        "beneficiary": Col("text", "Wie er baat bij heeft."),
    },
    "partners": {
        "village": _VILLAGE,
        "partner_type": Col("text", "Soort partner, bijv. dorpshuis, huisarts.", True),
        "name": Col("text", "Naam van de partner."),
        "formal": Col("bool", "WAAR voor een formele (professionele) partner."),
        "note": Col("text", "Aantekeningen."),
    },
    "actions": {
        "village": _VILLAGE,
        "meeting_date": Col("date", "Datum van het stuurgroepoverleg waar de actie is "
                                    "afgesproken (zoals op 'steering_meetings').", True),
        "description": Col("text", "Wat er moet gebeuren.", True),
        "who": Col("text", "Wie het doet."),
        "due_on": Col("date", "Uiterste datum."),
        "done": Col("bool", "WAAR als de actie klaar is."),
    },
    "working_modes": {
        "village": _VILLAGE,
        "mode": Col("text", "Werkwijze in gebruik: faciliteren, motiveren, ondersteunen, niets "
                        "doen, zelf doen of ontmoedigen.", True, choices=MODES),
        "started_on": Col("date", "Sinds wanneer.", True),
        "ended_on": Col("date", "Tot wanneer (leeg: loopt nog)."),
        "reason": Col("text", "Waarom deze werkwijze."),
    },
    "initiatives": {
        "village": _VILLAGE,
        "name": Col("text", "Naam van het bewonersinitiatief.", True),
        "phase": Col("text", "Fase van het initiatief.", True, choices=PHASES),
        "description": Col("text", "Beschrijving."),
        "since": Col("date", "In deze fase sinds."),
    },
    "initiative_phases": {
        "village": _VILLAGE,
        "initiative": Col("text", "Naam van het initiatief, zoals op het blad 'initiatives'.",
                          True),
        "to_phase": Col("text", "Fase waarin het initiatief kwam.", True, choices=PHASES),
        "from_phase": Col("text", "Fase waarin het daarvoor stond (leeg: de eerste fase).",
                          choices=PHASES),
        "changed_on": Col("date", "Datum van de overgang."),
        "changed_by": Col("text", "Wie de overgang vastlegde."),
    },
    "step_moves": {
        "village": _VILLAGE,
        "to_step": Col("int", "Naar stap (1-4).", True, lo=1, hi=4),
        "to_status": Col("text", "Nieuwe stand.", True, choices=STATUSES),
        "moved_on": Col("date", "Datum van de overgang.", True),
        "from_step": Col("int", "Van stap (1-4; leeg bij de start).", lo=1, hi=4),
        "from_status": Col("text", "Vorige stand.", choices=STATUSES),
        "moved_by": Col("text", "Wie de overgang vastlegde."),
        "reason": Col("text", "Reden of onderbouwing."),
        "override": Col("bool", "WAAR als de toegangscriteria niet golden en bewust zijn "
                                "overruled."),
    },
    "vonk_contests": {
        "village": _VILLAGE,
        "title": Col("text", "Naam van de De Vonk-wedstrijd; uniek per dorp.", True),
        "started_on": Col("date", "Startdatum (vliegende start).", True),
        "phase": Col("text", "Fase van De Vonk: flying_start, communication, ideas, work, vote, "
                             "prizes of aftercare.", True, choices=VONK_PHASES),
        "winners": Col("int", "Aantal prijzen (winnaars).", True, lo=1, hi=20),
        "project_group": Col("text", "Wie zitten in de projectgroep."),
        "plan": Col("text", "Het plan."),
        "communication": Col("text", "Hoe de bewoners worden geïnformeerd en enthousiast gemaakt."),
        "prize_event_on": Col("date", "Datum van de prijsuitreiking."),
        "prize_event_note": Col("text", "De slotmanifestatie."),
        "tie_decision": Col("text", "Bij gelijke stand: welke ideeën de leider koos."),
        "tie_reason": Col("text", "Bij gelijke stand: waarom."),
    },
    "vonk_ideas": {
        "village": _VILLAGE,
        "contest": Col("text", "Naam van de wedstrijd, zoals op het blad 'vonk_contests'.", True),
        "title": Col("text", "Titel van het idee; uniek per wedstrijd.", True),
        "initiator": Col("text", "Wie het idee indiende (persoonsgegeven).", True),
        "submitted_on": Col("date", "Datum van indienen.", True),
        "description": Col("text", "Omschrijving."),
        "jury_kept": Col("bool", "WAAR als de jury het idee selecteerde, ONWAAR als niet; leeg: "
                                 "nog niet beoordeeld."),
        "jury_reason": Col("text", "Reden van de jury."),
        "votes": Col("int", "Stemmen van de bewoners.", lo=0),
        "winner": Col("bool", "WAAR als het idee won."),
        "prize": Col("text", "De prijs."),
        "aftercare": Col("text", "Nazorg: met welk netwerk of welke ondersteuner in contact "
                                 "gebracht."),
        "aftercare_on": Col("date", "Datum van dat contact."),
        "initiative": Col("text", "Naam van het initiatief dat het werd (blad 'initiatives')."),
    },
    "ballot_results": {
        "round": Col("text", "Naam van de gesloten stemronde.", True),
        "kind": Col("text", "start_meeting (startbijeenkomst) of vonk (De Vonk).", True,
                    choices=BALLOT_KINDS),
        "opened_on": Col("date", "Datum waarop de stemronde openging.", True),
        "option": Col("text", "De optie: het dorp (startbijeenkomst) of de titel van het idee "
                              "(De Vonk).", True),
        "votes": Col("int", "Aantal stemmen op deze optie (alleen aantallen).", True, lo=0),
        "municipality": Col("text", "Startbijeenkomst: de gemeente."),
        "meeting_date": Col("date", "Startbijeenkomst: de datum."),
        "village": _VILLAGE_OPT,
        "contest": Col("text", "De Vonk: naam van de wedstrijd."),
        "closed_on": Col("date", "Datum waarop de stemronde sloot."),
        "choices": Col("int", "Aantal keuzes per kiezer.", lo=1),
        "codes_issued": Col("int", "Aantal uitgegeven codes.", lo=0),
        "codes_used": Col("int", "Aantal gebruikte codes (uitgebrachte stemmen).", lo=0),
    },
    "plan_steps": {
        "village": Col("text", "Naam van het dorp met een pilot, precies zoals op het blad "
                               "'villages'. Leeg: de rij voor het hele programma (daar alleen "
                               "de toelichting, geen datums)."),
        "step_1_on": Col("date", "Geplande datum waarop de pilot start (stap 1: gemeente en "
                                 "dorpsgemeenschap willen)."),
        "step_2_on": Col("date", "Geplande datum waarop de pilot stap 2 ingaat (de "
                                 "maatschappelijke businesscase)."),
        "step_3_on": Col("date", "Geplande datum waarop de pilot stap 3 ingaat (de "
                                 "stuurgroep)."),
        "step_4_on": Col("date", "Geplande datum waarop de pilot stap 4 ingaat (de "
                                 "uitvoering)."),
        "completed_on": Col("date", "Geplande datum waarop de pilot is afgerond (de borging "
                                    "geregeld, de ondersteuning stopt)."),
        "explanation": Col("text", "Toelichting van de programmaleider voor de financier: "
                                   "waarom de pilot (of het programma) voor of achter ligt. "
                                   "Zonder namen of andere persoonsgegevens."),
    },
    "plan_milestones": {
        "village": Col("text", "Naam van het dorp met een pilot; leeg: een mijlpaal van het "
                               "hele programma."),
        "milestone": Col("text", "Wat er bereikt moet zijn, bijv. 'Bewonersavond gehouden'. "
                                 "Zonder namen van personen.", True),
        "planned_on": Col("date", "Geplande datum.", True),
        "reached_on": Col("date", "Datum waarop de mijlpaal is bereikt (leeg: nog niet)."),
    },
    "plan_spend": {
        "village": Col("text", "Naam van het dorp met een pilot; leeg: besteding op "
                               "programmaniveau."),
        "period": Col("date", "Het halfjaar: 1 januari of 1 juli (bijv. 2026-07-01).", True),
        "source": Col("text", "Wie betaalt.", True, choices=BUDGET_SOURCES),
        "planned": Col("money", "Geplande besteding in dat halfjaar, in euro.", True, lo=0),
    },
    "plan_line_targets": {
        "village": Col("text", "Naam van het dorp met een pilot; leeg: het doel geldt voor "
                               "elke pilot zonder eigen doel voor deze lijn."),
        "line": Col("text", "Welke van de vijf lijnen.", True, choices=LINES),
        "score": _score("Ten minste deze score.", True),
        "by_month": Col("int", "Uiterlijk in deze maand van de pilot (gerekend vanaf de start; "
                               "12 = na een jaar).", True, lo=1, hi=240),
    },
}

# What may appear only once per sheet (the natural key of a row).
KEYS: dict[str, tuple[str, ...]] = {
    "villages": ("village",),
    "pilots": ("village",),
    "votes": ("municipality", "meeting_date", "village"),
    "consent": ("village", "party"),
    "mbc": ("village", "assessed_on"),
    "steering_members": ("village", "name"),
    "steering_meetings": ("village", "date"),
    "line_scores": ("village", "line", "date"),
    "safeguarding": ("village",),
    "start_meetings": ("municipality", "meeting_date"),
    "partners": ("village", "partner_type", "name"),
    "working_modes": ("village", "mode", "started_on"),
    # the phase history and De Vonk's ideas name their initiative: a name once per village
    "initiatives": ("village", "name"),
    "vonk_contests": ("village", "title"),
    "vonk_ideas": ("village", "contest", "title"),
    "ballot_results": ("round", "opened_on", "option"),
    "plan_steps": ("village",),
    "plan_milestones": ("village", "milestone"),
    "plan_spend": ("village", "period", "source"),
    "plan_line_targets": ("village", "line"),
    "bkg_lead_group": ("village", "name"),
    "bkg_themes": ("village", "theme"),
    "bkg_village_meetings": ("village", "date"),
    "working_groups": ("village", "name"),
    "bkg_subgroups": ("village", "meeting_date", "theme"),
    "working_group_modes": ("village", "working_group", "mode", "started_on"),
}

SHEET_DOCS: dict[str, str] = {
    "programme": "Het programma: precies één rij.",
    "villages": "De dorpen van het programma met hun gemeente.",
    "pilots": "Per dorp de pilot: stap en stand.",
    "votes": "Stap 1: de stemming op de startbijeenkomst, per dorp dat een pitch hield.",
    "consent": "Stap 1: instemming van gemeente en dorpsgemeenschap.",
    "mbc": "Stap 2: de maatschappelijke businesscase (bereidheid en bekwaamheid).",
    "steering_members": "Stap 3: leden van de stuurgroep.",
    "steering_meetings": "Stap 3: overleggen van de stuurgroep met de tevredenheid van beide "
                         "partijen.",
    "line_scores": "Stap 4: scores van de vijf lijnen.",
    "safeguarding": "Borging: het exitplan per dorp.",
    "budget": "Begroting en besteding.",
    "bkg_lead_group": "Burgerkrachtgenerator, stap 1: de kopgroep (bewoners, een adviseur van "
                      "Spectrum, eventueel een welzijnsprofessional en/of gemeenteambtenaar).",
    "bkg_conversations": "Burgerkrachtgenerator, stap 2: groepsgesprekken met 4 tot 7 bewoners "
                         "rond één centrale vraag.",
    "bkg_themes": "Burgerkrachtgenerator, stap 3: de thema's uit de analyse, met de gesprekken "
                  "waar ze uit kwamen.",
    "bkg_village_meetings": "Burgerkrachtgenerator, stap 4: dorpsbijeenkomsten waar de thema's "
                            "geanonimiseerd zijn gepresenteerd.",
    "working_groups": "Burgerkrachtgenerator, stap 5: werkgroepen per thema, met hun eigen "
                      "bereidheid en bekwaamheid.",
    "working_group_contacts": "Burgerkrachtgenerator, stap 5: contacten met de werkgroepen "
                              "(belronde, terugkombijeenkomst, ondersteuning).",
    "bkg_subgroups": "Extra: per dorpsbijeenkomst en thema hoeveel aanwezigen willen meehelpen.",
    "working_group_modes": "Extra: de werkwijzen per werkgroep door de tijd.",
    "start_meetings": "Extra: de startbijeenkomsten zelf.",
    "mbc_effects": "Extra: investeringen en effecten uit de mBc.",
    "partners": "Extra: partners rond het dorp.",
    "actions": "Extra: acties uit stuurgroepoverleggen.",
    "working_modes": "Extra: werkwijzen in de uitvoering (faciliteren, motiveren, "
                     "ondersteunen, niets doen, zelf doen, ontmoedigen).",
    "initiatives": "Extra: bewonersinitiatieven en hun fase.",
    "initiative_phases": "Extra: de fasen die elk initiatief doorliep (van, naar, datum).",
    "step_moves": "Extra: de tijdlijn van overgangen tussen stappen.",
    "vonk_contests": "Extra: De Vonk-wedstrijden per dorp (fase, prijzen, slotmanifestatie).",
    "vonk_ideas": "Extra: de ideeën van De Vonk met initiatiefnemer (persoonsgegeven), jury, "
                  "stemmen, prijs en nazorg.",
    "ballot_results": "Extra: uitslagen van gesloten stemrondes met de telefoon, alleen "
                      "aantallen per optie (nooit codes).",
    "plan_steps": "Plan: per pilot de geplande datum van elke stap en van de afronding, met "
                  "de toelichting voor de financier (een rij zonder dorp: het programma).",
    "plan_milestones": "Plan: geplande mijlpalen per pilot of voor het programma, en wanneer "
                       "ze bereikt zijn.",
    "plan_spend": "Plan: geplande besteding per halfjaar en per financieringsbron.",
    "plan_line_targets": "Plan: doelen per lijn, bijv. breed draagvlak 3 of hoger in maand 12.",
}

assert set(COLUMNS) == set(BY_NAME) == set(SHEET_DOCS)
assert all(tuple(COLUMNS[s.name]) == s.columns or set(COLUMNS[s.name]) == set(s.columns)
           for s in SHEETS)
