"""The exchange workbook (INTERFACES.md "Exchange workbook"): template, export, and an
import that checks everything before anything is written.

- Reading: openpyxl in read-only mode, every sheet into a DataFrame whose index is the Excel
  row number (so problems name the row the user sees).
- Checking: one pandera schema per sheet (types, allowed values, scores 1-5, dates, empty
  required cells, missing columns, duplicates, references to other sheets), run lazily so
  ALL problems are collected; each becomes a `Problem(sheet, row, column, Dutch message)`.
- Loading: dorp.repo.bulk.replace_all, one transaction (all-or-nothing), after an automatic
  backup when data is replaced.
- Writing: text cells that Excel could take for a formula (=, +, -, @, tab, CR) are written
  as text with Excel's "quote prefix", so Excel shows them and never evaluates them.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from dorp.store import db_errors
import pandas as pd
import pandera.pandas as pa
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dorp import bkg_sheets
from dorp.access import User, require
from dorp.db import Db
from dorp.errors import Refused
from dorp.sheets import (BY_NAME, COLUMNS, KEYS, PLAN_DATES, PLAN_SHEETS, SHEET_DOCS, SHEETS,
                         TEXT_MAX, Col)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024       # an uploaded file
MAX_UNPACKED_BYTES = 50 * 1024 * 1024    # what an .xlsx (a zip) may unpack to
EXPLAIN_SHEET = "uitleg"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
MIN_YEAR, MAX_YEAR = 1900, 2200

KIND_NL = {"text": "tekst", "int": "heel getal", "float": "getal", "money": "bedrag (euro)",
           "date": "datum (JJJJ-MM-DD)", "bool": "WAAR/ONWAAR (of ja/nee)"}


# --- problems ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def text(self) -> str:
        where = []
        if self.sheet:
            where.append(f"blad '{self.sheet}'")
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        return (", ".join(where).capitalize() + ": " if where else "") + self.message


class WorkbookRefused(Refused):
    """The workbook was refused; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(format_problems(problems))


