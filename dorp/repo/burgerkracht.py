"""The Burgerkrachtgenerator of each village: its five steps as records (ch. 4, "Methodiek: De
Burgerkrachtgenerator"), read and written with the user's access checked here.

- the lead ("edit_village") records everything: lead group, themes, the village meeting and
  its subgroups, working groups, their willingness/ability, status and modes;
- a steering member may, for their own village ("record_burgerkracht"), record group
  conversations and contacts with working groups (DOMAIN.md: the steering group runs it);
- reads need "view_village" for that village; `facts_by_village` (no personal data: counts,
  and the groups' themes and statuses) serves the overview, the status JSON and the alerts.
Writes validate first (Invalid with Dutch messages per field), then write in one
transaction through Tx.insert/update (audited and versioned). Portable SQL only (`?`
parameters; DuckDB and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dorp import burgerkracht as bk
from dorp.access import AccessDenied, User, require
from dorp.db import Db
from dorp.errors import Invalid
from dorp.method import MODES, ROLES, SCORES
from dorp.repo.cache import memo
from dorp.repo.lines import as_dates
from dorp.repo.scope import village_filter

TEXT_MAX = 4000   # a summary is short ("een korte samenvatting"); the rest is for notes


# --- validation helpers ----------------------------------------------------------------------

def _text(v) -> str | None:
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def _date(p: dict, field: str, d, today: date, what: str, required: bool = True) -> None:
    if d is None:
        if required:
            p[field] = f"Vul {what} in."
    elif not isinstance(d, date):
        p[field] = f"{what[0].upper() + what[1:]} is geen geldige datum."
    elif d > today:
        p[field] = f"{what[0].upper() + what[1:]} ligt in de toekomst ({d:%d-%m-%Y}); dat kan niet."


def _score(p: dict, field: str, v, what: str) -> None:
    if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v not in SCORES):
        p[field] = f"De score voor {what} moet een heel getal van 1 tot en met 5 zijn."


def _long(p: dict, field: str, v, what: str) -> None:
    if v is not None and len(str(v)) > TEXT_MAX:
        p[field] = f"{what} is te lang (hoogstens {TEXT_MAX} tekens)."


def _raise(p: dict) -> None:
    if p:
        raise Invalid(p)


def _pilot(db: Db, village_id: int) -> None:
    if not db.scalar("SELECT count(*) FROM pilots WHERE village_id = ?", [village_id]):
        raise Invalid({"village": "Dit dorp heeft (nog) geen pilot."})


def _village_of(db: Db, table: str, record_id: int) -> int:
    assert table in {"bkg_lead_group", "working_groups", "working_group_modes",
                     "working_group_contacts", "bkg_themes"}
    vid = db.scalar(f"SELECT village_id FROM {table} WHERE id = ?", [record_id])
    if vid is None:
        raise Invalid({"record": "Dit gegeven bestaat niet (meer); laad de pagina opnieuw."})
    return vid


def _known_names(db: Db, village_id: int) -> list[str]:
    """Names of the people the pilot knows (lead group and steering group): they may not
    appear in themes, summaries or group names, which are shown to the whole village."""
    return [r["name"] for r in db.rows(
        "SELECT name FROM bkg_lead_group WHERE village_id = ?"
        " UNION SELECT name FROM steering_members WHERE village_id = ?",
        [village_id, village_id]) if r["name"]]


# --- the whole programme: facts per village (no personal data) -----------------------------------

def _scope(user: User) -> tuple[str, list]:
    if user.role not in ROLES:
        raise AccessDenied()
    return village_filter(user, "p.village_id") if user.role != "funder" else ("", [])


@memo  # recomputed after any write (dorp/repo/cache.py)
def facts_by_village(db: Db, user: User, today: date) -> dict[int, bk.Facts]:
    """village id -> the instrument's facts as of `today`, for every pilot the user may see
    that uses it. Counts and the working groups (theme, status, willingness, ability, last
    contact, modes in use): no names of people, no notes. Funders see all pilots here, as
    with pilots.facts."""
    scope, params = _scope(user)

    def q(sql: str) -> list[dict]:
        return db.rows(sql.replace("{scope}", scope), [today, *params])

    lead = q("""SELECT l.village_id, l.role, count(*) AS n, max(l.joined_on) AS last
                FROM bkg_lead_group l JOIN pilots p ON p.village_id = l.village_id
                WHERE (l.joined_on IS NULL OR l.joined_on <= ?) {scope}
                GROUP BY l.village_id, l.role ORDER BY l.village_id, l.role""")
    conv = q("""SELECT c.village_id, count(*) AS n, sum(c.participants) AS heard,
                       max(c.held_on) AS last
                FROM bkg_conversations c JOIN pilots p ON p.village_id = c.village_id
                WHERE c.held_on <= ? {scope} GROUP BY c.village_id""")
    themes = q("""SELECT t.village_id, count(*) AS n, max(t.found_on) AS last
                  FROM bkg_themes t JOIN pilots p ON p.village_id = t.village_id
                  WHERE (t.found_on IS NULL OR t.found_on <= ?) {scope} GROUP BY t.village_id""")
    meet = q("""SELECT m.village_id, count(*) AS n, max(m.held_on) AS last
                FROM bkg_village_meetings m JOIN pilots p ON p.village_id = m.village_id
                WHERE m.held_on <= ? {scope} GROUP BY m.village_id""")
    groups = db.rows("""
        WITH d AS (SELECT CAST(? AS DATE) AS today),
        contact AS (
            SELECT c.group_id, max(c.contact_on) AS last_contact
            FROM working_group_contacts c CROSS JOIN d WHERE c.contact_on <= d.today
            GROUP BY c.group_id),
        used AS (
            SELECT m.group_id, string_agg(DISTINCT m.mode, ',' ORDER BY m.mode) AS modes,
                   max(m.started_on) AS last
            FROM working_group_modes m CROSS JOIN d
            WHERE m.started_on <= d.today AND (m.ended_on IS NULL OR m.ended_on > d.today)
            GROUP BY m.group_id)
        SELECT g.id, g.village_id, g.name, t.theme, g.status, g.started_on, g.willingness,
               g.ability, g.plan_presented_on, contact.last_contact, used.modes, used.last
        FROM working_groups g
        JOIN pilots p ON p.village_id = g.village_id
        JOIN bkg_themes t ON t.id = g.theme_id
        CROSS JOIN d
        LEFT JOIN contact ON contact.group_id = g.id
        LEFT JOIN used ON used.group_id = g.id
        WHERE g.started_on <= d.today {scope}
        ORDER BY g.village_id, g.started_on, g.name, g.id""".replace("{scope}", scope),
        [today, *params])

    acc: dict[int, dict] = {}

    def entry(vid: int) -> dict:
        return acc.setdefault(vid, {"roles": [], "conversations": 0, "heard": 0, "themes": 0,
                                    "meetings": 0, "groups": [], "last": []})

    for r in lead:
        e = entry(r["village_id"])
        e["roles"] += [r["role"]] * int(r["n"])
        e["last"].append(r["last"])
    for r in conv:
        e = entry(r["village_id"])
        e["conversations"], e["heard"] = int(r["n"]), int(r["heard"] or 0)
        e["last"].append(r["last"])
    for r in themes:
        e = entry(r["village_id"])
        e["themes"] = int(r["n"])
        e["last"].append(r["last"])
    for r in meet:
        e = entry(r["village_id"])
        e["meetings"] = int(r["n"])
        e["last"].append(r["last"])
    for r in groups:
        e = entry(r["village_id"])
        e["groups"].append(bk.Group(
            id=int(r["id"]), name=r["name"], theme=r["theme"], status=r["status"],
            started_on=r["started_on"], willingness=r["willingness"], ability=r["ability"],
            plan_presented_on=r["plan_presented_on"], last_contact=r["last_contact"],
            modes=tuple(r["modes"].split(",")) if r["modes"] else ()))
        e["last"] += [r["started_on"], r["last_contact"], r["last"]]
    out = {}
    for vid, e in acc.items():
        dates = [d for d in e["last"] if d is not None and d <= today]
        out[vid] = bk.Facts(lead_roles=tuple(e["roles"]), conversations=e["conversations"],
                            residents_heard=e["heard"], themes=e["themes"],
                            meetings=e["meetings"], groups=tuple(e["groups"]),
                            last_activity=max(dates) if dates else None)
    return out


# --- one village: reads ----------------------------------------------------------------------------

@dataclass
class Village:
    """Everything of one village's instrument, for its tab and its dashboard."""

    village_id: int
    facts: bk.Facts
    lead_group: pd.DataFrame      # id, name, role, joined_on, version
    conversations: pd.DataFrame   # id, seq, held_on, participants, question, summary, led_by, version
    themes: pd.DataFrame          # id, theme, found_on, sources (e.g. "1, 3"), volunteers, version
    meetings: pd.DataFrame        # id, held_on, attendees, themes_recognised, additions, version
    subgroups: pd.DataFrame       # meeting_id, held_on, theme_id, theme, volunteers
    groups: pd.DataFrame          # id, name, theme_id, theme, started_on, plan_presented_on,
    #                               willingness, ability, status, version, last_contact,
    #                               contacts, modes (in use, "a,b"), advised, quiet_days
    modes: pd.DataFrame           # id, group_id, group_name, mode, started_on, ended_on, reason, version
    contacts: pd.DataFrame        # id, group_id, group_name, contact_on, kind, note, version


