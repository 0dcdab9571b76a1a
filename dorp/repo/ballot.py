"""The live ballot in the store: rounds, their options, single-use codes, anonymous counts.

Leads (and only they) open a round for a start meeting (options: the villages that pitched)
or for a De Vonk contest (options: the ideas the jury kept), issue codes, watch the turnout,
and close the round; closing carries the counts into the start meeting's vote tally
(dorp/repo/steps.record_votes: the tie rule and "no votes, never chosen" hold there) or into
the contest's ideas (dorp/repo/vonk.apply_votes). Every one of those writes is audited.

Residents have no account: `ballot_for_code` and `cast` take no User; the code is the only
credential, and they reveal nothing but the open round's options (INTERFACES.md, Browser).

Anonymity (migration 0013): `cast` marks the code used and adds one to the chosen options'
counters in one transaction, touching every counter of the round in one statement (zero to
those not chosen) so that not even "which rows changed last" links a code to a choice. A vote
writes no audit entry and no timestamp; codes are stored only as SHA-256 hashes.
Single use under concurrency: the code is taken with a conditional UPDATE (`... AND NOT used`),
so of two simultaneous votes with one code exactly one counts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dorp import ballot as rules
from dorp.access import AccessDenied, User, require
from dorp.db import Db, StaleVersion
from dorp.errors import Invalid

# DuckDB refuses (rather than waits for) a second transaction writing the same counters, so
# votes within one process take turns; each takes about a millisecond. PostgreSQL's row locks
# order votes across processes; a conflict that still slips through is retried.
_cast_lock = threading.Lock()
_RETRIES = 5


# --- what a resident sees ----------------------------------------------------------------

@dataclass(frozen=True)
class Ballot:
    """What a code opens: a state, and only for "open" the round's title and options."""
    state: str                      # open | unknown | used | expired | closed | throttled | malformed
    round_id: int | None = None
    title: str = ""
    choices: int = 1
    options: list[tuple[int, str]] = field(default_factory=list)
    wait_minutes: int = 0


def _failures(db: Db, bucket: str, window: datetime) -> int:
    return db.scalar("SELECT failures FROM ballot_failures WHERE bucket = ? AND window_start = ?",
                     [bucket, window]) or 0


def _is_throttled(db: Db, client: str | None, now: datetime) -> bool:
    window = rules.window_start(now)
    return rules.throttled(_failures(db, rules.client_bucket(client), window),
                           _failures(db, rules.GLOBAL_BUCKET, window))


def _record_failure(db: Db, client: str | None, now: datetime) -> None:
    window = rules.window_start(now)
    for attempt in range(_RETRIES):
        try:
            with _cast_lock, db.tx(None) as tx:
                for bucket in (rules.client_bucket(client), rules.GLOBAL_BUCKET):
                    tx.execute("INSERT INTO ballot_failures (bucket, window_start, failures)"
                               " VALUES (?, ?, 1) ON CONFLICT (bucket, window_start) DO UPDATE"
                               " SET failures = ballot_failures.failures + 1", [bucket, window])
                tx.execute("DELETE FROM ballot_failures WHERE window_start < ?",
                           [window - timedelta(days=1)])
            return
        except Exception as e:   # a write conflict with another process: once more
            if not _conflict(e) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def _changed(tx) -> int:
    """Rows changed by the transaction's last statement (the store seam's own count where it
    has one; DuckDB answers an UPDATE with that count)."""
    if hasattr(tx, "_changed"):
        return tx._changed()
    r = tx.cur.fetchone()
    return int(r[0]) if r else 0


def _conflict(e: Exception) -> bool:
    text = str(e).lower()
    return "conflict" in text or "could not serialize" in text or "deadlock" in text


def _round_state(r: dict, now: datetime) -> str:
    if r["status"] != "open":
        return "closed"
    if r["expires_at"] <= now:
        return "expired"
    return "open"


def ballot_for_code(db: Db, raw_code: str | None, client: str | None,
                    now: datetime | None = None) -> Ballot:
    """What the ballot page may show for a code (no login): the open round's options, or only
    a state. An unknown code counts as a failed attempt of this client (throttling)."""
    now = now or datetime.now()
    if _is_throttled(db, client, now):
        return Ballot("throttled", wait_minutes=rules.wait_minutes(now))
    code = rules.normalise(raw_code)
    row = db.one("SELECT c.used, r.id, r.title, r.choices, r.status, r.expires_at"
                 " FROM ballot_codes c JOIN ballot_rounds r ON r.id = c.round_id"
                 " WHERE c.code_hash = ?", [rules.code_hash(code)]) if code else None
    if row is None:
        _record_failure(db, client, now)
        return Ballot("unknown" if code or raw_code else "malformed")
    state = _round_state(row, now)
    if state != "open":
        return Ballot(state)
    if row["used"]:
        return Ballot("used")
    return Ballot("open", row["id"], row["title"], row["choices"], _options(db, row["id"]))


