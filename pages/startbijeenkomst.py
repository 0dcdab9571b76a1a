"""Startbijeenkomst (step 1): the start meeting in a municipality, the villages that pitch, the
vote, a tie decided by the lead, and a pilot for every chosen village."""

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.charts import steps as charts
from dorp.charts.lines import spec as chart_spec
from dorp.repo import steps

user = ui.guard("edit_village")
db = ui.db()
today = ui.today()
t = ui.t
lang = ui.lang()


st.title(t("start.title"))
st.caption(t("start.intro"))

# --- a new start meeting ---------------------------------------------------------------------------
muns = steps.municipalities(db, user)
meetings = steps.start_meetings(db, user)


def create_meeting(x: dict) -> None:
    new_id = steps.add_start_meeting(
        db, user, x["municipality"], x["date"],
        None if x["present"] is None else int(x["present"]), int(x["seats"]), x["note"], today)
    st.session_state["start_meeting"] = new_id   # open the meeting just made


with st.expander(t("start.new_meeting"), expanded=meetings.empty):
    fm = ui.Form("start_meeting")
    with fm:
        st.selectbox(t("start.municipality"), list(muns.name), index=None,
                     accept_new_options=True, placeholder=t("start.municipality_placeholder"),
                     key=fm.key("municipality"))
        fm.err("municipality")
        st.date_input(t("start.date"), value=today, format="DD-MM-YYYY", key=fm.key("date"))
        fm.err("meeting_date")
        st.number_input(t("start.residents"), min_value=0, step=1, value=None,
                        key=fm.key("present"))
        fm.err("residents_present")
        st.number_input(t("start.seats"), min_value=1, step=1, value=1,
                        key=fm.key("seats"))
        st.caption(t("start.seats_help"))
        fm.err("seats")
        st.text_area(t("start.note"), key=fm.key("note"))
        fm.submit(t("start.create"), lambda x, _v: create_meeting(x), success=t("start.created"),
                  type="primary")

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
    st.dataframe(ui.dashes(pit[["village", "pitch_note"]]).rename(columns={   # no note: "–"
        "village": t("start.village"), "pitch_note": t("start.pitch_note")}),
        hide_index=True, width="stretch")

fm = ui.Form("pitch", scope=meeting_id)
with fm:
    st.markdown(f"**{t('start.pitch_add')}**")
    known = steps.municipality_villages(db, user, meeting["municipality_id"])
    st.selectbox(t("start.village"), known, index=None, accept_new_options=True,
                 placeholder=t("start.village_placeholder"), key=fm.key("village"))
    fm.err("village")
    st.text_area(t("start.pitch_note"), key=fm.key("note"))
    st.caption(t("start.pitch_note_help"))
    fm.submit(t("start.pitch_save"),
              lambda x, _v: steps.add_pitch(db, user, meeting_id, x["village"], x["note"]),
              success=t("start.pitch_saved"))

if pit.empty:
    st.stop()

st.markdown(f"#### {t('start.vote')}")
st.caption(t("round.start_hint"))
st.page_link("pages/stemronde.py", label=t("round.to_round"))
# The votes belong to the meeting: keyed by it, with the version first shown.
fm = ui.Form("votes", scope=meeting_id, record=meeting)
with fm:
    cols = st.columns(min(4, len(pit)))
    for k, r in enumerate(pit.itertuples()):
        with cols[k % len(cols)]:
            st.number_input(r.village, min_value=0, step=1, key=fm.key(f"votes_{r.id}"),
                            value=None if pd.isna(r.votes) else int(r.votes))
            fm.err(f"votes_{r.id}")
    st.number_input(t("start.seats"), min_value=1, step=1, value=int(meeting["seats"] or 1),
                    key=fm.key("seats"))
    fm.err("seats")
    fm.err("votes")
    pitch_ids = [int(i) for i in pit.id]
    fm.submit(t("start.vote_save"),
              lambda x, version: steps.record_votes(
                  db, user, meeting_id,
                  {i: None if x[f"votes_{i}"] is None else int(x[f"votes_{i}"]) for i in pitch_ids},
                  int(x["seats"] or 1), version),
              success=t("start.vote_saved"), type="primary")

res = steps.vote_result(db, user, meeting_id)
if res is not None:
    ui.chart(("start.votes", meeting_id, tuple(sorted(res.tied))),
             lambda: chart_spec(charts.votes(pit, lang, tied=res.tied), lang),
             summary=t("chart.votes"))
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
        fm = ui.Form("tie", scope=meeting_id, record=meeting)
        with fm:
            st.multiselect(pick_label, options, format_func=names.get, key=fm.key("pick"))
            fm.err("tie")
            st.text_area(t("start.tie_reason"), key=fm.key("reason"))
            fm.err("tie_reason")
            fm.submit(t("start.tie_save"),
                      lambda x, version: steps.decide_tie(db, user, meeting_id, list(x["pick"]),
                                                          x["reason"], version),
                      success=t("start.tie_saved"), type="primary")
    else:
        ui.form_message("tie", scope=meeting_id)   # the decision just made
        if meeting["tie_decision"]:
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
