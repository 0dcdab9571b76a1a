"""The four steps of a pilot: start meeting and vote, consent, mBc, steering group, execution.

Every function takes the current `User` and enforces dorp.access itself:
- the lead ("edit_village") records everything;
- a steering member may read their own village and add meetings, satisfaction and actions
  ("add_meeting") for it, and correct or remove the meetings and actions they recorded
  themselves (dorp.access.can_change), nothing else;
- moves between steps live in dorp/repo/moves.py ("move_step", lead only).
Writes validate first (Invalid with Dutch messages per field), then write in one transaction.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import i18n, vote
from dorp.access import AccessDenied, User, can_change, require, require_change
from dorp.db import Db, StaleVersion, Tx
from dorp.errors import Invalid, NeedsConfirm
from dorp.method import (CONSENT_PARTIES, INVESTMENT_KINDS, MEMBER_PARTIES, MODES,
                         PARTNER_TYPES, PHASES, SCORES, SOURCES)
from dorp.repo.scope import village_filter

CHOSEN_REASON = "Gekozen bij de startbijeenkomst"


# --- validation helpers ------------------------------------------------------------------

def _text(v) -> str | None:
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def _need_date(p: dict, field: str, d, today: date, what: str, future_ok: bool = False) -> None:
    if d is None:
        p[field] = f"Vul {what} in."
    elif not isinstance(d, date):
        p[field] = f"{what.capitalize()} is geen geldige datum."
    elif not future_ok and d > today:
        p[field] = f"{what.capitalize()} ligt in de toekomst ({d:%d-%m-%Y}); dat kan niet."


def _opt_date(p: dict, field: str, d, today: date, what: str) -> None:
    if d is not None:
        _need_date(p, field, d, today, what)


def _score(p: dict, field: str, v, what: str, required: bool = True) -> None:
    if v is None:
        if required:
            p[field] = f"Kies een score van 1 tot en met 5 voor {what}."
        return
    if isinstance(v, bool) or not isinstance(v, int) or v not in SCORES:
        p[field] = f"De score voor {what} moet een heel getal van 1 tot en met 5 zijn."


def _raise(p: dict) -> None:
    if p:
        raise Invalid(p)


def _village(db: Db, village_id: int) -> dict:
    v = db.one("SELECT v.id, v.name, v.municipality_id, m.name AS municipality FROM villages v"
               " JOIN municipalities m ON m.id = v.municipality_id WHERE v.id = ?", [village_id])
    if v is None:
        raise Invalid({"village": "Dit dorp bestaat niet (meer)."})
    return v


def _village_of(db: Db, table: str, record_id: int) -> int:
    assert table in {"mbc", "steering_members", "steering_meetings", "actions",
                     "working_modes", "initiatives", "safeguarding", "partners"}
    vid = db.scalar(f"SELECT village_id FROM {table} WHERE id = ?", [record_id])
    if vid is None:
        raise Invalid({"record": "Dit gegeven bestaat niet (meer); laad de pagina opnieuw."})
    return vid


def _df(db: Db, sql: str, params: list) -> pd.DataFrame:
    return db.df(sql, params)


# --- step 1: start meetings, pitches, votes ---------------------------------------------

def municipalities(db: Db, user: User) -> pd.DataFrame:
    require(user, "edit_village")
    return _df(db, "SELECT id, name FROM municipalities ORDER BY name", [])


def municipality_villages(db: Db, user: User, municipality_id: int) -> list[str]:
    require(user, "edit_village")
    return [r["name"] for r in db.rows("SELECT name FROM villages WHERE municipality_id = ?"
                                       " ORDER BY name", [municipality_id])]


def start_meetings(db: Db, user: User, municipality_id: int | None = None) -> pd.DataFrame:
    require(user, "edit_village")
    where, params = ("WHERE s.municipality_id = ?", [municipality_id]) if municipality_id else ("", [])
    return _df(db, f"""SELECT s.id, s.meeting_date, m.name AS municipality, s.municipality_id,
                      s.residents_present, s.seats, s.tie_decision, s.tie_reason, s.note, s.version,
                      (SELECT count(*) FROM pitches p WHERE p.meeting_id = s.id) AS pitches
               FROM start_meetings s JOIN municipalities m ON m.id = s.municipality_id {where}
               ORDER BY s.meeting_date DESC, m.name""", params)


def start_meeting(db: Db, user: User, meeting_id: int) -> dict | None:
    require(user, "edit_village")
    return db.one("""SELECT s.*, m.name AS municipality FROM start_meetings s
                     JOIN municipalities m ON m.id = s.municipality_id WHERE s.id = ?""",
                  [meeting_id])


def pitches(db: Db, user: User, meeting_id: int) -> pd.DataFrame:
    require(user, "edit_village")
    return _df(db, """SELECT p.id, p.village_id, v.name AS village, p.pitch_note, p.votes,
                             p.chosen, p.version, pl.id IS NOT NULL AS has_pilot
                      FROM pitches p JOIN villages v ON v.id = p.village_id
                      LEFT JOIN pilots pl ON pl.village_id = v.id
                      WHERE p.meeting_id = ? ORDER BY p.votes DESC NULLS LAST, v.name""",
               [meeting_id])


def village_votes(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """Every start meeting this village pitched at, with all pitches of that meeting (villages
    and vote counts only: no personal data)."""
    require(user, "view_village", village_id)
    return _df(db, """SELECT s.id AS meeting_id, s.meeting_date, m.name AS municipality,
                             s.residents_present, s.seats, s.tie_decision, s.tie_reason,
                             v.name AS village, p.village_id, p.votes, p.chosen, p.pitch_note
                      FROM start_meetings s JOIN municipalities m ON m.id = s.municipality_id
                      JOIN pitches p ON p.meeting_id = s.id JOIN villages v ON v.id = p.village_id
                      WHERE s.id IN (SELECT meeting_id FROM pitches WHERE village_id = ?)
                      ORDER BY s.meeting_date, p.votes DESC NULLS LAST""", [village_id])


def _municipality_id(tx: Tx, db: Db, name: str) -> int:
    mid = db.scalar("SELECT id FROM municipalities WHERE lower(name) = lower(?)", [name])
    if mid is None:
        mid = tx.insert("municipalities", {"name": name})
    return mid


def add_start_meeting(db: Db, user: User, municipality: str, meeting_date: date,
                      residents_present: int | None, seats: int, note: str | None,
                      today: date) -> int:
    """A start meeting in one municipality; a new municipality name is created."""
    require(user, "edit_village")
    p: dict[str, str] = {}
    municipality = _text(municipality)
    if not municipality:
        p["municipality"] = "Kies of typ de gemeente."
    _need_date(p, "meeting_date", meeting_date, today, "de datum van de startbijeenkomst")
    if residents_present is not None and (not isinstance(residents_present, int) or residents_present < 0):
        p["residents_present"] = "Het aantal aanwezige bewoners kan niet onder nul liggen."
    if not isinstance(seats, int) or seats < 1:
        p["seats"] = "Er moet minstens één dorp kunnen starten."
    if not p and db.scalar("""SELECT count(*) FROM start_meetings s JOIN municipalities m
                              ON m.id = s.municipality_id WHERE lower(m.name) = lower(?)
                              AND s.meeting_date = ?""", [municipality, meeting_date]):
        p["meeting_date"] = "Er is al een startbijeenkomst in deze gemeente op die datum."
    _raise(p)
    with db.tx(user.username) as tx:
        mid = _municipality_id(tx, db, municipality)
        return tx.insert("start_meetings", {
            "municipality_id": mid, "meeting_date": meeting_date,
            "residents_present": residents_present, "seats": seats, "note": _text(note)})


def add_pitch(db: Db, user: User, meeting_id: int, village: str, pitch_note: str | None,
              population: int | None = None) -> int:
    """A village pitches at the meeting. A village not yet known is created in the meeting's
    municipality; a known village must lie in that municipality."""
    require(user, "edit_village")
    meeting = start_meeting(db, user, meeting_id)
    p: dict[str, str] = {}
    name = _text(village)
    if meeting is None:
        raise Invalid({"meeting": "Deze startbijeenkomst bestaat niet (meer)."})
    if not name:
        p["village"] = "Kies of typ de naam van het dorp."
    if population is not None and (not isinstance(population, int) or population < 0):
        p["population"] = "Het aantal inwoners kan niet onder nul liggen."
    existing = db.one("SELECT id, municipality_id FROM villages WHERE lower(name) = lower(?)",
                      [name]) if name else None
    if existing and existing["municipality_id"] != meeting["municipality_id"]:
        p["village"] = f"{name} ligt niet in de gemeente {meeting['municipality']}."
    if existing and db.scalar("SELECT count(*) FROM pitches WHERE meeting_id = ? AND village_id = ?",
                              [meeting_id, existing["id"]]):
        p["village"] = f"{name} heeft op deze bijeenkomst al gepitcht."
    _raise(p)
    with db.tx(user.username) as tx:
        if existing:
            vid = existing["id"]
        else:
            vid = tx.insert("villages", {"name": name, "municipality_id": meeting["municipality_id"],
                                         "population": population})
        return tx.insert("pitches", {"meeting_id": meeting_id, "village_id": vid,
                                     "pitch_note": _text(pitch_note)}, village_id=vid)


def _choose(tx: Tx, db: Db, user: User, meeting: dict, rows: list[dict], chosen: set) -> list[int]:
    """Set the chosen flags; a chosen village without a pilot gets one (step 1, active) and its
    first move. Returns the village ids whose pilot was created."""
    created = []
    for r in rows:
        flag = r["village_id"] in chosen
        if bool(r["chosen"]) != flag:
            tx.update("pitches", r["id"], {"chosen": flag}, None, village_id=r["village_id"])
        if flag and not db.scalar("SELECT count(*) FROM pilots WHERE village_id = ?", [r["village_id"]]):
            tx.insert("pilots", {"village_id": r["village_id"], "step": 1, "status": "active",
                                 "started_on": meeting["meeting_date"]}, village_id=r["village_id"])
            tx.insert("step_moves", {"village_id": r["village_id"], "from_step": None, "to_step": 1,
                                     "from_status": None, "to_status": "active",
                                     "moved_on": meeting["meeting_date"], "moved_by": user.username,
                                     "reason": CHOSEN_REASON, "override": False},
                      village_id=r["village_id"])
            created.append(r["village_id"])
    return created


def record_votes(db: Db, user: User, meeting_id: int, votes: dict[int, int | None], seats: int,
                 expected_version: int | None) -> vote.VoteResult:
    """Votes per pitch (pitch id -> count) and how many villages may start. Without a tie the
    chosen villages are marked (and get a pilot); with a tie the lead decides (decide_tie)."""
    require(user, "edit_village")
    meeting = start_meeting(db, user, meeting_id)
    if meeting is None:
        raise Invalid({"meeting": "Deze startbijeenkomst bestaat niet (meer)."})
    rows = db.rows("SELECT id, village_id, votes, chosen FROM pitches WHERE meeting_id = ?",
                   [meeting_id])
    names = {r["id"]: r["name"] for r in db.rows(
        "SELECT p.id, v.name FROM pitches p JOIN villages v ON v.id = p.village_id"
        " WHERE p.meeting_id = ?", [meeting_id])}
    p: dict[str, str] = {}
    if not rows:
        p["votes"] = "Leg eerst de dorpen vast die gepitcht hebben."
    for r in rows:
        n = votes.get(r["id"])
        if n is None:
            p[f"votes_{r['id']}"] = f"Vul het aantal stemmen voor {names[r['id']]} in."
        elif isinstance(n, bool) or not isinstance(n, int) or n < 0:
            p[f"votes_{r['id']}"] = (f"Het aantal stemmen voor {names[r['id']]} moet een heel "
                                     "getal van nul of meer zijn.")
    if not isinstance(seats, int) or seats < 1:
        p["seats"] = "Er moet minstens één dorp kunnen starten."
    _raise(p)
    _shown(meeting, "start_meetings", meeting_id, expected_version)
    by_village = {r["village_id"]: votes[r["id"]] for r in rows}
    res = vote.result(by_village, seats)
    if seats == meeting["seats"] and all(r["votes"] == votes[r["id"]] for r in rows):
        return res   # saved unchanged: nothing to write (a decided tie stays decided)
    with db.tx(user.username) as tx:
        tx.update("start_meetings", meeting_id, {"seats": seats, "tie_decision": None,
                                                 "tie_reason": None}, expected_version)
        for r in rows:
            if r["votes"] != votes[r["id"]]:
                tx.update("pitches", r["id"], {"votes": votes[r["id"]]}, None,
                          village_id=r["village_id"])
        _choose(tx, db, user, meeting, rows, set(res.chosen))
    return res


def _shown(record: dict, table: str, record_id: int, expected_version: int | None) -> None:
    """Changed since the form showed it (someone else decided or voted meanwhile): refused
    before anything else is judged, so the user learns who changed it."""
    if expected_version is not None and record["version"] != expected_version:
        raise StaleVersion(table, record_id, record.get("updated_by"), record.get("updated_at"),
                           record["version"])


def vote_result(db: Db, user: User, meeting_id: int) -> vote.VoteResult | None:
    """The result of the recorded votes (None while votes are missing)."""
    meeting = start_meeting(db, user, meeting_id)
    rows = db.rows("SELECT village_id, votes FROM pitches WHERE meeting_id = ?", [meeting_id])
    if meeting is None or not rows or any(r["votes"] is None for r in rows):
        return None
    return vote.result({r["village_id"]: r["votes"] for r in rows}, meeting["seats"] or 1)


def decide_tie(db: Db, user: User, meeting_id: int, village_ids: list[int], reason: str,
               expected_version: int | None) -> list[int]:
    """The lead's decision, with its reason (recorded on the meeting): on a tie, which tied
    village(s) start; with seats left that only villages without votes could fill, which of
    those start anyway (never automatically: vote.result)."""
    require(user, "edit_village")
    meeting = start_meeting(db, user, meeting_id)
    if meeting is None:
        raise Invalid({"meeting": "Deze startbijeenkomst bestaat niet (meer)."})
    _shown(meeting, "start_meetings", meeting_id, expected_version)
    res = vote_result(db, user, meeting_id)
    p: dict[str, str] = {}
    if res is None or not res.may_decide:
        raise Invalid({"tie": "Er is geen gelijke stand of open plaats om over te beslissen."})
    if meeting["tie_decision"]:
        raise Invalid({"tie": "Over deze gelijke stand is al beslist. Sla de stemmen opnieuw op "
                              "om opnieuw te beslissen."})
    msg = vote.check_decision(res, set(village_ids))
    if msg:
        p["tie"] = msg
    if not _text(reason) or len(_text(reason)) < 5:
        p["tie_reason"] = "Schrijf op waarom deze keuze is gemaakt."
    _raise(p)
    rows = db.rows("SELECT id, village_id, votes, chosen FROM pitches WHERE meeting_id = ?",
                   [meeting_id])
    names = {r["id"]: r["name"] for r in db.rows("SELECT id, name FROM villages")}
    decision = ", ".join(sorted(names[v] for v in village_ids))
    with db.tx(user.username) as tx:
        tx.update("start_meetings", meeting_id, {"tie_decision": decision,
                                                 "tie_reason": _text(reason)}, expected_version)
        return _choose(tx, db, user, meeting, rows, set(res.chosen) | set(village_ids))


def consent(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, party, given_on, given_by, version FROM consent"
                   " WHERE village_id = ? ORDER BY given_on, id", [village_id])


def add_consent(db: Db, user: User, village_id: int, party: str, given_on: date,
                given_by: str | None, today: date) -> int:
    """Stap 1: "Het is dus van belang dat deze beide partijen allebei positief staan tegenover
    het project." The consent of the municipality and of the community, each on its own."""
    require(user, "edit_village", village_id)
    _village(db, village_id)
    p: dict[str, str] = {}
    if party not in CONSENT_PARTIES:
        p["party"] = "Kies wie instemt: de gemeente of de dorpsgemeenschap."
    _need_date(p, "given_on", given_on, today, "de datum van de instemming")
    if not _text(given_by):
        p["given_by"] = "Vul in wie namens deze partij instemde (bijvoorbeeld 'College van B&W')."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("consent", {"village_id": village_id, "party": party,
                                     "given_on": given_on, "given_by": _text(given_by)},
                         village_id=village_id)


