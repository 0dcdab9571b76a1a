"""The result of a closed ballot round: votes per option, chosen ones in green, a tie for the
last place in orange (the colours of the start meeting's vote chart). Pure function."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dorp import i18n
from dorp.charts.steps import CHOSEN, NOT_CHOSEN, TIED


def result(df: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Columns: label, votes, outcome ("chosen" | "tied" | "not_chosen")."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    names = {"chosen": t("round.chosen_legend"), "tied": t("round.tied_legend"),
             "not_chosen": t("round.not_chosen_legend")}
    d = df[["label", "votes", "outcome"]].copy()
    d["votes"] = d["votes"].fillna(0).astype(int)
    d["result"] = d["outcome"].map(names)
    order = d.sort_values(["votes", "label"], ascending=[False, True])["label"].tolist()
    base = alt.Chart(d).encode(
        y=alt.Y("label:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=320, labelFontSize=16)),
        x=alt.X("votes:Q", title=t("round.votes"),
                axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=14, titleFontSize=14)))
    bars = base.mark_bar().encode(
        color=alt.Color("result:N", title=None,
                        scale=alt.Scale(domain=list(names.values()),
                                        range=[CHOSEN, TIED, NOT_CHOSEN]),
                        legend=alt.Legend(orient="bottom", labelFontSize=14)),
        tooltip=[alt.Tooltip("label:N", title=t("round.option")),
                 alt.Tooltip("votes:Q", title=t("round.votes")),
                 alt.Tooltip("result:N", title=t("round.result"))])
    text = base.mark_text(align="left", dx=6, fontSize=18, fontWeight="bold").encode(
        text="votes:Q")
    # Streamlit fits the whole chart (axis, its title and the legend below: about 130 px) into
    # the height: each option keeps a bar of about 56 px, readable on a projector
    return (bars + text).properties(height=56 * len(d) + 130)
