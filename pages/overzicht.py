"""Programma-overzicht: which pilots need the lead, and why; where all pilots stand (pipeline,
map), the latest line scores (heatmap) and the pilots compared at the same age. The filters
at the top apply to every chart and table on the page.

Views are cached per user scope, day, language and filters (ui.cached) and every save clears
them; charts are cached as Vega-Lite specs, so a re-run does not rebuild or re-validate them.
The page is laid out in reading order but filled cheapest first: the pipeline (pilots per
step, counted in SQL) and the map are sent before the facts of every pilot are computed, and
the month-of-pilot comparison is drawn only when asked for."""

import streamlit as st

from dorp import attention, charts, config, rules, ui
from dorp.charts import lines as line_charts
from dorp.method import STATUSES, STEPS
from dorp.repo import dashboard

user = ui.guard("view_programme")
db = ui.db()
today = ui.today()
lang = ui.lang()
ATTENTION_SHOWN = 8   # pilots in "Aandacht nodig" before "show all"
HEATMAP_ROWS = 40     # rows of the heatmap (most urgent first); the filters reach the others

st.title(ui.t("overview.title"))
ui.demo_banner(db, user)

# --- filters (every chart and table below obeys them) --------------------------------------------
f1, f2, f3 = st.columns(3)
municipalities = f1.multiselect(ui.t("overview.filter_municipality"),
                                ui.cached(("overview.municipalities",),
                                          lambda: dashboard.municipalities(db, user)),
                                key="ov_mun", placeholder=ui.t("overview.filter_all"))
steps = f2.multiselect(ui.t("overview.filter_step"), list(STEPS), key="ov_step",
                       format_func=lambda s: ui.label("step", s),
                       placeholder=ui.t("overview.filter_all"))
statuses = f3.multiselect(ui.t("overview.filter_status"), list(STATUSES), key="ov_status",
                          format_func=lambda s: ui.label("status", s),
                          placeholder=ui.t("overview.filter_all"))
fkey = (tuple(sorted(municipalities)), tuple(sorted(steps)), tuple(sorted(statuses)))
filters = dashboard.Filters(*fkey)


def chart(name: str, build, *key) -> None:
    """A chart of this page, its spec cached under the filters and `key`."""
    ui.chart(("overview", name, fkey, *key), lambda: line_charts.spec(build(), lang),
             summary=ui.t("chart." + name))


# Pilots per step and status, counted in SQL: enough for the first chart and three metrics.
counts = ui.cached(("overview.pipeline", fkey), lambda: dashboard.pipeline(db, user, filters))
if counts.empty:
    st.info(ui.t("overview.empty_filtered") if any(fkey) else ui.t("overview.empty"))
    st.stop()

# The sections in reading order; filled below, cheapest first.
c1, c2, c3, c4 = st.columns(4)
attention_box = st.container()
left, right = st.columns(2)

c1.metric(ui.t("overview.metric_pilots"), int(counts.n.sum()))
c2.metric(ui.t("overview.metric_execution"),
          int(counts[(counts.step == 4) & (counts.status == "active")].n.sum()))
c4.metric(ui.t("overview.metric_completed"), int(counts[counts.status == "completed"].n.sum()))

# --- pipeline and map (the first charts) --------------------------------------------------------
with left:
    st.subheader(ui.t("overview.pipeline"))
    chart("pipeline", lambda: charts.pipeline(counts, lang))
with right:
    st.subheader(ui.t("overview.map"))
    points = ui.cached(("overview.map", fkey), lambda: dashboard.map_points(db, user, filters))
    if not points.empty:
        # a base map when a tile server is configured ($DORP_MAP_TILES), else a plain one
        tiles = config.map_tiles()
        chart("map", lambda: line_charts.village_map(points, lang, tiles),
              *([tiles.template] if tiles else []))
    else:
        st.info(ui.t("overview.map_empty"))

# --- the facts of every shown pilot: alerts, ranking ------------------------------------------------
data = ui.cached(("overview.programme", fkey), lambda: dashboard.programme(db, user, today, filters))
df = data.pilots
c3.metric(ui.t("overview.metric_attention"), int((df.alerts.map(len) > 0).sum()))

# --- Aandacht nodig -------------------------------------------------------------------------------
# Only what is on screen is fetched: the latest scores of the heatmap's rows and of the cards.
in_heatmap = df[df.scored | (df.step == 4)]
heat_rows = in_heatmap.head(HEATMAP_ROWS)
with_alerts = df[df.alerts.map(len) > 0]
attention_box.subheader(ui.t("overview.attention"))
show_all = len(with_alerts) <= ATTENTION_SHOWN or attention_box.toggle(
    ui.t("overview.attention_all", n=len(with_alerts)), key="ov_att_all")