# --- step 2: the social business case (mBc) --------------------------------------------

def mbcs(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """All assessments of the village, oldest first (the last one counts)."""
    require(user, "view_village", village_id)
    return _df(db, "SELECT * FROM mbc WHERE village_id = ? ORDER BY assessed_on, id", [village_id])


def add_mbc(db: Db, user: User, village_id: int, *, assessed_on: date, may_ok: bool | None,
            may_note: str | None, willingness: int | None, willingness_source: str | None,
            willingness_evidence: str | None, ability: int | None, ability_source: str | None,
            ability_evidence: str | None, opportunities: str | None, resistances: str | None,
            presented_village_on: date | None, presented_municipality_on: date | None,
            today: date) -> int:
    """A (new) assessment. Chapter 4.1/4.3: first "mag dit?"; then bereid and bekwaam as
    gradations 1-5, each on a named source (chapter 3.4: statistiek, professionals, bewoners)."""
    require(user, "edit_village", village_id)
    _village(db, village_id)
    p: dict[str, str] = {}
    _need_date(p, "assessed_on", assessed_on, today, "de datum van de beoordeling")
    if may_ok is None:
        p["may_ok"] = "Beantwoord eerst de vraag 'mag dit?'."
    elif may_ok is False and not _text(may_note):
        p["may_note"] = "Licht toe waarom het initiatief niet wenselijk is."
    _score(p, "willingness", willingness, "bereidheid")
    _score(p, "ability", ability, "bekwaamheid")
    for f, v, what in (("willingness_source", willingness_source, "bereidheid"),
                       ("ability_source", ability_source, "bekwaamheid")):
        if v not in SOURCES:
            p[f] = f"Kies de bron waarop de score voor {what} rust."
    for f, d, what in (("presented_village_on", presented_village_on, "de presentatie aan het dorp"),
                       ("presented_municipality_on", presented_municipality_on,
                        "de presentatie aan de gemeente")):
        _opt_date(p, f, d, today, "de datum van " + what)
        if d is not None and isinstance(assessed_on, date) and d < assessed_on:
            p[f] = f"De datum van {what} ligt vóór de beoordeling."
    _raise(p)
    sources = sorted({willingness_source, ability_source})
    with db.tx(user.username) as tx:
        return tx.insert("mbc", {
            "village_id": village_id, "assessed_on": assessed_on, "may_ok": may_ok,
            "may_note": _text(may_note), "willingness": willingness,
            "willingness_source": willingness_source,
            "willingness_evidence": _text(willingness_evidence), "ability": ability,
            "ability_source": ability_source, "ability_evidence": _text(ability_evidence),
            "source": ",".join(sources), "opportunities": _lines(opportunities),
            "resistances": _lines(resistances), "presented_village_on": presented_village_on,
            "presented_municipality_on": presented_municipality_on}, village_id=village_id)


def _lines(text: str | None) -> str | None:
    items = [ln.strip(" -•\t") for ln in (text or "").splitlines()]
    return "\n".join(i for i in items if i) or None


def set_presented(db: Db, user: User, mbc_id: int, presented_village_on: date | None,
                  presented_municipality_on: date | None, expected_version: int | None,
                  today: date) -> int:
    """Stap 2: "De mBc wordt gepresenteerd aan dorp en gemeente." """
    village_id = _village_of(db, "mbc", mbc_id)
    require(user, "edit_village", village_id)
    assessed = db.scalar("SELECT assessed_on FROM mbc WHERE id = ?", [mbc_id])
    p: dict[str, str] = {}
    for f, d, what in (("presented_village_on", presented_village_on, "de presentatie aan het dorp"),
                       ("presented_municipality_on", presented_municipality_on,
                        "de presentatie aan de gemeente")):
        _opt_date(p, f, d, today, "de datum van " + what)
        if d is not None and d < assessed:
            p[f] = f"De datum van {what} ligt vóór de beoordeling."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("mbc", mbc_id, {"presented_village_on": presented_village_on,
                                         "presented_municipality_on": presented_municipality_on},
                         expected_version, village_id=village_id)


def effects(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, """SELECT e.id, e.mbc_id, b.assessed_on, e.stakeholder, e.investment_kind,
                             e.amount, e.expected_effect, e.beneficiary
                      FROM mbc_effects e JOIN mbc b ON b.id = e.mbc_id
                      WHERE b.village_id = ? ORDER BY b.assessed_on, e.id""", [village_id])


def add_effect(db: Db, user: User, mbc_id: int, stakeholder: str, investment_kind: str,
               amount: float | None, expected_effect: str | None, beneficiary: str | None) -> int:
    village_id = _village_of(db, "mbc", mbc_id)
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if not _text(stakeholder):
        p["stakeholder"] = "Vul de belanghebbende in."
    if investment_kind not in INVESTMENT_KINDS:
        p["investment_kind"] = "Kies wat er wordt ingebracht: geld, uren of in natura."
    if amount is not None and amount < 0:
        p["amount"] = "De inbreng kan niet onder nul liggen."
    if not _text(expected_effect):
        p["expected_effect"] = "Beschrijf het verwachte effect."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("mbc_effects", {
            "mbc_id": mbc_id, "stakeholder": _text(stakeholder), "investment_kind": investment_kind,
            "amount": amount, "expected_effect": _text(expected_effect),
            "beneficiary": _text(beneficiary)}, village_id=village_id)


def partners(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, partner_type, name, formal, note, version FROM partners"
                   " WHERE village_id = ? ORDER BY partner_type, name", [village_id])


def add_partner(db: Db, user: User, village_id: int, partner_type: str, name: str | None,
                formal: bool | None, note: str | None) -> int:
    """The partners around the village (the method's figure: residents, a social core team,
    professionals); formal or informal for the informal/formal line."""
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if partner_type not in PARTNER_TYPES:
        p["partner_type"] = "Kies het soort partner."
    if formal is None:
        p["formal"] = "Geef aan of de partner formeel of informeel is."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("partners", {"village_id": village_id, "partner_type": partner_type,
                                      "name": _text(name), "formal": formal, "note": _text(note)},
                         village_id=village_id)


# --- step 3: the steering group ---------------------------------------------------------

def members(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, name, organisation, party, role, email, from_date, until_date,"
                   " version FROM steering_members WHERE village_id = ?"
                   " ORDER BY until_date IS NOT NULL, party, name", [village_id])


def add_member(db: Db, user: User, village_id: int, name: str, organisation: str | None,
               party: str | None, role: str | None, from_date: date | None,
               until_date: date | None, email: str | None = None) -> int:
    """Stap 3: "Vandaar dat we in een stuurgroep beide partijen aanwezig willen hebben." """
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if not _text(name):
        p["name"] = "Vul de naam van het lid in."
    if party not in MEMBER_PARTIES:
        p["party"] = ("Kies namens welke partij dit lid in de stuurgroep zit (gemeente, "
                      "dorpsgemeenschap, ondersteuningsorganisatie, zorg of anders).")
    if from_date and until_date and until_date < from_date:
        p["until_date"] = "De einddatum ligt vóór de begindatum."
    if email and "@" not in email:
        p["email"] = "Dit is geen e-mailadres."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("steering_members", {
            "village_id": village_id, "name": _text(name), "organisation": _text(organisation),
            "party": party, "role": _text(role), "email": _text(email), "from_date": from_date,
            "until_date": until_date}, village_id=village_id)


def end_member(db: Db, user: User, member_id: int, until_date: date,
               expected_version: int | None) -> int:
    village_id = _village_of(db, "steering_members", member_id)
    require(user, "edit_village", village_id)
    start = db.scalar("SELECT from_date FROM steering_members WHERE id = ?", [member_id])
    if until_date is None:
        raise Invalid({"until_date": "Vul de einddatum in."})
    if start and until_date < start:
        raise Invalid({"until_date": "De einddatum ligt vóór de begindatum."})
    with db.tx(user.username) as tx:
        return tx.update("steering_members", member_id, {"until_date": until_date},
                         expected_version, village_id=village_id)


def meetings(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, held_on, municipality_satisfaction, community_satisfaction,"
                   " decisions, notes, version, updated_by, created_by FROM steering_meetings"
                   " WHERE village_id = ? ORDER BY held_on, id", [village_id])


def add_meeting(db: Db, user: User, village_id: int, held_on: date,
                municipality_satisfaction: int | None, community_satisfaction: int | None,
                decisions: str | None, notes: str | None, today: date,
                confirmed: bool = False) -> int:
    """Stap 3: "Het slaagt pas als zowel gemeente als gemeenschap tevreden zijn met het op gang
    gebrachte proces." Steering members may add these for their own village. A second meeting
    on a date that already has one is usually the same meeting saved twice: it needs
    `confirmed` (NeedsConfirm otherwise)."""
    require(user, "add_meeting", village_id)
    _village(db, village_id)
    p: dict[str, str] = {}
    _need_date(p, "held_on", held_on, today, "de datum van de vergadering")
    _score(p, "municipality_satisfaction", municipality_satisfaction, "de tevredenheid van de gemeente")
    _score(p, "community_satisfaction", community_satisfaction,
           "de tevredenheid van de dorpsgemeenschap")
    _raise(p)
    _same_date(db, village_id, held_on, None, confirmed)
    with db.tx(user.username) as tx:
        return tx.insert("steering_meetings", {
            "village_id": village_id, "held_on": held_on,
            "municipality_satisfaction": municipality_satisfaction,
            "community_satisfaction": community_satisfaction, "decisions": _text(decisions),
            "notes": _text(notes), "created_by": user.username}, village_id=village_id)


def _same_date(db: Db, village_id: int, held_on: date, meeting_id: int | None,
               confirmed: bool) -> None:
    """Another meeting of the village on this date: usually the same one saved twice."""
    if not confirmed and db.scalar(
            "SELECT count(*) FROM steering_meetings WHERE village_id = ? AND held_on = ?"
            " AND id <> ?", [village_id, held_on, -1 if meeting_id is None else meeting_id]):
        raise NeedsConfirm(i18n.t("steps.meeting_same_date", i18n.DEFAULT_LANG,
                                  date=i18n.fmt_date(held_on, i18n.DEFAULT_LANG)),
                           field="held_on")


def _own(db: Db, user: User, table: str, record_id: int) -> dict:
    """A meeting or action that `user` may change (a lead any, a steering member their own
    in their own village: dorp.access.can_change); its village, creator and version."""
    assert table in {"steering_meetings", "actions"}
    r = db.one(f"SELECT village_id, created_by, version, updated_by, updated_at FROM {table}"
               " WHERE id = ?", [record_id])
    if r is None:
        raise Invalid({"record": "Dit gegeven bestaat niet (meer); laad de pagina opnieuw."})
    require_change(user, "add_meeting", r["village_id"], r["created_by"])
    return r


def update_meeting(db: Db, user: User, meeting_id: int, held_on: date,
                   municipality_satisfaction: int | None, community_satisfaction: int | None,
                   decisions: str | None, notes: str | None, expected_version: int | None,
                   today: date, confirmed: bool = False) -> int:
    """Correct a steering meeting (a lead any; a steering member one they recorded). The
    version shown is required: a change made meanwhile is refused, never overwritten."""
    r = _own(db, user, "steering_meetings", meeting_id)
    p: dict[str, str] = {}
    _need_date(p, "held_on", held_on, today, "de datum van de vergadering")
    _score(p, "municipality_satisfaction", municipality_satisfaction, "de tevredenheid van de gemeente")
    _score(p, "community_satisfaction", community_satisfaction,
           "de tevredenheid van de dorpsgemeenschap")
    first_action = db.scalar("SELECT min(due_on) FROM actions WHERE meeting_id = ?", [meeting_id])
    if not p and first_action is not None and held_on > first_action:
        p["held_on"] = (f"Een actie van deze vergadering heeft als deadline "
                        f"{first_action:%d-%m-%Y}; de vergadering kan niet later liggen.")
    _raise(p)
    current = db.scalar("SELECT held_on FROM steering_meetings WHERE id = ?", [meeting_id])
    if held_on != current:
        _same_date(db, r["village_id"], held_on, meeting_id, confirmed)
    _need_version(r, "steering_meetings", meeting_id, expected_version)
    with db.tx(user.username) as tx:
        return tx.update("steering_meetings", meeting_id, {
            "held_on": held_on, "municipality_satisfaction": municipality_satisfaction,
            "community_satisfaction": community_satisfaction, "decisions": _text(decisions),
            "notes": _text(notes)}, expected_version, village_id=r["village_id"])


def meeting_actions(db: Db, user: User, meeting_id: int) -> pd.DataFrame:
    """The actions agreed at one meeting (what goes with it when it is removed)."""
    village_id = _village_of(db, "steering_meetings", meeting_id)
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, description, who, due_on, done, version, created_by FROM actions"
                   " WHERE meeting_id = ? ORDER BY id", [meeting_id])