# An option's label as it is now: the village's or idea's current name (a rename shows at
# once), the label stored at opening when that record is gone.
_LABEL = """COALESCE((SELECT v.name FROM pitches p JOIN villages v ON v.id = p.village_id
                      WHERE p.id = o.pitch_id),
                     (SELECT i.title FROM vonk_ideas i WHERE i.id = o.idea_id), o.label)"""


def _options(db: Db, round_id: int) -> list[tuple[int, str]]:
    return [(r["id"], r["label"]) for r in db.rows(
        f"SELECT o.id, {_LABEL} AS label FROM ballot_options o WHERE o.round_id = ?"
        " ORDER BY o.position, o.id", [round_id])]


def options(db: Db, user: User, round_id: int) -> list[str]:
    """The labels on the ballot of a round (lead), in their order: never counts."""
    _require_round(db, user, round_id)
    return [label for _, label in _options(db, round_id)]


@dataclass(frozen=True)
class Outcome:
    state: str      # counted | used | unknown | expired | closed | throttled | malformed | none | too_many
    ballot: Ballot | None = None    # to show the options again (choice problems)


class _Abort(Exception):
    def __init__(self, state: str):
        self.state = state


def cast(db: Db, raw_code: str | None, chosen: list, client: str | None,
         now: datetime | None = None) -> Outcome:
    """One vote: the code is used once, the chosen options each count once more. Nothing else
    is stored (no time, no link between the code and the choice)."""
    now = now or datetime.now()
    b = ballot_for_code(db, raw_code, client, now)
    if b.state != "open":
        return Outcome(b.state, b)
    choice = rules.check_choice(chosen, [oid for oid, _ in b.options], b.choices)
    if choice.problem:
        return Outcome(choice.problem, b)
    code_hash = rules.code_hash(rules.normalise(raw_code))
    marks = ", ".join("?" for _ in choice.options)
    for attempt in range(_RETRIES):
        try:
            with _cast_lock, db.tx(None) as tx:
                # No RETURNING: DuckDB then rewrites the row at the end of the table, and the
                # table's order would tell in which order the codes were used.
                tx.execute("UPDATE ballot_codes SET used = TRUE WHERE code_hash = ?"
                           " AND round_id = ? AND NOT used", [code_hash, b.round_id])
                if _changed(tx) != 1:
                    raise _Abort("used")
                r = tx.execute("SELECT status, expires_at FROM ballot_rounds WHERE id = ?",
                               [b.round_id]).fetchone()
                state = _round_state({"status": r[0], "expires_at": r[1]}, now)
                if state != "open":      # closed between the check and this vote
                    raise _Abort(state)
                tx.execute("UPDATE ballot_tallies SET votes = votes +"
                           f" CASE WHEN option_id IN ({marks}) THEN 1 ELSE 0 END"
                           " WHERE round_id = ?", [*choice.options, b.round_id])
            return Outcome("counted")
        except _Abort as a:
            return Outcome(a.state)
        except Exception as e:
            if not _conflict(e) or attempt == _RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


# --- the lead's side ------------------------------------------------------------------------

def _require_round(db: Db, user: User, round_id: int) -> dict:
    r = db.one("SELECT * FROM ballot_rounds WHERE id = ?", [round_id])
    if r is None:
        raise Invalid({"round": "Deze stemronde bestaat niet (meer)."})
    require(user, "edit_village", r["village_id"])
    return r


def rounds(db: Db, user: User) -> list[dict]:
    """Every round, newest first (lead)."""
    require(user, "edit_village")
    return db.rows("SELECT r.*, (SELECT count(*) FROM ballot_codes c WHERE c.round_id = r.id"
                   " AND c.used) AS cast_count FROM ballot_rounds r"
                   " ORDER BY r.opened_at DESC, r.id DESC")


def get_round(db: Db, user: User, round_id: int) -> dict:
    return _require_round(db, user, round_id)


