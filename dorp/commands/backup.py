"""`dorp backup DIR` / `dorp restore DIR`: full, consistent copies of the database."""

from __future__ import annotations

from pathlib import Path

from dorp import backup, config
from dorp.db import connect


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
                                   "terug. Stop eerst de app.")
    p.add_argument("dir", metavar="DIR", type=Path)
    p.set_defaults(func=cmd_restore)


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