def format_problems(problems: list[Problem]) -> str:
    n = len(problems)
    head = (f"Het werkboek is niet ingelezen: {n} probleem gevonden. Er is niets gewijzigd."
            if n == 1 else
            f"Het werkboek is niet ingelezen: {n} problemen gevonden. Er is niets gewijzigd.")
    return "\n".join([head, *(f"- {p.text()}" for p in problems)])


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table (sheet, row, column, message) for the app."""
    return pd.DataFrame(
        [{"sheet": p.sheet or "", "row": p.row, "column": p.column or "", "message": p.message}
         for p in problems], columns=["sheet", "row", "column", "message"],
    ).astype({"row": "Int64"})


# --- the file itself ---------------------------------------------------------------------------

def check_file(data: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES,
               max_unpacked: int | None = MAX_UNPACKED_BYTES) -> None:
    """Refuse files that are too big, unpack to too much, or are no real .xlsx workbook."""
    def refuse(msg: str):
        raise WorkbookRefused([Problem(None, None, None, msg)])

    if not data:
        refuse("Het bestand is leeg.")
    if max_bytes is not None and len(data) > max_bytes:
        refuse(f"Het bestand is te groot ({len(data) / 1024 / 1024:.1f} MB); "
               f"het mag hoogstens {max_bytes // 1024 // 1024} MB zijn.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, ValueError, OSError):
        refuse("Dit is geen Excel-werkboek (.xlsx). Sla het bestand in Excel op als "
               "'Excel-werkmap (*.xlsx)' en probeer het opnieuw.")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        refuse("Dit is geen Excel-werkboek (.xlsx): de onderdelen van een werkmap ontbreken.")
    unpacked = sum(i.file_size for i in infos)
    if max_unpacked is not None and unpacked > max_unpacked:
        refuse(f"Het werkboek is uitgepakt te groot ({unpacked / 1024 / 1024:.0f} MB); "
               f"hoogstens {max_unpacked // 1024 // 1024} MB is toegestaan.")


def _clean_header(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip().lower()
    return s or None


def read_raw(data: bytes) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every known sheet as an object DataFrame (index: Excel row number; only the known
    columns, each cell as openpyxl gives it, empty text as None)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        return {}, [Problem(None, None, None,
                            "Het werkboek kan niet worden gelezen; het is beschadigd of geen "
                            "Excel-werkmap (.xlsx).")]
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    try:
        by_lower = {}
        for ws in wb.worksheets:
            by_lower.setdefault(ws.title.strip().lower(), ws)
        for sheet in SHEETS:
            ws = by_lower.get(sheet.name)
            if ws is None:
                if sheet.promised:
                    problems.append(Problem(sheet.name, None, None,
                                            "Dit blad ontbreekt in het werkboek."))
                continue
            try:
                rows = ws.iter_rows(values_only=True)
                header = next(rows, None)
                if header is None:
                    problems.append(Problem(sheet.name, None, None,
                                            "Het blad is leeg: de eerste rij moet de "
                                            "kolomnamen bevatten."))
                    continue
                names = [_clean_header(v) for v in header]
                wanted = {}
                for i, n in enumerate(names):
                    if n in COLUMNS[sheet.name]:
                        if n in wanted:
                            problems.append(Problem(sheet.name, 1, n,
                                                    "Deze kolom staat er twee keer in."))
                        else:
                            wanted[n] = i
                cols = list(wanted)
                idx = list(wanted.values())
                records, rownums = [], []
                for r, values in enumerate(rows, start=2):
                    if not values:
                        continue
                    rec = [values[i] if i < len(values) else None for i in idx]
                    rec = [None if (isinstance(v, str) and not v.strip()) else v for v in rec]
                    if all(v is None for v in rec):
                        continue
                    records.append(rec)
                    rownums.append(r)
            except Exception:
                problems.append(Problem(sheet.name, None, None,
                                        "Dit blad kan niet worden gelezen (beschadigd)."))
                continue
            df = pd.DataFrame(records, columns=cols, index=pd.Index(rownums, dtype="int64"),
                              dtype=object)
            for c in cols:  # names are matched exactly: no surrounding spaces
                if c not in ("village", "municipality"):
                    continue
                s = df[c]
                is_str = s.map(type) == str
                if is_str.any():
                    df.loc[is_str, c] = s[is_str].str.strip()
            raw[sheet.name] = df
    finally:
        wb.close()
    return raw, problems


# --- parsing cells by kind (vectorised) ----------------------------------------------------------

_TRUE = {"true", "waar", "ja", "j", "yes", "y", "1", "x"}
_FALSE = {"false", "onwaar", "nee", "n", "no", "0"}


def parse_column(kind: str, s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(parsed values, mask of cells that hold something of the wrong type)."""
    s = s.astype(object)
    present = s.notna()
    types = s.map(type)
    is_str = types == str
    if kind != "text" and is_str.any():
        s = s.copy()
        s[is_str] = s[is_str].str.strip()
    is_bool = types == bool
    if kind == "text":
        out = s.copy()
        other = present & ~is_str
        if other.any():
            out[other] = s[other].map(_as_text)
        return out, pd.Series(False, index=s.index)
    if kind in ("int", "float", "money"):
        src = s.where(types.isin([int, float, str]), None)  # not bools, times, ...
        if kind != "int" and is_str.any():
            src = src.copy()
            src[is_str] = s[is_str].str.replace(",", ".", regex=False)
        num = pd.to_numeric(src, errors="coerce").astype("float64")
        ok = num.notna() & num.map(math.isfinite)
        if kind == "int":
            ok &= (num == num.round()) & (num.abs() < 2 ** 31)
            out = num.where(ok).astype("Int64")
        else:
            ok &= num.abs() < 1e12
            out = num.where(ok)
            if kind == "money":
                out = out.round(2)
        return out, present & ~ok
    if kind == "date":
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
        is_dt = types.isin([datetime, pd.Timestamp])
        is_d = types == date
        if is_dt.any():
            out[is_dt] = pd.to_datetime(s[is_dt].map(lambda v: v.date()), errors="coerce")
        if is_d.any():
            out[is_d] = pd.to_datetime(s[is_d], errors="coerce")
        if is_str.any():
            st = s[is_str]
            parsed = pd.to_datetime(st, format="%Y-%m-%d", errors="coerce")
            for fmt in ("%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"):
                miss = parsed.isna()
                if not miss.any():
                    break
                parsed[miss] = pd.to_datetime(st[miss], format=fmt, errors="coerce")
            out[is_str] = parsed.dt.normalize()
        is_num = types.isin([int, float]) & ~is_bool
        if is_num.any():  # an Excel serial date in a cell without date format
            n = pd.to_numeric(s[is_num], errors="coerce")
            n = n.where((n >= 1) & (n < 2958466) & (n == n.round()))
            out[is_num] = pd.to_datetime(n, unit="D", origin="1899-12-30", errors="coerce")
        year = out.dt.year
        out = out.where((year >= MIN_YEAR) & (year <= MAX_YEAR))
        return out, present & out.isna()
    if kind == "bool":
        def to_bool(v):
            if isinstance(v, bool):
                return v
            if isinstance(v, (int, float)) and v in (0, 1):
                return bool(v)
            if isinstance(v, str):
                low = v.strip().lower()
                if low in _TRUE:
                    return True
                if low in _FALSE:
                    return False
            return None
        out = s.map(to_bool, na_action="ignore").astype("boolean")
        return out, present & out.isna()
    raise ValueError(kind)


