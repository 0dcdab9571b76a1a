"""The pilot's plan on its status tab (issue 18): where it stands against the programme plan,
each step planned against reached, and its milestones. Read-only here (the village's steering
group sees it too); leads edit the plan on the Programmaplan page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import plan as P, ui
from dorp.repo import funder, plan
from pages.pilot_tabs import View, t


def render(v: View) -> None:
    st.subheader(t("plan.pilot_section"))
    mine = plan.pilot(v.db, v.user, v.village_id, v.today)
    if not mine["steps"] and mine["milestones"].empty:
        st.caption(t("plan.pilot_no_plan") + (" " + t("plan.pilot_edit_hint") if v.lead else ""))
        return
    s = mine["standing"]
    if mine["steps"]:
        text = P.standing_text(s, P.plan_dates(mine["record"]).get(s.stage), v.lang)
        (st.warning if s.kind == "behind" else st.info)(ui.md(text))
        st.dataframe(pd.DataFrame({
            t("plan.col_step"): [funder.stage_label(r["stage"], v.lang) for r in mine["steps"]],
            t("plan.col_planned"): [ui.fmt_date(r["planned"]) for r in mine["steps"]],
            t("plan.col_reached"): [ui.fmt_date(r["reached"]) for r in mine["steps"]],
            t("plan.col_result"): [P.comparison_text(r["comparison"], v.lang) for r in mine["steps"]],
        }), hide_index=True, width="stretch")
        explanation = (mine["record"] or {}).get("explanation")
        if explanation:
            st.markdown(f"**{t('plan.col_explanation')}**")
            st.markdown(ui.md(explanation))
    ms = mine["milestones"]
    if not ms.empty:
        st.markdown(f"**{t('plan.milestones_title')}**")
        st.dataframe(pd.DataFrame({
            t("plan.col_milestone"): ms["name"],
            t("plan.col_planned"): ms["planned_on"].map(ui.fmt_date),
            t("plan.col_reached"): ms["reached_on"].map(ui.fmt_date),
            t("plan.col_result"): [P.comparison_text(P.Comparison(k, int(d)), v.lang)
                                   for k, d in zip(ms["kind"], ms["days"])],
        }), hide_index=True, width="stretch")
    if v.lead:
        st.caption(t("plan.pilot_edit_hint"))
