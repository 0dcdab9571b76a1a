"""Paths and settings, all overridable by environment variables."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def db_target() -> Path | str:
    """The store: $DORP_DB, default data/dorp.duckdb (relative to the project): a DuckDB
    file path, or a PostgreSQL URL postgresql://USER[:PW]@HOST:PORT/DB (kept as text)."""
    raw = os.environ.get("DORP_DB") or "data/dorp.duckdb"
    if raw.startswith(("postgresql://", "postgres://")):
        return raw
    p = Path(raw)
    return p if p.is_absolute() else (Path.cwd() / p)


def db_is_server() -> bool:
    return isinstance(db_target(), str)


def db_path() -> Path:
    """The DuckDB database file. With a PostgreSQL URL in $DORP_DB there is none; then the
    folder for local files (backups) is data/ under the working directory."""
    target = db_target()
    return target if isinstance(target, Path) else Path.cwd() / "data" / "dorp.duckdb"


def db_label() -> str:
    """$DORP_DB for messages: the file, or the server without the password."""
    from dorp.store import describe
    return describe(db_target())


def backup_dir() -> Path:
    raw = os.environ.get("DORP_BACKUP_DIR")
    return Path(raw) if raw else db_path().parent / "backups"


def backups_to_keep() -> int:
    return int(os.environ.get("DORP_BACKUPS_KEEP", "10"))


def today() -> date:
    """'Today' for the app: $DORP_TODAY (YYYY-MM-DD, for tests and demos) or the real date."""
    raw = os.environ.get("DORP_TODAY")
    return date.fromisoformat(raw) if raw else date.today()


# --- web security settings (read by dorp/httpsec.py; documented in the README) -------------

class SettingError(ValueError):
    """A security setting in the environment is malformed (a Dutch message; the app refuses
    to start rather than run with a setting it does not understand)."""


def trusted_proxies() -> list[str]:
    """$DORP_TRUSTED_PROXIES: the reverse proxies (IP addresses or networks such as
    10.0.0.0/8, comma-separated) whose X-Forwarded-Proto and X-Forwarded-For are believed.
    Default: none, so a client can never claim https or another address."""
    import ipaddress
    out = []
    for item in os.environ.get("DORP_TRUSTED_PROXIES", "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingError(
                f"DORP_TRUSTED_PROXIES: '{item}' is geen IP-adres of netwerk "
                "(voorbeeld: 127.0.0.1,10.0.0.0/8).") from None
        out.append(item)
    return out


def allowed_origins() -> list[str]:
    """$DORP_ORIGINS: the address(es) the app is served at, as scheme://host[:port]
    (comma-separated), e.g. https://dorpsregie.example.nl. The websocket and the log-in and
    log-out routes accept only these origins. Default: the app's own origin as the browser
    asked for it (scheme and Host of the request itself), so no other site and no other
    port on the same host is accepted."""
    from urllib.parse import urlsplit
    out = []
    for item in os.environ.get("DORP_ORIGINS", "").split(","):
        item = item.strip().rstrip("/")
        if not item:
            continue
        try:
            parts = urlsplit(item)
            ok = parts.scheme in ("http", "https") and parts.hostname and not parts.path \
                and not parts.query and not parts.fragment and parts.username is None
            parts.port   # a bad port raises ValueError
        except ValueError:
            ok = False
        if not ok:
            raise SettingError(
                f"DORP_ORIGINS: '{item}' is geen adres van de vorm https://host[:poort] "
                "(voorbeeld: https://dorpsregie.example.nl).")
        out.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return out


def public_url() -> str:
    """$DORP_PUBLIC_URL: the address residents reach the app at (printed on ballot cards and
    in their QR codes), as scheme://host[:port]; default http://localhost:8501."""
    from urllib.parse import urlsplit
    raw = (os.environ.get("DORP_PUBLIC_URL") or "http://localhost:8501").strip().rstrip("/")
    try:
        parts = urlsplit(raw)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query \
            and not parts.fragment and parts.username is None
        parts.port
    except ValueError:
        ok = False
    if not ok:
        raise SettingError(f"DORP_PUBLIC_URL: '{raw}' is geen adres van de vorm "
                           "https://host[:poort] (voorbeeld: https://stem.example.nl).")
    return raw


# --- the village map's base map (read by dorp/charts/lines.py and dorp/httpsec.py) ----------

@dataclass(frozen=True)
class MapTiles:
    """A tile server for the village map's base map: an XYZ URL template and the credit its
    licence asks for (shown on the map)."""
    template: str
    attribution: str

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the tile server: the one host the CSP lets images come
        from besides the app itself."""
        from urllib.parse import urlsplit
        parts = urlsplit(self.template)
        return f"{parts.scheme}://{parts.netloc.lower()}"


def map_tiles() -> MapTiles | None:
    """$DORP_MAP_TILES: an XYZ tile URL template, e.g.
    https://tile.openstreetmap.org/{z}/{x}/{y}.png, with $DORP_MAP_ATTRIBUTION, the credit
    the tile server's licence asks for (e.g. "© OpenStreetMap-bijdragers"). Unset (the
    default): no base map, the village map draws on a plain background and the app loads
    nothing from elsewhere. The browser loads the tiles itself, so the server must be
    reachable from the users' browsers and allow cross-origin image requests (CORS)."""
    from urllib.parse import urlsplit
    raw = os.environ.get("DORP_MAP_TILES", "").strip()
    if not raw:
        return None
    example = " (voorbeeld: https://tile.openstreetmap.org/{z}/{x}/{y}.png)"
    try:
        parts = urlsplit(raw)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) \
            and parts.username is None and not parts.fragment and "{" not in parts.netloc
        parts.port
    except ValueError:
        ok = False
    placeholders = re.findall(r"\{[^}]*\}", raw)
    if not ok or sorted(placeholders) != ["{x}", "{y}", "{z}"] or re.search(r"[{}]", re.sub(
            r"\{[xyz]\}", "", raw)):
        raise SettingError(f"DORP_MAP_TILES: '{raw}' is geen adres van kaarttegels van de vorm "
                           "https://host/…/{z}/{x}/{y}…, met {z}, {x} en {y} elk één keer"
                           + example + ".")
    attribution = os.environ.get("DORP_MAP_ATTRIBUTION", "").strip()
    if not attribution:
        raise SettingError("DORP_MAP_ATTRIBUTION ontbreekt: een ondergrond van kaarttegels "
                           "vraagt om de bronvermelding die de licentie van de tegels noemt "
                           "(voorbeeld: '© OpenStreetMap-bijdragers').")
    return MapTiles(raw, attribution)