def delete_meeting(db: Db, user: User, meeting_id: int, expected_version: int | None,
                   action_ids: list[int] | None = None) -> None:
    """Remove a steering meeting and the actions agreed at it (each delete audited with the
    record as it was). `action_ids`: the actions the user was told would go; when others
    were added or removed meanwhile nothing is removed. A steering member removes only a
    meeting they recorded, and only when its actions are theirs too."""
    r = _own(db, user, "steering_meetings", meeting_id)
    _need_version(r, "steering_meetings", meeting_id, expected_version)
    acts = db.rows("SELECT id, created_by, version FROM actions WHERE meeting_id = ? ORDER BY id",
                   [meeting_id])
    if action_ids is not None and sorted(action_ids) != [a["id"] for a in acts]:
        raise Invalid({"record": "Bij deze vergadering zijn intussen acties bijgekomen of "
                                 "weggehaald. Bekijk ze en verwijder opnieuw."})
    others = [a for a in acts if not can_change(user, "add_meeting", r["village_id"],
                                                a["created_by"])]
    if others:
        raise Invalid({"record": f"Bij deze vergadering horen {len(others)} actie(s) die een "
                                 "ander vastlegde; alleen de programmaleider kan haar "
                                 "verwijderen."})
    with db.tx(user.username) as tx:
        for a in acts:
            tx.delete("actions", a["id"], a["version"], village_id=r["village_id"])
        tx.delete("steering_meetings", meeting_id, expected_version, village_id=r["village_id"])