def open_round_for(db: Db, user: User, *, meeting_id: int | None = None,
                   contest_id: int | None = None) -> dict | None:
    """The round of this meeting or contest that is still open, if any."""
    col, val = ("meeting_id", meeting_id) if meeting_id is not None else ("contest_id", contest_id)
    r = db.one(f"SELECT * FROM ballot_rounds WHERE {col} = ? AND status = 'open'"
               " ORDER BY id DESC", [val])
    if r is not None:
        require(user, "edit_village", r["village_id"])
    return r


def rounds_for(db: Db, user: User, *, meeting_id: int | None = None,
               contest_id: int | None = None) -> list[dict]:
    col, val = ("meeting_id", meeting_id) if meeting_id is not None else ("contest_id", contest_id)
    out = db.rows(f"SELECT * FROM ballot_rounds WHERE {col} = ? ORDER BY id DESC", [val])
    for r in out:
        require(user, "edit_village", r["village_id"])
    return out


def _check_round_input(p: dict, choices, valid_hours, n_options: int) -> None:
    if isinstance(choices, bool) or not isinstance(choices, int) or choices < 1:
        p["choices"] = "Elke kiezer moet minstens één keuze hebben."
    elif n_options and choices > n_options:
        p["choices"] = (f"Er zijn maar {n_options} opties; meer keuzes per kiezer dan opties "
                        "kan niet.")
    if isinstance(valid_hours, bool) or not isinstance(valid_hours, int) \
            or not 1 <= valid_hours <= rules.MAX_VALID_HOURS:
        p["valid_hours"] = (f"De codes moeten tussen 1 en {rules.MAX_VALID_HOURS} uur geldig "
                            "zijn.")


def _open(db: Db, user: User, values: dict, options: list[dict], now: datetime) -> int:
    with db.tx(user.username) as tx:
        rid = tx.insert("ballot_rounds", {**values, "status": "open", "opened_at": now},
                        village_id=values.get("village_id"))
        for pos, o in enumerate(options, start=1):
            oid = tx.insert("ballot_options", {"round_id": rid, "position": pos, **o},
                            village_id=values.get("village_id"))
            tx.execute("INSERT INTO ballot_tallies (round_id, option_id, votes) VALUES (?, ?, 0)",
                       [rid, oid])
        return rid


def open_meeting_round(db: Db, user: User, meeting_id: int, choices: int = 1,
                       valid_hours: int = rules.DEFAULT_VALID_HOURS,
                       now: datetime | None = None) -> int:
    """A round for a start meeting: the options are the villages that pitched."""
    require(user, "edit_village")
    now = now or datetime.now()
    meeting = db.one("SELECT s.id, s.meeting_date, m.name AS municipality FROM start_meetings s"
                     " JOIN municipalities m ON m.id = s.municipality_id WHERE s.id = ?",
                     [meeting_id])
    if meeting is None:
        raise Invalid({"meeting": "Deze startbijeenkomst bestaat niet (meer)."})
    pitches = db.rows("SELECT p.id, v.name FROM pitches p JOIN villages v ON v.id = p.village_id"
                      " WHERE p.meeting_id = ? ORDER BY v.name", [meeting_id])
    p: dict[str, str] = {}
    if len(pitches) < 2:
        p["options"] = "Een stemronde heeft minstens twee dorpen nodig die gepitcht hebben."
    _check_round_input(p, choices, valid_hours, len(pitches))
    if open_round_for(db, user, meeting_id=meeting_id):
        p["round"] = "Voor deze startbijeenkomst loopt al een stemronde. Sluit die eerst."
    if p:
        raise Invalid(p)
    title = f"Startbijeenkomst {meeting['municipality']}: welk dorp start?"
    return _open(db, user, {"kind": "start_meeting", "meeting_id": meeting_id, "title": title,
                            "choices": choices,
                            "expires_at": now + timedelta(hours=valid_hours)},
                 [{"label": r["name"], "pitch_id": r["id"]} for r in pitches], now)