def lead_group(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("SELECT id, name, role, joined_on, version FROM bkg_lead_group"
                          " WHERE village_id = ? ORDER BY joined_on NULLS LAST, name, id",
                          [village_id]), "joined_on")


def conversations(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("SELECT id, seq, held_on, participants, question, summary, led_by,"
                          " version FROM bkg_conversations WHERE village_id = ? ORDER BY seq",
                          [village_id]), "held_on")


def themes(db: Db, user: User, village_id: int) -> pd.DataFrame:
    """The themes of the analysis with the numbers of the conversations they came from and
    the volunteers who signed up for them at village meetings."""
    require(user, "view_village", village_id)
    return as_dates(db.df("""
        SELECT t.id, t.theme, t.found_on, t.version,
               (SELECT string_agg(CAST(c.seq AS VARCHAR), ', ' ORDER BY c.seq)
                FROM bkg_theme_sources s JOIN bkg_conversations c ON c.id = s.conversation_id
                WHERE s.theme_id = t.id) AS sources,
               (SELECT sum(g.volunteers) FROM bkg_subgroups g WHERE g.theme_id = t.id)
                   AS volunteers
        FROM bkg_themes t WHERE t.village_id = ? ORDER BY t.found_on NULLS LAST, t.theme, t.id""",
        [village_id]), "found_on")