def _need_version(r: dict, table: str, record_id: int, expected_version: int | None) -> None:
    """A correction or removal from a form carries the version it was shown with."""
    if expected_version is None or int(expected_version) != r["version"]:
        raise StaleVersion(table, record_id, r["updated_by"], r["updated_at"], r["version"])


def actions(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, """SELECT a.id, a.meeting_id, sm.held_on, a.description, a.who, a.due_on,
                             a.done, a.version, a.created_by
                      FROM actions a JOIN steering_meetings sm ON sm.id = a.meeting_id
                      WHERE a.village_id = ? ORDER BY a.done, a.due_on NULLS LAST, a.id""",
               [village_id])


def add_action(db: Db, user: User, meeting_id: int, description: str, who: str | None,
               due_on: date | None) -> int:
    village_id = _village_of(db, "steering_meetings", meeting_id)
    require(user, "add_meeting", village_id)
    p: dict[str, str] = {}
    if not _text(description):
        p["description"] = "Beschrijf de actie."
    if not _text(who):
        p["who"] = "Vul in wie de actie oppakt."
    held = db.scalar("SELECT held_on FROM steering_meetings WHERE id = ?", [meeting_id])
    if due_on is not None and due_on < held:
        p["due_on"] = "De deadline ligt vóór de vergadering."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("actions", {"meeting_id": meeting_id, "village_id": village_id,
                                     "description": _text(description), "who": _text(who),
                                     "due_on": due_on, "done": False,
                                     "created_by": user.username}, village_id=village_id)


