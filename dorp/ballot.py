"""The live ballot's rules as pure functions: codes, their checks, throttling windows, and
what a round's counts decide.

Residents vote from their phones with single-use codes (issue 19). Twice the method lets
residents choose:
- Stap 1 ("Methodiek: Dorp als Verzorgingshuis"): "Op het einde van de avond mogen alle dorpen
  in een korte presentatie aangeven waarom zij vinden dat hun dorp een 'dorp als
  verzorgingshuis' wil worden. Via een stemprocedure wordt bepaald in welk dorp of welke
  dorpen we gaan starten." The counts become the start meeting's vote tally (dorp/vote.py:
  ties for the last place are decided by the lead, with a reason).
- De Vonk (ch. 4, "Methodiek: De Vonk van Nederland"): "Inwoners kiezen de winnaars." The
  counts decide the contest's winners by the same rule.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# Codes: 8 characters without look-alikes (no 0/O, 1/I/L, U/V), shown as XXXX-XXXX.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8
MAX_CODES = 2000               # per batch
DEFAULT_VALID_HOURS = 12       # a round's codes stop working after this, even if left open
MAX_VALID_HOURS = 24 * 14

# Throttling failed attempts (unknown codes): per client and for everyone together, per
# window. A village hall shares one address, so the per-client limit leaves room for typos.
WINDOW = timedelta(minutes=10)
CLIENT_LIMIT = 30
GLOBAL_LIMIT = 1000
GLOBAL_BUCKET = "*"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_codes(n: int) -> list[str]:
    """n distinct random codes."""
    out: set[str] = set()
    while len(out) < n:
        out.add(new_code())
    return sorted(out, key=lambda _c: secrets.randbits(32))


def normalise(raw: str | None) -> str | None:
    """What the resident typed or scanned, as a code: upper case, without spaces and dashes;
    None when it cannot be a code (wrong length or characters)."""
    if raw is None:
        return None
    s = "".join(ch for ch in str(raw).upper() if ch not in " -\t\r\n")
    if len(s) != CODE_LENGTH or any(ch not in ALPHABET for ch in s):
        return None
    return s


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def client_bucket(address: str | None) -> str:
    """The throttling bucket of a client address (hashed: no addresses in the store)."""
    return "c:" + hashlib.sha256((address or "?").encode("utf-8")).hexdigest()[:32]


def window_start(now: datetime) -> datetime:
    """The start of the throttling window `now` falls in."""
    step = int(WINDOW.total_seconds())
    epoch = datetime(2000, 1, 1)
    n = int((now - epoch).total_seconds()) // step
    return epoch + timedelta(seconds=n * step)


def wait_minutes(now: datetime) -> int:
    """Whole minutes until the current window ends (at least 1)."""
    end = window_start(now) + WINDOW
    return max(1, -(-int((end - now).total_seconds()) // 60))


def throttled(client_failures: int, global_failures: int) -> bool:
    return client_failures >= CLIENT_LIMIT or global_failures >= GLOBAL_LIMIT


@dataclass(frozen=True)
class Choice:
    """A voter's choice checked against the round: option ids, or a Dutch problem."""
    options: tuple[int, ...]
    problem: str | None = None


def check_choice(chosen: list, offered: list[int], choices: int) -> Choice:
    """At least one and at most `choices` distinct options of this round."""
    ids: list[int] = []
    for raw in chosen:
        try:
            v = int(raw)
        except (TypeError, ValueError):
            return Choice((), "unknown")
        if v not in offered:
            return Choice((), "unknown")
        if v not in ids:
            ids.append(v)
    if not ids:
        return Choice((), "none")
    if len(ids) > choices:
        return Choice((), "too_many")
    return Choice(tuple(ids))


def turnout(cast: int, issued: int) -> float:
    """Share of the issued codes used (0 without codes)."""
    return cast / issued if issued else 0.0