def village_meetings(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("SELECT id, held_on, attendees, themes_recognised, additions, version"
                          " FROM bkg_village_meetings WHERE village_id = ? ORDER BY held_on, id",
                          [village_id]), "held_on")


def subgroups(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("""
        SELECT s.id, s.meeting_id, m.held_on, s.theme_id, t.theme, s.volunteers, s.version
        FROM bkg_subgroups s JOIN bkg_village_meetings m ON m.id = s.meeting_id
        JOIN bkg_themes t ON t.id = s.theme_id
        WHERE s.village_id = ? ORDER BY m.held_on, t.theme""", [village_id]), "held_on")


def groups(db: Db, user: User, village_id: int, today: date) -> pd.DataFrame:
    """The working groups with their last contact (on or before today), how many contacts,
    the modes in use today, the advised mode and how many days the group is quiet."""
    require(user, "view_village", village_id)
    df = as_dates(db.df("""
        SELECT g.id, g.name, g.theme_id, t.theme, g.started_on, g.plan_presented_on,
               g.willingness, g.ability, g.status, g.version,
               (SELECT max(c.contact_on) FROM working_group_contacts c
                WHERE c.group_id = g.id AND c.contact_on <= ?) AS last_contact,
               (SELECT count(*) FROM working_group_contacts c WHERE c.group_id = g.id)
                   AS contacts,
               (SELECT string_agg(DISTINCT m.mode, ',' ORDER BY m.mode)
                FROM working_group_modes m WHERE m.group_id = g.id AND m.started_on <= ?
                  AND (m.ended_on IS NULL OR m.ended_on > ?)) AS modes
        FROM working_groups g JOIN bkg_themes t ON t.id = g.theme_id
        WHERE g.village_id = ? ORDER BY g.started_on, g.name, g.id""",
        [today, today, today, village_id]), "started_on", "plan_presented_on", "last_contact")
    for c in ("willingness", "ability"):
        df[c] = pd.Series([None if pd.isna(x) else int(x) for x in df[c]], index=df.index,
                          dtype=object)
    df["advised"] = [bk.group_advised_mode(w, a) for w, a in zip(df["willingness"], df["ability"])]
    df["quiet_days"] = [
        bk.Group(name=n, theme=t, status=s, started_on=st, last_contact=lc).days_quiet(today)
        if s == "active" and st <= today else None
        for n, t, s, st, lc in zip(df["name"], df["theme"], df["status"], df["started_on"],
                                   df["last_contact"])]
    df["quiet"] = [bool(d is not None and d > bk.QUIET_DAYS) for d in df["quiet_days"]]
    return df


