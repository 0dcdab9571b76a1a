"""The residents' ballot page over real HTTP against a real app process (streamlit run
app.py): what it shows and refuses, CSRF, escaping, the load of 200 phones (none lost, none
counted twice) and a server restart in the middle of a round (nothing lost)."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date

import pytest
from conftest import LEAD, Server, free_port, user_of

from bench import phones as bench_ballot
from dorp.db import open_db
from dorp.repo import ballot, steps

TODAY = date(2026, 11, 29)
VILLAGES = ("Appeldorp", "Beekdorp", "<b>Cederdorp</b> & co")


def _prepare(path, n_codes: int) -> tuple[int, list[str]]:
    db = open_db(path)
    lead = user_of(db, LEAD)
    mid = steps.add_start_meeting(db, lead, "Stemgemeente", TODAY, 200, 1, None, TODAY)
    for v in VILLAGES:
        steps.add_pitch(db, lead, mid, v, "pitch")
    rid = ballot.open_meeting_round(db, lead, mid)
    codes = ballot.issue_codes(db, lead, rid, n_codes)
    db.con.close()
    return rid, codes


def _counts(path, rid) -> tuple[dict[str, int], int]:
    db = open_db(path)
    try:
        tallies = {r["label"]: r["votes"] for r in db.rows(
            "SELECT o.label, t.votes FROM ballot_tallies t JOIN ballot_options o"
            " ON o.id = t.option_id WHERE t.round_id = ?", [rid])}
        used = db.scalar("SELECT count(*) FROM ballot_codes WHERE round_id = ? AND used", [rid])
        return tallies, used
    finally:
        db.con.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("ballot") / "dorp.duckdb"
    shutil.copy(demo_template, path)
    rid, codes = _prepare(path, 260)
    srv = Server(path, free_port())
    yield srv, path, rid, codes
    srv.stop()


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


def _post(url: str, fields: dict, headers: dict | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=urllib.parse.urlencode(fields, doseq=True).encode(),
                                 method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_page_shows_only_the_rounds_options_escaped(live):
    srv, _, _, codes = live
    status, body, headers = _get(f"{srv.url}/stem?code={codes[0]}")
    assert status == 200
    assert "Startbijeenkomst Stemgemeente: welk dorp start?" in body
    assert "Appeldorp" in body and "Beekdorp" in body
    assert "&lt;b&gt;Cederdorp&lt;/b&gt; &amp; co" in body and "<b>Cederdorp" not in body
    assert "Vorden" not in body and "Laren" not in body   # nothing of the programme
    assert "<script" not in body                              # works without JavaScript
    assert headers.get("Cache-Control") == "no-store"
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy")
    assert 'name="viewport" content="width=device-width' in body
    assert re.search(r'<input type="radio" name="keuze" value="\d+">', body)
    status, body, _ = _get(f"{srv.url}/stem")
    assert status == 200 and 'name="code"' in body and "Appeldorp" not in body


@pytest.mark.parametrize("code, status, text", [
    ("ZZZZ-ZZZZ", 404, "Deze code kennen we niet"),
    ("<script>", 404, "Deze code kennen we niet"),
])
def test_unknown_codes_get_a_plain_message(live, code, status, text):
    srv = live[0]
    got, body, _ = _get(f"{srv.url}/stem?code={urllib.parse.quote(code)}")
    assert got == status and text in body
    assert "Appeldorp" not in body and "<script>" not in body


def test_vote_once_then_used(live):
    srv, _, _, codes = live
    v = bench_ballot.vote(srv.url, codes[1])
    assert v.status == "counted"
    again = bench_ballot.vote(srv.url, codes[1])
    assert again.status == "409"
    status, body, _ = _get(f"{srv.url}/stem?code={codes[1]}")
    assert status == 409 and "Met deze code is al gestemd" in body and "Appeldorp" not in body


def test_post_needs_the_pages_token_and_the_apps_origin(live):
    srv, _, _, codes = live
    status, body, _ = _get(f"{srv.url}/stem?code={codes[2]}")
    option = re.search(r'name="keuze" value="(\d+)"', body).group(1)
    # no token cookie: refused, the choice offered again, nothing counted
    status, body = _post(f"{srv.url}/stem", {"code": codes[2], "keuze": option, "csrf": "x"})
    assert status == 422 and "Deze pagina was verlopen" in body
    # another site's form: refused
    status, body = _post(f"{srv.url}/stem", {"code": codes[2], "keuze": option},
                         headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert status == 403
    assert bench_ballot.vote(srv.url, codes[2]).status == "counted"


def test_two_hundred_phones_none_lost_none_twice(live):
    srv, path, rid, codes = live
    crowd = codes[10:210]
    votes = bench_ballot.crowd(srv.url, crowd, within_s=20.0, picks=list(range(200)))
    assert Counter(v.status for v in votes) == {"counted": 200}, \
        Counter(v.status for v in votes).most_common(5)
    p95 = bench_ballot.p95([v.seconds for v in votes])
    print(f"\n200 phones: p95 tap -> Bedankt {p95 * 1000:.0f} ms")
    # none counted twice: a second tap with each code is refused
    again = bench_ballot.crowd(srv.url, crowd[:40], within_s=2.0)
    assert {v.status for v in again} == {"409"}


def test_restart_mid_round_loses_nothing(live):
    srv, path, rid, codes = live
    assert bench_ballot.vote(srv.url, codes[220], pick=1).status == "counted"
    srv.stop()
    tallies, used = _counts(path, rid)
    # votes so far: codes[1], [2], 200 in the crowd (option k % 3), [220] -> option 1
    assert used == 203
    assert sum(tallies.values()) == 203
    restarted = Server(path, free_port())
    try:
        assert bench_ballot.vote(restarted.url, codes[221], pick=2).status == "counted"
        assert bench_ballot.vote(restarted.url, codes[220]).status == "409"
    finally:
        restarted.stop()
    tallies, used = _counts(path, rid)
    assert used == 204 and sum(tallies.values()) == 204
