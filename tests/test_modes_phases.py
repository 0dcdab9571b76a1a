"""Point 8 and the exchange workbook: "niets doen" and "zelf doen" as two recorded modes (the
advice stays "none"), the dated phase history of initiatives, migration 0007 of existing data,
and "mag dit?" (may_ok) through the workbook: TRUE, FALSE and empty stay what they were."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd
import pytest

from dorp import exchange, rules
from dorp.access import SYSTEM
from dorp.db import MIGRATIONS_TABLE, migrate, migration_files, open_db
from dorp.errors import Invalid
from dorp.method import MODE_ADVICE, MODES
from dorp.repo import bulk, pilots, steps
from tests.conftest import AS_OF, LEAD, user_of


def _vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def test_nothing_and_do_it_yourself_are_two_modes_under_one_advice():
    assert {"do_nothing", "do_it_yourself", "discourage"} <= set(MODES)
    assert "none" not in MODES
    assert MODE_ADVICE == {"do_nothing": "none", "do_it_yourself": "none"}
    assert rules.advised_mode(2, 2) == "none"


def test_a_lead_records_both_modes(demo_db):
    lead = user_of(demo_db, LEAD)
    vid = _vid(demo_db, "Heteren")
    steps.add_mode(demo_db, lead, vid, "do_it_yourself", AS_OF, "Vervoer is een publieke taak",
                   AS_OF)
    steps.add_mode(demo_db, lead, vid, "do_nothing", AS_OF, "Koffieochtend is van bewoners",
                   AS_OF)
    f = dict(pilots.facts(demo_db, lead, AS_OF))[vid]
    # (facilitate: a working group of Heteren's Burgerkrachtgenerator uses it)
    assert f.modes == ["do_it_yourself", "do_nothing", "facilitate", "motivate", "support"]
    with pytest.raises(Invalid) as e:
        steps.add_mode(demo_db, lead, vid, "none", AS_OF, "Oude code", AS_OF)
    assert "werkwijze" in e.value.problems["mode"]


def test_migration_0007_keeps_modes_and_starts_the_phase_history(tmp_path):
    """A database of before 0007: its "none" mode becomes "do_nothing" (saying so in the
    reason), and every initiative's current phase is the first entry of its history."""
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(MIGRATIONS_TABLE)
    for number, name, sql in migration_files():
        if number < 7:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, datetime.now()])
    con.execute("INSERT INTO working_modes (village_id, mode, started_on, reason, version)"
                " VALUES (1, 'none', DATE '2026-01-05', 'Niemand pakt het op', 3),"
                " (1, 'support', DATE '2026-02-01', NULL, 1)")
    con.execute("INSERT INTO initiatives (village_id, name, phase, since, updated_by)"
                " VALUES (1, 'Klussendienst', 'decay', DATE '2026-04-01', 'ilse')")
    migrate(con)
    modes = con.execute("SELECT mode, reason, version FROM working_modes ORDER BY id").fetchall()
    assert modes == [("do_nothing", "Niemand pakt het op (Omgezet van 'niets / zelf doen' naar "
                                    "'niets doen'.)", 3), ("support", None, 1)]
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO working_modes (village_id, mode, started_on)"
                    " VALUES (1, 'none', DATE '2026-03-01')")
    assert con.execute("SELECT from_phase, to_phase, changed_on, changed_by"
                       " FROM initiative_phases").fetchall() == [
        (None, "decay", date(2026, 4, 1), "ilse")]
    con.close()


def test_a_phase_change_is_kept_with_its_date_and_who(demo_db):
    lead = user_of(demo_db, LEAD)
    vid = _vid(demo_db, "Vorden")
    iid = steps.add_initiative(demo_db, lead, vid, "Buurtbus", "idea", None,
                               date(2026, 5, 1), AS_OF)
    ver = demo_db.scalar("SELECT version FROM initiatives WHERE id = ?", [iid])
    with pytest.raises(Invalid) as e:
        steps.set_initiative_phase(demo_db, lead, iid, "idea", ver, date(2026, 6, 1), AS_OF)
    assert "al in deze fase" in e.value.problems["phase"]
    with pytest.raises(Invalid) as e:
        steps.set_initiative_phase(demo_db, lead, iid, "exploitation", ver, date(2026, 4, 1),
                                   AS_OF)
    assert "eerder" in e.value.problems["changed_on"]
    with pytest.raises(Invalid):
        steps.set_initiative_phase(demo_db, lead, iid, "exploitation", ver, date(2027, 1, 1),
                                   AS_OF)
    ver = steps.set_initiative_phase(demo_db, lead, iid, "exploitation", ver, date(2026, 7, 1),
                                     AS_OF)
    steps.set_initiative_phase(demo_db, lead, iid, "conservation", ver, date(2026, 10, 1), AS_OF)
    trail = steps.initiative_phases(demo_db, lead, vid)
    mine = trail[trail.initiative_id == iid]
    assert [(r.from_phase if isinstance(r.from_phase, str) else None, r.to_phase,
             r.changed_on.date(), r.changed_by) for r in mine.itertuples()] == [
        (None, "idea", date(2026, 5, 1), LEAD),
        ("idea", "exploitation", date(2026, 7, 1), LEAD),
        ("exploitation", "conservation", date(2026, 10, 1), LEAD)]
    row = demo_db.one("SELECT phase, since FROM initiatives WHERE id = ?", [iid])
    assert (row["phase"], row["since"]) == ("conservation", date(2026, 10, 1))