def update_action(db: Db, user: User, action_id: int, description: str, who: str | None,
                  due_on: date | None, expected_version: int | None) -> int:
    """Correct an action (a lead any; a steering member one they recorded)."""
    r = _own(db, user, "actions", action_id)
    p: dict[str, str] = {}
    if not _text(description):
        p["description"] = "Beschrijf de actie."
    if not _text(who):
        p["who"] = "Vul in wie de actie oppakt."
    held = db.scalar("SELECT sm.held_on FROM actions a JOIN steering_meetings sm"
                     " ON sm.id = a.meeting_id WHERE a.id = ?", [action_id])
    if due_on is not None and held is not None and due_on < held:
        p["due_on"] = "De deadline ligt vóór de vergadering."
    _raise(p)
    _need_version(r, "actions", action_id, expected_version)
    with db.tx(user.username) as tx:
        return tx.update("actions", action_id, {"description": _text(description),
                                                "who": _text(who), "due_on": due_on},
                         expected_version, village_id=r["village_id"])


def delete_action(db: Db, user: User, action_id: int, expected_version: int | None) -> None:
    """Remove an action (a lead any; a steering member one they recorded)."""
    r = _own(db, user, "actions", action_id)
    _need_version(r, "actions", action_id, expected_version)
    with db.tx(user.username) as tx:
        tx.delete("actions", action_id, expected_version, village_id=r["village_id"])


