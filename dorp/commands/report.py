"""`dorp report --out FILE.pdf [--village NAME]`: the funder's progress report."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from dorp import config
from dorp.access import SYSTEM
from dorp.db import Db, connect, migrate
from dorp.errors import Refused
from dorp.repo import funder, plan

KIND_NAMES = {"kwartaal": "quarter", "halfjaar": "half", "jaar": "year", "programma": "programme"}


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is geen datum van de vorm JJJJ-MM-DD")


def register(sub) -> None:
    p = sub.add_parser(
        "report", add_help=False, help="het voortgangsrapport voor de financier (PDF)",
        description="Maakt het voortgangsrapport voor de financier als PDF: voorblad, "
                    "samenvatting, grafieken, begroting, mijlpalen en een pagina per pilot. "
                    "Zonder persoonsgegevens; aantallen mensen onder de 5 staan er als \"<5\". "
                    "Dezelfde cijfers als de pagina 'Voortgang voor financiers', met het plan "
                    "tegenover de werkelijkheid. Teksten voor de financier die niet kloppen met "
                    "de stand van een pilot, ontbreken of bij meer pilots hetzelfde zijn, worden "
                    "als waarschuwing gemeld (op stderr); het rapport wordt toch gemaakt.")
    p._optionals.title = "opties"
    p.add_argument("-h", "--help", action="help", help="toon deze hulp en stop")
    p.add_argument("--out", required=True, metavar="BESTAND.pdf", type=Path,
                   help="waar het PDF-bestand komt (verplicht)")
    p.add_argument("--village", metavar="NAAM",
                   help="alleen deze pilot (de naam van het dorp); standaard het hele programma")
    p.add_argument("--period", choices=list(KIND_NAMES), default="programma",
                   help="over welke periode: het lopende kwartaal, halfjaar of jaar, "
                        "of het hele programma (standaard)")
    p.add_argument("--as-of", type=_date, metavar="JJJJ-MM-DD",
                   help="rekent met deze datum als 'vandaag'")
    p.add_argument("--excel", metavar="BESTAND.xlsx", type=Path,
                   help="schrijf ook de samenvattende tabellen als Excel-werkboek")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from dorp import report

    con = connect()
    migrate(con)
    db = Db(con)
    today = args.as_of or config.today()
    prog = db.one("SELECT start_date, end_date FROM programme ORDER BY id LIMIT 1")
    if prog is None:
        raise Refused("Er is nog geen programma in de database; er valt niets te rapporteren. "
                      "Laad eerst gegevens met 'dorp demo' of 'dorp import BESTAND.xlsx'.")
    village_id = None
    if args.village:
        village_id = funder.village_id_by_name(db, SYSTEM, args.village)
        if village_id is None:
            known = ", ".join(funder.villages(db, SYSTEM).values())
            raise Refused(f"Het dorp '{args.village}' heeft geen pilot in dit programma. "
                          f"Kies uit: {known}.")
    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise Refused(f"Het rapport wordt een PDF: geef een bestandsnaam die op .pdf eindigt "
                      f"(niet '{out.name}').")
    if not out.parent.exists():
        raise Refused(f"De map {out.parent} bestaat niet.")
    period = funder.periods(KIND_NAMES[args.period], prog["start_date"], today, prog["end_date"])[0]
    view = funder.view(db, SYSTEM, period, today, village_id)
    try:
        out.write_bytes(report.build_pdf(view))
        if args.excel:
            args.excel.write_bytes(report.build_xlsx(view))
    except OSError as e:
        raise Refused(f"Kan het bestand niet schrijven: {e.strerror} ({e.filename}).")
    warn_texts(plan.text_findings(db, SYSTEM, today, village_id))
    what = f"pilot {view.village}" if view.village else "het hele programma"
    print(f"Rapport over {what}, periode {funder.period_label(period)}, geschreven naar {out}."
          + (f" Samenvatting in {args.excel}." if args.excel else ""))
    return 0


def warn_texts(findings) -> None:
    """The check before sending, as a warning on stderr (the report is made anyway)."""
    from dorp import i18n
    if not findings:
        return
    lines = [i18n.t("check.cli_head", n=len(findings))]
    for f in findings:
        lines.append(f"- {f.village}, {i18n.t('check.field_' + f.field)}: {f.text()}")
    print("\n".join(lines), file=sys.stderr)
