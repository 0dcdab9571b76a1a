"""Chart builders of the two dashboards: pure functions, DataFrame in, Altair chart out.

Colours are safe for colour-blind readers: scores use ColorBrewer's PuOr (orange = low,
purple = high, grey in the middle) and every cell also shows its number; series use the
Okabe-Ito palette and differ in dash or shape as well. Each chart stays readable with one
data point (points are drawn) and with ten years of monthly data (no points, thin lines).
"""

from __future__ import annotations

import functools
import json
from datetime import date

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from dorp import i18n
from dorp.charts import palette
from dorp.method import ALL_MODES, LINES, PHASES, PRESENT_AT, STEPS

# Score 1..5: PuOr (colour-blind safe, diverging around the "present" level 3).
SCORE_COLOURS = {1: "#b35806", 2: "#f1a340", 3: "#d8d8d8", 4: "#998ec3", 5: "#542788"}
MISSING_COLOUR = "#f4f4f4"
STEP_COLOURS = palette.STEP
MANY_POINTS = 24  # beyond this many points per series, lines without point marks
CANVAS_FROM = 200  # marks of a map beyond which the browser draws on a canvas, not in SVG
CANVAS = {"embedOptions": {"renderer": "canvas"}}   # Streamlit passes it to vega-embed
SVG = {"embedOptions": {"renderer": "svg"}}


def _values(df: pd.DataFrame) -> dict:
    """Inline data ({"values": [...]}, dates as ISO text). Charts carry their data this way,
    not as DataFrames, so turning them into a spec never touches Altair's global data
    transformer (Streamlit switches that per thread) and has no row limit."""
    return alt.utils.data.to_values(df)


# Dutch month names and number format for Vega (axes such as "okt 2026", "2,5").
VEGA_LOCALE = {
    "nl": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
        "time": {
            "dateTime": "%A %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
                     "zaterdag"],
            "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
            "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli",
                       "augustus", "september", "oktober", "november", "december"],
            "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep",
                            "okt", "nov", "dec"],
        },
    },
}


# Dates in charts as in the tables beside them (dorp.i18n.fmt_date, babel's medium date):
# "2 dec 2026" in Dutch, "Dec 2, 2026" in English. Builders write the neutral "%d-%m-%Y";
# spec() puts the language's format in its place.
NEUTRAL_DATE = "%d-%m-%Y"
DATE_FORMAT = {"nl": "%-d %b %Y", "en": "%b %-d, %Y"}


def _dated(node, fmt: str):
    if isinstance(node, dict):
        return {k: (fmt if k == "format" and v == NEUTRAL_DATE else _dated(v, fmt))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_dated(v, fmt) for v in node]
    return node


def spec(chart: alt.TopLevelMixin, lang: str = i18n.DEFAULT_LANG) -> dict:
    """The chart as a validated Vega-Lite dict, for pages that cache the spec and show it with
    st.vega_lite_chart. DataFrame data (e.g. charts.pipeline) is inlined first; Altair's
    default view size is dropped (Streamlit sizes charts to their column); Dutch charts get
    Dutch month names."""
    if isinstance(getattr(chart, "data", None), pd.DataFrame):
        chart = chart.copy()
        chart.data = _values(chart.data)
    d = chart.to_dict()
    view = d.get("config", {}).get("view", {})
    view.pop("continuousWidth", None)
    view.pop("continuousHeight", None)
    if "config" in d and not d["config"].get("view", True):
        d["config"].pop("view")
    d = _dated(d, DATE_FORMAT.get(lang, DATE_FORMAT[i18n.DEFAULT_LANG]))
    if lang in VEGA_LOCALE:
        d.setdefault("config", {})["locale"] = VEGA_LOCALE[lang]
    if d.get("config") == {}:
        d.pop("config")
    return d