def _as_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return "WAAR" if v else "ONWAAR"
    return str(v)


def _val(v) -> str:
    """A cell value as shown in a message (short)."""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v:g}" if isinstance(v, float) else str(v)
    text = str(v)
    return repr(text[:40] + "…") if len(text) > 40 else repr(text)


def _choices_nl(col: Col) -> str:
    return ", ".join(str(c) for c in col.choices)


# --- validation with pandera -----------------------------------------------------------------------

def _message(code: str, col: Col | None, value) -> str:
    v = "" if value is None or (isinstance(value, float) and math.isnan(value)) else _val(value)
    if code == "not_nullable":
        return "Deze cel is leeg, maar moet ingevuld zijn."
    if code == "type" and col is not None:
        return f"{v} is geen {KIND_NL[col.kind]}."
    if code == "choices" and col is not None:
        return f"{v} is geen toegestane waarde; kies uit: {_choices_nl(col)}."
    if code == "range" and col is not None:
        if col.why:   # a rule of the method: say which and why
            return f"{v} kan niet: {col.why}"
        if col.lo is not None and col.hi is not None:
            return f"{v} ligt niet tussen {col.lo:g} en {col.hi:g}."
        if col.lo is not None:
            return f"{v} mag niet kleiner zijn dan {col.lo:g}."
        return f"{v} mag niet groter zijn dan {col.hi:g}."
    if code == "too_long":
        return f"De tekst is te lang (hoogstens {TEXT_MAX} tekens)."
    if code == "unknown_village":
        return f"Dorp {v} staat niet op het blad 'villages'."
    if code == "unknown_municipality":
        return (f"Gemeente {v} staat niet op het blad 'villages' of 'start_meetings'.")
    if code in bkg_sheets.CODES:
        return bkg_sheets.CODES[code][1]
    if code == "column_in_dataframe":
        return "Deze kolom ontbreekt (de eerste rij moet de kolomnamen bevatten)."
    if code.startswith("dup:"):
        cols = code[4:].replace(",", ", ")
        return f"Deze rij komt dubbel voor (zelfde {cols} als een andere rij)."
    if code == "one_row":
        return "Dit blad moet precies één rij hebben (het programma)."
    if code == "end_before_start":
        return "De einddatum ligt vóór de begindatum."
    if code == "unknown_pilot":
        return f"Dorp {v} heeft geen pilot (blad 'pilots'); een plan hoort bij een pilot."
    if code == "plan_order":
        return (f"{v} ligt vóór de geplande datum van een eerdere stap; de stappen volgen "
                "elkaar op.")
    if code == "plan_programme_dates":
        return ("Een rij zonder dorp geldt voor het hele programma: vul daar alleen de "
                "toelichting in, geen datums.")
    if code == "half_year":
        return (f"{v} is niet de eerste dag van een halfjaar; vul 1 januari of 1 juli in "
                "(bijv. 2026-07-01).")
    if code == "unknown_mbc":
        return ("Er is geen mBc van dit dorp op deze datum (blad 'mbc', kolommen village en "
                "assessed_on).")
    if code == "unknown_initiative":
        return ("Er is geen initiatief met deze naam in dit dorp (blad 'initiatives', kolommen "
                "village en name).")
    if code == "unknown_contest":
        return ("Er is geen De Vonk-wedstrijd met deze naam in dit dorp (blad 'vonk_contests', "
                "kolommen village en title).")
    if code == "unknown_meeting":
        return ("Er is geen stuurgroepoverleg van dit dorp op deze datum (blad "
                "'steering_meetings', kolommen village en date).")
    return f"Ongeldige waarde {v} ({code})."


