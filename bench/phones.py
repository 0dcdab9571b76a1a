"""Simulated phones for the live ballot: each voter opens its code's page over real HTTP (as a
QR code's link does), picks an option and taps "Stem uitbrengen"; the time from that tap to
the "Bedankt" page is measured. Used by the load test (tests/test_ballot_load.py) and by
`make bench` (bench/ballot.py). Standard library only.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

THANKS = "Bedankt, uw stem is geteld."
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')
_OPTION = re.compile(r'name="keuze" value="(\d+)"')


@dataclass
class Vote:
    code: str
    option: int | None = None       # the option id chosen
    status: str = "pending"         # counted | <http status> | error:<text>
    seconds: float | None = None    # tap -> "Bedankt"


def vote(base_url: str, code: str, pick: int = 0, timeout: float = 60.0) -> Vote:
    """One phone: GET the page for `code`, choose option number `pick` (modulo the number
    of options), POST, follow to the thanks page."""
    v = Vote(code)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        page = opener.open(f"{base_url}/stem?code={urllib.parse.quote(code)}",
                           timeout=timeout).read().decode("utf-8")
        options = [int(x) for x in _OPTION.findall(page)]
        token = _CSRF.search(page).group(1)
        v.option = options[pick % len(options)]
        body = urllib.parse.urlencode({"code": code, "csrf": token, "keuze": v.option}).encode()
        t0 = time.perf_counter()
        answer = opener.open(urllib.request.Request(f"{base_url}/stem", data=body, method="POST"),
                             timeout=timeout)
        text = answer.read().decode("utf-8")
        v.seconds = time.perf_counter() - t0
        v.status = "counted" if THANKS in text else f"no-thanks:{answer.status}"
    except urllib.error.HTTPError as e:
        v.status = str(e.code)
    except Exception as e:   # noqa: BLE001 - reported, never hidden
        v.status = f"error:{type(e).__name__}:{e}"
    return v


def crowd(base_url: str, codes: list[str], within_s: float = 60.0,
          picks: list[int] | None = None) -> list[Vote]:
    """Every code votes once, the taps spread evenly over `within_s` seconds (all threads start
    at once and each waits for its moment)."""
    out: list[Vote | None] = [None] * len(codes)
    start = time.perf_counter() + 0.5
    gap = within_s / max(1, len(codes))

    def run(i: int, code: str) -> None:
        delay = start + i * gap - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        out[i] = vote(base_url, code, (picks[i] if picks else i))

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(codes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(within_s + 120)
    return [v or Vote(c, status="error:timeout") for v, c in zip(out, codes)]


def p95(seconds: list[float]) -> float:
    if not seconds:
        return float("nan")
    if len(seconds) == 1:
        return seconds[0]
    return statistics.quantiles(seconds, n=20, method="inclusive")[18]