def group_modes(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("""
        SELECT m.id, m.group_id, g.name AS group_name, m.mode, m.started_on, m.ended_on,
               m.reason, m.version
        FROM working_group_modes m JOIN working_groups g ON g.id = m.group_id
        WHERE m.village_id = ? ORDER BY m.started_on, g.name, m.id""", [village_id]),
        "started_on", "ended_on")


def contacts(db: Db, user: User, village_id: int) -> pd.DataFrame:
    require(user, "view_village", village_id)
    return as_dates(db.df("""
        SELECT c.id, c.group_id, g.name AS group_name, c.contact_on, c.kind, c.note, c.version
        FROM working_group_contacts c JOIN working_groups g ON g.id = c.group_id
        WHERE c.village_id = ? ORDER BY c.contact_on DESC, c.id DESC""", [village_id]),
        "contact_on")


def village(db: Db, user: User, village_id: int, today: date) -> Village:
    """The instrument of one village (its tab on the pilot page, its dashboard section)."""
    require(user, "view_village", village_id)
    one = User(user.username, "steering", frozenset({village_id}), user.id)
    facts = facts_by_village(db, one, today).get(village_id) or bk.Facts()
    return Village(
        village_id=village_id, facts=facts,
        lead_group=lead_group(db, user, village_id),
        conversations=conversations(db, user, village_id),
        themes=themes(db, user, village_id),
        meetings=village_meetings(db, user, village_id),
        subgroups=subgroups(db, user, village_id),
        groups=groups(db, user, village_id, today),
        modes=group_modes(db, user, village_id),
        contacts=contacts(db, user, village_id),
    )


# --- one village: writes -----------------------------------------------------------------------------

def add_lead_member(db: Db, user: User, village_id: int, name: str, role: str,
                    joined_on: date | None, today: date) -> int:
    """Stap 1, "Formeren kopgroep": "Deze kopgroep bestaat uit burgers, een adviseur van
    Spectrum en, indien gewenst, een welzijnsprofessional en / of gemeenteambtenaar." """
    require(user, "edit_village", village_id)
    _pilot(db, village_id)
    p: dict[str, str] = {}
    name = _text(name)
    if not name:
        p["name"] = "Vul de naam van het kopgroeplid in."
    elif db.scalar("SELECT count(*) FROM bkg_lead_group WHERE village_id = ?"
                   " AND lower(name) = lower(?)", [village_id, name]):
        p["name"] = f"{name} zit al in de kopgroep."
    if role not in bk.LEAD_ROLES:
        p["role"] = ("Kies de rol: bewoner, adviseur (Spectrum), welzijnsprofessional of "
                     "gemeenteambtenaar.")
    _date(p, "joined_on", joined_on, today, "de datum waarop het lid aansloot", required=False)
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("bkg_lead_group", {"village_id": village_id, "name": name,
                                            "role": role, "joined_on": joined_on},
                         village_id=village_id)


def remove_lead_member(db: Db, user: User, member_id: int, expected_version: int | None) -> None:
    """A member leaves the lead group (a record entered by mistake, or someone who stops)."""
    village_id = _village_of(db, "bkg_lead_group", member_id)
    require(user, "edit_village", village_id)
    with db.tx(user.username) as tx:
        tx.delete("bkg_lead_group", member_id, expected_version, village_id=village_id)


