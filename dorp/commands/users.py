"""`dorp user add|disable|enable|reset-password|list`: accounts from the command line.

Whoever may open the database file acts as the system user here (that is how the first
programme lead is made). Passwords come only from standard input (--password-stdin), never
from the command line, where other users of the machine could read them."""

from __future__ import annotations

import argparse
import sys

from dorp.access import SYSTEM
from dorp.db import Db, connect, migrate
from dorp.errors import Refused
from dorp.repo import users


def _dutch(parser):
    """Dutch headings and -h text for argparse's English defaults."""
    parser._positionals.title = "argumenten"
    parser._optionals.title = "opties"
    for action in parser._actions:
        if action.dest == "help":
            action.help = "toon deze hulp en stop"
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def register(sub) -> None:
    p = sub.add_parser(
        "user", help="accounts: aanmaken, uitschakelen, inschakelen, wachtwoord opnieuw instellen",
        description="Beheer van accounts. Rollen: lead (programmaleider: alles), steering "
                    "(stuurgroeplid: alleen de eigen dorpen), funder (financier: alleen "
                    "overzichten zonder persoonsgegevens).")
    usub = p.add_subparsers(dest="user_command", metavar="ACTIE",
                            parser_class=sub._parser_class)  # the Dutch usage errors
    usub.required = True
    _dutch(p)

    a = usub.add_parser(
        "add", help="maak een account aan",
        description="Maakt een account aan. Het wachtwoord (8 tot 128 tekens) wordt van de "
                    "standaardinvoer gelezen, bijvoorbeeld:\n"
                    "  echo 'een-sterk-wachtwoord' | dorp user add anna --role lead "
                    "--password-stdin")
    a.add_argument("username", metavar="GEBRUIKERSNAAM", help="de gebruikersnaam (zonder spaties)")
    a.add_argument("--role", required=True, choices=["lead", "steering", "funder"],
                   help="lead = programmaleider, steering = stuurgroeplid, funder = financier")
    a.add_argument("--village", action="append", default=[], metavar="NAAM",
                   help="dorp van een stuurgroeplid (herhaal voor meer dorpen)")
    a.add_argument("--password-stdin", action="store_true", required=True,
                   help="lees het wachtwoord van de standaardinvoer (verplicht)")
    _dutch(a).set_defaults(func=cmd_add)

    d = usub.add_parser("disable", help="schakel een account uit (sessies eindigen direct)",
                        description="Schakelt een account uit: inloggen kan niet meer en open "
                                    "sessies eindigen direct. Gegevens blijven bewaard.")
    d.add_argument("username", metavar="GEBRUIKERSNAAM", help="de gebruikersnaam")
    _dutch(d).set_defaults(func=cmd_disable)

    e = usub.add_parser("enable", help="schakel een uitgeschakeld account weer in",
                        description="Schakelt een uitgeschakeld account weer in.")
    e.add_argument("username", metavar="GEBRUIKERSNAAM", help="de gebruikersnaam")
    _dutch(e).set_defaults(func=cmd_enable)

    r = usub.add_parser(
        "reset-password", help="stel een nieuw wachtwoord in (sessies eindigen direct)",
        description="Stelt een nieuw wachtwoord in, gelezen van de standaardinvoer. Open "
                    "sessies van het account eindigen direct en een blokkade na mislukte "
                    "pogingen vervalt.")
    r.add_argument("username", metavar="GEBRUIKERSNAAM", help="de gebruikersnaam")
    r.add_argument("--password-stdin", action="store_true", required=True,
                   help="lees het wachtwoord van de standaardinvoer (verplicht)")
    _dutch(r).set_defaults(func=cmd_reset)

    ls = usub.add_parser("list", help="toon alle accounts",
                         description="Toont alle accounts met rol, dorpen en status "
                                     "(nooit wachtwoorden).")
    _dutch(ls).set_defaults(func=cmd_list)


def _db() -> Db:
    con = connect()
    migrate(con)
    return Db(con)


def _password() -> str:
    data = sys.stdin.readline()
    password = data.rstrip("\r\n")
    if not password:
        raise Refused("Geen wachtwoord ontvangen op de standaardinvoer. Voorbeeld:\n"
                      "  echo 'een-sterk-wachtwoord' | dorp user add NAAM --role lead "
                      "--password-stdin")
    return password


def cmd_add(args) -> int:
    password = _password()
    db = _db()
    users.add(db, SYSTEM, args.username, args.role, password, args.village)
    where = f" voor {', '.join(args.village)}" if args.village else ""
    print(f"Account '{args.username.strip()}' aangemaakt met rol {args.role}{where}.")
    return 0


def cmd_disable(args) -> int:
    users.disable(_db(), SYSTEM, args.username)
    print(f"Account '{args.username}' is uitgeschakeld; open sessies zijn beëindigd.")
    return 0


def cmd_enable(args) -> int:
    users.enable(_db(), SYSTEM, args.username)
    print(f"Account '{args.username}' is weer ingeschakeld.")
    return 0


def cmd_reset(args) -> int:
    password = _password()
    users.reset_password(_db(), SYSTEM, args.username, password)
    print(f"Nieuw wachtwoord ingesteld voor '{args.username}'; open sessies zijn beëindigd.")
    return 0


def cmd_list(args) -> int:
    df = users.list_users(_db(), SYSTEM)
    if df.empty:
        print("Er zijn nog geen accounts. Maak de eerste programmaleider aan met:\n"
              "  echo 'een-sterk-wachtwoord' | dorp user add NAAM --role lead --password-stdin")
        return 0
    for r in df.itertuples():
        villages = ", ".join(r.villages) if len(r.villages) else "-"
        state = "uitgeschakeld" if r.disabled else "actief"
        print(f"{r.username:24} {r.role:9} {state:13} {villages}")
    return 0
