"""Programma-overzicht: which pilots need the lead, and why; where all pilots stand (pipeline,
map), the latest line scores (heatmap) and the pilots compared at the same age. The filters
at the top apply to every chart and table on the page.

Views are cached per user, day, language and filters (ui.cached) and every save clears them;
charts are cached as Vega-Lite specs, so a re-run does not rebuild or re-validate them."""

import streamlit as st

from dorp import attention, charts, ui
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
data = ui.cached(("overview.programme", fkey), lambda: dashboard.programme(db, user, today, filters))
df = data.pilots


def chart(name: str, build, *key) -> None:
    """A chart of this page, its spec cached under the filters and `key`."""
    ui.chart(("overview", name, fkey, *key), lambda: line_charts.spec(build(), lang))


if df.empty:
    st.info(ui.t("overview.empty_filtered") if any(fkey) else ui.t("overview.empty"))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.t("overview.metric_pilots"), len(df))
c2.metric(ui.t("overview.metric_execution"), int(((df.step == 4) & (df.status == "active")).sum()))
c3.metric(ui.t("overview.metric_attention"), int((df.alerts.map(len) > 0).sum()))
c4.metric(ui.t("overview.metric_completed"), int((df.status == "completed").sum()))

# --- Aandacht nodig -------------------------------------------------------------------------------
# Only what is on screen is fetched: the latest scores of the heatmap's rows and of the cards.
in_heatmap = df[df.scored | (df.step == 4)]
heat_rows = in_heatmap.head(HEATMAP_ROWS)
with_alerts = df[df.alerts.map(len) > 0]
st.subheader(ui.t("overview.attention"))
show_all = len(with_alerts) <= ATTENTION_SHOWN or st.toggle(
    ui.t("overview.attention_all", n=len(with_alerts)), key="ov_att_all")
cards = with_alerts if show_all else with_alerts.head(ATTENTION_SHOWN)
on_screen = tuple(sorted(set(heat_rows.village_id) | set(cards.village_id)))
latest = ui.cached(("overview.latest", on_screen), lambda: dashboard.latest(db, user, on_screen))
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
                st.page_link(c.page, label=c.fix, query_params=c.query)
            l1, l2 = st.columns(2)
            l1.page_link("pages/pilot.py", label=ui.t("overview.open_pilot"),
                         query_params={"village_id": str(item["village_id"])})
            l2.page_link("pages/dorpsdashboard.py", label=ui.t("overview.open_dashboard"),
                         query_params={"village_id": str(item["village_id"])})
    if not show_all:
        st.caption(ui.t("overview.attention_more", shown=len(cards), n=len(with_alerts)))

# --- pipeline and map ---------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(ui.t("overview.pipeline"))
    chart("pipeline", lambda: charts.pipeline(df, lang))
with right:
    st.subheader(ui.t("overview.map"))
    if df[["lat", "lon"]].notna().all(axis=1).any():
        chart("map", lambda: line_charts.village_map(df, lang))
    else:
        st.info(ui.t("overview.map_empty"))

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
else:
    names = dict(zip(with_scores.village_id.astype(int), with_scores.village))
    chosen = st.multiselect(ui.t("overview.compare_pick"), list(names), default=list(names)[:4],
                            format_func=names.get, max_selections=8, key="ov_compare")
    # Without filters the band is every pilot the user sees (no id list to pass around).
    band_ids = list(names) if any(fkey) else None

    def comparison():
        band, own = dashboard.compare(db, user, band_ids, chosen)
        return line_charts.month_compare(band, own, names, lang)

    chart("compare", comparison, tuple(chosen))

# --- all pilots -----------------------------------------------------------------------------------
st.subheader(ui.t("overview.table"))
def bkg_stage(vid) -> str:
    """Where the village stands in the Burgerkrachtgenerator (issue 15)."""
    instrument = data.facts[vid].burgerkracht
    stage = instrument.stage if instrument is not None else None
    return ui.label("bkg.stage", stage) if stage else ui.t("bkg.overview_none")


table = ui.cached(("overview.table", fkey), lambda: df.assign(
    bkg=df.village_id.map(bkg_stage),
    step=df.step.map(lambda s: ui.label("step", s)),
    status=df.status.map(lambda s: ui.label("status", s)),
    last_activity=df.last_activity.map(ui.fmt_date),
    alerts=df.alerts.map(lambda codes: ", ".join(ui.label("alert", c) for c in codes)
                         or ui.t("overview.no_alerts")),
    link=df.village_id.map(lambda v: f"pilot?village_id={v}"),
    board=df.village_id.map(lambda v: f"dorpsdashboard?village_id={v}"),
)[["village", "municipality", "step", "status", "bkg", "last_activity", "alerts", "link",
   "board"]])
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "village": ui.t("overview.village"),
        "municipality": ui.t("overview.municipality"),
        "step": ui.t("overview.step"),
        "status": ui.t("overview.status"),
        "bkg": ui.t("bkg.overview_col"),
        "last_activity": ui.t("overview.last_update"),
        "alerts": ui.t("overview.alerts"),
        "link": st.column_config.LinkColumn(ui.t("overview.open"), display_text=ui.t("overview.open")),
        "board": st.column_config.LinkColumn(ui.t("overview.open_dashboard"),
                                             display_text=ui.t("overview.open_dashboard")),
    },
)