def add_conversation(db: Db, user: User, village_id: int, held_on: date, participants: int,
                     question: str | None, summary: str | None, led_by: str | None,
                     today: date) -> int:
    """Stap 2, "Kleinschalige en vraaggestuurde groepsgesprekken": one central question
    (default the source's own), "minimaal 4 en maximaal 7 bewoners", a short summary without
    names (it feeds the analysis shown to the whole village) and who led it. Numbered per
    village so themes can name the conversations they came from."""
    require(user, "record_burgerkracht", village_id)
    _pilot(db, village_id)
    p: dict[str, str] = {}
    _date(p, "held_on", held_on, today, "de datum van het gesprek")
    problem = bk.participants_problem(participants)
    if problem:
        p["participants"] = problem
    summary = _text(summary)
    _long(p, "summary", summary, "De samenvatting")
    named = bk.name_problem(summary, _known_names(db, village_id), "de samenvatting")
    if named:
        p["summary"] = named
    _raise(p)
    with db.tx(user.username) as tx:
        seq = (tx.execute("SELECT max(seq) FROM bkg_conversations WHERE village_id = ?",
                          [village_id]).fetchone()[0] or 0) + 1
        return tx.insert("bkg_conversations", {
            "village_id": village_id, "seq": seq, "held_on": held_on,
            "participants": participants, "question": _text(question) or bk.CENTRAL_QUESTION,
            "summary": summary, "led_by": _text(led_by)}, village_id=village_id)


def add_theme(db: Db, user: User, village_id: int, theme: str, found_on: date | None,
              conversation_ids: list[int], today: date) -> int:
    """Stap 3, "Analyse": "een aantal centrale thema's of onderwerpen" from the stories of the
    conversations, each linked to the conversations it came from. Shown anonymised to the
    whole village (stap 4), so a theme naming a known resident is refused."""
    require(user, "edit_village", village_id)
    _pilot(db, village_id)
    p: dict[str, str] = {}
    theme = _text(theme)
    own = {r["id"] for r in db.rows("SELECT id FROM bkg_conversations WHERE village_id = ?",
                                    [village_id])}
    ids = [int(i) for i in (conversation_ids or [])]
    if not theme:
        p["theme"] = "Beschrijf het thema in een paar woorden."
    elif db.scalar("SELECT count(*) FROM bkg_themes WHERE village_id = ? AND lower(theme) = lower(?)",
                   [village_id, theme]):
        p["theme"] = "Dit thema is al vastgelegd."
    else:
        _long(p, "theme", theme, "Het thema")
        named = bk.name_problem(theme, _known_names(db, village_id), "het thema")
        if named:
            p["theme"] = named
    _date(p, "found_on", found_on, today, "de datum van de analyse", required=False)
    if any(i not in own for i in ids):
        p["conversations"] = "Kies alleen gesprekken van dit dorp."
    elif own and not ids:
        p["conversations"] = ("Kies uit welke groepsgesprekken dit thema naar voren kwam: de "
                              "analyse haalt de thema's uit de verhalen van de gesprekken.")
    _raise(p)
    with db.tx(user.username) as tx:
        theme_id = tx.insert("bkg_themes", {"village_id": village_id, "theme": theme,
                                            "found_on": found_on}, village_id=village_id)
        for cid in sorted(set(ids)):
            tx.insert("bkg_theme_sources", {"village_id": village_id, "theme_id": theme_id,
                                            "conversation_id": cid}, village_id=village_id)
        return theme_id


