"""Charts of the four steps: the vote, the willingness x ability matrix, the steering group's
satisfaction. Pure functions: DataFrame in, Altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dorp import i18n
from dorp.charts import OKABE_ITO

CHOSEN, NOT_CHOSEN, TIED = "#009E73", "#999999", "#E69F00"
DISCOURAGED = "#D55E00"   # Okabe-Ito vermilion: an assessment judged not desirable


def votes(df: pd.DataFrame, lang: str = "nl", tied: frozenset | set = frozenset()) -> alt.Chart:
    """Votes per village at one start meeting; chosen villages in green, a tie in orange.
    Columns: village, votes, chosen (bool)."""
    d = df[["village", "votes", "chosen"]].copy()
    d["votes"] = d["votes"].fillna(0).astype(int)
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    d["result"] = [t("steps.vote_tied") if v in tied and not c else
                   (t("steps.vote_chosen") if c else t("steps.vote_not_chosen"))
                   for v, c in zip(d["village"], d["chosen"])]
    domain = [t("steps.vote_chosen"), t("steps.vote_tied"), t("steps.vote_not_chosen")]
    order = d.sort_values("votes", ascending=False)["village"].tolist()
    base = alt.Chart(d).encode(
        y=alt.Y("village:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("votes:Q", title=t("steps.votes"), axis=alt.Axis(tickMinStep=1, format="d")),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("result:N", title=t("steps.vote_result"),
                        scale=alt.Scale(domain=domain, range=[CHOSEN, TIED, NOT_CHOSEN])),
        tooltip=[alt.Tooltip("village:N", title=t("steps.village")),
                 alt.Tooltip("votes:Q", title=t("steps.votes")),
                 alt.Tooltip("result:N", title=t("steps.vote_result"))])
    text = base.mark_text(align="left", dx=4).encode(text="votes:Q")
    return (bars + text).properties(height=max(150, 40 * len(d) + 40))


def _answered_no(m) -> bool:
    return m is not None and not pd.isna(m) and not bool(m)


def matrix(assessments: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Willingness (y) x ability (x) with the four working-mode quadrants of chapter 4.2,
    figure 2 (split where a dimension counts as present: 3), the latest assessment as a big dot
    and the earlier ones as a trail. Columns: assessed_on, willingness, ability, and optionally
    may_ok: an assessment whose "mag dit?" was answered no is shown apart, as a red cross
    ("discourage"), because its scores do not decide its working mode (4.3: mogen first)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    quadrants = pd.DataFrame([
        {"x0": 2.5, "x1": 5.5, "y0": 2.5, "y1": 5.5, "mode": "facilitate", "lx": 4.0, "ly": 5.3},
        {"x0": 0.5, "x1": 2.5, "y0": 2.5, "y1": 5.5, "mode": "support", "lx": 1.5, "ly": 5.3},
        {"x0": 2.5, "x1": 5.5, "y0": 0.5, "y1": 2.5, "mode": "motivate", "lx": 4.0, "ly": 0.7},
        {"x0": 0.5, "x1": 2.5, "y0": 0.5, "y1": 2.5, "mode": "none", "lx": 1.5, "ly": 0.7},
    ])
    quadrants["label"] = quadrants["mode"].map(lambda m: i18n.label("mode", m, lang))
    colours = {"facilitate": OKABE_ITO[2], "support": OKABE_ITO[4], "motivate": OKABE_ITO[1],
               "none": "#BBBBBB"}
    labels = [i18n.label("mode", m, lang) for m in colours]
    scale_x = alt.Scale(domain=[0.5, 5.5], nice=False)
    scale_y = alt.Scale(domain=[0.5, 5.5], nice=False)
    x_title, y_title = t("steps.ability"), t("steps.willingness")
    areas = alt.Chart(quadrants).mark_rect(opacity=0.18).encode(
        x=alt.X("x0:Q", scale=scale_x, title=x_title, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        x2="x1:Q",
        y=alt.Y("y0:Q", scale=scale_y, title=y_title, axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        y2="y1:Q",
        color=alt.Color("label:N", title=t("steps.mode_quadrant"),
                        scale=alt.Scale(domain=labels, range=list(colours.values()))),
    )
    names = alt.Chart(quadrants).mark_text(fontWeight="bold", color="#333333").encode(
        x=alt.X("lx:Q", scale=scale_x), y=alt.Y("ly:Q", scale=scale_y), text="label:N")
    cols = ["assessed_on", "willingness", "ability"]
    d = assessments[cols].copy()
    d["discouraged"] = (assessments["may_ok"].map(_answered_no)
                        if "may_ok" in assessments else False)
    d = d.dropna(subset=cols).sort_values("assessed_on").reset_index(drop=True)
    d["discouraged"] = d["discouraged"].astype(bool)
    d["order"] = range(len(d))
    d["latest"] = d["order"] == len(d) - 1
    d["date"] = d["assessed_on"].map(lambda v: i18n.fmt_date(pd.Timestamp(v).date(), lang))
    d["kind"] = d["latest"].map(lambda v: t("steps.latest") if v else t("steps.earlier"))
    d["apart"] = t("steps.matrix_discouraged")
    enc = dict(x=alt.X("ability:Q", scale=scale_x), y=alt.Y("willingness:Q", scale=scale_y))
    trail = alt.Chart(d).mark_line(color="#555555", strokeDash=[4, 3]).encode(
        **enc, order="order:Q")
    shown = alt.Chart(d).transform_filter("!datum.discouraged")
    dots = shown.mark_circle(color="#0072B2", stroke="white").encode(
        **enc,
        size=alt.Size("latest:N", scale=alt.Scale(domain=[False, True], range=[70, 320]),
                      legend=None),
        opacity=alt.Opacity("latest:N", scale=alt.Scale(domain=[False, True], range=[0.5, 1]),
                            legend=None),
        tooltip=[alt.Tooltip("date:N", title=t("steps.assessed_on")),
                 alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("willingness:Q", title=y_title),
                 alt.Tooltip("ability:Q", title=x_title)])
    crosses = alt.Chart(d).transform_filter("datum.discouraged").mark_point(
        shape="cross", color=DISCOURAGED, filled=True, size=260, angle=45).encode(
        **enc,
        tooltip=[alt.Tooltip("date:N", title=t("steps.assessed_on")),
                 alt.Tooltip("apart:N", title=" "),
                 alt.Tooltip("willingness:Q", title=y_title),
                 alt.Tooltip("ability:Q", title=x_title)])
    return (areas + names + trail + dots + crosses).properties(width=380, height=380)


def satisfaction(meetings: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Satisfaction of the municipality and of the community per steering meeting, with the
    line at 3 above which a party counts as satisfied (Stap 3)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    d = meetings[["held_on", "municipality_satisfaction", "community_satisfaction"]].melt(
        "held_on", var_name="party", value_name="score").dropna()
    d["party"] = d["party"].map({
        "municipality_satisfaction": i18n.label("party", "municipality", lang),
        "community_satisfaction": i18n.label("party", "community", lang)})
    d["held_on"] = pd.to_datetime(d["held_on"])
    parties = [i18n.label("party", p, lang) for p in ("municipality", "community")]
    lines = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(filled=False, size=90, strokeWidth=2)).encode(
        x=alt.X("held_on:T", title=t("steps.meeting_date"), axis=alt.Axis(format="%d-%m-%Y")),
        shape=alt.Shape("party:N", title=None, scale=alt.Scale(domain=parties,
                                                              range=["circle", "square"])),
        y=alt.Y("score:Q", title=t("steps.satisfaction"), scale=alt.Scale(domain=[1, 5]),
                axis=alt.Axis(values=[1, 2, 3, 4, 5])),
        color=alt.Color("party:N", title=None,
                        scale=alt.Scale(domain=parties, range=[OKABE_ITO[0], OKABE_ITO[1]])),
        strokeDash=alt.StrokeDash("party:N", title=None, scale=alt.Scale(domain=parties)),
        tooltip=[alt.Tooltip("held_on:T", title=t("steps.meeting_date"), format="%d-%m-%Y"),
                 alt.Tooltip("party:N", title=t("steps.party")),
                 alt.Tooltip("score:Q", title=t("steps.satisfaction"))])
    rule = alt.Chart(pd.DataFrame({"y": [3]})).mark_rule(color="#999999", strokeDash=[2, 2]).encode(
        y="y:Q")
    return (rule + lines).properties(height=220)
