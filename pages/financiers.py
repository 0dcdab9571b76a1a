"""Voortgang voor financiers: where the pilots stand and what the money did, for a period.
Aggregates only (dorp.repo.funder.view), the same ones the PDF and the Excel summary use."""

import streamlit as st

from dorp import i18n, report, ui
from dorp.charts import funder as charts
from dorp.charts.lines import spec as chart_spec
from dorp.repo import funder, programme, vonk

user = ui.guard("view_funder")
db = ui.db()
today = ui.today()
lang = ui.lang()

heading = st.empty()   # the title follows the chosen pilot (filled in once it is chosen)
ui.demo_banner(db, user)
st.caption(ui.t("funder.intro"))

prog = programme.get(db, user)
if prog is None:
    st.info(ui.t("funder.empty"))
    st.stop()

# Period and (optionally) one pilot.
c1, c2, c3 = st.columns([2, 2, 2])
kind = c1.radio(ui.t("funder.period_kind"), funder.PERIOD_KINDS, key="funder_kind", horizontal=True,
                format_func=lambda k: ui.t(f"funder.kind_{k}"))
options = funder.periods(kind, prog["start_date"], today, prog["end_date"])
period = c2.selectbox(ui.t("funder.period"), options, key=f"funder_period_{kind}",
                      format_func=lambda p: funder.period_label(p, lang))
names = funder.villages(db, user)
village_id = c3.selectbox(ui.t("funder.village"), [None, *names], key="funder_village",
                          placeholder=ui.t("funder.all_villages"),
                          format_func=lambda v: ui.t("funder.all_villages") if v is None else names[v])

heading.title(ui.t("funder.title_village", village=names[village_id]) if village_id is not None
              else ui.t("funder.title"))
view = funder.view(db, user, period, today, village_id)


def chart(name: str, build) -> None:
    """A chart of this view, its spec cached until the next write (ui.chart)."""
    ui.chart(("funder", name, period, village_id), lambda: chart_spec(build(), lang),
             summary=ui.t("chart." + name))


cutoff = ui.fmt_date(view.cutoff)

# The check before sending (leads only): texts that contradict the pilot's state, are missing
# or are the same for several pilots (dorp.textcheck).
ui.check_before_sending(db, user, today, village_id)

# Downloads: built only when clicked (same view as on screen).
d1, d2, _ = st.columns([2, 2, 3])
d1.download_button(ui.t("funder.download_pdf"), data=lambda: report.build_pdf(view, lang),
                   file_name=report.file_stem(view) + ".pdf", mime=report.PDF_MIME,
                   on_click="ignore", type="primary", key="funder_pdf")
d2.download_button(ui.t("funder.download_xlsx"), data=lambda: report.build_xlsx(view, lang),
                   file_name=report.file_stem(view) + ".xlsx", mime=report.XLSX_MIME,
                   on_click="ignore", key="funder_xlsx")

# On plan? The plain summary, with the lead's explanation beside it.
pv = view.plan
with st.container(border=True):
    left, right = st.columns([3, 2])
    with left:
        st.subheader(ui.t("plan.section"))
        for line in pv.summary_lines(lang):
            st.markdown(ui.md(line))
    with right:
        st.markdown(f"**{ui.t('plan.explanation_title')}**")
        st.markdown(ui.md(report.plain_text(pv.explanation) or ui.t("plan.explanation_none")))

# Summary figures.
st.subheader(ui.t("funder.summary"))
rows = view.summary_rows(lang)
PER_ROW = 3   # long labels ("Burgerkrachtgenerator: actieve werkgroepen") stay whole
for start in range(0, len(rows), PER_ROW):
    cols = st.columns(PER_ROW)
    for col, (label, value) in zip(cols, rows[start:start + PER_ROW]):
        col.metric(label, value)

left, right = st.columns(2)
with left:
    st.subheader(ui.t("funder.stages_now"))
    st.caption(ui.t("funder.stages_now_caption", date=cutoff))
    chart("stages_now", lambda: charts.stages_now(view.stages_now, lang))
with right:
    st.subheader(ui.t("funder.stages_over_time"))
    chart("stages_over_time", lambda: charts.stages_over_time(view.stages_over_time, lang))

left, right = st.columns(2)
with left:
    st.subheader(ui.t("funder.lines"))
    chart("lines", lambda: charts.lines(view.line_stats, lang))
    st.caption(ui.t("funder.lines_caption"))
with right:
    st.subheader(ui.t("funder.budget"))
    st.caption(ui.t("funder.budget_caption", date=cutoff))
    chart("budget", lambda: charts.budget(view.budget_by_source, lang))