def add_village_meeting(db: Db, user: User, village_id: int, held_on: date,
                        attendees: int | None, themes_recognised: bool | None,
                        additions: str | None, volunteers: dict[int, int | None],
                        today: date) -> int:
    """Stap 4, "Dorps- /wijkbrede bijeenkomst": the themes presented anonymised; "Voor de pauze
    vragen we expliciet of de aanwezigen zich herkennen in de analyse en of ze nog aanvullingen
    hebben. Na de pauze gaan de aanwezigen in subgroepjes aan de slag met één van de
    onderwerpen van hun voorkeur ... En willen ze meehelpen dit idee te realiseren?"
    `volunteers`: theme id -> how many want to help (0 or empty: no subgroup)."""
    require(user, "edit_village", village_id)
    _pilot(db, village_id)
    p: dict[str, str] = {}
    _date(p, "held_on", held_on, today, "de datum van de bijeenkomst")
    if attendees is None:
        p["attendees"] = "Vul in hoeveel bewoners er waren."
    elif isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
        p["attendees"] = "Het aantal aanwezigen moet een heel getal van 1 of meer zijn."
    if themes_recognised is None:
        p["themes_recognised"] = ("Geef aan of de aanwezigen zich herkenden in de analyse (de "
                                  "vraag die de methode vóór de pauze stelt).")
    own = {r["id"] for r in db.rows("SELECT id FROM bkg_themes WHERE village_id = ?", [village_id])}
    if not own:
        p["themes"] = ("Leg eerst de thema's uit de analyse vast: die worden op de "
                       "bijeenkomst geanonimiseerd gepresenteerd.")
    chosen = {}
    for tid, n in (volunteers or {}).items():
        if n is None or n == 0:
            continue
        if int(tid) not in own:
            p["themes"] = "Kies alleen thema's van dit dorp."
        elif isinstance(n, bool) or not isinstance(n, int) or n < 0:
            p[f"volunteers_{tid}"] = "Het aantal vrijwilligers moet een heel getal van 0 of meer zijn."
        else:
            chosen[int(tid)] = n
    if not p and attendees is not None and sum(chosen.values()) > attendees:
        p["attendees"] = ("Er meldden zich meer vrijwilligers dan er aanwezigen waren; "
                          "controleer de aantallen.")
    _raise(p)
    with db.tx(user.username) as tx:
        mid = tx.insert("bkg_village_meetings", {
            "village_id": village_id, "held_on": held_on, "attendees": attendees,
            "themes_recognised": bool(themes_recognised), "additions": _text(additions)},
            village_id=village_id)
        for tid, n in sorted(chosen.items()):
            tx.insert("bkg_subgroups", {"village_id": village_id, "meeting_id": mid,
                                        "theme_id": tid, "volunteers": n}, village_id=village_id)
        return mid


def _group_checks(p: dict, started_on, plan_presented_on, willingness, ability, status,
                  today: date) -> None:
    _score(p, "willingness", willingness, "bereidheid")
    _score(p, "ability", ability, "bekwaamheid")
    if status not in bk.GROUP_STATUSES:
        p["status"] = "Kies de stand van de werkgroep: actief, klaar of gestopt."
    _date(p, "plan_presented_on", plan_presented_on, today,
          "de datum waarop het plan van aanpak is gepresenteerd", required=False)
    if ("plan_presented_on" not in p and isinstance(plan_presented_on, date)
            and isinstance(started_on, date) and plan_presented_on < started_on):
        p["plan_presented_on"] = "Het plan van aanpak kan niet vóór de start van de werkgroep zijn gepresenteerd."


def add_group(db: Db, user: User, village_id: int, theme_id: int | None, name: str,
              started_on: date, willingness: int | None, ability: int | None,
              today: date) -> int:
    """Stap 5, "Werkgroepen en terugkombijeenkomsten": "de mensen die hebben aangegeven mee te
    willen helpen het idee te realiseren [gaan] zelf aan de slag in subgroepjes", one per
    theme, each with its own willingness and ability (so its own advised mode)."""
    require(user, "edit_village", village_id)
    _pilot(db, village_id)
    p: dict[str, str] = {}
    name = _text(name)
    theme_ok = theme_id is not None and db.scalar(
        "SELECT count(*) FROM bkg_themes WHERE id = ? AND village_id = ?", [theme_id, village_id])
    if not theme_ok:
        p["theme"] = ("Kies het thema van de werkgroep (leg eerst de thema's uit de analyse vast)."
                      if theme_id is None else "Kies een thema van dit dorp.")
    if not name:
        p["name"] = "Geef de werkgroep een naam."
    elif db.scalar("SELECT count(*) FROM working_groups WHERE village_id = ? AND lower(name) = lower(?)",
                   [village_id, name]):
        p["name"] = "Er is al een werkgroep met deze naam."
    else:
        named = bk.name_problem(name, _known_names(db, village_id), "de naam van de werkgroep")
        if named:
            p["name"] = named
    _date(p, "started_on", started_on, today, "de startdatum van de werkgroep")
    _group_checks(p, started_on, None, willingness, ability, "active", today)
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("working_groups", {
            "village_id": village_id, "theme_id": theme_id, "name": name,
            "started_on": started_on, "willingness": willingness, "ability": ability,
            "status": "active"}, village_id=village_id)


