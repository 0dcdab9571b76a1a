"""Startbijeenkomst (step 1): the start meeting in a municipality, the villages that pitch, the
vote, a tie decided by the lead, and a pilot for every chosen village."""

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.charts import steps as charts
from dorp.repo import steps

user = ui.guard("edit_village")
db = ui.db()
today = ui.today()
t = ui.t
lang = ui.lang()


def saved(action, key: str):
    msg = t(key)
    result = ui.write(action, success=msg)
    if result is not None:
        st.session_state["start_flash"] = msg
        st.rerun()
    return result


st.title(t("start.title"))
st.caption(t("start.intro"))
if flash := st.session_state.pop("start_flash", None):
    st.success(flash)

# --- a new start meeting ---------------------------------------------------------------------------
muns = steps.municipalities(db, user)
meetings = steps.start_meetings(db, user)
with st.expander(t("start.new_meeting"), expanded=meetings.empty):
    with st.form("new_meeting"):
        mun = st.selectbox(t("start.municipality"), list(muns.name), index=None,
                           accept_new_options=True, placeholder=t("start.municipality_placeholder"),
                           key="new_mun")
        m_date = st.date_input(t("start.date"), value=today, format="DD-MM-YYYY", key="new_date")
        present = st.number_input(t("start.residents"), min_value=0, step=1, value=None,
                                  key="new_present")
        seats = st.number_input(t("start.seats"), min_value=1, step=1, value=1,
                                help=t("start.seats_help"), key="new_seats")
        note = st.text_area(t("start.note"), key="new_note")
        ok = st.form_submit_button(t("start.create"), key="new_meeting_submit", type="primary")
    if ok:
        new_id = ui.write(lambda: steps.add_start_meeting(
            db, user, mun, m_date, None if present is None else int(present), int(seats), note,
            today), success=t("start.created"))
        if new_id is not None:
            st.session_state["start_meeting"] = new_id
            st.session_state["start_flash"] = t("start.created")
            st.rerun()

if meetings.empty:
    st.info(t("start.none"))
    st.stop()

# --- one meeting: pitches, votes, result --------------------------------------------------------
ids = list(meetings.id)
if st.session_state.get("start_meeting") not in ids:
    st.session_state["start_meeting"] = ids[0]
# Labels of every meeting, built once per write (hundreds of meetings in a large programme).
labels = ui.cached(("start.labels",), lambda: {
    int(r.id): f"{r.municipality} · {ui.fmt_date(pd.Timestamp(r.meeting_date).date())}"
    for r in meetings.itertuples()})
meeting_id = st.selectbox(t("start.choose"), ids, key="start_meeting", format_func=labels.get)
meeting = steps.start_meeting(db, user, meeting_id)
st.subheader(t("start.meeting_head", municipality=meeting["municipality"],
               date=ui.fmt_date(meeting["meeting_date"])))
st.caption(t("start.meeting_facts",
             residents="–" if meeting["residents_present"] is None else meeting["residents_present"],
             seats=meeting["seats"] or 1))
if meeting["note"]:
    st.text(meeting["note"])

pit = steps.pitches(db, user, meeting_id)
st.markdown(f"#### {t('start.pitches')}")
if pit.empty:
    st.info(t("start.no_pitches"))
else:
    st.dataframe(pit[["village", "pitch_note"]].rename(columns={
        "village": t("start.village"), "pitch_note": t("start.pitch_note")}),
        hide_index=True, width="stretch")

with st.form("pitch", clear_on_submit=False):
    st.markdown(f"**{t('start.pitch_add')}**")
    known = steps.municipality_villages(db, user, meeting["municipality_id"])
    village = st.selectbox(t("start.village"), known, index=None, accept_new_options=True,
                           placeholder=t("start.village_placeholder"), key="pitch_village")
    pitch_note = st.text_area(t("start.pitch_note"), help=t("start.pitch_note_help"),
                              key="pitch_note")
    ok = st.form_submit_button(t("start.pitch_save"), key="pitch_submit")
if ok:
    saved(lambda: steps.add_pitch(db, user, meeting_id, village, pitch_note), "start.pitch_saved")

if pit.empty:
    st.stop()

st.markdown(f"#### {t('start.vote')}")
st.caption(t("round.start_hint"))
st.page_link("pages/stemronde.py", label=t("round.to_round"))
with st.form("votes"):
    counts = {}
    cols = st.columns(min(4, len(pit)))
    for k, r in enumerate(pit.itertuples()):
        counts[int(r.id)] = cols[k % len(cols)].number_input(
            r.village, min_value=0, step=1, key=f"votes_{r.id}",
            value=None if pd.isna(r.votes) else int(r.votes))
    n_seats = st.number_input(t("start.seats"), min_value=1, step=1,
                              value=int(meeting["seats"] or 1), key="vote_seats")
    ok = st.form_submit_button(t("start.vote_save"), key="votes_submit", type="primary")
if ok:
    saved(lambda: steps.record_votes(
        db, user, meeting_id, {k: None if v is None else int(v) for k, v in counts.items()},
        int(n_seats), meeting["version"]), "start.vote_saved")

res = steps.vote_result(db, user, meeting_id)
if res is not None:
    st.altair_chart(charts.votes(pit, lang, tied=res.tied), width="stretch")
    names = dict(zip(pit.village_id, pit.village))
    if res.may_decide and not meeting["tie_decision"]:
        if res.needs_decision:
            st.warning(t("start.tie", villages=", ".join(sorted(names[v] for v in res.tied)),
                         n=res.open_seats))
            options, pick_label = sorted(res.tied), t("start.tie_pick", n=res.open_seats)
        else:
            st.info(t("start.unvoted", villages=", ".join(sorted(names[v] for v in res.unvoted)),
                      n=res.open_seats))
            options, pick_label = sorted(res.unvoted), t("start.unvoted_pick", n=res.open_seats)
        with st.form("tie"):
            pick = st.multiselect(pick_label, options, format_func=names.get, key="tie_pick")
            why = st.text_area(t("start.tie_reason"), key="tie_reason")
            ok = st.form_submit_button(t("start.tie_save"), key="tie_submit", type="primary")
        if ok:
            saved(lambda: steps.decide_tie(db, user, meeting_id, list(pick), why,
                                           meeting["version"]), "start.tie_saved")
    elif meeting["tie_decision"]:
        st.info(t("start.tie_decided"))
        st.text(f"{meeting['tie_decision']}: {meeting['tie_reason']}")
    chosen = pit[pit.chosen]
    if not chosen.empty:
        st.success(t("start.chosen", villages=", ".join(chosen.village)))
        st.caption(t("start.next_hint"))
        cols = st.columns(min(4, len(chosen)))
        for k, r in enumerate(chosen.itertuples()):
            cols[k % len(cols)].link_button(t("start.open_pilot", village=r.village),
                                            f"pilot?village_id={r.village_id}")
