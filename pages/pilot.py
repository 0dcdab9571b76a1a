"""Pilot: one pilot of the programme, a tab per step of the method (pages/pilot_tabs/, one
module per tab; this page only chooses the pilot and arranges the tabs)."""

import streamlit as st

from dorp import ui
from dorp.access import can
from dorp.repo import pilots
from pages.pilot_tabs import View, burgerkracht, status, step1, step2, step3, step4, vonk

user = ui.guard("view_village_any")
db = ui.db()
today = ui.today()
t = ui.t

all_facts = dict(pilots.facts(db, user, today))
if not all_facts:
    st.info(t("pilot.none"))
    st.stop()
# The choice lives in the widget's state; a link with ?village_id=N (from the overview, or a
# reload) sets it when it differs from what this page last wrote into the address.
raw = st.query_params.get("village_id")
asked = int(raw) if raw and raw.isdigit() else None
if asked in all_facts and asked != st.session_state.get("pilot_url_village"):
    st.session_state["pilot_village"] = asked
if st.session_state.get("pilot_village") not in all_facts:
    st.session_state["pilot_village"] = next(iter(all_facts))
names = {vid: f.village for vid, f in all_facts.items()}
village_id = st.selectbox(t("pilot.choose"), list(names), key="pilot_village", format_func=names.get)
st.query_params["village_id"] = str(village_id)
st.session_state["pilot_url_village"] = village_id
ui.log_read(user, village_id)  # members, meeting notes and assessments of this pilot

view = View(db=db, user=user, today=today, lang=ui.lang(), village_id=village_id,
            f=all_facts[village_id], lead=can(user, "edit_village", village_id),
            may_meet=can(user, "add_meeting", village_id),
            may_move=can(user, "move_step", village_id))

st.title(f"{view.f.village} · {view.f.municipality}")
labels = [t("pilot.tab_status")] + [ui.label("step", s) for s in (1, 2, 3, 4)] + [t("bkg.tab"),
                                                                               t("vonk.tab")]
# A link with ?tab=N ("Aandacht nodig": the place to fix a cause) opens on step N's tab (5: the
# Burgerkrachtgenerator, 6: De Vonk); the parameter is used once, so switching tabs afterwards
# is not undone by the next run.
asked_tab = st.query_params.get("tab")
if asked_tab is not None:
    del st.query_params["tab"]
    if asked_tab in ("0", "1", "2", "3", "4", "5", "6"):
        st.session_state["pilot_tab"] = labels[int(asked_tab)]
if st.session_state.get("pilot_tab") not in labels:   # first visit, or the language changed
    st.session_state["pilot_tab"] = labels[0]
# Only the open tab is drawn (and its data read): switching tabs re-runs the page.
tabs = st.tabs(labels, key="pilot_tab", on_change="rerun")
for tab, module in zip(tabs, (status, step1, step2, step3, step4, burgerkracht, vonk)):
    if tab.open:
        with tab:
            module.render(view)
