"""Stemronde: the lead runs a live ballot (start meeting or De Vonk): open a round, print the
ballot cards, show the turnout on the projector (no interim results), close it; the result
then becomes the start meeting's vote tally or De Vonk's winners (dorp/repo/ballot.py)."""

import pandas as pd
import streamlit as st

from dorp import ballot_pdf, config, ui
from dorp.charts import ballot as charts
from dorp.charts.lines import spec as chart_spec
from dorp.repo import ballot

user = ui.guard("edit_village")
db = ui.db()
t = ui.t
lang = ui.lang()

st.title(t("round.title"))
address = ballot_pdf.short_address(config.public_url())

# --- a new round (at the top while there is none, else under the chosen round) ------------------
subjects = ballot.subjects(db, user)
all_rounds = ballot.rounds(db, user)
projecting = any(k.startswith("projector:") and v for k, v in st.session_state.items())


def new_round_form() -> None:
    st.subheader(t("round.new"))
    st.caption(t("round.intro"))
    if not subjects:
        st.info(t("round.no_subjects"))
        return

    def subject_label(i: int) -> str:
        s = subjects[i]
        if s["kind"] == "start_meeting":
            return t("round.subject_meeting", municipality=s["municipality"],
                     date=ui.fmt_date(pd.Timestamp(s["meeting_date"]).date()), n=s["n"])
        return t("round.subject_contest", title=s["title"], village=s["village"], n=s["n"])

    def open_round(v, _version):
        s = subjects[v["subject"]]
        fn = ballot.open_meeting_round if s["kind"] == "start_meeting" \
            else ballot.open_contest_round
        rid = fn(db, user, s["id"], choices=int(v["choices"]),
                 valid_hours=int(v["valid_hours"]))
        st.session_state["round_pick"] = rid
        st.session_state["round_opened"] = True

    fm = ui.Form("round_open")
    with fm:
        st.selectbox(t("round.subject"), range(len(subjects)), format_func=subject_label,
                     key=fm.key("subject"))
        fm.err("options")
        fm.err("round")
        # hints as captions, not tooltips (Streamlit labels a tooltip's icon in English)
        st.selectbox(t("round.choices"), [1, 2, 3, 4, 5], key=fm.key("choices"))
        st.caption(t("round.choices_help"))
        fm.err("choices")
        st.selectbox(t("round.valid_hours"), [2, 4, 12, 24, 48, 168], index=2,
                     key=fm.key("valid_hours"))
        st.caption(t("round.valid_hours_help"))
        fm.err("valid_hours")
        fm.submit(t("round.open"), open_round, success=t("round.opened"), type="primary")


if not all_rounds:
    st.info(t("round.none"))
    new_round_form()
    st.stop()
if st.session_state.pop("round_opened", False):
    st.success(t("round.opened"))

ids = [r["id"] for r in all_rounds]
by_id = {r["id"]: r for r in all_rounds}
asked = st.query_params.get("ronde")
if asked and asked.isdigit() and int(asked) in by_id and "round_pick" not in st.session_state:
    st.session_state["round_pick"] = int(asked)
if st.session_state.get("round_pick") not in by_id:
    st.session_state["round_pick"] = ids[0]
round_id = st.selectbox(
    t("round.choose"), ids, key="round_pick",
    format_func=lambda i: t("round.label", title=by_id[i]["title"],
                            when=ui.fmt_date(by_id[i]["opened_at"])))
st.query_params["ronde"] = str(round_id)
r = ballot.get_round(db, user, round_id)
is_open = r["status"] == "open"

st.caption(t(f"round.status_{r['status']}").capitalize())
projector = is_open and st.toggle(t("round.projector"), key=f"projector:{round_id}")
if is_open and not projector:
    st.caption(t("round.projector_help"))

# --- the projector: turnout only, refreshed every two seconds ------------------------------------
st.header(r["title"])