def _quick(builder):
    """Build without Altair's validation of every part on creation (it costs more than the
    chart). The finished spec is still validated when it is converted (to_dict), which
    Streamlit and the tests do."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with debug_mode(False):
            return builder(*args, **kwargs)
    return build


def _line_labels(lang: str) -> list[str]:
    return [i18n.label("line", ln, lang) for ln in LINES]


def _two_lines(labels: list[str]) -> str:
    """A Vega label expression that breaks each long label into two lines near its middle."""
    expr = "datum.label"
    for label in labels:
        words = label.split(" ")
        if len(label) <= 14 or len(words) < 2:
            continue
        cut = min(range(1, len(words)),
                  key=lambda i: abs(len(" ".join(words[:i])) - len(label) / 2))
        parts = [" ".join(words[:cut]), " ".join(words[cut:])]
        expr = f"datum.label === {json.dumps(label)} ? {json.dumps(parts)} : ({expr})"
    return expr


def _score_scale() -> alt.Scale:
    return alt.Scale(domain=["1", "2", "3", "4", "5", "–"],
                     range=[*SCORE_COLOURS.values(), MISSING_COLOUR])


def _score_axis(title: str | None) -> alt.Y:
    return alt.Y("score:Q", title=title, scale=alt.Scale(domain=[1, 5], nice=False),
                 axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d", grid=True))


def _threshold() -> alt.Chart:
    """The level at which a dimension counts as present (3)."""
    return alt.Chart().mark_rule(color="#777777", strokeDash=[4, 3], strokeWidth=1).encode(
        y=alt.datum(PRESENT_AT))


# --- programme overview ------------------------------------------------------------------------

def heatmap_data(latest: pd.DataFrame, pilots: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """Every (village, line) cell of the shown pilots, with the latest score or "–"."""
    labels = dict(zip(LINES, _line_labels(lang)))
    grid = pilots[["village_id", "village"]].merge(pd.DataFrame({"line": list(LINES)}),
                                                   how="cross")
    cells = grid.merge(latest[["village_id", "line", "score", "scored_on"]],
                       on=["village_id", "line"], how="left")
    has = cells["score"].notna()
    cells["score_label"] = "–"
    cells.loc[has, "score_label"] = cells.loc[has, "score"].astype(int).astype(str)
    cells["line_label"] = cells["line"].map(labels)
    cells["scored_on"] = cells["scored_on"].map(lambda d: i18n.fmt_date(d, lang)
                                                if isinstance(d, date) else "–")
    cells["ink"] = cells["score_label"].map(lambda x: "white" if x in ("1", "5") else "#222222")
    return cells[["village_id", "village", "line", "line_label", "score", "score_label",
                  "scored_on", "ink"]]


@_quick
def heatmap(latest: pd.DataFrame, pilots: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Village x line of the latest scores; rows in the order of `pilots` (most urgent first)."""
    cells = heatmap_data(latest, pilots, lang)
    order = list(dict.fromkeys(pilots["village"]))
    line_title = i18n.t("dashboard.line", lang)
    village_title = i18n.t("overview.village", lang)
    # Data on the layer, not on each part: Altair hashes a DataFrame shared by two layers
    # through its text representation, which costs more than drawing the chart.
    base = alt.Chart().encode(
        x=alt.X("line_label:N", sort=_line_labels(lang), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=False, labelPadding=17,
                              labelExpr=_two_lines(_line_labels(lang)), labelLineHeight=13,
                              labelBaseline="line-bottom")),
        y=alt.Y("village:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("score_label:N", title=i18n.t("dashboard.score", lang),
                        scale=_score_scale(), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("village:N", title=village_title),
                 alt.Tooltip("line_label:N", title=line_title),
                 alt.Tooltip("score_label:N", title=i18n.t("dashboard.score", lang)),
                 alt.Tooltip("scored_on:N", title=i18n.t("dashboard.scored_on", lang))],
    )
    text = base.mark_text(fontSize=13, fontWeight="bold").encode(
        text=alt.Text("score_label:N"),
        color=alt.Color("ink:N", scale=None, legend=None),   # white on dark cells
    )
    # A step per row, not a fixed height: Streamlit collapses discrete rows of a fixed height.
    # Many cells (and their numbers) are drawn on a canvas rather than as SVG elements.
    meta = {"usermeta": CANVAS} if len(cells) > CANVAS_FROM // 2 else {}
    return alt.layer(rect, text, data=_values(cells)).properties(height=alt.Step(28), **meta)


