"""`dorp template`, `dorp export`, `dorp import`: the exchange workbook (INTERFACES.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from dorp import config, exchange
from dorp.access import SYSTEM
from dorp.db import Db, connect, migrate


def register(sub) -> None:
    p = sub.add_parser("template", help="een leeg werkboek in het uitwisselformaat",
                       description="Schrijft een leeg Excel-werkboek met één blad per tabel en "
                                   "een blad 'uitleg' dat elke kolom in het Nederlands "
                                   "toelicht.")
    p.add_argument("file", metavar="BESTAND.xlsx", type=Path)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("export", help="het hele programma naar een werkboek",
                       description="Schrijft het hele programma naar een Excel-werkboek in het "
                                   "uitwisselformaat (met persoonsgegevens: bewaar het "
                                   "zorgvuldig). Exporteren en weer importeren in een lege "
                                   "database geeft precies hetzelfde werkboek.")
    p.add_argument("file", metavar="BESTAND.xlsx", type=Path)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="een werkboek inlezen (alles of niets)",
                       description="Controleert het werkboek helemaal en laadt het dan in één "
                                   "keer, of helemaal niet. Elk probleem wordt genoemd met "
                                   "blad, rij en kolom (afsluitcode 1). In een database met "
                                   "gegevens alleen met --replace; dan wordt eerst een "
                                   "back-up gemaakt.")
    p.add_argument("file", metavar="BESTAND.xlsx", type=Path)
    p.add_argument("--replace", action="store_true",
                   help="vervang het programma dat nu in de database staat (na een "
                        "automatische back-up)")
    p.set_defaults(func=cmd_import)


def _xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def cmd_template(args) -> int:
    path = _xlsx(args.file)
    path.write_bytes(exchange.template())
    print(f"Leeg werkboek geschreven: {path}")
    return 0


def _open() -> Db:
    con = connect()
    migrate(con)
    return Db(con)


def cmd_export(args) -> int:
    db = _open()
    path = _xlsx(args.file)
    data = exchange.export(db, SYSTEM)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    db.con.close()
    print(f"Programma geëxporteerd naar {path}.")
    return 0


def cmd_import(args) -> int:
    data = exchange.read_file(args.file)
    # Checked before the database is opened: a bad file never touches it. The size limits
    # are for uploads into the app; whoever runs this command already has the file.
    tables = exchange.parse(data, max_bytes=None, max_unpacked=None)
    db = _open()
    result = exchange.import_tables(
        db, SYSTEM, tables, replace=args.replace, source=str(args.file),
        progress=lambda sheet, n: print(f"  {sheet}: {n} rijen", file=sys.stderr))
    db.con.close()
    total = sum(result.counts.values())
    print(f"Werkboek {args.file} ingelezen in {config.db_label()}: {total} rijen, "
          f"{result.counts.get('villages', 0)} dorpen.")
    if result.backup:
        print(f"De vorige gegevens staan in de back-up {result.backup} "
              f"(terugzetten: dorp restore '{result.backup}').")
    return 0
