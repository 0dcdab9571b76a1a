"""Charts of the funder's view: pure functions, aggregate DataFrames in (from
dorp.repo.funder), Altair charts out. The page shows them; the PDF renders the same charts
to PNG with vl-convert. Colour-blind safe colours (Okabe-Ito)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dorp import i18n
from dorp.charts import OKABE_ITO
from dorp.method import BUDGET_SOURCES, LINES
from dorp.repo.funder import STAGES, stage_label

STAGE_COLOURS = ["#E69F00", "#56B4E9", "#CC79A7", "#0072B2", "#009E73", "#D55E00"]
SOURCE_COLOURS = {"province": "#0072B2", "municipality": "#E69F00", "other": "#009E73"}
WIDTH = 520   # the PDF's width; the page passes "container" (fills its column)

# Dutch thousands separator on euro axes, identical in the browser and in vl-convert.
_EURO_LABEL = "'€ ' + replace(format(datum.value, ',.0f'), ',', '.')"


def _t(key: str, lang: str) -> str:
    return i18n.t(f"funder.{key}", lang)


def stages_now(df: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """Pilots per stage now (df: stage, n)."""
    labels = [stage_label(s, lang) for s in STAGES]
    data = df.assign(label=df["stage"].map(lambda s: stage_label(s, lang)))
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=labels, scale=alt.Scale(domain=labels), title=None,
                axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        x=alt.X("n:Q", title=_t("col_pilots", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("label:N", title=_t("col_stage", lang)),
                 alt.Tooltip("n:Q", title=_t("col_pilots", lang))],
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    text = base.mark_text(align="left", dx=4).encode(text="n:Q")
    return (bars + text).properties(width=width, height=230)


def stages_over_time(df: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """Pilots per stage at the end of every month (df: day, stage, n), stacked."""
    labels = [stage_label(s, lang) for s in STAGES]
    data = df.assign(label=df["stage"].map(lambda s: stage_label(s, lang)),
                     day=pd.to_datetime(df["day"]),
                     order=df["stage"].map({s: i for i, s in enumerate(STAGES)}))
    return (
        alt.Chart(data).mark_area(interpolate="step-after")
        .encode(
            x=alt.X("day:T", title=None, axis=alt.Axis(format="%m-%Y", labelAngle=0, tickCount=8)),
            y=alt.Y("sum(n):Q", stack="zero", title=_t("col_pilots", lang),
                    axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("label:N", title=_t("col_stage", lang),
                            scale=alt.Scale(domain=labels, range=STAGE_COLOURS),
                            legend=alt.Legend(orient="bottom", columns=2, labelLimit=220)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("day:T", title=_t("col_date", lang), format="%d-%m-%Y"),
                     alt.Tooltip("label:N", title=_t("col_stage", lang)),
                     alt.Tooltip("n:Q", title=_t("col_pilots", lang))],
        )
        .properties(width=width, height=260)
    )


def lines(stats: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """The five lines over the programme: range (lowest-highest latest score) and mean.
    A distribution summary: no counts, no pilot names (stats: line, pilots, min, mean, max)."""
    labels = [i18n.label("line", ln, lang) for ln in LINES]
    data = stats.dropna(subset=["mean"]).assign(
        label=lambda d: d["line"].map(lambda ln: i18n.label("line", ln, lang)))
    y = alt.Y("label:N", sort=labels, scale=alt.Scale(domain=labels), title=None,
              axis=alt.Axis(labelLimit=240, labelOverlap=False))
    x_scale = alt.Scale(domain=[0.8, 5.2], nice=False)
    tooltip = [alt.Tooltip("label:N", title=_t("col_line", lang)),
               alt.Tooltip("min:Q", title="min"), alt.Tooltip("mean:Q", title=_t("col_mean", lang), format=".1f"),
               alt.Tooltip("max:Q", title="max")]
    rng = alt.Chart(data).mark_rule(strokeWidth=6, color="#56B4E9", opacity=0.7).encode(
        y=y, x=alt.X("min:Q", scale=x_scale, title=_t("col_score", lang),
                     axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        x2="max:Q", tooltip=tooltip)
    mean = alt.Chart(data).mark_point(filled=True, size=120, color="#0072B2").encode(
        y=y, x=alt.X("mean:Q", scale=x_scale), tooltip=tooltip)
    threshold = alt.Chart(pd.DataFrame({"x": [3]})).mark_rule(strokeDash=[4, 4], color="#999999"
                                                              ).encode(x="x:Q")
    return (threshold + rng + mean).properties(width=width, height=190)


def budget(by_source: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """Budgeted against spent per funding source (by_source: source, budgeted, spent)."""
    src = by_source[by_source["source"].isin(BUDGET_SOURCES)]
    kinds = [_t("col_budgeted", lang), _t("col_spent", lang)]
    data = pd.DataFrame(
        [{"source": _t(f"source_{r.source}", lang), "kind": kinds[0], "amount": r.budgeted}
         for r in src.itertuples()]
        + [{"source": _t(f"source_{r.source}", lang), "kind": kinds[1], "amount": r.spent}
           for r in src.itertuples()])
    sources = [_t(f"source_{s}", lang) for s in BUDGET_SOURCES]
    return (
        alt.Chart(data).mark_bar()
        .encode(
            y=alt.Y("source:N", sort=sources, title=None),
            yOffset=alt.YOffset("kind:N", sort=kinds),
            x=alt.X("amount:Q", title=None, axis=alt.Axis(labelExpr=_EURO_LABEL, tickCount=5)),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds,
                                                                  range=["#BBBBBB", "#0072B2"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("source:N", title=_t("col_source", lang)),
                     alt.Tooltip("kind:N", title=" "),
                     alt.Tooltip("amount:Q", title="€", format=",.2f")],
        )
        .properties(width=width, height=190)
    )


# --- the plan against what happened (issue 18) ---------------------------------------------------

def spend_curve(curve: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """Cumulative spending since the start, planned (dashed) against spent (solid)
    (curve: day, kind planned/spent, amount)."""
    kinds = {"planned": i18n.t("plan.curve_planned", lang), "spent": i18n.t("plan.curve_spent", lang)}
    data = curve.assign(day=pd.to_datetime(curve["day"]), label=curve["kind"].map(kinds))
    domain = [kinds["planned"], kinds["spent"]]
    base = alt.Chart(data).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%m-%Y", labelAngle=0, tickCount=8)),
        y=alt.Y("amount:Q", title=None, axis=alt.Axis(labelExpr=_EURO_LABEL, tickCount=5)),
        color=alt.Color("label:N", title=None, scale=alt.Scale(domain=domain,
                                                               range=["#999999", "#0072B2"]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("label:N", scale=alt.Scale(domain=domain,
                                                             range=[[6, 4], [1, 0]]),
                                  legend=None),
        tooltip=[alt.Tooltip("day:T", title=_t("col_date", lang), format="%d-%m-%Y"),
                 alt.Tooltip("label:N", title=" "),
                 alt.Tooltip("amount:Q", title="€", format=",.2f")],
    )
    return (base.mark_line(strokeWidth=2.5) + base.mark_point(filled=True, size=40)
            ).properties(width=width, height=230)


def spend_period(spend: pd.DataFrame, lang: str = "nl", width: int | str = "container") -> alt.Chart:
    """Spending in the period per source: planned up to the reference date against spent
    (spend: source, planned_to_date, spent)."""
    src = spend[spend["source"].isin(BUDGET_SOURCES)]
    kinds = [i18n.t("plan.col_planned_to_date", lang), i18n.t("plan.col_spent", lang)]
    data = pd.DataFrame(
        [{"source": _t(f"source_{r.source}", lang), "kind": kinds[0], "amount": r.planned_to_date}
         for r in src.itertuples()]
        + [{"source": _t(f"source_{r.source}", lang), "kind": kinds[1], "amount": r.spent}
           for r in src.itertuples()])
    sources = [_t(f"source_{s}", lang) for s in BUDGET_SOURCES]
    return (
        alt.Chart(data).mark_bar()
        .encode(
            y=alt.Y("source:N", sort=sources, title=None),
            yOffset=alt.YOffset("kind:N", sort=kinds),
            x=alt.X("amount:Q", title=None, axis=alt.Axis(labelExpr=_EURO_LABEL, tickCount=5)),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds,
                                                                  range=["#BBBBBB", "#0072B2"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("source:N", title=_t("col_source", lang)),
                     alt.Tooltip("kind:N", title=" "),
                     alt.Tooltip("amount:Q", title="€", format=",.2f")],
        )
        .properties(width=width, height=190)
    )