cards = with_alerts if show_all else with_alerts.head(ATTENTION_SHOWN)
on_screen = tuple(sorted(set(heat_rows.village_id) | set(cards.village_id)))
latest = ui.cached(("overview.latest", on_screen), lambda: dashboard.latest(db, user, on_screen))
with attention_box:
    if with_alerts.empty:
        st.success(ui.t("overview.attention_none"))
    else:
        ranked = ui.cached(("overview.ranked", fkey, show_all),
                           lambda: attention.ranked(cards, data.facts, today, latest, lang))
        cols = st.columns(2)
        for i, item in enumerate(ranked):
            with cols[i % 2].container(border=True):
                st.markdown(f"**{ui.md(item['village'])}** · {ui.md(item['municipality'])} · "
                            f"{item['stage']} · {ui.label('status', item['status'])}")
                for c in item["causes"]:   # each cause once, with the step it belongs to
                    where = f" ({c.step})" if c.step else ""
                    st.markdown(f"**{c.title}**{where}: {ui.md(c.text)}")
                    ui.link(c.page, c.fix, query_params=c.query)
                l1, l2 = st.columns(2)
                ui.link("pages/pilot.py", ui.t("overview.open_pilot"), where=l1,
                        query_params={"village_id": str(item["village_id"])})
                ui.link("pages/dorpsdashboard.py", ui.t("overview.open_dashboard"), where=l2,
                        query_params={"village_id": str(item["village_id"])})
        if not show_all:
            st.caption(ui.t("overview.attention_more", shown=len(cards), n=len(with_alerts)))

# --- heatmap of the latest scores ----------------------------------------------------------------
st.subheader(ui.t("overview.heatmap"))
if heat_rows.empty:
    st.info(ui.t("overview.heatmap_empty"))
else:
    chart("heatmap", lambda: line_charts.heatmap(latest, heat_rows, lang))
    st.caption(ui.t("overview.heatmap_caption"))
    if len(in_heatmap) > HEATMAP_ROWS:
        st.caption(ui.t("overview.heatmap_more", shown=HEATMAP_ROWS, n=len(in_heatmap)))

# --- compare pilots by month of the pilot -----------------------------------------------------------
st.subheader(ui.t("overview.compare"))
st.caption(ui.t("overview.compare_caption"))
with_scores = df[df.scored & df.started_on.notna()]
if with_scores.empty:
    st.info(ui.t("overview.compare_empty"))
elif st.toggle(ui.t("overview.compare_show"), key="ov_compare_on"):   # drawn on demand
    names = dict(zip(with_scores.village_id.astype(int), with_scores.village))
    chosen = st.multiselect(ui.t("overview.compare_pick"), list(names), default=list(names)[:4],
                            format_func=names.get, max_selections=8, key="ov_compare",
                            placeholder=ui.t("overview.compare_placeholder"))
    # Without filters the band is every pilot the user sees (no id list to pass around).
    band_ids = list(names) if any(fkey) else None

    def comparison():
        band, own = dashboard.compare(db, user, band_ids, chosen)
        return line_charts.month_compare(band, own, names, lang)

    chart("compare", comparison, tuple(chosen))

# --- all pilots -----------------------------------------------------------------------------------
st.subheader(ui.t("overview.table"))

def alert_text(vid, codes) -> str:
    """The pilot's alerts, a falling or low line by its name ("Lijn daalt: Breed draagvlak")."""
    if not codes:
        return ui.t("overview.no_alerts")
    f = data.facts[vid]
    named = {"line_low": rules.low_lines, "line_declining": rules.declining_lines}
    parts = []
    for c in codes:
        lines_ = named[c](f) if c in named else []
        parts.append(ui.label("alert", c) + (": " + ", ".join(ui.label("line", ln) for ln in lines_)
                                             if lines_ else ""))
    return "; ".join(parts)


def pilots_table():
    """The table's rows, each label looked up once (not once per pilot)."""
    steps_ = {s: ui.label("step", s) for s in STEPS}
    statuses_ = {s: ui.label("status", s) for s in STATUSES}
    stages_: dict = {}
    days: dict = {}

    def day(d):
        if d not in days:
            days[d] = ui.fmt_date(d)
        return days[d]

    def bkg_stage(vid) -> str:
        """Where the village stands in the Burgerkrachtgenerator (issue 15)."""
        instrument = data.facts[vid].burgerkracht
        stage = instrument.stage if instrument is not None else None
        if stage not in stages_:
            stages_[stage] = ui.label("bkg.stage", stage) if stage else ui.t("bkg.overview_none")
        return stages_[stage]

    return df.assign(
        bkg=df.village_id.map(bkg_stage),
        step=df.step.map(steps_),
        status=df.status.map(statuses_),
        last_activity=df.last_activity.map(day),
        alerts=[alert_text(vid, codes) for vid, codes in zip(df.village_id, df.alerts)],
        link=df.village_id.map(lambda v: f"pilot?village_id={v}"),
        board=df.village_id.map(lambda v: f"dorpsdashboard?village_id={v}"),
    )[["village", "link", "board", "step", "status", "alerts", "last_activity", "municipality",
       "bkg"]]


table = ui.cached(("overview.table", fkey), pilots_table)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={   # widths chosen so no header or link is cut off; long text gets room
        "village": st.column_config.TextColumn(ui.t("overview.village"), width=130),
        "link": st.column_config.LinkColumn(ui.t("overview.open"), display_text=ui.t("overview.open"),
                                            width=75),
        "board": st.column_config.LinkColumn(ui.t("overview.open_dashboard"),
                                             display_text=ui.t("overview.open_dashboard"),
                                             width=125),
        "step": st.column_config.TextColumn(ui.t("overview.step"), width=140),
        "status": st.column_config.TextColumn(ui.t("overview.status"), width=90),
        "alerts": st.column_config.TextColumn(ui.t("overview.alerts"), width=420),
        "last_activity": st.column_config.TextColumn(ui.t("overview.last_update_short"),
                                                     help=ui.t("overview.last_update"), width=110),
        "municipality": st.column_config.TextColumn(ui.t("overview.municipality"), width=140),
        "bkg": st.column_config.TextColumn(ui.t("bkg.overview_col"), width=160),
    },
)
