"""The yardstick of the dashboard query: the facts of every pilot computed in plain pandas
from the raw rows, written from INTERFACES.md rather than from the SQL. `make bench` times
`pilots.facts_rows` against it; tests/test_scale_queries.py checks that both agree."""

from __future__ import annotations

from datetime import date, datetime


FACT_TABLES = ("pilots", "villages", "municipalities", "pitches", "start_meetings", "consent",
               "mbc", "steering_members", "steering_meetings", "line_scores", "safeguarding",
               "step_moves", "working_modes", "initiative_phases")


def load_tables(db) -> dict:
    """The tables the facts need, as pandas DataFrames (DuckDB's relational API, no SQL)."""
    return {t: db.con.cursor().table(t).df() for t in FACT_TABLES}


def facts_pandas(f: dict, today: date) -> list[dict]:
    """pilots.facts_rows computed in plain pandas from the raw rows: the yardstick for the
    dashboard query, written from INTERFACES.md rather than from the SQL. Every "latest" is a
    whole row (sort by date and entry order, keep the last row), never a column-by-column
    latest value; the records are read as of today and as of the day of the latest recorded
    move into the pilot's current stage."""
    import numpy as np
    import pandas as pd
    T = pd.Timestamp(today)

    def dt(s):
        return pd.to_datetime(s)

    p = f["pilots"].merge(f["villages"][["id", "name", "municipality_id"]], left_on="village_id",
                          right_on="id", suffixes=("", "_v"))
    p = p.merge(f["municipalities"][["id", "name"]].rename(columns={"id": "mid", "name": "municipality"}),
                left_on="municipality_id", right_on="mid")
    p = p.rename(columns={"name": "village"})
    p["stage"] = np.where(p.status == "completed", 5, p.step)
    stage_of = dict(zip(p.village_id, p.stage))

    # The latest recorded move into the current stage: walk each pilot's moves in order.
    entered, override = {}, {}
    mv = f["step_moves"]
    mv = mv[dt(mv.moved_on) <= T].sort_values(["village_id", "moved_on", "id"])
    for vid, rows in mv.groupby("village_id"):
        before, entry_at, flags = None, None, []
        recs = rows.to_dict("records")
        for i, r in enumerate(recs):
            stage = 5 if r["to_status"] == "completed" else int(r["to_step"])
            if r["from_status"] == "completed":
                came = 5
            elif r["from_step"] is not None and not pd.isna(r["from_step"]):
                came = int(r["from_step"])
            else:
                came = before
            if stage == stage_of.get(vid) and came != stage:
                entry_at = i
            before = stage
        if entry_at is not None:
            entered[vid] = recs[entry_at]["moved_on"]
        start = entry_at or 0
        flags = [bool(r["override"]) for r in recs[start:]
                 if (5 if r["to_status"] == "completed" else int(r["to_step"])) == stage_of.get(vid)]
        if flags:
            override[vid] = any(flags)

    days = pd.concat([pd.DataFrame({"village_id": p.village_id, "k": 0, "d": T}),
                      pd.DataFrame({"village_id": list(entered), "k": 1,
                                    "d": dt(pd.Series(list(entered.values()), dtype=object))})],
                     ignore_index=True)

    def as_of(table: pd.DataFrame, date_col: str) -> pd.DataFrame:
        m = days.merge(table, on="village_id")
        return m[dt(m[date_col]) <= m["d"]]

    def last_row(table: pd.DataFrame, date_col: str) -> dict:
        m = as_of(table, date_col).sort_values([date_col, "id"])
        return {(r["village_id"], r["k"]): r
                for r in m.groupby(["village_id", "k"]).tail(1).to_dict("records")}

    mbc = last_row(f["mbc"], "assessed_on")
    meet = last_row(f["steering_meetings"], "held_on")
    ls = f["line_scores"]
    guard = last_row(ls[ls.line == "safeguarding"], "scored_on")
    cons = as_of(f["consent"], "given_on").groupby(["village_id", "k"])["party"].agg(set)
    sm = days.merge(f["steering_members"], on="village_id")
    sm = sm[(sm.from_date.isna() | (dt(sm.from_date) <= sm.d))
            & (sm.until_date.isna() | (dt(sm.until_date) >= sm.d))]
    members = sm.groupby(["village_id", "k"])["party"].agg(set)
    pit = f["pitches"].merge(f["start_meetings"][["id", "meeting_date", "tie_reason"]],
                             left_on="meeting_id", right_on="id", suffixes=("", "_m"))
    decided = pit.tie_reason.fillna("").str.strip() != ""
    pit = pit[pit.chosen & (pit.votes.isna() | (pit.votes > 0) | decided)]
    chosen = set(map(tuple, as_of(pit, "meeting_date")[["village_id", "k"]].to_numpy().tolist()))

    ls = ls[dt(ls.scored_on) <= T].sort_values(["scored_on", "id"])
    last2 = ls.groupby(["village_id", "line"]).tail(2).groupby(["village_id", "line"])["score"].agg(list)
    sg = f["safeguarding"]
    plan = set(sg[sg.exit_date.notna() & (sg.successor.fillna("").str.strip() != "")].village_id)
    wm = f["working_modes"]
    wm = wm[(dt(wm.started_on) <= T) & (wm.ended_on.isna() | (dt(wm.ended_on) > T))]
    modes = wm.groupby("village_id")["mode"].agg(lambda s: ",".join(sorted(set(s))))
    pitd = f["pitches"].merge(f["start_meetings"][["id", "meeting_date"]], left_on="meeting_id",
                              right_on="id")
    events = [(f["consent"], "given_on"), (f["mbc"], "assessed_on"),
              (f["mbc"], "presented_village_on"), (f["mbc"], "presented_municipality_on"),
              (f["steering_meetings"], "held_on"), (f["steering_members"], "from_date"),
              (f["steering_members"], "until_date"), (f["line_scores"], "scored_on"),
              (f["step_moves"], "moved_on"), (f["working_modes"], "started_on"),
              (f["working_modes"], "ended_on"), (f["initiative_phases"], "changed_on"),
              (pitd, "meeting_date")]
    acts = pd.concat([t[["village_id", c]].set_axis(["village_id", "d"], axis=1) for t, c in events])
    acts = acts[acts.d.notna()]
    acts = acts[dt(acts.d) <= T]
    activity = acts.groupby("village_id")["d"].max()

    def val(v):
        return None if v is None or (not isinstance(v, (list, set, str)) and pd.isna(v)) else v

    rows = []
    for r in p.sort_values(["village", "village_id"]).to_dict("records"):
        vid = r["village_id"]
        row = {"village_id": vid, "village": r["village"], "municipality": r["municipality"],
               "step": r["step"], "status": r["status"], "started_on": val(r["started_on"]),
               "entered_on": entered.get(vid), "override_current": override.get(vid, False)}
        for k in (0, 1):
            b = mbc.get((vid, k), {})
            row[f"chosen_{k}"] = (vid, k) in chosen
            for who, parties in (("consent", cons), ("member", members)):
                got = parties.get((vid, k), set())
                row[f"{who}_municipality_{k}"] = "municipality" in got
                row[f"{who}_community_{k}"] = "community" in got
            row[f"mbc_on_{k}"] = val(b.get("assessed_on"))
            row[f"may_{k}"] = val(b.get("may_ok"))
            row[f"willingness_{k}"] = val(b.get("willingness"))
            row[f"ability_{k}"] = val(b.get("ability"))
            row[f"presented_village_{k}"] = val(b.get("presented_village_on"))
            row[f"presented_municipality_{k}"] = val(b.get("presented_municipality_on"))
            m = meet.get((vid, k), {})
            row[f"meeting_on_{k}"] = val(m.get("held_on"))
            row[f"mun_sat_{k}"] = val(m.get("municipality_satisfaction"))
            row[f"com_sat_{k}"] = val(m.get("community_satisfaction"))
        row["guard_1"] = val(guard.get((vid, 1), {}).get("score"))
        for ln in LINES_:
            scores = last2.get((vid, ln), [])
            row[f"{ln}_1"] = scores[-1] if scores else None
            row[f"{ln}_2"] = scores[-2] if len(scores) >= 2 else None
        row["has_exit_plan"] = vid in plan
        row["last_activity"] = val(activity.get(vid))
        row["modes"] = modes.get(vid)
        rows.append(row)
    return rows


LINES_ = ("broad_support", "target_group", "village_strength", "informal_formal", "safeguarding")


def comparable(rows: list[dict]) -> list[tuple]:
    """Rows of facts reduced to plain, comparable values (dates as ISO text, numbers as int)."""
    import pandas as pd
    from dorp.repo.pilots import FACT_COLUMNS

    def norm(v):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
            return None
        if isinstance(v, (pd.Timestamp, datetime, date)):
            return pd.Timestamp(v).date().isoformat()
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v
    return [tuple(norm(r[k]) for k in FACT_COLUMNS) for r in rows]
