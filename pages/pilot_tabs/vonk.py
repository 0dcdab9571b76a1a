"""De Vonk tab: the contest's seven phases as a stepper (ch. 4, "Fases van De Vonk"), the
ideas with their initiators (lead and own steering group only), the jury's selection with a
reason, the residents' vote through the live ballot (page Stemronde), prizes, aftercare per
idea, and an idea becoming an initiative in one step."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.method import VONK_PHASES
from dorp.repo import ballot, vonk
from pages.pilot_tabs import View, chosen, day, t, table


def render(v: View) -> None:
    st.subheader(t("vonk.title"))
    st.caption(t("vonk.source"))
    contests = vonk.contests(v.db, v.user, v.village_id)
    if not contests:
        st.info(t("vonk.none") + (" " + t("vonk.none_hint") if v.lead else ""))
    if v.lead:
        _new_contest(v, expanded=not contests)
    if not contests:
        return
    by_id = {c["id"]: c for c in contests}
    key = f"vonk_contest:{v.village_id}"
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = contests[0]["id"]
    if len(contests) > 1:
        st.selectbox(t("vonk.choose"), list(by_id), key=key,
                     format_func=lambda i: by_id[i]["title"])
    c = by_id[st.session_state[key]]
    st.markdown(f"### {ui.md(c['title'])}")
    _stepper(v, c)
    _details(v, c)
    ideas = vonk.ideas(v.db, v.user, c["id"])
    _ideas(v, c, ideas)
    _jury(v, c, ideas)
    _vote(v, c, ideas)
    _prizes(v, c, ideas)
    _aftercare(v, c, ideas)
    _to_initiative(v, c, ideas)


def _new_contest(v: View, expanded: bool) -> None:
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with st.expander(t("vonk.new"), expanded=expanded):
        fm = ui.Form("vonk_contest_new", scope=vid)
        with fm:
            st.text_input(t("vonk.name"), key=fm.key("title"))
            fm.err("title")
            st.date_input(t("vonk.started_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("started_on"))
            fm.err("started_on")
            st.selectbox(t("vonk.winners"), list(range(1, 11)), index=2, key=fm.key("winners"))
            fm.err("winners")
            fm.submit(t("vonk.start"),
                      lambda x, _v: vonk.add_contest(db, user, vid, x["title"], x["started_on"],
                                                     int(x["winners"]), today),
                      success=t("vonk.started"), type="primary")


def _stepper(v: View, c: dict) -> None:
    now = VONK_PHASES.index(c["phase"])
    st.markdown(t("vonk.phase_now", n=now + 1, phase=ui.label("vonk_phase", c["phase"])))
    cols = st.columns(len(VONK_PHASES))
    for i, (col, phase) in enumerate(zip(cols, VONK_PHASES)):
        mark = "✓" if i < now else ("●" if i == now else "○")
        text = f"{mark} {i + 1}. {ui.label('vonk_phase', phase)}"
        col.markdown(f"**{text}**" if i == now else text)
    st.caption(ui.label("vonk_phase_help", c["phase"]))
    # every phase explained in the open, not in tooltips (their icon is labelled in English)
    with st.expander(t("vonk.phases_explained")):
        for i, phase in enumerate(VONK_PHASES):
            st.markdown(f"**{i + 1}. {ui.label('vonk_phase', phase)}**: "
                        + ui.md(ui.label("vonk_phase_help", phase)))
    if not v.lead:
        return
    db, user = v.db, v.user
    fm = ui.Form("vonk_phase", scope=c["id"], record=c)
    with fm:
        st.selectbox(t("vonk.phase_move"), list(VONK_PHASES), index=now, key=fm.key("phase"),
                     format_func=lambda p: f"{VONK_PHASES.index(p) + 1}. "
                     + ui.label("vonk_phase", p))
        fm.err("phase")
        fm.submit(t("vonk.phase_save"),
                  lambda x, version: vonk.set_phase(db, user, c["id"], x["phase"], version),
                  success=t("vonk.phase_saved"))


def _details(v: View, c: dict) -> None:
    with st.expander(t("vonk.contest_details")):
        if not v.lead:
            for field in ("project_group", "plan", "communication", "prize_event_note"):
                st.markdown(f"**{t('vonk.' + field)}**")
                st.text(c[field] or "–")
            st.markdown(f"**{t('vonk.prize_event_on')}**: {ui.fmt_date(c['prize_event_on'])}")
            return
        db, user = v.db, v.user
        fm = ui.Form("vonk_details", scope=c["id"], record=c)
        with fm:
            st.text_area(t("vonk.project_group"), value=c["project_group"] or "",
                         key=fm.key("project_group"))
            st.text_area(t("vonk.plan"), value=c["plan"] or "", key=fm.key("plan"))
            st.text_area(t("vonk.communication"), value=c["communication"] or "",
                         key=fm.key("communication"))
            st.selectbox(t("vonk.winners"), list(range(1, 21)), index=c["winners"] - 1,
                         key=fm.key("winners"))
            fm.err("winners")
            # no date yet: a "no date" box, not an empty picker (English "dd - mm - yyyy")
            fm.date("prize_event_on", t("vonk.prize_event_on"), c["prize_event_on"],
                    optional=True)
            fm.err("prize_event_on")
            st.text_area(t("vonk.prize_event_note"), value=c["prize_event_note"] or "",
                         key=fm.key("prize_event_note"))
            fm.submit(t("vonk.save"), lambda x, version: vonk.save_contest(
                db, user, c["id"], project_group=x["project_group"], plan=x["plan"],
                communication=x["communication"], winners=int(x["winners"]),
                prize_event_on=x["prize_event_on"], prize_event_note=x["prize_event_note"],
                expected_version=version), success=t("vonk.saved"))


def _yes(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return t("vonk.yes") if bool(value) else t("vonk.no")


def _jury_label(value) -> str:
    if value is None or pd.isna(value):
        return t("vonk.jury_open")
    return t("vonk.jury_keep") if bool(value) else t("vonk.jury_drop")


def _ideas(v: View, c: dict, ideas: pd.DataFrame) -> None:
    st.markdown(f"#### {t('vonk.ideas')}")
    if ideas.empty:
        st.caption(t("vonk.ideas_none"))
    else:
        d = ideas.copy()
        d["votes"] = d["votes"].map(lambda x: "–" if pd.isna(x) else str(int(x)))
        d["initiative_id"] = d["initiative_id"].map(lambda x: "–" if pd.isna(x) else t("vonk.yes"))
        table(d, {"title": t("vonk.idea_title"), "initiator": t("vonk.initiator"),
                  "submitted_on": t("vonk.submitted_on"), "jury_kept": t("vonk.jury"),
                  "jury_reason": t("vonk.jury_reason"), "votes": t("vonk.votes"),
                  "winner": t("vonk.winner"), "prize": t("vonk.prize"),
                  "aftercare": t("vonk.aftercare"), "initiative_id": t("vonk.initiative")},
              dates=("submitted_on",), labels={"jury_kept": _jury_label, "winner": _yes})
    if not v.lead:
        return
    db, user, today = v.db, v.user, v.today
    collecting = VONK_PHASES.index(c["phase"]) <= VONK_PHASES.index("ideas")
    if collecting:
        st.markdown(f"**{t('vonk.idea_new')}**")
    with st.container() if collecting else st.expander(t("vonk.idea_new")):
        fm = ui.Form("vonk_idea", scope=c["id"])
        with fm:
            st.text_input(t("vonk.idea_title"), key=fm.key("title"))
            fm.err("title")
            st.text_area(t("vonk.idea_description"), key=fm.key("description"))
            st.text_input(t("vonk.initiator"), key=fm.key("initiator"))
            st.caption(t("vonk.initiator_help"))
            fm.err("initiator")
            st.date_input(t("vonk.submitted_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("submitted_on"))
            fm.err("submitted_on")
            fm.submit(t("vonk.idea_add"), lambda x, _v: vonk.add_idea(
                db, user, c["id"], x["title"], x["description"], x["initiator"],
                x["submitted_on"], today), success=t("vonk.saved"))


def _versions(df: pd.DataFrame) -> dict[int, int]:
    return {int(i): int(n) for i, n in zip(df["id"], df["version"])} if not df.empty else {}


def _titles(df: pd.DataFrame) -> dict[int, str]:
    return {int(i): str(x) for i, x in zip(df["id"], df["title"])}


def _jury(v: View, c: dict, ideas: pd.DataFrame) -> None:
    if not v.lead or ideas.empty or c["phase"] not in ("ideas", "work"):
        return
    db, user = v.db, v.user
    st.markdown(f"**{t('vonk.jury_title')}**")
    with st.container():
        fm = ui.Form("vonk_jury", scope=c["id"], version=_versions(ideas))
        titles = _titles(ideas)
        with fm:
            st.selectbox(t("vonk.jury_idea"), list(titles), index=None, key=fm.key("idea"),
                         format_func=titles.get, placeholder=t("steps.choose"))
            fm.err("idea")
            st.radio(t("vonk.jury_kept"), [True, False], index=None, horizontal=True,
                     key=fm.key("kept"),
                     format_func=lambda k: t("vonk.jury_keep") if k else t("vonk.jury_drop"))
            fm.err("kept")
            st.text_area(t("vonk.jury_reason"), key=fm.key("reason"))
            fm.err("jury_reason")

            def save(x, shown):
                idea = chosen(x, "idea")
                return vonk.judge(db, user, idea, x["kept"], x["reason"], shown.get(idea))

            fm.submit(t("vonk.save"), save, success=t("vonk.jury_saved"))


def _vote(v: View, c: dict, ideas: pd.DataFrame) -> None:
    st.markdown(f"#### {t('vonk.vote_title')}")
    if not v.lead:
        if not ideas.empty and ideas["votes"].notna().any():
            st.caption(t("vonk.vote_closed"))
        return
    rounds = ballot.rounds_for(v.db, v.user, contest_id=c["id"])
    if not rounds:
        st.caption(t("vonk.vote_none"))
    else:
        r = rounds[0]
        if r["status"] == "open":
            tr = ballot.turnout(v.db, v.user, r["id"])
            st.info(t("vonk.vote_open", cast=tr["cast"], issued=tr["issued"]))
        else:
            st.caption(t("vonk.vote_closed"))
        st.page_link("pages/stemronde.py", label=t("vonk.to_round"),
                     query_params={"ronde": r["id"]})
    res = vonk.vote_result(v.db, v.user, c["id"])
    if res is None or not res.needs_decision or c["tie_decision"]:
        # the decision just made here, or refused because another made it meanwhile
        ui.form_message("vonk_tie", scope=c["id"])
        if c["tie_decision"]:
            st.info(t("vonk.tie_decided"))
            st.text(f"{c['tie_decision']}: {c['tie_reason']}")
        return
    titles = _titles(ideas)
    st.warning(t("vonk.tie", ideas=", ".join(sorted(titles[i] for i in res.tied)),
                 n=res.open_seats))
    db, user = v.db, v.user
    fm = ui.Form("vonk_tie", scope=c["id"], record=c)
    with fm:
        st.multiselect(t("vonk.tie_pick"), sorted(res.tied), format_func=titles.get,
                       key=fm.key("pick"))
        fm.err("tie")
        st.text_area(t("vonk.tie_reason"), key=fm.key("reason"))
        fm.err("tie_reason")
        fm.submit(t("vonk.tie_save"), lambda x, version: vonk.decide_tie(
            db, user, c["id"], list(x["pick"]), x["reason"], version),
            success=t("vonk.tie_saved"), type="primary")


def _prizes(v: View, c: dict, ideas: pd.DataFrame) -> None:
    if c["phase"] not in ("vote", "prizes", "aftercare"):
        return
    st.markdown(f"#### {t('vonk.prizes_title')}")
    if c["prize_event_on"] or c["prize_event_note"]:
        st.caption(f"{ui.fmt_date(c['prize_event_on'])} · {c['prize_event_note'] or ''}")
    winners = ideas[ideas["winner"]] if not ideas.empty else ideas
    if winners.empty:
        st.caption(t("vonk.no_winners"))
        return
    if not v.lead:
        return
    db, user = v.db, v.user
    fm = ui.Form("vonk_prize", scope=c["id"], version=_versions(winners))
    titles = _titles(winners)
    with fm:
        # nothing preselected: a save without choosing never gives a prize to an idea nobody picked
        st.selectbox(t("vonk.prize_idea"), list(titles), index=None, format_func=titles.get,
                     placeholder=t("steps.choose"), key=fm.key("idea"))
        fm.err("idea")
        st.text_input(t("vonk.prize"), key=fm.key("prize"))
        fm.err("prize")

        def save(x, shown):
            idea = chosen(x, "idea")
            return vonk.set_prize(db, user, idea, x["prize"], shown.get(idea))

        fm.submit(t("vonk.prize_save"), save, success=t("vonk.saved"))


def _aftercare(v: View, c: dict, ideas: pd.DataFrame) -> None:
    if not v.lead or ideas.empty or c["phase"] not in ("prizes", "aftercare"):
        return
    db, user, today = v.db, v.user, v.today
    with st.expander(t("vonk.aftercare_title"), expanded=c["phase"] == "aftercare"):
        st.caption(t("vonk.aftercare_help"))
        fm = ui.Form("vonk_aftercare", scope=c["id"], version=_versions(ideas))
        titles = _titles(ideas)
        with fm:
            st.selectbox(t("vonk.aftercare_idea"), list(titles), index=None,
                         format_func=titles.get, placeholder=t("steps.choose"),
                         key=fm.key("idea"))
            fm.err("idea")
            st.text_input(t("vonk.aftercare"), key=fm.key("aftercare"))
            fm.err("aftercare")
            st.date_input(t("vonk.aftercare_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("aftercare_on"))
            fm.err("aftercare_on")

            def save(x, shown):
                idea = chosen(x, "idea")
                return vonk.set_aftercare(db, user, idea, x["aftercare"], x["aftercare_on"],
                                          shown.get(idea), today)

            fm.submit(t("vonk.aftercare_save"), save, success=t("vonk.saved"))


def _to_initiative(v: View, c: dict, ideas: pd.DataFrame) -> None:
    if not v.lead or ideas.empty or c["phase"] not in ("work", "vote", "prizes", "aftercare"):
        return
    open_ideas = ideas[ideas["initiative_id"].isna()]
    db, user, today = v.db, v.user, v.today
    with st.expander(t("vonk.to_initiative_title")):
        st.caption(t("vonk.to_initiative_help"))
        if open_ideas.empty:
            ui.form_message("vonk_initiative", scope=c["id"])   # the last one just taken on
            st.caption(t("vonk.all_initiatives"))
            return
        fm = ui.Form("vonk_initiative", scope=c["id"], version=_versions(open_ideas))
        titles = _titles(open_ideas)
        with fm:
            st.selectbox(t("vonk.to_initiative_idea"), list(titles), index=None,
                         format_func=titles.get, placeholder=t("steps.choose"),
                         key=fm.key("idea"))
            fm.err("idea")

            def save(x, shown):
                idea = chosen(x, "idea")
                return vonk.to_initiative(db, user, idea, today, shown.get(idea))

            fm.submit(t("vonk.to_initiative_save"), save, success=t("vonk.to_initiative_saved"))


__all__ = ["render", "day"]
