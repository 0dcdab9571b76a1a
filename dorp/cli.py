"""The `dorp` command line (INTERFACES.md). Each group of commands lives in its own module
under dorp/commands and registers itself here.

Exit codes: 0 done; 1 input refused; 2 wrong usage; 3 database in use by another process.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from dorp.access import AccessDenied
from dorp.commands import COMMAND_MODULES
from dorp.db import DatabaseLocked
from dorp.errors import Refused


class DutchParser(argparse.ArgumentParser):
    def error(self, message: str):  # wrong usage: exit 2 with a short Dutch hint
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout in de opdracht: {message}\n"
                     f"Zie '{self.prog} --help' voor de mogelijkheden.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = DutchParser(
        prog="dorp",
        description="Dorpsregie: beheer van de pilots van 'Dorp als Verzorgingshuis'. "
                    "De database is $DORP_DB (standaard data/dorp.duckdb).",
        epilog="Afsluitcodes: 0 klaar, 1 invoer geweigerd, 2 verkeerd gebruik, "
               "3 database in gebruik door een ander proces.",
    )
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchParser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DatabaseLocked as e:
        print(f"Database in gebruik: {e}", file=sys.stderr)
        return 3
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
        print(f"Onverwachte fout ({type(e).__name__}): {e}\n"
              "Zet DORP_DEBUG=1 voor de technische details.", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
