"""Step 1 tab: the start meeting's vote for this village and the consent of both parties."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.charts import steps as charts
from dorp.charts.lines import spec as chart_spec
from dorp.method import CONSENT_PARTIES
from dorp.repo import steps
from pages.pilot_tabs import View, choice, day, t, table


def render(v: View) -> None:
    st.subheader(ui.label("step_long", 1))
    st.caption(t("steps.step1_rule"))
    vv = steps.village_votes(v.db, v.user, v.village_id)
    if vv.empty:
        st.info(t("steps.no_vote"))
    for mid, g in vv.groupby("meeting_id", sort=False):
        first = g.iloc[0]
        st.markdown(t("steps.meeting_line", date=ui.fmt_date(day(first.meeting_date)),
                      municipality=ui.md(first.municipality),
                      residents="–" if pd.isna(first.residents_present) else int(first.residents_present),
                      seats="–" if pd.isna(first.seats) else int(first.seats)))
        if g.votes.notna().any():
            ui.chart(("pilot.votes", v.village_id, int(mid)),
                     lambda g=g: chart_spec(charts.votes(g, v.lang), v.lang),
                     summary=t("chart.votes"))
        if first.tie_decision:
            st.info(t("steps.tie_was_decided"))
            st.text(f"{first.tie_decision}: {first.tie_reason}")

    st.subheader(t("steps.consent"))
    cons = steps.consent(v.db, v.user, v.village_id)
    for col, party in zip(st.columns(2), CONSENT_PARTIES):
        if party in set(cons.party):
            col.success(t("steps.consent_given", party=ui.label("party", party)))
        else:
            col.error(t("steps.consent_missing", party=ui.label("party", party).lower()))
    table(cons, {"party": t("steps.party"), "given_on": t("steps.given_on"),
                 "given_by": t("steps.given_by")}, dates=("given_on",),
          labels={"party": lambda p: ui.label("party", p)})
    if v.lead:
        _consent_form(v)


def _consent_form(v: View) -> None:
    fm = ui.Form("consent", scope=v.village_id)
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with fm:
        st.markdown(f"**{t('steps.consent_add')}**")
        choice(t("steps.party"), "party", CONSENT_PARTIES, fm.key("party"))
        fm.err("party")
        st.date_input(t("steps.given_on"), value=today, format="DD-MM-YYYY", key=fm.key("given_on"))
        fm.err("given_on")
        st.text_input(t("steps.given_by"), key=fm.key("given_by"))
        st.caption(t("steps.given_by_help"))
        fm.err("given_by")
        fm.submit(t("steps.save"),
                  lambda x, _v: steps.add_consent(db, user, vid, x["party"], x["given_on"],
                                                  x["given_by"], today),
                  success=t("steps.saved"))