def _key_tuples(df: pd.DataFrame, cols: Iterable[str]) -> pd.Series:
    cols = list(cols)
    return pd.Series(list(zip(*(df[c].astype(object).where(df[c].notna(), None) for c in cols))),
                     index=df.index, dtype=object)


def _check(fn, error: str) -> pa.Check:
    """A check of one column whose result covers every row of the sheet. ignore_na=False:
    otherwise pandera hands the check only the filled cells, the full-length result no
    longer lines up, and the problem is reported without its row (as "'False'")."""
    return pa.Check(fn, error=error, ignore_na=False)


def _schema(name: str, raw: pd.DataFrame, typed: pd.DataFrame, bad: dict[str, pd.Series],
            villages: set, municipalities: set, typed_all: dict[str, pd.DataFrame]
            ) -> pa.DataFrameSchema:
    sheet = BY_NAME[name]
    columns = {}
    for c, col in COLUMNS[name].items():
        checks = []
        if c in raw.columns:
            t = typed[c]
            checks.append(_check(lambda s, m=bad[c]: ~m, error="type"))
            if col.choices:
                checks.append(_check(lambda s, t=t, ch=col.choices: t.isna() | t.isin(ch),
                                       error="choices"))
            if col.lo is not None or col.hi is not None:
                lo = -math.inf if col.lo is None else col.lo
                hi = math.inf if col.hi is None else col.hi
                checks.append(_check(
                    lambda s, t=t, lo=lo, hi=hi: (t.isna() | ((t >= lo) & (t <= hi))).fillna(True)
                    .astype(bool), error="range"))
            if col.kind == "text":
                checks.append(_check(lambda s, t=t: t.isna() | (t.str.len() <= TEXT_MAX),
                                       error="too_long"))
            if c == "village" and name != "villages":
                checks.append(_check(lambda s, t=t: t.isna() | t.isin(villages),
                                       error="unknown_village"))
            if c == "municipality" and name in ("votes",):
                checks.append(_check(lambda s, t=t: t.isna() | t.isin(municipalities),
                                       error="unknown_municipality"))
            if name in PLAN_SHEETS:
                checks += _plan_checks(name, c, typed, typed_all, villages)
        columns[c] = pa.Column(None, nullable=not col.needed, required=c in sheet.required,
                               checks=checks)

    frame_checks = []
    present = set(raw.columns)
    key = KEYS.get(name)
    if key and set(key) <= present:
        frame_checks.append(pa.Check(
            lambda d, key=key: ~_key_tuples(typed, key).duplicated(keep=False),
            error="dup:" + ",".join(key)))
    if name == "programme":
        frame_checks.append(pa.Check(lambda d: len(d) == 1, error="one_row"))
        if {"start_date", "end_date"} <= present:
            frame_checks.append(pa.Check(
                lambda d: ~(typed["end_date"] < typed["start_date"]).fillna(False),
                error="end_before_start"))
    refs = {"mbc_effects": ("mbc", ("village", "assessed_on"), ("village", "assessed_on"),
                            "unknown_mbc"),
            "actions": ("steering_meetings", ("village", "meeting_date"), ("village", "date"),
                        "unknown_meeting"),
            "initiative_phases": ("initiatives", ("village", "initiative"), ("village", "name"),
                                  "unknown_initiative"),
            "vonk_ideas": ("vonk_contests", ("village", "contest"), ("village", "title"),
                           "unknown_contest")}
    if name in refs:
        other, mine, theirs, code = refs[name]
        target = typed_all.get(other)
        if set(mine) <= present:
            known = set() if target is None or not set(theirs) <= set(target.columns) else \
                set(_key_tuples(target, theirs))
            frame_checks.append(pa.Check(
                lambda d, mine=mine, known=known: _key_tuples(typed, mine).isin(known)
                | typed[list(mine)].isna().any(axis=1),
                error=code))
    # the Burgerkrachtgenerator's sheets: references, numbers, no names (dorp/bkg_sheets.py)
    for code, ok in bkg_sheets.row_checks(name, typed, typed_all):
        frame_checks.append(pa.Check(lambda d, ok=ok: ok, error=code))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False)


