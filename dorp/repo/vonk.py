"""De Vonk inside a pilot: a contest for residents' ideas (ch. 4, "Methodiek: De Vonk van
Nederland").

Source: "De Vonk van Nederland is een methodiek die bewoners via een wedstrijd uitdaagt om
ideeën die ze hebben samen met de buurt of dorpsgenoten te realiseren. In korte tijd dienen
burgers hun ideeën in. Inwoners kiezen de winnaars. De initiatiefnemers die niet winnen,
worden in contact gebracht met informele netwerken en professionele ondersteuners zodat ook
deze ideeën verder komen." Its phases (dorp/method.VONK_PHASES) are the box "Fases van De
Vonk"; "verzamelen ideeën en eerste selectie door jury" gives the jury's selection with a
reason, "burgers stemmen" the live ballot (dorp/repo/ballot.py), "uitreiking prijzen" the
prizes, "nazorg (wat is nodig om ideeën realiseren)" the aftercare per idea. It is one of the
ways to motivate (ch. 4.2, "Motiveren: boor de energie van burgers aan": "Ook het
uitschrijven van een competitie voor het beste burgerinitiatief is hier een mogelijkheid,
bijvoorbeeld door gebruik te maken van 'De Vonk'").

Access: an idea's initiator is personal data: the lead and the pilot's own steering group
read it ("view_village"); only the lead records ("edit_village"). Funders get counts only
(`funder_counts`), small counts suppressed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import vote
from dorp.access import User, require
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid
from dorp.method import PHASES, VONK_PHASES


def _text(v) -> str | None:
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def _raise(p: dict) -> None:
    if p:
        raise Invalid(p)


def _contest(db: Db, contest_id: int) -> dict:
    c = db.one("SELECT * FROM vonk_contests WHERE id = ?", [contest_id])
    if c is None:
        raise Invalid({"contest": "Deze wedstrijd bestaat niet (meer); laad de pagina opnieuw."})
    return c


def _idea(db: Db, idea_id: int) -> dict:
    i = db.one("SELECT * FROM vonk_ideas WHERE id = ?", [idea_id])
    if i is None:
        raise Invalid({"idea": "Dit idee bestaat niet (meer); laad de pagina opnieuw."})
    return i


def _shown(record: dict, table: str, expected_version: int | None) -> None:
    """Changed since the form showed it (another session took the idea on, or decided the
    tie): refused before anything else is judged, so the user learns who changed it."""
    if expected_version is not None and record["version"] != expected_version:
        raise StaleVersion(table, record["id"], record.get("updated_by"),
                           record.get("updated_at"), record["version"])


def _date(p: dict, field: str, d, today: date, what: str, required: bool = True,
          future_ok: bool = False) -> None:
    if d is None:
        if required:
            p[field] = f"Vul {what} in."
    elif not isinstance(d, date):
        p[field] = f"{what.capitalize()} is geen geldige datum."
    elif not future_ok and d > today:
        p[field] = f"{what.capitalize()} ligt in de toekomst ({d:%d-%m-%Y}); dat kan niet."


# --- contests -------------------------------------------------------------------------------

def contests(db: Db, user: User, village_id: int) -> list[dict]:
    require(user, "view_village", village_id)
    return db.rows("SELECT * FROM vonk_contests WHERE village_id = ? ORDER BY started_on DESC,"
                   " id DESC", [village_id])


def contest(db: Db, user: User, contest_id: int) -> dict:
    c = _contest(db, contest_id)
    require(user, "view_village", c["village_id"])
    return c


def add_contest(db: Db, user: User, village_id: int, title: str, started_on: date,
                winners: int, today: date) -> int:
    """Vliegende start: a new contest in this pilot, in its first phase."""
    require(user, "edit_village", village_id)
    p: dict[str, str] = {}
    if not _text(title):
        p["title"] = "Geef de wedstrijd een naam (bijvoorbeeld 'De Vonk Vorden 2026')."
    _date(p, "started_on", started_on, today, "de startdatum")
    if isinstance(winners, bool) or not isinstance(winners, int) or not 1 <= winners <= 20:
        p["winners"] = "Het aantal prijzen ligt tussen 1 en 20."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("vonk_contests", {"village_id": village_id, "title": _text(title),
                                           "phase": VONK_PHASES[0], "started_on": started_on,
                                           "winners": winners}, village_id=village_id)


def save_contest(db: Db, user: User, contest_id: int, *, project_group: str | None,
                 plan: str | None, communication: str | None, winners: int,
                 prize_event_on: date | None, prize_event_note: str | None,
                 expected_version: int | None) -> int:
    """The contest's own records: project group and plan (vliegende start), how residents are
    informed (uitrol communicatie), how many prizes, the closing event."""
    c = _contest(db, contest_id)
    require(user, "edit_village", c["village_id"])
    p: dict[str, str] = {}
    if isinstance(winners, bool) or not isinstance(winners, int) or not 1 <= winners <= 20:
        p["winners"] = "Het aantal prijzen ligt tussen 1 en 20."
    if prize_event_on is not None and not isinstance(prize_event_on, date):
        p["prize_event_on"] = "De datum van de prijsuitreiking is geen geldige datum."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("vonk_contests", contest_id, {
            "project_group": _text(project_group), "plan": _text(plan),
            "communication": _text(communication), "winners": winners,
            "prize_event_on": prize_event_on, "prize_event_note": _text(prize_event_note)},
            expected_version, village_id=c["village_id"])


def set_phase(db: Db, user: User, contest_id: int, phase: str,
              expected_version: int | None) -> int:
    """Move the contest to a phase of the stepper (forward or back: the lead decides)."""
    c = _contest(db, contest_id)
    require(user, "edit_village", c["village_id"])
    if phase not in VONK_PHASES:
        raise Invalid({"phase": "Kies een fase van De Vonk."})
    if phase == "vote" and not db.scalar("SELECT count(*) FROM vonk_ideas WHERE contest_id = ?"
                                         " AND jury_kept", [contest_id]):
        raise Invalid({"phase": "Laat de jury eerst ideeën selecteren: zonder geselecteerde "
                                "ideeën valt er niets te stemmen."})
    with db.tx(user.username) as tx:
        return tx.update("vonk_contests", contest_id, {"phase": phase}, expected_version,
                         village_id=c["village_id"])


# --- ideas ----------------------------------------------------------------------------------

def ideas(db: Db, user: User, contest_id: int) -> pd.DataFrame:
    """The contest's ideas with their initiators (personal data: lead and own steering group)."""
    c = _contest(db, contest_id)
    require(user, "view_village", c["village_id"])
    return db.df("SELECT * FROM vonk_ideas WHERE contest_id = ? ORDER BY submitted_on, id",
                 [contest_id])