# The two tables one under the other, each the full width: no header or line name cut off.
left, right = st.container(), st.container()
with left:
    lt = view.line_table(lang)
    st.dataframe(lt, hide_index=True, width="stretch",
                  column_config={"line": st.column_config.TextColumn(ui.t("funder.col_line"), width=220),
                                **{str(k): st.column_config.TextColumn(
                                    str(k), width=40, help=ui.t("funder.col_score_help", score=k))
                                   for k in range(1, 6)},
                                "mean": st.column_config.TextColumn(ui.t("funder.col_mean"),
                                                                    width=100)})
with right:
    bs = view.budget_by_source
    money = lambda x: i18n.fmt_money(x, lang)  # noqa: E731
    st.markdown(f"**{ui.t('funder.budget')}**")
    st.dataframe(
        bs.assign(
            source=bs["source"].map(lambda s: ui.t(f"funder.source_{s}")),
            budgeted_period=bs["budgeted_period"].map(money),
            spent_period=bs["spent_period"].map(money),
            budgeted=bs["budgeted"].map(money),
            spent=bs["spent"].map(money),
            spent_share=bs["spent_share"].map(lambda x: i18n.fmt_percent(x, lang)),
            budget_share=bs["budget_share"].map(lambda x: i18n.fmt_percent(x, lang)),
        )[["source", "budgeted_period", "spent_period", "budgeted", "spent", "spent_share",
           "budget_share"]],
        hide_index=True, width="stretch",
        column_config={
            "source": st.column_config.TextColumn(ui.t("funder.col_source"), width=110),
            "budgeted_period": st.column_config.TextColumn(ui.t("funder.col_budgeted_period"), width=100),
            "spent_period": st.column_config.TextColumn(ui.t("funder.col_spent_period"), width=100),
            "budgeted": st.column_config.TextColumn(ui.t("funder.col_budgeted"), width=100),
            "spent": st.column_config.TextColumn(ui.t("funder.col_spent"), width=100),
            "spent_share": st.column_config.TextColumn(ui.t("funder.col_spent_share"), width=100),
            "budget_share": st.column_config.TextColumn(ui.t("funder.col_budget_share_short"),
                                                        help=ui.t("funder.col_budget_share"),
                                                        width=100)})
    st.caption(ui.t("funder.budget_period_caption", start=ui.fmt_date(view.period.start), date=cutoff))
    money_cols = {c: st.column_config.TextColumn(ui.t(f"funder.col_{c}"), width=110)
                  for c in ("budgeted_period", "spent_period", "budgeted", "spent")}
    # Per post and per pilot, as the PDF has them (amounts as text: Dutch money format).
    bc = view.budget_by_category
    st.markdown(f"**{ui.t('funder.budget_lines')}**")
    if bc.empty:
        st.info(ui.t("funder.budget_lines_none"))
    else:
        st.dataframe(
            bc.assign(level=bc["level"].map(lambda s: ui.t(f"funder.level_{s}")),
                      source=bc["source"].map(lambda s: ui.t(f"funder.source_{s}")),
                      **{c: bc[c].map(money) for c in money_cols}
                      )[["level", "category", "source", *money_cols]],
            hide_index=True, width="stretch",
            column_config={"level": st.column_config.TextColumn(ui.t("funder.col_level"), width=90),
                           "category": st.column_config.TextColumn(ui.t("funder.col_category"),
                                                                   width="medium"),
                           "source": st.column_config.TextColumn(ui.t("funder.col_source"), width=110),
                           **money_cols})
    bp = view.budget_by_pilot
    if not view.village and not bp.empty:   # one pilot chosen: its figures are the ones above
        st.markdown(f"**{ui.t('funder.budget_pilots')}**")
        st.dataframe(
            bp.assign(**{c: bp[c].map(money) for c in money_cols})[["village", *money_cols]],
            hide_index=True, width="stretch",
            column_config={"village": st.column_config.TextColumn(ui.t("funder.col_village"),
                                                                  width="medium"),
                           **money_cols})

# --- the plan against what happened ----------------------------------------------------------------
st.header(ui.t("plan.section"))
tables = ui.cached(("funder.plan_tables", period, village_id), lambda: report.plan_tables(view, lang))
st.subheader(ui.t("plan.pilots_title"))
st.dataframe(tables["report.sheet_plan_pilots"], hide_index=True, width="stretch")
if not pv.steps.empty:
    with st.expander(ui.t("plan.steps_all")):
        st.dataframe(tables["report.sheet_plan_steps"], hide_index=True, width="stretch")

