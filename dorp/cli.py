"""The `dorp` command line (INTERFACES.md). Each group of commands lives in its own module
under dorp/commands and registers itself here.

Exit codes: 0 done; 1 input refused; 2 wrong usage; 3 database in use by another process;
4 the PostgreSQL server cannot be reached (host and port named, never the password).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from dorp.access import AccessDenied
from dorp.commands import COMMAND_MODULES
from dorp.db import DatabaseLocked, StoreUnavailable
from dorp.errors import Invalid, Refused


_ARGPARSE_NL = (
    ("the following arguments are required", "deze argumenten ontbreken"),
    ("unrecognized arguments", "onbekende argumenten"),
    ("invalid choice", "ongeldige keuze"),
    ("choose from", "kies uit"),
    ("expected one argument", "verwacht één waarde"),
)


class DutchFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups,
                                 "gebruik: " if prefix is None else prefix)


class DutchParser(argparse.ArgumentParser):
    """argparse with Dutch headings (its own texts are English)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DutchFormatter)
        own_help = kwargs.get("add_help", True)  # a command may add its own -h
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        if own_help:
            self.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")

    def error(self, message: str):  # wrong usage: exit 2 with a short Dutch hint
        for english, dutch in _ARGPARSE_NL:
            message = message.replace(english, dutch)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout in de opdracht: {message}\n"
                     f"Zie '{self.prog} --help' voor de mogelijkheden.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = DutchParser(
        prog="dorp",
        description="Dorpsregie: beheer van de pilots van 'Dorp als Verzorgingshuis'. "
                    "De database is $DORP_DB (standaard data/dorp.duckdb; of een PostgreSQL-server: "
                    "postgresql://GEBRUIKER:WACHTWOORD@SERVER:POORT/DATABASE).",
        epilog="Afsluitcodes: 0 klaar, 1 invoer geweigerd, 2 verkeerd gebruik, "
               "3 database in gebruik door een ander proces, 4 PostgreSQL-server niet bereikbaar.",
    )
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchParser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _no_password(text: str) -> str:
    """Any postgresql:// URL in a message loses its password."""
    import re
    return re.sub(r"(postgres(?:ql)?://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DatabaseLocked as e:
        print(f"Database in gebruik: {e}", file=sys.stderr)
        return 3
    except StoreUnavailable as e:   # PostgreSQL unreachable: host and port, no password
        print(f"Geen verbinding met de database: {e}", file=sys.stderr)
        return 4
    except Invalid as e:  # a data-layer refusal: one line per problem
        print("Niet gelukt:\n" + "\n".join(f"- {m}" for m in e.problems.values()), file=sys.stderr)
        return 1
    except (Refused, AccessDenied, ValueError) as e:
        print(str(e), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not a user error: say so plainly
        if os.environ.get("DORP_DEBUG"):
            traceback.print_exc()
        print(f"Onverwachte fout ({type(e).__name__}): {_no_password(str(e))}\n"
              "Zet DORP_DEBUG=1 voor de technische details.", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
