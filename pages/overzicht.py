"""Programma-overzicht: all pilots by step, key counts, and a table leading to each pilot."""

import streamlit as st

from dorp import charts, ui
from dorp.repo import pilots

user = ui.guard("view_programme")
db = ui.db()
today = ui.today()

st.title(ui.t("overview.title"))
ui.demo_banner(db, user)

df = pilots.overview(db, user, today)
if df.empty:
    st.info(ui.t("overview.empty"))
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.t("overview.metric_pilots"), len(df))
c2.metric(ui.t("overview.metric_execution"), int(((df.step == 4) & (df.status == "active")).sum()))
c3.metric(ui.t("overview.metric_attention"), int((df.alerts.map(len) > 0).sum()))
c4.metric(ui.t("overview.metric_completed"), int((df.status == "completed").sum()))

st.subheader(ui.t("overview.pipeline"))
st.altair_chart(charts.pipeline(df, ui.lang()), width="stretch")

st.subheader(ui.t("overview.table"))
table = df.assign(
    step=df.step.map(lambda s: ui.label("step", s)),
    status=df.status.map(lambda s: ui.label("status", s)),
    last_activity=df.last_activity.map(ui.fmt_date),
    alerts=df.alerts.map(lambda codes: ", ".join(ui.label("alert", c) for c in codes)
                         or ui.t("overview.no_alerts")),
    link=df.village_id.map(lambda v: f"pilot?village_id={v}"),
)[["village", "municipality", "step", "status", "last_activity", "alerts", "link"]]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "village": ui.t("overview.village"),
        "municipality": ui.t("overview.municipality"),
        "step": ui.t("overview.step"),
        "status": ui.t("overview.status"),
        "last_activity": ui.t("overview.last_update"),
        "alerts": ui.t("overview.alerts"),
        "link": st.column_config.LinkColumn(ui.t("overview.open"), display_text=ui.t("overview.open")),
    },
)
