"""Hypothesis-generated broken workbooks: each ends in a full import or a clear refusal,
never a partial import and never a traceback."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from dorp import demo, exchange
from dorp.access import SYSTEM
from dorp.db import open_db
from dorp.errors import Refused
from dorp.repo import bulk
from dorp.sheets import SHEETS
from tests.conftest import AS_OF

SHEET_NAMES = [s.name for s in SHEETS]
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))


@pytest.fixture(scope="module")
def base_workbook() -> bytes:
    """A small valid programme (three villages of the demo) as an exchange workbook."""
    db = open_db(":memory:")
    tables = demo.build(AS_OF)
    keep = set(tables["villages"]["village"].iloc[:3]) | {"Vorden", "Winssen", "Laren"}
    small = {}
    for name, df in tables.items():
        if "village" in df.columns:
            df = df[df["village"].isin(keep) | df["village"].isna()]
        small[name] = df
    small["villages"] = tables["villages"][tables["villages"]["village"].isin(keep)]
    bulk.replace_all(db, SYSTEM, small, replace=False)
    data = exchange.export(db, SYSTEM)
    db.con.close()
    return data


cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.text(alphabet=TEXT, max_size=30),
    st.sampled_from(["", " ", "=1+1", "-", "Vorden", "Atlantis", "2026-02-30", "31-12-2025",
                     "ja", "nee", "3", "3,5", "broad_support", "municipality", "active"]),
    st.integers(min_value=0, max_value=5).map(lambda n: "x" * (32767 + n)),  # huge strings
)

mutation = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SHEET_NAMES), st.integers(1, 40),
              st.integers(1, 16), cell_values),
    st.tuples(st.just("drop_sheet"), st.sampled_from(SHEET_NAMES)),
    st.tuples(st.just("drop_col"), st.sampled_from(SHEET_NAMES), st.integers(1, 10)),
    st.tuples(st.just("rename_header"), st.sampled_from(SHEET_NAMES), st.integers(1, 10),
              st.text(alphabet=TEXT, max_size=8)),
    st.tuples(st.just("copy_row"), st.sampled_from(SHEET_NAMES), st.integers(2, 20)),
    st.tuples(st.just("clear_sheet"), st.sampled_from(SHEET_NAMES)),
)


def mutate(data: bytes, mutations) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for m in mutations:
        kind, sheet = m[0], m[1]
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        if kind == "set":
            ws.cell(m[2], m[3]).value = m[4]
        elif kind == "drop_sheet":
            del wb[sheet]
        elif kind == "drop_col":
            ws.delete_cols(m[2])
        elif kind == "rename_header":
            ws.cell(1, m[2]).value = m[3] or None
        elif kind == "copy_row":
            if ws.max_row >= m[2]:
                ws.append([c.value for c in ws[m[2]]])
        elif kind == "clear_sheet":
            ws.delete_rows(2, ws.max_row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def counts(db) -> dict[str, int]:
    return {k: len(v) for k, v in exchange.export_tables(db, SYSTEM).items()}


def check_outcome(data: bytes) -> str:
    db = open_db(":memory:")
    try:
        try:
            tables = exchange.parse(data)
        except exchange.WorkbookRefused as e:
            assert e.problems and all(p.message for p in e.problems)
            text = str(e)
            assert "niet ingelezen" in text and "Traceback" not in text
            assert all(v == 0 for v in counts(db).values())
            return "refused"
        try:
            exchange.import_tables(db, SYSTEM, tables, replace=False)
        except Refused:
            raise AssertionError("a validated workbook must load")
        # full import: every row of the workbook is in the database, nothing dropped
        got = counts(db)
        for name, df in tables.items():
            expected = len(df)
            if name == "start_meetings":  # a vote's meeting is recorded even when unlisted
                keys = set(zip(df["municipality"], df["meeting_date"]))
                votes = tables.get("votes")
                if votes is not None:
                    keys |= set(zip(votes["municipality"], votes["meeting_date"]))
                expected = len(keys)
            if name == "initiative_phases":   # an initiative without history starts one
                ini = tables.get("initiatives")
                named = set() if ini is None else set(zip(ini["village"], ini["name"]))
                with_history = set(zip(df["village"], df["initiative"]))
                expected = len(df) + len(named - with_history)
            assert got[name] == expected, name
        return "imported"
    finally:
        db.con.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
@example(mutations=[("clear_sheet", "start_meetings")])  # votes still record their meeting
def test_broken_workbooks_are_imported_fully_or_refused_clearly(base_workbook, mutations):
    event(check_outcome(mutate(base_workbook, mutations)))


@settings(max_examples=15, deadline=None)
@given(garbage=st.binary(max_size=2000), cut=st.integers(min_value=0, max_value=10**6))
def test_damaged_files_are_refused(base_workbook, garbage, cut):
    assert check_outcome(garbage) == "refused"
    truncated = base_workbook[: cut % max(1, len(base_workbook) - 1)]
    assert check_outcome(truncated) == "refused"


def test_the_unbroken_workbook_imports(base_workbook):
    assert check_outcome(base_workbook) == "imported"