def _plan_checks(name: str, c: str, typed: pd.DataFrame, typed_all: dict[str, pd.DataFrame],
                 villages: set) -> list[pa.Check]:
    """Row checks of the plan sheets: the village has a pilot; plan_steps' dates in the order
    of the steps, and none on the programme's row; plan_spend per half-year."""
    out = []
    t = typed[c]
    if c == "village":
        pilots = typed_all.get("pilots")
        with_pilot = set(pilots["village"].dropna()) if pilots is not None \
            and "village" in pilots.columns else set()
        # When the pilots sheet names an unknown village itself, that is the problem to fix
        # (reported there); every plan row of the pilot it lost would only repeat it.
        if with_pilot <= villages:
            out.append(_check(lambda s: t.isna() | t.isin(with_pilot) | ~t.isin(villages),
                              error="unknown_pilot"))
    if name == "plan_steps" and c in PLAN_DATES:
        if "village" in typed.columns:
            out.append(_check(lambda s: t.isna() | typed["village"].notna(),
                              error="plan_programme_dates"))
        earlier = [d for d in PLAN_DATES[:PLAN_DATES.index(c)] if d in typed.columns]
        if earlier:
            latest = typed[earlier].max(axis=1)
            out.append(_check(lambda s: (t.isna() | latest.isna() | (t >= latest)).astype(bool),
                              error="plan_order"))
    if name == "plan_spend" and c == "period":
        out.append(_check(lambda s: (t.isna() | ((t.dt.day == 1) & t.dt.month.isin([1, 7])))
                            .astype(bool), error="half_year"))
    return out


