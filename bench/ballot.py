"""The live ballot under load: 200 simulated phones (bench/phones.py) vote within a minute over
real HTTP against a real app process; p95 from the tap on "Stem uitbrengen" to "Bedankt", and
whether every vote was counted exactly once (read back from the store afterwards)."""

from __future__ import annotations

from bench import phones
from bench.common import ROOT, TARGETS, TODAY, demo_db, load, median, server, working_copy


def bench_ballot(voters: int = 200, within_s: float = 60.0) -> dict:
    from dorp.access import SYSTEM
    from dorp.db import open_db
    from dorp.repo import ballot, steps
    load_start = load()
    with working_copy(demo_db()) as path:
        db = open_db(path)
        mid = steps.add_start_meeting(db, SYSTEM, "Benchgemeente", TODAY, voters, 1, None, TODAY)
        for v in ("Benchdorp A", "Benchdorp B", "Benchdorp C", "Benchdorp D"):
            steps.add_pitch(db, SYSTEM, mid, v, None)
        rid = ballot.open_meeting_round(db, SYSTEM, mid)
        codes = ballot.issue_codes(db, SYSTEM, rid, voters)
        db.con.close()
        with server(ROOT / "app.py", path) as srv:
            phones.vote(srv.url, "ZZZZZZZZ")            # warm the route once (unknown code)
            votes = phones.crowd(srv.url, codes, within_s=within_s)
        db = open_db(path)
        counted = db.scalar("SELECT sum(votes) FROM ballot_tallies WHERE round_id = ?", [rid])
        used = db.scalar("SELECT count(*) FROM ballot_codes WHERE round_id = ? AND used", [rid])
        db.con.close()
    secs = [v.seconds for v in votes if v.seconds is not None]
    return {"voters": voters, "within_s": within_s, "load": (load_start, load()),
            "ok": sum(v.status == "counted" for v in votes), "counted": int(counted or 0),
            "used": int(used or 0), "p95_s": phones.p95(secs), "median_s": median(secs),
            "max_s": max(secs) if secs else float("nan"),
            "errors": sorted({v.status for v in votes if v.status != "counted"})[:5]}


def report(bl: dict, ok) -> list[str]:
    """The section of docs/benchmarks.md (`ok` formats a met/missed judgement)."""
    lines = ["## Live ballot: 200 phones within a minute", ""]
    if "error" in bl:
        return lines + [f"Not measured: {bl['error']}", ""]
    exact = bl["ok"] == bl["voters"] == bl["counted"] == bl["used"]
    return lines + [
        "| | |", "|---|---:|",
        f"| phones voting (spread over {bl['within_s']:.0f} s) | {bl['voters']} |",
        f"| answered \"Bedankt\" | {bl['ok']} |",
        f"| votes in the store / codes used | {bl['counted']} / {bl['used']} |",
        f"| tap -> \"Bedankt\": median / p95 / max (ms) | {bl['median_s'] * 1000:.0f}"
        f" / {bl['p95_s'] * 1000:.0f} / {bl['max_s'] * 1000:.0f} |", "",
        "Real HTTP against `streamlit run app.py` (GET the code's page, POST the choice, follow "
        f"to the thanks page); load {bl['load'][0]:.1f} -> {bl['load'][1]:.1f}. None lost, none "
        f"counted twice: {ok(exact)}. p95 under 1 s: {ok(bl['p95_s'] < TARGETS['ballot_p95_s'])}."
        + (f" Other answers: {', '.join(bl['errors'])}." if bl["errors"] else ""), ""]
