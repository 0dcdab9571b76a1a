"""Personal data: the audit of reads, and the rights of a person (export, erase).

- `log_read`: pages call it whenever they show a pilot's people (names, contact details) or
  free-text notes; the read log says who opened which pilot's people or notes, and when.
  Leads read it (`read_log`). No code path of the app updates or deletes read_log or
  audit_log rows, with one exception the law asks for: erasing a person replaces their name
  inside old audit entries too (the entries themselves stay).
- `find_person` / `export_person`: everything held about one person (every record that
  mentions the name, and the audit entries about those records), for a lead.
- `erase_person`: the name replaced in all records (and their e-mail address removed), the
  audit kept without the name.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd

from dorp.access import AccessDenied, User, can, require
from dorp.db import EDITABLE, Db
from dorp.errors import Invalid

# What a page showed (read_log.what).
PEOPLE = "people"          # names / contact details of people of a pilot
NOTES = "notes"            # free-text notes (meetings, assessments, scores, plans)
EXPORT = "export"          # an export holding people or notes

READ_KINDS = (PEOPLE, NOTES, EXPORT, "person_export")
DEDUPE = timedelta(minutes=5)   # the same read by the same user is logged once per 5 minutes
ERASED = "[persoon verwijderd]"
MIN_NAME = 3

# Tables searched for a person (not accounts: those are managed on the accounts page).
PERSON_TABLES = sorted((EDITABLE - {"users", "programme"}) | {"step_moves", "initiative_phases"})


def _now() -> datetime:
    return datetime.now()


# --- the audit of reads ----------------------------------------------------------------------

def log_read(db: Db, user: User, what: str, village_id: int | None,
             now: datetime | None = None) -> None:
    """Record that `user` was shown `what` (PEOPLE / NOTES / EXPORT) of one village's pilot
    (None: of all pilots, lead only). Refuses (AccessDenied) a user who may not see it."""
    if what not in READ_KINDS:
        raise ValueError(f"unknown read kind {what!r}")
    if village_id is None:
        require(user, "view_programme")
    elif not can(user, "view_village", village_id):
        raise AccessDenied()
    now = now or _now()
    recent = db.scalar(
        "SELECT count(*) FROM read_log WHERE username = ? AND what = ?"
        " AND village_id IS NOT DISTINCT FROM ? AND logged_at > ?",
        [user.username, what, village_id, now - DEDUPE])
    if recent:
        return
    with db.tx(user.username) as tx:
        tx.execute("INSERT INTO read_log (logged_at, username, what, village_id)"
                   " VALUES (?, ?, ?, ?)", [now, user.username, what, village_id])


def read_log(db: Db, user: User, limit: int = 2000) -> pd.DataFrame:
    """The newest reads of personal data: when, who, what, which village (leads)."""
    require(user, "view_audit")
    return db.df("""
        SELECT r.logged_at, r.username, r.what, v.name AS village
        FROM read_log r LEFT JOIN villages v ON v.id = r.village_id
        ORDER BY r.logged_at DESC, r.id DESC LIMIT ?""", [limit])


# --- finding, exporting and erasing one person ----------------------------------------------

def _text_columns(db: Db) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, column in db.store.text_columns():
        if table in PERSON_TABLES and column not in ("updated_by", "created_by"):
            out.setdefault(table, []).append(column)
    return out


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) < MIN_NAME:
        raise Invalid({"name": f"Geef de naam van de persoon (minstens {MIN_NAME} tekens)."})
    return name


def _jsonable(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


def _ascii_key(name: str) -> str:
    """The longest ASCII run of the lower-cased name: JSON text keeps it literally (only
    other characters become \\u escapes), so SQL can pre-filter audit rows with it."""
    runs = re.findall(r"[\x20-\x7e]+", name.lower())
    return max(runs, key=len).strip() if runs else ""


def _mentions(value, name: str) -> bool:
    if isinstance(value, str):
        return name.lower() in value.lower()
    if isinstance(value, dict):
        return any(_mentions(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, name) for v in value)
    return False


def _scrub(value, name: str):
    if isinstance(value, str):
        return _replace(value, name, ERASED)
    if isinstance(value, dict):
        return {k: _scrub(v, name) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, name) for v in value]
    return value


def _audit_rows(run, name: str) -> list[dict]:
    """Audit entries whose before/after mention the name (decoded, case-insensitive)."""
    cur = run("SELECT id, logged_at, username, action, table_name, record_id, village_id,"
              " CAST(before AS VARCHAR), CAST(after AS VARCHAR) FROM audit_log WHERE strpos(lower("
              "coalesce(CAST(before AS VARCHAR), '') || ' ' || coalesce(CAST(after AS VARCHAR),"
              " '')), ?) > 0"
              " ORDER BY id", [_ascii_key(name)])
    out = []
    for row in cur.fetchall():
        rec = dict(zip(["id", "logged_at", "username", "action", "table_name", "record_id",
                        "village_id", "before", "after"], row))
        before = json.loads(rec["before"]) if rec["before"] else None
        after = json.loads(rec["after"]) if rec["after"] else None
        if _mentions(before, name) or _mentions(after, name):
            rec.update(before=before, after=after)
            out.append({k: _jsonable(v) for k, v in rec.items()})
    return out


def find_person(db: Db, user: User, name: str) -> dict[str, list[dict]]:
    """{table: [records]} of every record mentioning the name (case-insensitive)."""
    require(user, "view_programme")
    name = _check_name(name)
    out: dict[str, list[dict]] = {}
    for table, cols in _text_columns(db).items():
        where = " OR ".join(f"strpos(lower({c}), lower(?)) > 0" for c in cols)
        rows = db.rows(f"SELECT * FROM {table} WHERE {where} ORDER BY id", [name] * len(cols))
        if rows:
            out[table] = [{k: _jsonable(v) for k, v in r.items()} for r in rows]
    return out


def export_person(db: Db, user: User, name: str) -> bytes:
    """Everything held about one person, as JSON (records and the audit about them). The
    export itself is logged as a read."""
    require(user, "view_programme")
    name = _check_name(name)
    data = {
        "person": name,
        "exported_at": _now().isoformat(timespec="seconds"),
        "exported_by": user.username,
        "records": find_person(db, user, name),
        "audit": _audit_rows(lambda q, p: db.con.cursor().execute(q, p), name),
    }
    log_read(db, user, "person_export", None)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _replace(text, name: str, with_: str):
    if not isinstance(text, str):
        return text
    return re.sub(re.escape(name), with_, text, flags=re.IGNORECASE)


def erase_person(db: Db, user: User, name: str, confirm: str) -> int:
    """Replace the person's name by ERASED in every record (and clear the e-mail address of
    a steering member with that name); old audit entries keep their place but lose the
    name. `confirm` must repeat the name. Returns the number of records changed."""
    require(user, "view_programme")
    name = _check_name(name)
    if (confirm or "").strip().lower() != name.lower():
        raise Invalid({"confirm": "Typ de naam nog een keer ter bevestiging."})
    found = find_person(db, user, name)
    emails = sorted({r["email"] for r in found.get("steering_members", []) if r.get("email")})
    changed = 0
    with db.tx(user.username) as tx:
        for table, records in found.items():
            for rec in records:
                values = {c: _replace(rec[c], name, ERASED) for c in rec
                          if isinstance(rec[c], str) and _replace(rec[c], name, ERASED) != rec[c]
                          and c not in ("updated_by", "created_by")}
                if table == "steering_members" and rec.get("email"):
                    values["email"] = None
                if not values:
                    continue
                if table in EDITABLE:
                    tx.update(table, rec["id"], values, None, village_id=rec.get("village_id"))
                else:  # append-only history (step_moves): the name goes, the row stays
                    sets = ", ".join(f"{c} = ?" for c in values)
                    tx.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                               [*values.values(), rec["id"]])
                changed += 1
        # The audit keeps every entry (also the ones just written) but without the name
        # and without the e-mail addresses that went with it.
        for term in [name, *emails]:
            for rec in _audit_rows(tx.execute, term):
                tx.execute(
                    "UPDATE audit_log SET before = ?, after = ? WHERE id = ?",
                    [None if rec["before"] is None else json.dumps(_scrub(rec["before"], term)),
                     None if rec["after"] is None else json.dumps(_scrub(rec["after"], term)),
                     rec["id"]])
        tx.log("erase_person", None, None, after={"records": changed})
    return changed