@_quick
def month_compare(band: pd.DataFrame, own: pd.DataFrame, names: dict[int, str],
                  lang: str = "nl") -> alt.Chart:
    """Line scores against the month of the pilot (months since its start), one panel per
    line: the spread of all shown pilots (25-75 % band and median) and a line per chosen
    pilot, so a young pilot is compared with the others at the same age."""
    labels = dict(zip(LINES, _line_labels(lang)))
    median_name = i18n.t("dashboard.median", lang)
    b = band.assign(line_label=band["line"].map(labels), kind="band", series=median_name,
                    score=band["median"])
    o = own.assign(line_label=own["line"].map(labels), kind="pilot",
                   series=own["village_id"].map(names))
    data = pd.concat([b, o], ignore_index=True, sort=False)
    for c in ("p25", "p75", "median", "pilots"):
        if c not in data:
            data[c] = None
    data = data[["line_label", "month", "score", "kind", "series", "p25", "p75", "pilots"]]
    month_title = i18n.t("dashboard.month_of_pilot", lang)
    per_series = o.groupby("series").size().max() if not o.empty else 0
    series_names = sorted(o["series"].dropna().unique().tolist())
    x = alt.X("month:Q", title=month_title, axis=alt.Axis(tickMinStep=1, format="d"))
    area = alt.Chart().transform_filter("datum.kind == 'band'").mark_area(
        color="#bbbbbb", opacity=0.45).encode(
        x=x, y=alt.Y("p25:Q", scale=alt.Scale(domain=[1, 5]), title=None), y2=alt.Y2("p75:Q"))
    median = alt.Chart().transform_filter("datum.kind == 'band'").mark_line(
        color="#444444", strokeDash=[5, 3], strokeWidth=1.5).encode(
        x=x, y=_score_axis(None),
        tooltip=[alt.Tooltip("month:Q", title=month_title),
                 alt.Tooltip("score:Q", title=median_name, format=".1f"),
                 alt.Tooltip("pilots:Q", title=i18n.t("overview.pilots", lang))])
    pilots_layer = alt.Chart().transform_filter("datum.kind == 'pilot'").mark_line(
        point=bool(per_series <= MANY_POINTS), strokeWidth=1.8, opacity=0.9,
        interpolate="step-after").encode(
        x=x, y=_score_axis(None),
        color=alt.Color("series:N", title=i18n.t("overview.village", lang),
                        scale=alt.Scale(domain=series_names,
                                        range=palette.CATEGORIES[:max(1, len(series_names))]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", title=i18n.t("overview.village", lang),
                                  scale=alt.Scale(domain=series_names),
                                  legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title=i18n.t("overview.village", lang)),
                 alt.Tooltip("month:Q", title=month_title),
                 alt.Tooltip("score:Q", title=i18n.t("dashboard.score", lang))])
    # three panels of 220 px fit the page's width beside the menu (wider, the chart would
    # have to scroll within its box: a region a keyboard cannot scroll)
    return alt.layer(area, median, pilots_layer, data=_values(data)).properties(
        width=220, height=150).facet(
        facet=alt.Facet("line_label:N", sort=_line_labels(lang), title=None,
                        header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
        columns=3).resolve_scale(x="shared")


MAP_HEIGHT = 340
CHAR_PX, LINE_PX, DOT_PX = 6.2, 13, 9   # label size at fontSize 11, and the dot's radius


def label_places(pts: pd.DataFrame, height: int = MAP_HEIGHT) -> pd.DataFrame:
    """Where each village's name goes (label_lon, label_lat): above its dot unless that box
    overlaps a name placed before it or another dot; then below, right or left, whichever
    overlaps least. Boxes are estimated in pixels from the map's height (the projection fits
    the villages' extent), so names of neighbouring villages do not cover each other."""
    import math
    if pts.empty:
        return pd.DataFrame({"label_lon": [], "label_lat": []}, index=pts.index)
    lat0 = math.radians(float(pts["lat"].mean()))
    span = max(float(pts["lat"].max() - pts["lat"].min()),
               float(pts["lon"].max() - pts["lon"].min()) * math.cos(lat0) / 1.6, 0.05)
    ppd = (height - 40) / span                  # pixels per degree of latitude
    px = lambda lon, lat: (lon * ppd * math.cos(lat0), -lat * ppd)   # noqa: E731
    dots = [px(r.lon, r.lat) for r in pts.itertuples()]
    placed: list[tuple[float, float, float, float]] = []

    def overlap(box):
        x0, y0, x1, y1 = box
        area = sum(max(0, min(x1, b[2]) - max(x0, b[0])) * max(0, min(y1, b[3]) - max(y0, b[1]))
                   for b in placed)
        hits = sum(x0 - DOT_PX < dx < x1 + DOT_PX and y0 - DOT_PX < dy < y1 + DOT_PX
                   for dx, dy in dots)
        return area + 400 * hits

    out_lon, out_lat = [], []
    order = pts.assign(_y=[d[1] for d in dots]).sort_values("_y").index
    spots = {}
    for i in order:
        r = pts.loc[i]
        x, y = px(r.lon, r.lat)
        w = len(str(r.village)) * CHAR_PX
        cands = [(x, y - DOT_PX - LINE_PX / 2), (x, y + DOT_PX + LINE_PX / 2),
                 (x + DOT_PX + w / 2 + 2, y), (x - DOT_PX - w / 2 - 2, y)]
        best = min(cands, key=lambda c: overlap((c[0] - w / 2, c[1] - LINE_PX / 2,
                                                 c[0] + w / 2, c[1] + LINE_PX / 2)))
        placed.append((best[0] - w / 2, best[1] - LINE_PX / 2, best[0] + w / 2, best[1] + LINE_PX / 2))
        spots[i] = (best[0] / (ppd * math.cos(lat0)), -best[1] / ppd)
    for i in pts.index:
        out_lon.append(spots[i][0])
        out_lat.append(spots[i][1])
    return pd.DataFrame({"label_lon": out_lon, "label_lat": out_lat}, index=pts.index)


@_quick
def village_map(pilots: pd.DataFrame, lang: str = "nl", tiles=None) -> alt.Chart:
    """The villages at their coordinates, coloured by step. Without `tiles` (the default) on a
    plain background: nothing is loaded from elsewhere, it works offline. With `tiles` (a
    dorp.config.MapTiles) the browser lays the tile server's map under the dots and names
    (base_map), with the tiles' credit in the corner. Villages without coordinates are left
    out."""
    pts = pilots.dropna(subset=["lat", "lon"]).copy()
    step_labels = [i18n.label("step", s, lang) for s in STEPS]
    pts["step_label"] = pts["step"].map(lambda s: i18n.label("step", int(s), lang))
    pts["status_label"] = pts["status"].map(lambda s: i18n.label("status", s, lang))
    pts = pts[["village", "municipality", "lat", "lon", "step_label", "status_label"]]
    enc = {"longitude": alt.Longitude("lon:Q"), "latitude": alt.Latitude("lat:Q")}
    dots = alt.Chart().mark_circle(size=140, opacity=0.9, stroke="white",
                                      strokeWidth=1).encode(
        **enc,
        color=alt.Color("step_label:N", title=i18n.t("overview.step", lang),
                        scale=alt.Scale(domain=step_labels,
                                        range=[STEP_COLOURS[s] for s in STEPS]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        shape=alt.Shape("step_label:N", scale=alt.Scale(domain=step_labels), legend=None),
        tooltip=[alt.Tooltip("village:N", title=i18n.t("overview.village", lang)),
                 alt.Tooltip("municipality:N", title=i18n.t("overview.municipality", lang)),
                 alt.Tooltip("step_label:N", title=i18n.t("overview.step", lang)),
                 alt.Tooltip("status_label:N", title=i18n.t("overview.status", lang))],
    )
    layers = [dots]
    names = len(pts) <= 30
    if names:
        pts = pts.join(label_places(pts, MAP_HEIGHT))
        label_enc = {"longitude": alt.Longitude("label_lon:Q"),
                     "latitude": alt.Latitude("label_lat:Q"), "text": alt.Text("village:N")}
        if tiles is not None:   # a white halo keeps the names readable on the map's own
            layers.append(alt.Chart().mark_text(fontSize=11, stroke="white", strokeWidth=3,
                                                strokeOpacity=0.85, color="white").encode(
                **label_enc))
        layers.append(alt.Chart().mark_text(fontSize=11, color="#333333").encode(**label_enc))
    # Hundreds of dots are drawn on a canvas: as SVG each would be an element of the page.
    meta = {"usermeta": CANVAS} if len(pts) > CANVAS_FROM else {}
    projection = {"type": "mercator"}
    if tiles is not None and not pts.empty:
        fit = list(zip(pts["lon"], pts["lat"]))
        if names:
            fit += list(zip(pts["label_lon"], pts["label_lat"]))
        layers = [base_map(fit, tiles.template), *layers, _credit(tiles.attribution)]
        # Always SVG under tiles: on a canvas, Vega redraws once the tiles have loaded or
        # failed, and drawing a tile that failed (server down) throws in the browser, which
        # would wipe the dots too. In SVG a failed tile is an empty image, nothing more.
        meta = {"usermeta": SVG}
        # The projection fits the villages (and their names), as the plain map's does, not
        # the tiles: those reach beyond and are clipped at the map's edge.
        projection["fit"] = {"type": "Feature", "properties": {},
                             "geometry": {"type": "MultiPoint",
                                          "coordinates": [[float(a), float(b)] for a, b in fit]}}
    return alt.layer(*layers, data=_values(pts)).project(**projection).properties(
        height=MAP_HEIGHT, **meta).configure_view(
        stroke="#cccccc", fill="#fafafa")


def base_map(points: list[tuple[float, float]], template: str) -> alt.Chart:
    """The tiles that cover what the map shows, each an image stretched between its corners
    (dorp/charts/tiles.py): in the mercator projection a tile is a square, so it is placed
    exactly. A tile the browser cannot load is simply not drawn; clipped at the map's edge."""
    from dorp.charts import tiles as xyz
    rows = [{"url": t.url, "west": t.west, "north": t.north, "east": t.east, "south": t.south}
            for t in xyz.covering(points, template)]
    return alt.Chart(alt.InlineData(values=rows)).mark_image(
        aspect=False, clip=True, opacity=0.8).encode(
        longitude=alt.Longitude("west:Q"), latitude=alt.Latitude("north:Q"),
        longitude2=alt.Longitude2("east:Q"), latitude2=alt.Latitude2("south:Q"),
        url=alt.Url("url:N"))


def _credit(attribution: str) -> alt.Chart:
    """The tiles' credit right under the map's lower right corner (outside it, so it never
    covers a village or its name)."""
    return alt.Chart(alt.InlineData(values=[{"credit": attribution}])).mark_text(
        x="width", y="height", align="right", baseline="top", dy=3, fontSize=10,
        color="#333333").encode(text="credit:N")


# --- one village -------------------------------------------------------------------------------

@_quick
def lines_over_time(scores: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Each line's scores over time, one small panel per line (scores 1-5 overlap too much
    in one panel)."""
    labels = _line_labels(lang)
    d = scores[["line", "scored_on", "score"]].copy()
    d["line_label"] = d["line"].map(dict(zip(LINES, labels)))
    d["scored_on"] = pd.to_datetime(d["scored_on"])
    many = (d.groupby("line").size().max() if not d.empty else 0) > MANY_POINTS
    date_title = i18n.t("dashboard.scored_on", lang)
    line = alt.Chart().mark_line(point=not many, strokeWidth=2, color="#0072B2",
                                 interpolate="step-after").encode(
        x=alt.X("scored_on:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        y=alt.Y("score:Q", title=None, scale=alt.Scale(domain=[1, 5], nice=False),
                axis=alt.Axis(values=[1, 3, 5], format="d")),
        tooltip=[alt.Tooltip("line_label:N", title=i18n.t("dashboard.line", lang)),
                 alt.Tooltip("scored_on:T", title=date_title, format="%d-%m-%Y"),
                 alt.Tooltip("score:Q", title=i18n.t("dashboard.score", lang))])
    rule = alt.Chart().mark_rule(color="#999999", strokeDash=[4, 3]).encode(
        y=alt.datum(PRESENT_AT))
    # Each line's name above its panel (not beside it) and panels 330 px wide, so the chart
    # fits a phone (390 px) and the page never scrolls sideways.
    return alt.layer(line, rule, data=_values(d)).properties(height=80, width=330).facet(
        row=alt.Row("line_label:N", sort=labels, title=None,
                    header=alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start",
                                      labelFontWeight="bold", labelLimit=330)),
        spacing=10)


@_quick
def lines_now(latest: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """The latest score of each line as a bar (with its number); lines without a score say so."""
    labels = _line_labels(lang)
    d = pd.DataFrame({"line": list(LINES), "line_label": labels}).merge(
        latest[["line", "score"]], on="line", how="left")
    has = d["score"].notna()
    d["score_label"] = "–"
    d.loc[has, "score_label"] = d.loc[has, "score"].astype(int).astype(str)
    d["text"] = d["score_label"].where(has, i18n.t("dashboard.not_scored", lang))
    d["bar"] = d["score"].fillna(0)
    y = alt.Y("line_label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart().mark_bar(height=22).encode(
        y=y, x=alt.X("bar:Q", title=i18n.t("dashboard.score", lang),
                     scale=alt.Scale(domain=[0, 5]),
                     axis=alt.Axis(values=[0, 1, 2, 3, 4, 5], format="d")),
        color=alt.Color("score_label:N", scale=_score_scale(), legend=None),
        tooltip=[alt.Tooltip("line_label:N", title=i18n.t("dashboard.line", lang)),
                 alt.Tooltip("text:N", title=i18n.t("dashboard.score", lang))])
    text = alt.Chart().mark_text(align="left", dx=5, fontWeight="bold").encode(
        y=y, x=alt.X("bar:Q"), text=alt.Text("text:N"))
    rule = alt.Chart().mark_rule(color="#777777", strokeDash=[4, 3]).encode(
        x=alt.datum(PRESENT_AT))
    return alt.layer(bars, text, rule, data=_values(d)).properties(height=alt.Step(30))


@_quick
def satisfaction(meetings: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """Satisfaction of municipality and community at each steering meeting (1-5)."""
    parties = {"municipality_satisfaction": i18n.label("party", "municipality", lang),
               "community_satisfaction": i18n.label("party", "community", lang)}
    d = meetings.melt(id_vars=["held_on"], value_vars=list(parties), var_name="party",
                      value_name="score").dropna(subset=["score"])
    d["party"] = d["party"].map(parties)
    d["held_on"] = pd.to_datetime(d["held_on"])
    many = len(meetings) > MANY_POINTS
    names = list(parties.values())
    line = alt.Chart().mark_line(point=alt.OverlayMarkDef(size=60, filled=True) if not many
                                  else False, strokeWidth=2).encode(
        x=alt.X("held_on:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        y=_score_axis(i18n.t("dashboard.satisfaction_axis", lang)),
        color=alt.Color("party:N", title=None, scale=alt.Scale(
            domain=names, range=[palette.PARTY["municipality"], palette.PARTY["community"]]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("party:N", scale=alt.Scale(domain=names,
                                                            range=[[1, 0], [6, 3]]), legend=None),
        tooltip=[alt.Tooltip("held_on:T", title=i18n.t("dashboard.meeting", lang),
                             format="%d-%m-%Y"),
                 alt.Tooltip("party:N", title=i18n.t("dashboard.party", lang)),
                 alt.Tooltip("score:Q", title=i18n.t("dashboard.score", lang))])
    return alt.layer(line, _threshold(), data=_values(d)).properties(height=220)


@_quick
def modes_timeline(modes: pd.DataFrame, assessments: pd.DataFrame, today: date,
                   lang: str = "nl") -> alt.Chart:
    """Working modes in use over time (bars), beside the mode the mBc advised at each
    assessment (lighter, outlined bars), one row per mode."""
    used = pd.DataFrame({
        "mode": modes["mode"], "start": modes["started_on"],
        "end": modes["ended_on"].where(modes["ended_on"].notna(), today),
        "kind": i18n.t("dashboard.mode_used", lang), "reason": modes["reason"].fillna(""),
    })
    adv = assessments.dropna(subset=["advised"]).reset_index(drop=True)
    ends = list(adv["assessed_on"].iloc[1:]) + [today]
    advised = pd.DataFrame({"mode": adv["advised"], "start": adv["assessed_on"],
                            "end": ends, "kind": i18n.t("dashboard.mode_advised", lang),
                            "reason": i18n.t("dashboard.mode_advised_reason", lang)})
    d = pd.concat([used, advised], ignore_index=True)
    d["mode_label"] = d["mode"].map(lambda m: i18n.label("mode", m, lang))
    d["start"] = pd.to_datetime(d["start"])
    d["end"] = pd.to_datetime(d["end"])
    kinds = [i18n.t("dashboard.mode_used", lang), i18n.t("dashboard.mode_advised", lang)]
    mode_labels = [i18n.label("mode", m, lang) for m in ALL_MODES]
    return alt.Chart(_values(d)).mark_bar(cornerRadius=3, height=12).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        x2=alt.X2("end:T"),
        y=alt.Y("mode_label:N", sort=mode_labels, title=None,
                scale=alt.Scale(domain=mode_labels), axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset("kind:N", sort=kinds, scale=alt.Scale(domain=kinds)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=kinds, range=[palette.CURRENT, palette.NEUTRAL]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("mode_label:N", title=i18n.t("dashboard.mode", lang)),
                 alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("start:T", title=i18n.t("dashboard.from", lang), format="%d-%m-%Y"),
                 alt.Tooltip("end:T", title=i18n.t("dashboard.until", lang), format="%d-%m-%Y"),
                 alt.Tooltip("reason:N", title=i18n.t("dashboard.reason", lang))],
    ).properties(height=alt.Step(13))   # per working mode and kind (used / advised)


@_quick
def initiatives_by_phase(initiatives: pd.DataFrame, lang: str = "nl") -> alt.Chart:
    """How many initiatives stand in each phase of self-organisation (chapter 2.4); every
    phase is shown, also when empty, in the order of the method's figure."""
    labels = [i18n.label("phase", p, lang) for p in PHASES]
    counts = initiatives.groupby("phase").agg(
        n=("name", "size"), names=("name", lambda s: ", ".join(sorted(s)))).reset_index()
    d = pd.DataFrame({"phase": list(PHASES), "phase_label": labels}).merge(
        counts, on="phase", how="left")
    d["n"] = d["n"].fillna(0).astype(int)
    d["names"] = d["names"].fillna("")
    y = alt.Y("phase_label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=160))
    bars = alt.Chart().mark_bar(color=palette.CURRENT, height=16).encode(
        y=y, x=alt.X("n:Q", title=i18n.t("dashboard.initiatives_count", lang),
                     axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("phase_label:N", title=i18n.t("dashboard.phase", lang)),
                 alt.Tooltip("n:Q", title=i18n.t("dashboard.initiatives_count", lang)),
                 alt.Tooltip("names:N", title=i18n.t("dashboard.initiatives", lang))])
    text = alt.Chart().transform_filter("datum.n > 0").mark_text(align="left", dx=4).encode(
        y=y, x=alt.X("n:Q"), text=alt.Text("names:N"))
    return alt.layer(bars, text, data=_values(d)).properties(height=alt.Step(24))


@_quick
def steps_track(step: int, status: str, lang: str = "nl") -> alt.Chart:
    """The four steps as a row of blocks: done, current (or completed), still to come."""
    rows = []
    for s in STEPS:
        if status == "completed" or s < step:
            state = "done"
        elif s == step:
            state = "current"
        else:
            state = "todo"
        rows.append({"step": s, "label": i18n.label("step", s, lang), "state": state,
                     "state_label": i18n.t(f"dashboard.state_{state}", lang)})
    d = pd.DataFrame(rows)
    # The number on the first line, the name below it, cut to the tile's width (a phone is
    # 390 px wide: full names would run into each other); the tooltip has the full name.
    d["tile"] = d["label"].map(lambda s: s.replace(" · ", "\n", 1))
    d["ink"] = d["state"].map(lambda st: "#333333" if st == "todo" else "white")
    states = [i18n.t(f"dashboard.state_{k}", lang) for k in ("done", "current", "todo")]
    d["row"] = ""
    x = alt.X("label:N", sort=[r["label"] for r in rows], title=None, axis=None)
    y = alt.Y("row:N", title=None, axis=None)
    rect = alt.Chart().mark_rect(cornerRadius=6, stroke="white", strokeWidth=6).encode(
        x=x, y=y, color=alt.Color("state_label:N", title=None, scale=alt.Scale(
            domain=states, range=[palette.STATE["done"], palette.STATE["now"], palette.STATE["todo"]]),
            legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=i18n.t("overview.step", lang)),
                 alt.Tooltip("state_label:N", title=" ")])
    text = alt.Chart().mark_text(fontSize=13, fontWeight="bold", lineBreak="\n",
                                 limit=alt.ExprRef("bandwidth('x') - 10")).encode(
        x=x, y=y, text=alt.Text("tile:N"),
        color=alt.Color("ink:N", scale=None, legend=None))
    return alt.layer(rect, text, data=_values(d)).properties(height=alt.Step(56))