def validate(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Check every sheet; returns typed tables (ready for bulk.load) and all problems."""
    typed_all: dict[str, pd.DataFrame] = {}
    bad_all: dict[str, dict[str, pd.Series]] = {}
    for name, df in raw.items():
        typed = pd.DataFrame(index=df.index)
        bad = {}
        for c in df.columns:
            typed[c], bad[c] = parse_column(COLUMNS[name][c].kind, df[c])
        if name == "working_modes" and "mode" in typed.columns:
            # Workbooks from before "niets doen" and "zelf doen" became two modes (migration
            # 0007): "none" was "niets / zelf doen" and is read as "niets doen".
            typed["mode"] = typed["mode"].replace({"none": "do_nothing"})
        typed_all[name], bad_all[name] = typed, bad

    def names(sheet: str, col: str) -> set:
        t = typed_all.get(sheet)
        return set(t[col].dropna()) if t is not None and col in t.columns else set()

    villages = names("villages", "village")
    municipalities = names("villages", "municipality") | names("start_meetings", "municipality")

    problems: list[Problem] = []
    for name, df in raw.items():
        schema = _schema(name, df, typed_all[name], bad_all[name], villages, municipalities,
                         typed_all)
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as err:
            problems += _problems_from(name, err.failure_cases,
                                       bkg_sheets.name_hits(name, typed_all[name], typed_all))
    order = {s.name: i for i, s in enumerate(SHEETS)}
    problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0,
                                 list(COLUMNS.get(p.sheet, {})).index(p.column)
                                 if p.column in COLUMNS.get(p.sheet, {}) else -1))

    tables = {}
    for name, typed in typed_all.items():
        out = typed.copy()
        for c, col in COLUMNS[name].items():
            if c not in out.columns:
                out[c] = None
            elif col.kind == "date":
                out[c] = out[c].astype("datetime64[s]")
        tables[name] = out[list(BY_NAME[name].columns)].reset_index(drop=True)
    return tables, problems


def _problems_from(name: str, fc: pd.DataFrame, names: dict | None = None) -> list[Problem]:
    """Problems from pandera's failure cases; `names`: row -> names found in an anonymous text."""
    out, seen = [], set()
    for rec in fc.itertuples(index=False):
        code = str(rec.check)
        column = rec.column if isinstance(rec.column, str) else None
        row = None if rec.index is None or (isinstance(rec.index, float)
                                            and math.isnan(rec.index)) else int(rec.index)
        if code == "column_in_dataframe":
            column = str(rec.failure_case)
        elif code.startswith("dup:"):
            column = code[4:].replace(",", ", ")
        elif code in ("unknown_mbc", "unknown_meeting", "unknown_initiative", "unknown_contest",
                      "one_row", "end_before_start"):
            column = {"unknown_mbc": "assessed_on", "unknown_meeting": "meeting_date",
                      "unknown_initiative": "initiative", "unknown_contest": "contest",
                      "one_row": None, "end_before_start": "end_date"}[code]
        elif code in bkg_sheets.CODES:
            column = bkg_sheets.CODES[code][0] or bkg_sheets.ANONYMOUS.get(name)
        k = (row, column, code)
        if k in seen:
            continue
        seen.add(k)
        if code == "bkg_names":
            out.append(Problem(name, row, column,
                               bkg_sheets.name_message(name, (names or {}).get(row, []))))
            continue
        col = COLUMNS[name].get(column or "")
        value = None if code.startswith("dup:") or code.startswith("unknown_m") \
            or code in bkg_sheets.CODES else rec.failure_case
        out.append(Problem(name, row, column, _message(code, col, value)))
    return out


def parse(data: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES,
          max_unpacked: int | None = MAX_UNPACKED_BYTES) -> dict[str, pd.DataFrame]:
    """File bytes -> validated tables, or WorkbookRefused listing every problem."""
    check_file(data, max_bytes, max_unpacked)
    raw, problems = read_raw(data)
    tables, more = validate(raw)
    problems += more
    if problems:
        raise WorkbookRefused(problems)
    return tables


# --- writing -------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def safe_text_cell(ws, value: str) -> WriteOnlyCell | str:
    """A text that Excel could read as a formula is written as text with a quote prefix."""
    if value.startswith(DANGEROUS_START):
        cell = WriteOnlyCell(ws, value=None)
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _cell(ws, v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str):
        # Control characters cannot be stored in .xlsx at all; they are left out.
        return safe_text_cell(ws, ILLEGAL_CHARACTERS_RE.sub("", v))
    if isinstance(v, (datetime, pd.Timestamp)):
        v = v.date()
    if isinstance(v, date):
        cell = WriteOnlyCell(ws, value=v)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _header(ws, names: list[str]):
    out = []
    for n in names:
        c = WriteOnlyCell(ws, value=n)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        out.append(c)
    return out


def _explain_rows() -> list[list]:
    rows = []
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", "", SHEET_DOCS[sheet.name]])
        for c, col in COLUMNS[sheet.name].items():
            allowed = KIND_NL[col.kind]
            if col.choices:
                allowed = "één van: " + _choices_nl(col)
            elif col.lo is not None and col.hi is not None:
                allowed += f" van {col.lo:g} tot en met {col.hi:g}"
            elif col.lo is not None:
                allowed += f", minimaal {col.lo:g}"
            rows.append([sheet.name, c,
                         "ja" if col.needed else ("kolom verplicht" if c in sheet.required
                                                  else "nee"),
                         allowed, col.doc])
    return rows


def _validations(ws, name: str, cols: list[str]) -> None:
    """Drop-down lists and 1-5 checks in Excel itself (a warning; the import checks anyway)."""
    for i, c in enumerate(cols, start=1):
        col = COLUMNS[name][c]
        cells = f"{get_column_letter(i)}2:{get_column_letter(i)}1048576"
        if col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"',
                                allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                errorTitle="Onbekende waarde",
                                error="Kies uit: " + _choices_nl(col))
        elif col.kind == "int" and col.lo is not None and col.hi is not None:
            dv = DataValidation(type="whole", operator="between", formula1=f"{col.lo:g}",
                                formula2=f"{col.hi:g}", allow_blank=True,
                                showErrorMessage=True, errorStyle="warning",
                                errorTitle="Buiten het bereik",
                                error=f"Een heel getal van {col.lo:g} tot en met {col.hi:g}.")
        else:
            continue
        dv.add(cells)
        ws.data_validations.append(dv)