def update_group(db: Db, user: User, group_id: int, status: str, willingness: int | None,
                 ability: int | None, plan_presented_on: date | None,
                 expected_version: int | None, today: date) -> int:
    """The group's stand: active / done / stopped, its own willingness and ability (ch. 4.3:
    "Bereidheid en bekwaamheid is er altijd in meer of mindere mate", so they change), and the
    day its plan of approach was presented at a return meeting ("De werkgroepen presenteren de
    plannen van aanpak aan elkaar")."""
    village_id = _village_of(db, "working_groups", group_id)
    require(user, "edit_village", village_id)
    started = db.scalar("SELECT started_on FROM working_groups WHERE id = ?", [group_id])
    p: dict[str, str] = {}
    _group_checks(p, started, plan_presented_on, willingness, ability, status, today)
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("working_groups", group_id, {
            "status": status, "willingness": willingness, "ability": ability,
            "plan_presented_on": plan_presented_on}, expected_version, village_id=village_id)


def add_group_mode(db: Db, user: User, group_id: int, mode: str, started_on: date,
                   reason: str | None, today: date) -> int:
    """The working mode actually used for a group (ch. 4.2), several at once or one after the
    other (4.3: "situaties waar de vier werkwijzen bij voorkeur gelijktijdig (parallel) of na
    elkaar (serieel) worden ingezet"), each with its reason."""
    village_id = _village_of(db, "working_groups", group_id)
    require(user, "edit_village", village_id)
    started = db.scalar("SELECT started_on FROM working_groups WHERE id = ?", [group_id])
    p: dict[str, str] = {}
    if mode not in MODES:
        p["mode"] = "Kies een werkwijze."
    _date(p, "started_on", started_on, today, "de startdatum van de werkwijze")
    if "started_on" not in p and started_on < started:
        p["started_on"] = "De werkwijze kan niet vóór de start van de werkgroep beginnen."
    if not _text(reason):
        p["reason"] = "Geef aan waarom deze werkwijze bij deze werkgroep past."
    if mode in MODES and db.scalar("SELECT count(*) FROM working_group_modes WHERE group_id = ?"
                                   " AND mode = ? AND ended_on IS NULL", [group_id, mode]):
        p["mode"] = "Deze werkwijze is al in gebruik voor deze werkgroep; beëindig die eerst."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("working_group_modes", {
            "village_id": village_id, "group_id": group_id, "mode": mode,
            "started_on": started_on, "reason": _text(reason)}, village_id=village_id)


def end_group_mode(db: Db, user: User, mode_id: int, ended_on: date,
                   expected_version: int | None, today: date) -> int:
    village_id = _village_of(db, "working_group_modes", mode_id)
    require(user, "edit_village", village_id)
    started = db.scalar("SELECT started_on FROM working_group_modes WHERE id = ?", [mode_id])
    p: dict[str, str] = {}
    _date(p, "ended_on", ended_on, today, "de einddatum van de werkwijze")
    if "ended_on" not in p and ended_on < started:
        p["ended_on"] = "De einddatum ligt vóór de startdatum."
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.update("working_group_modes", mode_id, {"ended_on": ended_on},
                         expected_version, village_id=village_id)


def add_contact(db: Db, user: User, group_id: int, contact_on: date, kind: str,
                note: str | None, today: date) -> int:
    """A contact with a working group: "Ook bellen we zelf een keer met de diverse groepen om
    te vragen hoe het gaat", a return meeting ("terugkombijeenkomst"), or support asked "wanneer
    groepen vastlopen". Steering members may record these for their own village."""
    village_id = _village_of(db, "working_groups", group_id)
    require(user, "record_burgerkracht", village_id)
    started = db.scalar("SELECT started_on FROM working_groups WHERE id = ?", [group_id])
    p: dict[str, str] = {}
    _date(p, "contact_on", contact_on, today, "de datum van het contact")
    if "contact_on" not in p and contact_on < started:
        p["contact_on"] = "Het contact ligt vóór de start van de werkgroep."
    if kind not in bk.CONTACT_KINDS:
        p["kind"] = "Kies het soort contact: belronde, terugkombijeenkomst of ondersteuning."
    _long(p, "note", _text(note), "De notitie")
    _raise(p)
    with db.tx(user.username) as tx:
        return tx.insert("working_group_contacts", {
            "village_id": village_id, "group_id": group_id, "contact_on": contact_on,
            "kind": kind, "note": _text(note)}, village_id=village_id)