def open_contest_round(db: Db, user: User, contest_id: int, choices: int = 1,
                       valid_hours: int = rules.DEFAULT_VALID_HOURS,
                       now: datetime | None = None) -> int:
    """A round for a De Vonk contest: the options are the ideas the jury kept."""
    contest = db.one("SELECT id, village_id, title FROM vonk_contests WHERE id = ?", [contest_id])
    if contest is None:
        raise Invalid({"contest": "Deze wedstrijd bestaat niet (meer)."})
    require(user, "edit_village", contest["village_id"])
    now = now or datetime.now()
    ideas = db.rows("SELECT id, title FROM vonk_ideas WHERE contest_id = ? AND jury_kept"
                    " ORDER BY title, id", [contest_id])
    p: dict[str, str] = {}
    if len(ideas) < 2:
        p["options"] = ("Een stemronde heeft minstens twee ideeën nodig die de jury heeft "
                        "geselecteerd.")
    _check_round_input(p, choices, valid_hours, len(ideas))
    if open_round_for(db, user, contest_id=contest_id):
        p["round"] = "Voor deze wedstrijd loopt al een stemronde. Sluit die eerst."
    if p:
        raise Invalid(p)
    return _open(db, user, {"kind": "vonk", "contest_id": contest_id,
                            "village_id": contest["village_id"],
                            "title": f"De Vonk: {contest['title']}", "choices": choices,
                            "expires_at": now + timedelta(hours=valid_hours)},
                 [{"label": r["title"], "idea_id": r["id"]} for r in ideas], now)


def issue_codes(db: Db, user: User, round_id: int, n: int, now: datetime | None = None) -> list[str]:
    """n new single-use codes for an open round. Returned once (for the PDF); the store keeps
    only their hashes. The audit records how many were issued, never the codes."""
    r = _require_round(db, user, round_id)
    now = now or datetime.now()
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= rules.MAX_CODES:
        raise Invalid({"n": f"Maak tussen 1 en {rules.MAX_CODES} codes tegelijk."})
    if _round_state(r, now) != "open":
        raise Invalid({"round": "Deze stemronde is gesloten of verlopen; maak geen codes meer."})
    codes = rules.new_codes(n)
    with db.tx(user.username) as tx:
        for c in codes:
            tx.execute("INSERT INTO ballot_codes (code_hash, round_id) VALUES (?, ?)",
                       [rules.code_hash(c), round_id])
        tx.update("ballot_rounds", round_id, {"codes_issued": r["codes_issued"] + n}, None,
                  village_id=r["village_id"])
    return codes


def turnout(db: Db, user: User, round_id: int) -> dict:
    """Votes cast of codes issued; never the counts (those only after closing)."""
    r = _require_round(db, user, round_id)
    cast_count = db.scalar("SELECT count(*) FROM ballot_codes WHERE round_id = ? AND used",
                           [round_id])
    return {"issued": r["codes_issued"], "cast": int(cast_count or 0),
            "status": r["status"], "expired": r["status"] == "open"
            and r["expires_at"] <= datetime.now()}


def results(db: Db, user: User, round_id: int) -> list[dict]:
    """The counts per option (label, votes, pitch_id / idea_id), only once the round is closed."""
    r = _require_round(db, user, round_id)
    if r["status"] != "closed":
        raise Invalid({"round": "De uitslag is pas te zien als de stemming gesloten is."})
    return db.rows(f"SELECT o.id, {_LABEL} AS label, o.pitch_id, o.idea_id, t.votes"
                   " FROM ballot_options o"
                   " JOIN ballot_tallies t ON t.option_id = o.id AND t.round_id = o.round_id"
                   " WHERE o.round_id = ? ORDER BY t.votes DESC, o.position", [round_id])


def close(db: Db, user: User, round_id: int, expected_version: int | None,
          now: datetime | None = None):
    """Close the round (no more votes) and carry its counts into the start meeting's vote tally
    or the contest's ideas. Returns that result (vote.VoteResult)."""
    r = _require_round(db, user, round_id)
    now = now or datetime.now()
    if r["status"] == "closed":
        raise Invalid({"round": "Deze stemronde is al gesloten."})
    with _cast_lock, db.tx(user.username) as tx:
        tx.update("ballot_rounds", round_id, {"status": "closed", "closed_at": now},
                  expected_version, village_id=r["village_id"])
    return apply(db, user, round_id)