def test_the_seed_names_the_phase_conservatie():
    from dorp import i18n
    assert i18n.label("phase", "conservation", "nl") == "Conservatie"


def _round_trip(tables):
    db = open_db(":memory:")
    bulk.replace_all(db, SYSTEM, tables, replace=False)
    data = exchange.write_workbook(bulk.export_tables(db, SYSTEM))
    db.con.close()
    return data


def test_may_ok_true_false_and_empty_survive_the_workbook(demo_db):
    vid = _vid(demo_db, "Dinxperlo")
    with demo_db.tx("t") as tx:
        tx.insert("mbc", {"village_id": vid, "assessed_on": date(2026, 11, 1), "willingness": 4,
                          "ability": 4, "may_ok": None}, village_id=vid)
        tx.insert("mbc", {"village_id": vid, "assessed_on": date(2026, 11, 2), "willingness": 4,
                          "ability": 4, "may_ok": False, "may_note": "Sluit bewoners uit"},
                  village_id=vid)
    data = exchange.export(demo_db, SYSTEM)
    tables = exchange.parse(data)
    mbc = tables["mbc"]
    mine = mbc[mbc.village == "Dinxperlo"].sort_values("assessed_on")
    assert [None if v is None or v is pd.NA else bool(v) for v in mine.may_ok.astype(object)][-3:] \
        == [True, None, False]
    db = open_db(":memory:")
    exchange.import_tables(db, SYSTEM, tables, replace=False)
    again = exchange.parse(exchange.export(db, SYSTEM))
    mine2 = again["mbc"][again["mbc"].village == "Dinxperlo"].sort_values("assessed_on")
    assert [None if v is pd.NA else bool(v) for v in mine2.may_ok.astype(object)][-3:] \
        == [True, None, False]
    f = next(f for _, f in pilots.facts(db, SYSTEM, AS_OF) if f.village == "Dinxperlo")
    assert (f.may, f.verdict, f.advised_mode) == (False, "no_go", "discourage")
    assert again["initiative_phases"].shape[0] == tables["initiative_phases"].shape[0] > 0


def test_an_old_workbook_with_mode_none_is_read_as_do_nothing():
    from tests.test_judgements import programme
    tables = programme({"name": "X", "pilot": {"step": 4, "status": "active"},
                        "working_modes": [{"mode": "none", "started_on": date(2026, 1, 1)}],
                        "initiatives": [{"name": "Eettafel", "phase": "conservation",
                                         "since": date(2026, 2, 1)}]})
    data = exchange.write_workbook(tables)
    parsed = exchange.parse(data)
    assert list(parsed["working_modes"]["mode"]) == ["do_nothing"]
    db = open_db(":memory:")
    exchange.import_tables(db, SYSTEM, parsed, replace=False)
    # the initiative without a history sheet starts its history with its phase
    assert db.rows("SELECT from_phase, to_phase, changed_on FROM initiative_phases") == [
        {"from_phase": None, "to_phase": "conservation", "changed_on": date(2026, 2, 1)}]


def test_a_phase_of_an_unknown_initiative_is_refused():
    from tests.test_judgements import programme
    tables = programme({"name": "X", "pilot": {"step": 4, "status": "active"},
                        "initiative_phases": [{"initiative": "Bestaat niet",
                                               "to_phase": "idea"}]})
    with pytest.raises(exchange.WorkbookRefused) as e:
        exchange.parse(exchange.write_workbook(tables))
    assert "Er is geen initiatief met deze naam in dit dorp" in str(e.value)
