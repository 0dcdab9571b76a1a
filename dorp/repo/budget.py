"""Budget lines and the texts a lead writes for the funder (issue 7).

A budget line belongs to the programme (village NULL) or to one pilot, has a category, a
source (province / municipality / other, INTERFACES.md `budget` sheet), the first day of its
period, and the amounts budgeted and spent. Leads edit them; every write is versioned and
audited through Tx. The funder reads them only as aggregates (dorp.repo.funder).

The pilot's `progress_text` and `lessons` are the funder's own fields: written for the
funder, never the internal notes. Because the report goes outside the programme, a text that
holds an e-mail address or the name of a steering group member of that village is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pandas as pd

from dorp.access import User, require
from dorp.db import Db
from dorp.errors import Invalid
from dorp.method import BUDGET_SOURCES

CAP_READ = "view_funder"
CAP_EDIT = "edit_budget"
MAX_AMOUNT = Decimal("999999999999.99")
MAX_TEXT = 3000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def lines(db: Db, user: User, village_id: int | None = None, programme_level: bool = False
          ) -> pd.DataFrame:
    """Budget lines (id, version, village_id, village, category, source, period, budgeted,
    spent): all, one pilot's (village_id), or the programme's own (programme_level)."""
    require(user, CAP_READ)
    where, params = "", []
    if programme_level:
        where = " WHERE b.village_id IS NULL"
    elif village_id is not None:
        where, params = " WHERE b.village_id = ?", [village_id]
    df = db.df(
        "SELECT b.id, b.version, b.village_id, v.name AS village, b.category, b.source,"
        " b.period, CAST(b.budgeted AS DOUBLE PRECISION) AS budgeted,"
        " CAST(b.spent AS DOUBLE PRECISION) AS spent"
        " FROM budget b LEFT JOIN villages v ON v.id = b.village_id" + where +
        " ORDER BY v.name NULLS FIRST, b.category, b.source, b.period, b.id", params)
    df["period"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in df["period"]]
    return df


def _amount(raw, field: str, problems: dict) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal(0)
    try:
        value = Decimal(str(raw).strip().replace("€", "").replace(" ", "")) if isinstance(raw, str) \
            else Decimal(str(raw))
    except InvalidOperation:
        problems[field] = "Vul een bedrag in euro's in, bijvoorbeeld 1250,50 (zonder punten)."
        return None
    if not value.is_finite() or value < 0:
        problems[field] = "Een bedrag kan niet negatief zijn."
        return None
    if value > MAX_AMOUNT:
        problems[field] = "Dit bedrag is te groot."
        return None
    return value.quantize(Decimal("0.01"))


def _parse_amount_text(raw):
    """Dutch input '1.250,50' -> '1250.50'; plain numbers pass unchanged."""
    if isinstance(raw, str):
        text = raw.strip().replace("€", "").replace(" ", "").replace("\xa0", "")
        if "," in text:
            return text.replace(".", "").replace(",", ".")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            return text.replace(".", "")
        return text
    return raw


def validate_line(db: Db, values: dict) -> dict:
    """Check one budget line; returns the normalised values or raises Invalid (Dutch)."""
    problems: dict[str, str] = {}
    category = (values.get("category") or "").strip()
    if not category:
        problems["category"] = "Geef de post een naam (bijvoorbeeld 'Uitvoering pilot')."
    elif len(category) > 120:
        problems["category"] = "De naam van de post is te lang (hoogstens 120 tekens)."
    source = values.get("source")
    if source not in BUDGET_SOURCES:
        problems["source"] = "Kies de bron: provincie, gemeente of overig."
    village_id = values.get("village_id")
    if village_id is not None and not db.scalar(
            "SELECT count(*) FROM pilots WHERE village_id = ?", [village_id]):
        problems["village_id"] = "Deze pilot bestaat niet (meer)."
    period = values.get("period")
    if isinstance(period, datetime):
        period = period.date()
    if period is not None and not isinstance(period, date):
        problems["period"] = "Vul een geldige datum in."
    budgeted = _amount(_parse_amount_text(values.get("budgeted")), "budgeted", problems)
    spent = _amount(_parse_amount_text(values.get("spent")), "spent", problems)
    if problems:
        raise Invalid(problems)
    return {"village_id": village_id, "category": category, "source": source,
            "period": period, "budgeted": budgeted, "spent": spent}


def add_line(db: Db, user: User, values: dict) -> int:
    require(user, CAP_EDIT)
    clean = validate_line(db, values)
    with db.tx(user.username) as tx:
        return tx.insert("budget", clean, village_id=clean["village_id"])


def update_line(db: Db, user: User, line_id: int, values: dict, expected_version: int) -> int:
    require(user, CAP_EDIT)
    clean = validate_line(db, values)
    with db.tx(user.username) as tx:
        return tx.update("budget", line_id, clean, expected_version, village_id=clean["village_id"])


def delete_line(db: Db, user: User, line_id: int, expected_version: int) -> None:
    require(user, CAP_EDIT)
    vid = db.scalar("SELECT village_id FROM budget WHERE id = ?", [line_id])
    with db.tx(user.username) as tx:
        tx.delete("budget", line_id, expected_version, village_id=vid)


# --- the funder's texts per pilot --------------------------------------------------------------

def texts(db: Db, user: User) -> pd.DataFrame:
    """Per pilot: village_id, village, progress_text, lessons, version (for editing)."""
    require(user, CAP_EDIT)
    return db.df("SELECT p.village_id, v.name AS village, p.progress_text, p.lessons, p.version"
                 " FROM pilots p JOIN villages v ON v.id = p.village_id ORDER BY v.name")


def _member_names(db: Db, village_id: int) -> list[str]:
    return [r["name"] for r in db.rows(
        "SELECT name FROM steering_members WHERE village_id = ? AND coalesce(trim(name), '') <> ''",
        [village_id])]


def validate_texts(db: Db, village_id: int, progress_text: str | None, lessons: str | None) -> dict:
    """The texts go to the funder and into a report: refuse e-mail addresses and names of
    the village's steering group members (the funder must not see personal data)."""
    problems: dict[str, str] = {}
    out = {}
    names = _member_names(db, village_id)
    for field, value in (("progress_text", progress_text), ("lessons", lessons)):
        text = (value or "").strip()
        if len(text) > MAX_TEXT:
            problems[field] = f"De tekst is te lang (hoogstens {MAX_TEXT} tekens)."
        elif _EMAIL.search(text):
            problems[field] = ("Deze tekst gaat naar de financier: haal het e-mailadres weg "
                               "(geen persoonsgegevens).")
        else:
            found = [n for n in names if n.lower() in text.lower()]
            if found:
                problems[field] = ("Deze tekst gaat naar de financier: noem geen namen van "
                                   f"personen ({', '.join(found)}).")
        out[field] = text or None
    if problems:
        raise Invalid(problems)
    return out


def save_texts(db: Db, user: User, village_id: int, progress_text: str | None,
               lessons: str | None, expected_version: int) -> int:
    """Save a pilot's progress text and lessons for the funder; returns the new version."""
    require(user, CAP_EDIT)
    pilot_id = db.scalar("SELECT id FROM pilots WHERE village_id = ?", [village_id])
    if pilot_id is None:
        raise Invalid({"village_id": "Deze pilot bestaat niet (meer)."})
    clean = validate_texts(db, village_id, progress_text, lessons)
    with db.tx(user.username) as tx:
        return tx.update("pilots", pilot_id, clean, expected_version, village_id=village_id)