st.subheader(ui.t("plan.spend_section"))
if pv.spend_planned:
    left, right = st.columns(2)
    with left:
        chart("plan_spend", lambda: charts.spend_period(pv.spend, lang))
    with right:
        st.markdown(f"**{ui.t('plan.curve_title')}**")
        chart("plan_curve", lambda: charts.spend_curve(pv.curve, lang))
        st.caption(ui.t("plan.curve_caption", date=cutoff))
    st.dataframe(tables["report.sheet_plan_spend"], hide_index=True, width="stretch")
    st.caption(ui.t("plan.spend_caption", date=cutoff))
else:
    st.info(ui.t("plan.spend_none"))

st.subheader(ui.t("plan.targets_section"))
if pv.targets.empty:
    st.info(ui.t("plan.targets_none"))
else:
    st.dataframe(tables["report.sheet_plan_targets"], hide_index=True, width="stretch")
    st.caption(ui.t("plan.targets_caption"))
    with st.expander(ui.t("plan.targets_per_pilot")):
        st.dataframe(tables["report.sheet_plan_targets_pilots"], hide_index=True, width="stretch")

st.subheader(ui.t("plan.milestones_section"))
if pv.milestones.empty:
    st.info(ui.t("plan.milestones_none"))
else:
    st.dataframe(tables["report.sheet_plan_milestones"], hide_index=True, width="stretch")

st.header(ui.t("funder.progress_section"))
st.subheader(ui.t("funder.milestones"))
ms = view.milestones
in_period = ms[ms["in_period"].astype(bool)] if not ms.empty else ms
milestone_cols = {"reached_on": ui.t("funder.col_reached_on"), "village": ui.t("funder.col_village"),
                  "municipality": ui.t("funder.col_municipality"), "stage": ui.t("funder.col_stage")}


def _milestone_table(df):
    return df.assign(reached_on=df["reached_on"].map(ui.fmt_date),
                     stage=df["stage"].map(lambda s: funder.stage_label(s, lang))
                     )[list(milestone_cols)]


if in_period.empty:
    st.info(ui.t("funder.milestones_none"))
else:
    st.dataframe(ui.cached(("funder.ms_period", period, village_id),
                           lambda: _milestone_table(in_period)),
                 hide_index=True, width="stretch", column_config=milestone_cols)
if not ms.empty:
    with st.expander(ui.t("funder.milestones_all")):
        st.dataframe(ui.cached(("funder.ms_all", period, village_id), lambda: _milestone_table(ms)),
                     hide_index=True, width="stretch", column_config=milestone_cols)

# De Vonk: counts only (no titles, no initiators), small counts suppressed.
vonk_counts = vonk.funder_counts(db, user)
if vonk_counts["contests"]:
    st.subheader(ui.t("vonk.funder_title"))
    for col, key in zip(st.columns(4), ("contests", "ideas", "votes", "taken_on")):
        col.metric(ui.t(f"vonk.funder_{key}"), funder.suppress(vonk_counts[key], lang))
    st.caption(ui.t("vonk.funder_note"))

st.subheader(ui.t("funder.pilots"))
PILOTS_AS_CARDS = 25  # a large programme gets one table instead of hundreds of expanders
if len(view.pilots) > PILOTS_AS_CARDS:
    pt = view.pilots
    st.dataframe(ui.cached(("funder.pilots", period, village_id), lambda: pt.assign(
        stage=pt["stage"].map(lambda s: funder.stage_label(s, lang)),
        progress_text=pt["progress_text"].map(report.plain_text),
        lessons=pt["lessons"].map(report.plain_text))[
            ["village", "municipality", "stage", "progress_text", "lessons"]]),
        hide_index=True, width="stretch",
        column_config={"village": ui.t("funder.col_village"),
                       "municipality": ui.t("funder.col_municipality"),
                       "stage": ui.t("funder.col_stage"), "progress_text": ui.t("funder.progress"),
                       "lessons": ui.t("funder.lessons")})
standing = {row["village_id"]: row for row in pv.pilots.to_dict("records")}
for r in (view.pilots.itertuples() if len(view.pilots) <= PILOTS_AS_CARDS else ()):
    with st.expander(f"{r.village} · {funder.stage_label(r.stage, lang)}"):
        st.caption(f"{ui.t('funder.col_municipality')}: {r.municipality}")
        row = standing.get(r.village_id)
        if row is not None:
            st.markdown(f"**{ui.t('plan.col_standing')}**")
            st.text(pv.standing_text(row, lang))
            if row["explanation"]:
                st.text(report.plain_text(row["explanation"]))
        st.markdown(f"**{ui.t('funder.progress')}**")
        st.text(report.plain_text(r.progress_text) or ui.t("funder.no_text"))
        st.markdown(f"**{ui.t('funder.lessons')}**")
        st.text(report.plain_text(r.lessons) or ui.t("funder.no_text"))