def apply(db: Db, user: User, round_id: int):
    """Carry a closed round's counts into the start meeting (steps.record_votes, which marks
    the chosen villages or asks the lead to decide a tie) or the contest (vonk.apply_votes)."""
    r = _require_round(db, user, round_id)
    counts = results(db, user, round_id)
    if r["kind"] == "start_meeting":
        from dorp.repo import steps
        meeting = db.one("SELECT seats, version FROM start_meetings WHERE id = ?",
                         [r["meeting_id"]])
        if meeting is None:
            raise Invalid({"meeting": "De startbijeenkomst van deze stemronde bestaat niet meer."})
        pitch_ids = [x["id"] for x in db.rows("SELECT id FROM pitches WHERE meeting_id = ?",
                                               [r["meeting_id"]])]
        by_pitch = {pid: 0 for pid in pitch_ids}   # a village added after opening: no votes
        by_pitch.update({c["pitch_id"]: int(c["votes"]) for c in counts
                         if c["pitch_id"] in by_pitch})
        result = steps.record_votes(db, user, r["meeting_id"], by_pitch, meeting["seats"] or 1,
                                    meeting["version"])
    else:
        from dorp.repo import vonk
        result = vonk.apply_votes(db, user, r["contest_id"],
                                  {c["idea_id"]: int(c["votes"]) for c in counts})
    with db.tx(user.username) as tx:
        current = db.scalar("SELECT version FROM ballot_rounds WHERE id = ?", [round_id])
        tx.update("ballot_rounds", round_id, {"applied": True}, current,
                  village_id=r["village_id"])
    return result


__all__ = ["AccessDenied", "Ballot", "Outcome", "StaleVersion", "apply", "ballot_for_code",
           "cast", "close", "get_round", "issue_codes", "open_contest_round",
           "open_meeting_round", "open_round_for", "results", "rounds", "rounds_for",
           "turnout"]


def subjects(db: Db, user: User) -> list[dict]:
    """What a lead can open a round for: start meetings with at least two pitches, and De Vonk
    contests with at least two ideas the jury kept (kind, id, label parts, n options)."""
    require(user, "edit_village")
    meetings = db.rows("""SELECT s.id, s.meeting_date, m.name AS municipality, count(p.id) AS n
                          FROM start_meetings s JOIN municipalities m ON m.id = s.municipality_id
                          JOIN pitches p ON p.meeting_id = s.id
                          GROUP BY s.id, s.meeting_date, m.name HAVING count(p.id) >= 2
                          ORDER BY s.meeting_date DESC, s.id DESC""")
    contests = db.rows("""SELECT c.id, c.title, v.name AS village, count(i.id) AS n
                          FROM vonk_contests c JOIN villages v ON v.id = c.village_id
                          JOIN vonk_ideas i ON i.contest_id = c.id AND i.jury_kept
                          GROUP BY c.id, c.title, v.name HAVING count(i.id) >= 2
                          ORDER BY c.id DESC""")
    return ([{"kind": "start_meeting", **m} for m in meetings]
            + [{"kind": "vonk", **c} for c in contests])


def outcome(db: Db, user: User, round_id: int) -> dict:
    """A closed round as it now stands in the meeting or contest: per option its votes and
    whether it was chosen, is tied for the last place (the lead still decides) or not chosen;
    plus whether a tie awaits a decision."""
    r = _require_round(db, user, round_id)
    counts = results(db, user, round_id)
    if r["kind"] == "start_meeting":
        from dorp.repo import steps
        chosen = {x["id"] for x in db.rows("SELECT id FROM pitches WHERE meeting_id = ?"
                                           " AND chosen", [r["meeting_id"]])}
        res = steps.vote_result(db, user, r["meeting_id"])
        village_of = {x["id"]: x["village_id"] for x in db.rows(
            "SELECT id, village_id FROM pitches WHERE meeting_id = ?", [r["meeting_id"]])}
        decided = db.scalar("SELECT tie_decision FROM start_meetings WHERE id = ?",
                            [r["meeting_id"]])
        tied = {pid for pid, vid in village_of.items() if res and vid in res.tied}
        key = "pitch_id"
    else:
        from dorp.repo import vonk
        chosen = {x["id"] for x in db.rows("SELECT id FROM vonk_ideas WHERE contest_id = ?"
                                           " AND winner", [r["contest_id"]])}
        res = vonk.vote_result(db, user, r["contest_id"])
        decided = db.scalar("SELECT tie_decision FROM vonk_contests WHERE id = ?",
                            [r["contest_id"]])
        tied = set(res.tied) if res else set()
        key = "idea_id"
    rows = []
    for c in counts:
        ref = c[key]
        state = "chosen" if ref in chosen else ("tied" if ref in tied and not decided
                                               else "not_chosen")
        rows.append({"label": c["label"], "votes": int(c["votes"]), "outcome": state})
    return {"rows": rows, "needs_decision": bool(res and res.needs_decision and not decided),
            "kind": r["kind"], "meeting_id": r["meeting_id"], "contest_id": r["contest_id"],
            "village_id": r["village_id"]}
