"""`dorp init`, `dorp demo`, `dorp status`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from dorp import config, demo, status
from dorp.access import SYSTEM
from dorp.db import Db, connect, migrate
from dorp.errors import Refused
from dorp.repo import bulk, programme, users


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is geen datum van de vorm JJJJ-MM-DD")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is geen positief geheel getal")
    return n


def register(sub) -> None:
    p = sub.add_parser("init", help="maak of migreer de database (veilig om te herhalen)",
                       description="Maakt de database aan of brengt haar schema bij.")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="laad het demoprogramma (tien dorpen)",
                       description="Laadt het demoprogramma: tien Gelderse dorpen in alle vier "
                                   "stappen, met accounts per rol. Alleen in een lege database.")
    p.add_argument("--scale", type=_positive, metavar="N",
                   help="N dorpen met tien jaar geschiedenis (voor benchmarks)")
    p.add_argument("--if-empty", action="store_true",
                   help="niets doen (en toch slagen) als de database al gegevens heeft")
    p.add_argument("--as-of", type=_date, metavar="JJJJ-MM-DD",
                   help="de datum waar de demogeschiedenis naartoe loopt (standaard vandaag)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("status", help="de berekende stand van elke pilot",
                       description="Drukt de stand van elke pilot af (zonder persoonsgegevens).")
    p.add_argument("--json", action="store_true", required=True, help="als JSON (verplicht)")
    p.add_argument("--as-of", type=_date, metavar="JJJJ-MM-DD",
                   help="rekent met deze datum als 'vandaag'")
    p.set_defaults(func=cmd_status)


def cmd_init(args) -> int:
    con = connect()
    try:
        applied = migrate(con)
    finally:
        con.close()
    where = config.db_label()
    if applied:
        print(f"Database {where} bijgewerkt: {', '.join(applied)}.")
    else:
        print(f"Database {where} is al bij.")
    return 0


def cmd_demo(args) -> int:
    con = connect()
    migrate(con)
    db = Db(con)
    if not programme.is_empty(db):
        if args.if_empty:
            print("De database heeft al gegevens; demo niet geladen.")
            _print_accounts(db)
            return 0
        raise Refused("De database is niet leeg. Kies een ander bestand met DORP_DB=... "
                      "of maak eerst een back-up en een lege database.")
    today = args.as_of or config.today()
    if args.scale:
        from dorp import demo_scale
        tables = demo_scale.build(args.scale, today)
    else:
        tables = demo.build(today)
    counts = bulk.replace_all(db, SYSTEM, tables, replace=False)
    for username, password, role, villages in demo.DEMO_ACCOUNTS:
        if role == "steering" and args.scale:
            villages = tuple(tables["villages"]["village"].iloc[:1])
        users.add(db, SYSTEM, username, role, password, villages)
    print(f"Demoprogramma geladen in {config.db_label()}: "
          f"{counts.get('villages', 0)} dorpen, {counts.get('pilots', 0)} pilots.")
    _print_accounts(db)
    return 0


def _print_accounts(db: Db) -> None:
    existing = {r["username"] for r in db.rows("SELECT username FROM users")}
    shown = [a for a in demo.DEMO_ACCOUNTS if a[0] in existing]
    if shown:
        print("Inloggen met een demo-account (gebruikersnaam / wachtwoord):")
        for username, password, role, _ in shown:
            print(f"  {role:9} {username} / {password}")
    elif not existing:
        print("Er zijn nog geen accounts. Maak de eerste programmaleider aan met:\n"
              "  echo 'een-sterk-wachtwoord' | dorp user add NAAM --role lead --password-stdin")


def cmd_status(args) -> int:
    con = connect()
    migrate(con)
    db = Db(con)
    result = status.status(db, SYSTEM, args.as_of or config.today())
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