def set_action_done(db: Db, user: User, action_id: int, done: bool,
                    expected_version: int | None) -> int:
    village_id = _village_of(db, "actions", action_id)
    require(user, "add_meeting", village_id)
    with db.tx(user.username) as tx:
        return tx.update("actions", action_id, {"done": bool(done)}, expected_version,
                         village_id=village_id)


# --- step 4: execution -----------------------------------------------------------------

def modes(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, mode, started_on, ended_on, reason, version FROM working_modes"
                   " WHERE village_id = ? ORDER BY started_on, id", [village_id])


def add_mode(db: Db, user: User, village_id: int, mode: str, started_on: date,
             reason: str | None, today: date) -> int:
    """Stap 4 / chapter 4.2: working modes, "parallel en serieel" - several at once allowed,
    each with its reason."""
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if mode not in MODES:
        p["mode"] = "Kies een werkwijze."
    _need_date(p, "started_on", started_on, today, "de startdatum van de werkwijze")
    if not _text(reason):
        p["reason"] = "Geef aan waarom deze werkwijze past."
    if mode in MODES and db.scalar("SELECT count(*) FROM working_modes WHERE village_id = ?"
                                   " AND mode = ? AND ended_on IS NULL", [village_id, mode]):
        p["mode"] = "Deze werkwijze is al in gebruik; beëindig die eerst."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("working_modes", {"village_id": village_id, "mode": mode,
                                           "started_on": started_on, "reason": _text(reason)},
                         village_id=village_id)