def add_idea(db: Db, user: User, contest_id: int, title: str, description: str | None,
             initiator: str, submitted_on: date, today: date) -> int:
    c = _contest(db, contest_id)
    require(user, "edit_village", c["village_id"])
    p: dict[str, str] = {}
    if not _text(title):
        p["title"] = "Geef het idee een titel."
    if not _text(initiator):
        p["initiator"] = "Vul in wie het idee indiende (de initiatiefnemer)."
    _date(p, "submitted_on", submitted_on, today, "de datum van indienen")
    if not p and db.scalar("SELECT count(*) FROM vonk_ideas WHERE contest_id = ?"
                           " AND lower(title) = lower(?)", [contest_id, _text(title)]):
        p["title"] = "Er is al een idee met deze titel in deze wedstrijd."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("vonk_ideas", {
            "contest_id": contest_id, "village_id": c["village_id"], "title": _text(title),
            "description": _text(description), "initiator": _text(initiator),
            "submitted_on": submitted_on}, village_id=c["village_id"])


def judge(db: Db, user: User, idea_id: int, kept: bool, reason: str,
          expected_version: int | None) -> int:
    """The jury's first selection ("eerste selectie door jury"): kept or not, with a reason."""
    i = _idea(db, idea_id)
    require(user, "edit_village", i["village_id"])
    p: dict[str, str] = {}
    if kept not in (True, False):
        p["kept"] = "Kies of de jury het idee selecteert."
    if not _text(reason) or len(_text(reason)) < 5:
        p["jury_reason"] = "Schrijf de reden van de jury op."
    if db.scalar("SELECT count(*) FROM ballot_rounds WHERE contest_id = ?", [i["contest_id"]]):
        p["kept"] = "De stemming is al begonnen; de selectie van de jury ligt vast."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("vonk_ideas", idea_id, {"jury_kept": bool(kept),
                                                 "jury_reason": _text(reason)},
                         expected_version, village_id=i["village_id"])