def write_workbook(tables: dict[str, pd.DataFrame], explain: bool = True) -> bytes:
    """Write the exchange sheets (all of them, in order) to .xlsx bytes."""
    wb = Workbook(write_only=True)
    if explain:
        ws = wb.create_sheet(EXPLAIN_SHEET)
        for letter, width in zip("ABCDE", (20, 28, 16, 40, 90)):
            ws.column_dimensions[letter].width = width
        ws.append([WriteOnlyCell(ws, value="Uitleg bij dit werkboek")])
        ws.append(["Eén blad per tabel; de eerste rij bevat de kolomnamen (niet wijzigen). "
                   "Datums als Excel-datum of JJJJ-MM-DD. Dorpen heten overal zoals op het "
                   "blad 'villages'. Een import vervangt het hele programma en gebeurt "
                   "helemaal of helemaal niet."])
        ws.append([])
        ws.append(_header(ws, ["blad", "kolom", "invullen verplicht", "soort / toegestaan",
                               "betekenis"]))
        for r in _explain_rows():
            ws.append(r)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        cols = list(sheet.columns)
        for i, c in enumerate(cols):
            ws.column_dimensions[get_column_letter(i + 1)].width = max(12, min(40, len(c) + 4))
        ws.freeze_panes = "A2"
        _validations(ws, sheet.name, cols)
        ws.append(_header(ws, cols))
        df = tables.get(sheet.name)
        if df is None or df.empty:
            continue
        df = df.reindex(columns=cols)
        for row in df.itertuples(index=False, name=None):
            ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_table(title: str, df: pd.DataFrame) -> bytes:
    """One DataFrame as a one-sheet workbook (audit log export), formula-safe."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "A2"
    ws.append(_header(ws, [str(c) for c in df.columns]))
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_csv(df: pd.DataFrame) -> bytes:
    """A DataFrame as CSV (UTF-8 with BOM, ';' for Dutch Excel); text that Excel could take
    for a formula gets a leading apostrophe."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or str(out[c].dtype).startswith("str"):
            out[c] = out[c].map(lambda v: "'" + v if isinstance(v, str)
                                and v.startswith(DANGEROUS_START) else v)
    return out.to_csv(index=False, sep=";").encode("utf-8-sig")


def template() -> bytes:
    """An empty workbook in the exchange format with the explanation sheet."""
    return write_workbook({})


