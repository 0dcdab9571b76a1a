"""Pilot: where one pilot stands, what is missing for the next step, its alerts."""

import streamlit as st

from dorp import rules, ui
from dorp.repo import pilots

user = ui.guard("view_village_any")
db = ui.db()
village_id = st.query_params.get("village_id")
village_id = int(village_id) if village_id and village_id.isdigit() else None
today = ui.today()

facts = dict(pilots.facts(db, user, today))
if not facts:
    st.info(ui.t("pilot.none"))
    st.stop()
if village_id not in facts:
    village_id = next(iter(facts))
names = {vid: f.village for vid, f in facts.items()}
village_id = st.selectbox(ui.t("pilot.choose"), list(names), index=list(names).index(village_id),
                          format_func=names.get)
st.query_params["village_id"] = str(village_id)
f = facts[village_id]

st.title(f"{f.village} · {f.municipality}")
stage = rules.current_stage(f)
st.subheader(ui.label("step_long", stage))
st.caption(ui.label("status", f.status))

codes = rules.alerts(f, today)
if codes:
    for code in codes:
        st.warning(ui.label("alert", code))
nxt = rules.next_stage(f)
if nxt is not None:
    missing = rules.missing_for(nxt, f)
    st.markdown(f"**{ui.t('pilot.next', step=ui.label('step_long', nxt))}**")
    if missing:
        for m in missing:
            st.markdown(f"- {ui.label('gate', m)}")
    else:
        st.success(ui.t("pilot.ready"))
