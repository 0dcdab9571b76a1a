"""`dorp backup DIR` / `dorp restore DIR`: full, consistent copies of the database;
`dorp copy --to FILE_OR_URL`: the whole programme into another store."""

from __future__ import annotations

from pathlib import Path

from dorp import backup, config
from dorp.db import connect, migrate
from dorp.store import describe


def register(sub) -> None:
    p = sub.add_parser("backup", help="een volledige, consistente kopie van de database",
                       description="Schrijft een volledige kopie van de database (alle tabellen, "
                                   "ook accounts en logboek) in map DIR, die nieuw of leeg moet "
                                   "zijn. Terugzetten met 'dorp restore DIR'. Terwijl de app "
                                   "draait: gebruik 'Back-up maken' op de pagina Gegevens.")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="zet een back-up terug",
                       description="Controleert eerst de back-up in DIR (alle tabellen en "
                                   "aantallen), zet de huidige database opzij (als "
                                   "<naam>.vervangen-<tijd>.duckdb) en zet dan de back-up "
                                   "terug. Met een DuckDB-bestand: stop eerst de app. Met "
                                   "PostgreSQL gebeurt het in één transactie terwijl de app "
                                   "draait.")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("copy", help="het hele programma naar een andere database",
                       description="Kopieert de hele database van $DORP_DB naar een andere: een "
                                   "DuckDB-bestand of een PostgreSQL-server (URL "
                                   "postgresql://GEBRUIKER:WACHTWOORD@SERVER:POORT/DATABASE), "
                                   "met accounts, logboek, versies en stappengeschiedenis. Leest "
                                   "één consistente stand en schrijft in één transactie. Een "
                                   "doel met gegevens wordt alleen met --replace vervangen.")
    p.add_argument("--to", required=True, metavar="BESTAND_OF_URL",
                   help="het doel: een .duckdb-bestand of een postgresql://-URL")
    p.add_argument("--replace", action="store_true",
                   help="een doel dat al gegevens heeft leegmaken en vervangen")
    p.set_defaults(func=cmd_copy)


def cmd_backup(args) -> int:
    con = connect()
    try:
        path = backup.create(con, args.dir, reason="dorp-backup")
    finally:
        con.close()
    m = backup.read_manifest(path)
    print(f"Back-up gemaakt in {path}: {sum(m['tables'].values())} rijen in "
          f"{len(m['tables'])} tabellen.")
    return 0


def cmd_restore(args) -> int:
    aside = backup.restore(args.dir)
    print(f"Back-up {args.dir} teruggezet in {config.db_label()}.")
    if aside:
        print(f"De vervangen database staat opzij als {aside}.")
    return 0


def cmd_copy(args) -> int:
    target = args.to if args.to.startswith(("postgresql://", "postgres://")) \
        else Path(args.to).resolve()
    source = connect()
    try:
        migrate(source)
        rows = backup.copy_to(source, target, replace=args.replace)
    finally:
        source.close()
    total = sum(rows.values())
    print(f"Gekopieerd van {config.db_label()} naar {describe(target)}: {total} rijen in "
          f"{len(rows)} tabellen (accounts, logboek en geschiedenis inbegrepen).")
    return 0
