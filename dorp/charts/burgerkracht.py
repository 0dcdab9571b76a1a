"""Charts of the Burgerkrachtgenerator: the five steps as a stepper, the working groups side by
side on the willingness x ability matrix, and the sequence of modes per group over time.
Pure functions: DataFrame in, Altair chart out (colour-blind safe: Okabe-Ito, and every mark
carries its text as well)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dorp import i18n
from dorp.charts import OKABE_ITO
from dorp.charts.lines import _quick, _values
from dorp.method import MODES

STATE_COLOURS = {"done": "#009E73", "skipped": "#E69F00", "now": "#0072B2", "todo": "#e6e6e6"}
QUADRANT_COLOURS = {"facilitate": OKABE_ITO[2], "support": OKABE_ITO[4],
                    "motivate": OKABE_ITO[1], "none": "#BBBBBB"}


@_quick
def stepper(states: list[tuple[str, str]], lang: str = "nl") -> alt.Chart:
    """The five steps as a row of blocks: done (or passed without a record of its own), now,
    not yet. `states`: (stage, state) from dorp.burgerkracht.stepper."""
    rows = []
    for i, (code, state) in enumerate(states, start=1):
        rows.append({"order": i, "label": f"{i} · {i18n.label('bkg.stage', code, lang)}",
                     "state": state, "state_label": i18n.t(f"bkg.state.{state}", lang),
                     "ink": "#333333" if state == "todo" else "white", "row": ""})
    d = pd.DataFrame(rows)
    shown = [s for s in ("done", "skipped", "now", "todo") if s in set(d["state"])]
    x = alt.X("label:N", sort=[r["label"] for r in rows], title=None, axis=None)
    y = alt.Y("row:N", title=None, axis=None)
    rect = alt.Chart().mark_rect(cornerRadius=6, stroke="white", strokeWidth=6).encode(
        x=x, y=y,
        color=alt.Color("state_label:N", title=None, scale=alt.Scale(
            domain=[i18n.t(f"bkg.state.{s}", lang) for s in shown],
            range=[STATE_COLOURS[s] for s in shown]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=i18n.t("bkg.step", lang)),
                 alt.Tooltip("state_label:N", title=" ")])
    text = alt.Chart().mark_text(fontSize=12, fontWeight="bold").encode(
        x=x, y=y, text=alt.Text("label:N"), color=alt.Color("ink:N", scale=None, legend=None))
    return alt.layer(rect, text, data=_values(d)).properties(height=alt.Step(48))


@_quick
def groups_matrix(groups: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Each working group at its own willingness (y) and ability (x), side by side on the
    matrix of ch. 4.2 (figure 2), split where a dimension counts as present (3). Groups on the
    same spot are fanned out a little so every name stays readable. Columns: name, theme,
    willingness, ability, status."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    quadrants = pd.DataFrame([
        {"x0": 2.5, "x1": 5.5, "y0": 2.5, "y1": 5.5, "mode": "facilitate", "lx": 4.0, "ly": 5.3},
        {"x0": 0.5, "x1": 2.5, "y0": 2.5, "y1": 5.5, "mode": "support", "lx": 1.5, "ly": 5.3},
        {"x0": 2.5, "x1": 5.5, "y0": 0.5, "y1": 2.5, "mode": "motivate", "lx": 4.0, "ly": 0.7},
        {"x0": 0.5, "x1": 2.5, "y0": 0.5, "y1": 2.5, "mode": "none", "lx": 1.5, "ly": 0.7},
    ])
    quadrants["label"] = quadrants["mode"].map(lambda m: i18n.label("mode", m, lang))
    labels = [i18n.label("mode", m, lang) for m in QUADRANT_COLOURS]
    sx = alt.Scale(domain=[0.5, 5.5], nice=False)
    sy = alt.Scale(domain=[0.5, 5.5], nice=False)
    x_title, y_title = t("bkg.ability"), t("bkg.willingness")
    areas = alt.Chart(quadrants).mark_rect(opacity=0.18).encode(
        x=alt.X("x0:Q", scale=sx, title=x_title, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        x2="x1:Q",
        y=alt.Y("y0:Q", scale=sy, title=y_title, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        y2="y1:Q",
        color=alt.Color("label:N", title=t("bkg.mode_quadrant"),
                        scale=alt.Scale(domain=labels, range=list(QUADRANT_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", columns=2)))
    names = alt.Chart(quadrants).mark_text(fontWeight="bold", color="#333333").encode(
        x=alt.X("lx:Q", scale=sx), y=alt.Y("ly:Q", scale=sy), text="label:N")
    d = groups.dropna(subset=["willingness", "ability"])[
        ["name", "theme", "willingness", "ability", "status"]].copy()
    d["willingness"] = d["willingness"].astype(int)
    d["ability"] = d["ability"].astype(int)
    # fan out groups on the same spot (up to a quarter of a cell) so none hides another
    d["k"] = d.groupby(["willingness", "ability"]).cumcount()
    d["n"] = d.groupby(["willingness", "ability"])["name"].transform("size")
    d["x"] = d["ability"] + (d["k"] - (d["n"] - 1) / 2) * 0.22
    d["y"] = d["willingness"] + (d["k"] - (d["n"] - 1) / 2) * 0.12
    d["status_label"] = d["status"].map(lambda s: i18n.label("bkg.group_status", s, lang))
    # short labels ("Werkgroep Dorpshuis" -> "Dorpshuis"), above the dot in odd columns and
    # below it in even ones, so neighbours do not write over each other
    d["label"] = d["name"].map(_short)
    d["dy"] = [-13 if a % 2 else 15 for a in d["ability"]]
    d = d[["name", "label", "theme", "willingness", "ability", "x", "y", "dy", "status_label"]]
    enc = dict(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy))
    tip = [alt.Tooltip("name:N", title=t("bkg.group")), alt.Tooltip("theme:N", title=t("bkg.theme")),
           alt.Tooltip("willingness:Q", title=y_title), alt.Tooltip("ability:Q", title=x_title),
           alt.Tooltip("status_label:N", title=t("bkg.status"))]
    dots = alt.Chart(d).mark_point(filled=True, size=160, color="#0072B2", stroke="white").encode(
        **enc, shape=alt.Shape("status_label:N", title=t("bkg.status"),
                               legend=alt.Legend(orient="bottom")), tooltip=tip)
    above = alt.Chart(d).transform_filter("datum.dy < 0").mark_text(
        dy=-13, fontSize=11, color="#222222").encode(**enc, text="label:N")
    below = alt.Chart(d).transform_filter("datum.dy > 0").mark_text(
        dy=15, fontSize=11, color="#222222").encode(**enc, text="label:N")
    return (areas + names + dots + above + below).properties(width=420, height=380)


def _short(name: str) -> str:
    """A group's name without a leading "Werkgroep" / "Working group" (the chart says it)."""
    for prefix in ("werkgroep ", "working group "):
        if name.lower().startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