def apply_votes(db: Db, user: User, contest_id: int, votes: dict[int, int]) -> vote.VoteResult:
    """The residents' vote ("Inwoners kiezen de winnaars"): votes per idea from the closed
    ballot round; the contest's prizes are the seats. The same rule as the start meeting
    (dorp/vote.py): ideas without votes never win; a tie for the last prize is decided by the
    lead with a reason (decide_tie)."""
    c = _contest(db, contest_id)
    require(user, "edit_village", c["village_id"])
    rows = db.rows("SELECT id, votes, winner, version FROM vonk_ideas WHERE contest_id = ?"
                   " AND jury_kept", [contest_id])
    counted = {r["id"]: int(votes.get(r["id"], 0)) for r in rows}
    res = vote.result({k: (v if v > 0 else None) for k, v in counted.items()}, c["winners"])
    with db.tx(user.username) as tx:
        tx.update("vonk_contests", contest_id, {"tie_decision": None, "tie_reason": None}, None,
                  village_id=c["village_id"])
        for r in rows:
            values = {"votes": counted[r["id"]], "winner": r["id"] in res.chosen}
            if r["votes"] != values["votes"] or bool(r["winner"]) != values["winner"]:
                tx.update("vonk_ideas", r["id"], values, None, village_id=c["village_id"])
    return res


def vote_result(db: Db, user: User, contest_id: int) -> vote.VoteResult | None:
    c = contest(db, user, contest_id)
    rows = db.rows("SELECT id, votes FROM vonk_ideas WHERE contest_id = ? AND jury_kept",
                   [contest_id])
    if not rows or any(r["votes"] is None for r in rows):
        return None
    return vote.result({r["id"]: (r["votes"] if r["votes"] > 0 else None) for r in rows},
                       c["winners"])


def decide_tie(db: Db, user: User, contest_id: int, idea_ids: list[int], reason: str,
               expected_version: int | None) -> None:
    c = _contest(db, contest_id)
    require(user, "edit_village", c["village_id"])
    _shown(c, "vonk_contests", expected_version)
    res = vote_result(db, user, contest_id)
    if res is None or not res.needs_decision:
        raise Invalid({"tie": "Er is geen gelijke stand om over te beslissen."})
    p: dict[str, str] = {}
    msg = vote.check_decision(res, set(idea_ids))
    if msg:
        p["tie"] = msg.replace("dorpen", "ideeën").replace("dorp", "idee")
    if not _text(reason) or len(_text(reason)) < 5:
        p["tie_reason"] = "Schrijf op waarom deze keuze is gemaakt."
    _raise(p)
    titles = {r["id"]: r["title"] for r in db.rows(
        "SELECT id, title FROM vonk_ideas WHERE contest_id = ?", [contest_id])}
    with db.tx(user.username) as tx:
        tx.update("vonk_contests", contest_id, {
            "tie_decision": ", ".join(sorted(titles[i] for i in idea_ids)),
            "tie_reason": _text(reason)}, expected_version, village_id=c["village_id"])
        for iid in idea_ids:
            tx.update("vonk_ideas", iid, {"winner": True}, None, village_id=c["village_id"])