def canonical(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The sheet's values in a fixed representation and a fixed row order (sorted by every
    column), so that the same content always gives the same workbook."""
    cols = list(BY_NAME[name].columns)
    df = df.reindex(columns=cols)
    out = pd.DataFrame(index=df.index)
    for c in cols:
        parsed, _ = parse_column(COLUMNS[name][c].kind, df[c])
        if COLUMNS[name][c].kind == "date":
            parsed = parsed.map(lambda v: None if pd.isna(v) else v.date(), na_action="ignore")
        out[c] = parsed.astype(object).where(parsed.notna(), None)
    if out.empty:
        return out.reset_index(drop=True)
    keys = pd.DataFrame({c: out[c].map(_sort_key) for c in cols})
    order = keys.sort_values(cols, kind="mergesort").index
    return out.loc[order].reset_index(drop=True)


def _sort_key(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return f"{float(v) + 1e15:032.6f}"  # numbers sort numerically
    if isinstance(v, date):
        return v.isoformat()
    return "~" + str(v)


def export_tables(db: Db, user: User) -> dict[str, pd.DataFrame]:
    from dorp.repo import bulk
    return {name: canonical(name, df) for name, df in bulk.export_tables(db, user).items()}


def export(db: Db, user: User) -> bytes:
    """The whole programme as an exchange workbook."""
    return write_workbook(export_tables(db, user))


# --- preview and import ----------------------------------------------------------------------------

def preview(db: Db, user: User, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per sheet: rows now in the database, rows in the workbook, new, gone, unchanged."""
    require(user, "exchange")
    current = export_tables(db, user)
    out = []
    for sheet in SHEETS:
        now = current.get(sheet.name, pd.DataFrame())
        new = canonical(sheet.name, tables.get(sheet.name, pd.DataFrame()))
        a = _row_counts(now)
        b = _row_counts(new)
        same = sum(min(n, b.get(k, 0)) for k, n in a.items())
        out.append({"sheet": sheet.name, "now": len(now), "in_file": len(new),
                    "added": len(new) - same, "removed": len(now) - same, "unchanged": same})
    return pd.DataFrame(out)


def _row_counts(df: pd.DataFrame) -> dict:
    if df.empty:
        return {}
    keys = pd.Series(list(zip(*(df[c].map(_sort_key) for c in df.columns))), dtype=object)
    return keys.value_counts().to_dict()


@dataclass
class ImportResult:
    counts: dict[str, int]
    backup: Path | None


def import_tables(db: Db, user: User, tables: dict[str, pd.DataFrame], replace: bool,
                  progress: Callable[[str, int], None] | None = None,
                  source: str | None = None) -> ImportResult:
    """Load validated tables all-or-nothing; with `replace` after an automatic backup."""
    from dorp import backup
    from dorp.repo import bulk, programme

    require(user, "exchange")
    empty = programme.is_empty(db)
    if not empty and not replace:
        raise Refused("De database bevat al een programma. Gebruik --replace om het te "
                      "vervangen (er wordt eerst automatisch een back-up gemaakt).")
    saved = None
    if not empty:
        saved = backup.create(db.con, reason="voor-import")
    try:
        counts = bulk.replace_all(db, user, tables, replace=replace, progress=progress,
                                  note={"source": source, "backup": str(saved) if saved else None})
    except db_errors() as e:  # the checks should have caught it; the transaction is undone
        raise Refused(f"Het werkboek kon niet worden geladen ({type(e).__name__}: {e}). "
                      "Er is niets gewijzigd.") from None
    return ImportResult(counts, saved)


def import_file(db: Db, user: User, data: bytes, replace: bool,
                progress: Callable[[str, int], None] | None = None,
                source: str | None = None, max_bytes: int | None = MAX_UPLOAD_BYTES
                ) -> ImportResult:
    require(user, "exchange")
    tables = parse(data, max_bytes=max_bytes)
    return import_tables(db, user, tables, replace, progress, source)


def read_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise Refused(f"Het bestand {path} bestaat niet.") from None
    except IsADirectoryError:
        raise Refused(f"{path} is een map, geen bestand.") from None
    except PermissionError:
        raise Refused(f"Geen toestemming om {path} te lezen.") from None