def end_mode(db: Db, user: User, mode_id: int, ended_on: date, expected_version: int | None,
             today: date) -> int:
    village_id = _village_of(db, "working_modes", mode_id)
    require(user, "edit_village", village_id)
    started = db.scalar("SELECT started_on FROM working_modes WHERE id = ?", [mode_id])
    p: dict[str, str] = {}
    _need_date(p, "ended_on", ended_on, today, "de einddatum van de werkwijze")
    if not p and ended_on < started:
        p["ended_on"] = "De einddatum ligt vóór de startdatum."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("working_modes", mode_id, {"ended_on": ended_on}, expected_version,
                         village_id=village_id)


def initiatives(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return _df(db, "SELECT id, name, phase, description, since, version FROM initiatives"
                   " WHERE village_id = ? ORDER BY name", [village_id])


def add_initiative(db: Db, user: User, village_id: int, name: str, phase: str,
                   description: str | None, since: date | None, today: date) -> int:
    """Initiatives growing in the village with their phase of self-organisation (2.4)."""
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if not _text(name):
        p["name"] = "Vul de naam van het initiatief in."
    elif initiative_named(db, village_id, name):
        p["name"] = DUPLICATE_INITIATIVE
    if phase not in PHASES:
        p["phase"] = "Kies de fase van het initiatief."
    _opt_date(p, "since", since, today, "de datum 'sinds'")
    _raise(p)
    with db.tx(user.username) as tx:
        return insert_initiative(tx, village_id, name, phase, description, since)


DUPLICATE_INITIATIVE = ("Dit dorp heeft al een initiatief met deze naam; kies een naam die het "
                        "onderscheidt.")


def initiative_named(db: Db, village_id: int, name: str) -> bool:
    """An initiative of this name in the village already (its phase history and a De Vonk
    idea taken on name it, also in the exchange workbook: a name once per village)."""
    return bool(db.scalar("SELECT count(*) FROM initiatives WHERE village_id = ?"
                          " AND lower(name) = lower(?)", [village_id, _text(name)]))


def insert_initiative(tx: Tx, village_id: int, name: str, phase: str,
                      description: str | None, since: date | None) -> int:
    """Write one new initiative and the first entry of its phase trail inside the caller's
    transaction (also a De Vonk idea taken on: dorp/repo/vonk.to_initiative)."""
    iid = tx.insert("initiatives", {"village_id": village_id, "name": _text(name),
                                    "phase": phase, "description": _text(description),
                                    "since": since}, village_id=village_id)
    tx.insert("initiative_phases", {"initiative_id": iid, "village_id": village_id,
                                    "from_phase": None, "to_phase": phase,
                                    "changed_on": since, "changed_by": tx.username},
              village_id=village_id)
    return iid


def set_initiative_phase(db: Db, user: User, initiative_id: int, phase: str,
                         expected_version: int | None, changed_on: date | None = None,
                         today: date | None = None) -> int:
    """A new phase of an initiative (2.4, figuur 1; "De verschillende fasen zijn
    niet-lineair": any phase may follow any other). The change is kept with its date and who
    recorded it (initiative_phases); the initiative shows its current phase since that date."""
    village_id = _village_of(db, "initiatives", initiative_id)
    require(user, "edit_village", village_id)
    today = today or date.today()
    changed_on = changed_on or today
    current = db.one("SELECT phase, since FROM initiatives WHERE id = ?", [initiative_id])
    last = db.scalar("SELECT max(changed_on) FROM initiative_phases WHERE initiative_id = ?",
                     [initiative_id])
    p: dict[str, str] = {}
    if phase not in PHASES:
        p["phase"] = "Kies de fase van het initiatief."
    elif phase == current["phase"]:
        p["phase"] = "Het initiatief staat al in deze fase; kies de nieuwe fase."
    _need_date(p, "changed_on", changed_on, today, "de datum van de overgang")
    if "changed_on" not in p and last is not None and changed_on < last:
        p["changed_on"] = (f"De vorige overgang was op {last:%d-%m-%Y}; een nieuwe fase kan niet "
                           "eerder ingaan.")
    _raise(p)
    with db.tx(user.username) as tx:
        version = tx.update("initiatives", initiative_id, {"phase": phase, "since": changed_on},
                            expected_version, village_id=village_id)
        tx.insert("initiative_phases", {"initiative_id": initiative_id, "village_id": village_id,
                                        "from_phase": current["phase"], "to_phase": phase,
                                        "changed_on": changed_on, "changed_by": user.username},
                  village_id=village_id)
        return version


def initiative_phases(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """Every phase change of the village's initiatives, oldest first: the trail."""
    require(user, "view_village", village_id)
    return _df(db, """SELECT h.initiative_id, i.name, h.from_phase, h.to_phase, h.changed_on,
                             h.changed_by
                      FROM initiative_phases h JOIN initiatives i ON i.id = h.initiative_id
                      WHERE h.village_id = ? ORDER BY i.name, h.changed_on, h.id""",
               [village_id])


def safeguarding(db: Db, user: User, village_id: int) -> dict | None:
    require(user, "view_village", village_id)
    return db.one("SELECT * FROM safeguarding WHERE village_id = ?", [village_id])


def save_safeguarding(db: Db, user: User, village_id: int, exit_date: date | None,
                      successor: str | None, handed_over: str | None, notes: str | None,
                      expected_version: int | None) -> int:
    """Lijn 5, Borging: "De betrokkenheid van Spectrum is altijd van tijdelijke aard." The exit
    date (planned from the start, so usually in the future) and who carries on."""
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if exit_date is None:
        p["exit_date"] = "Vul de geplande exitdatum in."
    if not _text(successor):
        p["successor"] = "Vul in wie het overneemt."
    _raise(p)
    values = {"exit_date": exit_date, "successor": _text(successor),
              "handed_over": _text(handed_over), "notes": _text(notes)}
    current = db.one("SELECT id, version, updated_by, updated_at FROM safeguarding"
                     " WHERE village_id = ?", [village_id])
    if current and expected_version is None:   # the form was shown before this plan existed
        raise StaleVersion("safeguarding", current["id"], current["updated_by"],
                           current["updated_at"], current["version"])
    with db.tx(user.username) as tx:
        if current:
            return tx.update("safeguarding", current["id"], values, expected_version,
                             village_id=village_id)
        return tx.insert("safeguarding", {"village_id": village_id, **values},
                         village_id=village_id)
