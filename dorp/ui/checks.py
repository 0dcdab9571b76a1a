"""The check before sending (dorp.textcheck), shown to leads where a report can be made: the
funder page and the budget page. Only leads see it (the funder reads, it does not edit)."""

from __future__ import annotations

import streamlit as st


def check_before_sending(db, user, today, village_id: int | None = None) -> None:
    from dorp import report, ui
    from dorp.repo import plan
    if not user.is_lead:
        return
    findings = ui.cached(("check_before_sending", village_id),
                         lambda: plan.text_findings(db, user, today, village_id))
    if not findings:
        st.success(ui.t("check.none"))
        return
    st.warning(ui.t("check.count", n=len(findings)))
    with st.expander(ui.t("check.title"), expanded=False):
        st.caption(ui.t("check.intro"))
        st.dataframe(report.check_table(findings, ui.lang()), hide_index=True, width="stretch")