@st.fragment(run_every=2.0)
def live_turnout(rid: int) -> None:
    tr = ballot.turnout(db, user, rid)
    if tr["status"] != "open":
        st.rerun(scope="app")   # closed elsewhere: show the result
    if projector:
        st.subheader(t("round.vote_at", address=address))
    if tr["issued"] == 0:
        st.info(t("round.turnout_none"))
    else:
        st.metric(t("round.turnout"), t("round.turnout_value", cast=tr["cast"],
                                         issued=tr["issued"]))
        st.progress(min(1.0, tr["cast"] / tr["issued"]))
    if tr["expired"]:
        st.warning(t("round.expired"))
    st.caption(t("round.no_interim"))


if is_open:
    live_turnout(round_id)
    if not projector:
        st.text(t("round.on_ballot", options=", ".join(ballot.options(db, user, round_id))))
        # --- ballot cards ---------------------------------------------------------------------
        st.subheader(t("round.codes"))
        st.caption(t("round.issued", n=r["codes_issued"]))
        pdfs = st.session_state.setdefault("round_pdfs", {})

        def make_codes(v, _version):
            codes = ballot.issue_codes(db, user, round_id, int(v["n"]))
            pdfs[round_id] = (len(codes), ballot_pdf.cards(r["title"], codes, lang))

        fm = ui.Form("round_codes", scope=round_id)
        with fm:
            st.number_input(t("round.codes_n"), min_value=1, max_value=2000, step=1, value=50,
                            key=fm.key("n"))
            st.caption(t("round.codes_help"))
            fm.err("n")
            fm.err("round")
            fm.submit(t("round.codes_make"), make_codes, success=t("round.codes_made"))
        if round_id in pdfs:
            n, data = pdfs[round_id]
            st.download_button(t("round.codes_download", n=n), data,
                               file_name=f"stembriefjes-ronde-{round_id}.pdf",
                               mime="application/pdf", key=f"round_pdf:{round_id}:{n}",
                               type="primary")
            st.caption(t("round.codes_once"))
        what = t("round.close_meeting") if r["kind"] == "start_meeting" else t("round.close_contest")
        ui.confirm_button(t("round.close"), t("round.close_question", what=what),
                          lambda: ballot.close(db, user, round_id, r["version"]),
                          key=f"round_close:{round_id}", success=t("round.closed"))
else:
    # --- the result -------------------------------------------------------------------------------
    out = ballot.outcome(db, user, round_id)
    tr = ballot.turnout(db, user, round_id)
    st.subheader(t("round.result"))
    st.caption(t("round.result_cast", cast=tr["cast"], issued=tr["issued"]))
    df = pd.DataFrame(out["rows"])
    legend = {"chosen": t("round.chosen_legend"), "tied": t("round.tied_legend"),
              "not_chosen": t("round.not_chosen_legend")}
    in_words = "; ".join(t("chart.round_result_item", label=x["label"], votes=x["votes"],
                           outcome=legend[x["outcome"]].lower())
                         for x in sorted(out["rows"], key=lambda x: (-x["votes"], x["label"])))
    ui.chart(("round.result", round_id), lambda: chart_spec(charts.result(df, lang), lang),
             summary=t("chart.round_result", result=in_words or "–"))
    chosen = [x["label"] for x in out["rows"] if x["outcome"] == "chosen"]
    tied = [x["label"] for x in out["rows"] if x["outcome"] == "tied"]
    if chosen:
        st.success(t("round.chosen", names=", ".join(chosen)))
    if out["needs_decision"]:
        where = t("round.tie_meeting") if out["kind"] == "start_meeting" else t("round.tie_contest")
        st.warning(t("round.tie", names=", ".join(tied), where=where))
    if not chosen and not out["needs_decision"]:
        st.info(t("round.none_chosen"))
    st.caption(t("round.result_meeting") if out["kind"] == "start_meeting"
               else t("round.result_contest"))
    if out["kind"] == "start_meeting":
        st.page_link("pages/startbijeenkomst.py", label=t("round.open_meeting"))
    else:
        st.page_link("pages/pilot.py", label=t("round.open_pilot"),
                     query_params={"village_id": out["village_id"]})

if not projecting:
    st.divider()
    new_round_form()
