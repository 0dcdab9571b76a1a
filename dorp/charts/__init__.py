"""Chart builders: pure functions, DataFrame in, Altair chart out. No Streamlit here.

Colours: the Okabe-Ito palette and the viridis scheme, both safe for colour-blind readers.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dorp import i18n
from dorp.method import STATUSES, STEPS

# Okabe-Ito, colour-blind safe.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {"active": "#0072B2", "paused": "#E69F00", "stopped": "#D55E00", "completed": "#009E73"}


def pipeline(overview: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Pilots per step, stacked by status: where the programme stands. `overview` is either
    counts already (columns step, status, n: dashboard.pipeline) or one row per pilot."""
    step_labels = [i18n.label("step", s, lang) for s in STEPS]
    status_labels = [i18n.label("status", s, lang) for s in STATUSES]
    if "n" in overview:
        counts = overview[["step", "status", "n"]].copy()
    elif not overview.empty:
        counts = overview.groupby(["step", "status"]).size().reset_index(name="n")
    else:
        counts = pd.DataFrame({"step": [], "status": [], "n": []})
    counts["step_label"] = counts["step"].map(lambda s: i18n.label("step", int(s), lang))
    counts["status_label"] = counts["status"].map(lambda s: i18n.label("status", s, lang))
    x_title = i18n.t("overview.pilots", lang)
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("step_label:N", sort=step_labels, title=None, scale=alt.Scale(domain=step_labels),
                    axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(n):Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("status_label:N", title=i18n.t("overview.status", lang),
                            scale=alt.Scale(domain=status_labels,
                                            range=[STATUS_COLOURS[s] for s in STATUSES])),
            order=alt.Order("status:N"),
            tooltip=[alt.Tooltip("step_label:N", title=i18n.t("overview.step", lang)),
                     alt.Tooltip("status_label:N", title=i18n.t("overview.status", lang)),
                     alt.Tooltip("n:Q", title=x_title)],
        )
        .properties(height=200)
    )