@_quick
def modes_over_time(modes: pd.DataFrame, groups: pd.DataFrame, today: date,
                    lang: str = "nl") -> alt.Chart:
    """The modes used for each group over time, one row per group (4.3: modes "gelijktijdig
    (parallel) of na elkaar (serieel)"), with a marker at each group's start. Columns of
    `modes`: group_name, mode, started_on, ended_on, reason; of `groups`: name, started_on."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    used = pd.DataFrame({
        "group": modes["group_name"], "mode": modes["mode"],
        "start": pd.to_datetime(modes["started_on"]),
        "end": pd.to_datetime(modes["ended_on"].where(modes["ended_on"].notna(), today)),
        "reason": modes["reason"].fillna(""),
    })
    used["mode_label"] = used["mode"].map(lambda m: i18n.label("mode", m, lang))
    used["running"] = modes["ended_on"].isna().map(
        lambda r: t("bkg.mode_running") if r else t("bkg.mode_ended")).to_numpy()
    order = list(groups.sort_values(["started_on", "name"])["name"])
    mode_labels = [i18n.label("mode", m, lang) for m in MODES]
    y = alt.Y("group:N", sort=order, title=None, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(_values(used)).mark_bar(cornerRadius=3, height=14, opacity=0.9).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        x2=alt.X2("end:T"), y=y,
        yOffset=alt.YOffset("mode_label:N", sort=mode_labels),
        color=alt.Color("mode_label:N", title=t("bkg.mode"), scale=alt.Scale(
            domain=mode_labels, range=OKABE_ITO[:len(mode_labels)]),
            legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("group:N", title=t("bkg.group")),
                 alt.Tooltip("mode_label:N", title=t("bkg.mode")),
                 alt.Tooltip("start:T", title=t("bkg.from"), format="%d-%m-%Y"),
                 alt.Tooltip("end:T", title=t("bkg.until"), format="%d-%m-%Y"),
                 alt.Tooltip("running:N", title=" "),
                 alt.Tooltip("reason:N", title=t("bkg.reason"))])
    starts = pd.DataFrame({"group": groups["name"], "start": pd.to_datetime(groups["started_on"]),
                           "what": t("bkg.group_started")})
    ticks = alt.Chart(_values(starts)).mark_tick(color="#333333", thickness=2, size=22).encode(
        x="start:T", y=y, tooltip=[alt.Tooltip("group:N", title=t("bkg.group")),
                                   alt.Tooltip("what:N", title=" "),
                                   alt.Tooltip("start:T", title=t("bkg.from"), format="%d-%m-%Y")])
    return alt.layer(bars, ticks).properties(height=alt.Step(14))   # per group and mode