def set_prize(db: Db, user: User, idea_id: int, prize: str | None,
              expected_version: int | None) -> int:
    """Uitreiking prijzen: what a winning idea received."""
    i = _idea(db, idea_id)
    require(user, "edit_village", i["village_id"])
    if not i["winner"]:
        raise Invalid({"prize": "Alleen een winnend idee krijgt een prijs."})
    if not _text(prize):
        raise Invalid({"prize": "Vul de prijs in (bijvoorbeeld '€ 1.000 en een coach')."})
    with db.tx(user.username) as tx:
        return tx.update("vonk_ideas", idea_id, {"prize": _text(prize)}, expected_version,
                         village_id=i["village_id"])


def set_aftercare(db: Db, user: User, idea_id: int, aftercare: str, aftercare_on: date,
                  expected_version: int | None, today: date) -> int:
    """Nazorg: which informal network or professional supporter the idea was put in touch
    with ("Initiatiefnemers die niet winnen, worden in contact gebracht met informele
    netwerken en professionele ondersteuners zodat ook deze ideeën verder komen")."""
    i = _idea(db, idea_id)
    require(user, "edit_village", i["village_id"])
    p: dict[str, str] = {}
    if not _text(aftercare):
        p["aftercare"] = "Vul in met welk netwerk of welke ondersteuner het idee in contact is gebracht."
    _date(p, "aftercare_on", aftercare_on, today, "de datum van het contact")
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("vonk_ideas", idea_id, {"aftercare": _text(aftercare),
                                                 "aftercare_on": aftercare_on},
                         expected_version, village_id=i["village_id"])


def to_initiative(db: Db, user: User, idea_id: int, today: date,
                  expected_version: int | None) -> int:
    """An idea becomes an initiative of the pilot in one step: phase "idea" (2.4, figuur 1:
    every self-organisation starts as an idea), since today, the idea keeping a link to it."""
    i = _idea(db, idea_id)
    require(user, "edit_village", i["village_id"])
    _shown(i, "vonk_ideas", expected_version)
    if i["initiative_id"] is not None:
        raise Invalid({"idea": "Dit idee is al een initiatief geworden."})
    assert "idea" in PHASES
    from dorp.repo import steps
    if steps.initiative_named(db, i["village_id"], i["title"]):
        raise Invalid({"idea": f"Dit dorp heeft al een initiatief met de naam '{i['title']}'; "
                               "het loopt daar al (zie stap 4, Uitvoering)."})
    with db.tx(user.username) as tx:
        iid = steps.insert_initiative(tx, i["village_id"], i["title"], "idea",
                                      i["description"], today)
        tx.update("vonk_ideas", idea_id, {"initiative_id": iid}, expected_version,
                  village_id=i["village_id"])
        return iid


# --- what a funder may see --------------------------------------------------------------------

def funder_counts(db: Db, user: User) -> dict:
    """Counts only, no titles or names: contests, ideas, ideas the jury kept, votes cast in De
    Vonk rounds, ideas taken on (became an initiative or got aftercare)."""
    require(user, "view_funder")
    row = db.one("""SELECT
            (SELECT count(*) FROM vonk_contests) AS contests,
            (SELECT count(*) FROM vonk_ideas) AS ideas,
            (SELECT count(*) FROM vonk_ideas WHERE jury_kept) AS kept,
            (SELECT count(*) FROM vonk_ideas WHERE initiative_id IS NOT NULL
                 OR aftercare IS NOT NULL) AS taken_on,
            (SELECT count(*) FROM ballot_codes c JOIN ballot_rounds r ON r.id = c.round_id
                 WHERE c.used AND r.kind = 'vonk') AS votes""")
    return {k: int(v or 0) for k, v in row.items()}
