"""Step 3 tab: the steering group (both parties in it), its meetings and satisfaction, and
the actions agreed there."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.access import can_change
from dorp.charts import steps as charts
from dorp.charts.lines import spec as chart_spec
from dorp.method import MEMBER_PARTIES
from dorp.repo import steps
from pages.pilot_tabs import View, choice, chosen, day, score_box, t, table, versions


def render(v: View) -> None:
    f = v.f
    st.subheader(ui.label("step_long", 3))
    st.caption(t("steps.step3_rule"))
    for party in ("municipality", "community"):
        if party not in f.member_parties:
            (st.error if f.step >= 3 else st.info)(
                t("steps.composition_fails", party=ui.label("party", party).lower()))
    if {"municipality", "community"} <= f.member_parties:
        st.success(t("steps.composition_ok"))
    mem = steps.members(v.db, v.user, v.village_id)
    table(mem, {"name": t("steps.name"), "organisation": t("steps.organisation"),
                "party": t("steps.party"), "role": t("steps.role"), "from_date": t("steps.from"),
                "until_date": t("steps.until")}, dates=("from_date", "until_date"),
          labels={"party": lambda p: ui.label("party", p)})
    if v.lead:
        with st.expander(t("steps.member_add")):
            _member_form(v)
        current = mem[mem.until_date.isna()] if not mem.empty else mem
        if not current.empty:
            with st.expander(t("steps.member_end")):
                _member_end_form(v, current)
        else:
            ui.form_message("member_end", scope=v.village_id)
    meet = _meetings(v)
    _actions(v, meet)


def _member_form(v: View) -> None:
    fm = ui.Form("member", scope=v.village_id)
    db, user, vid = v.db, v.user, v.village_id
    with fm:
        st.text_input(t("steps.name"), key=fm.key("name"))
        fm.err("name")
        st.text_input(t("steps.organisation"), key=fm.key("organisation"))
        choice(t("steps.party"), "party", MEMBER_PARTIES, fm.key("party"), empty=True)
        fm.err("party")
        st.text_input(t("steps.role"), key=fm.key("role"))
        st.date_input(t("steps.from"), value=v.today, format="DD-MM-YYYY", key=fm.key("from"))
        st.date_input(t("steps.until"), value=None, format="DD-MM-YYYY", key=fm.key("until"))
        fm.err("until_date")
        fm.submit(t("steps.save"),
                  lambda x, _v: steps.add_member(db, user, vid, x["name"], x["organisation"],
                                                 x["party"], x["role"], x["from"], x["until"]),
                  success=t("steps.saved"))


def _member_end_form(v: View, current) -> None:
    fm = ui.Form("member_end", scope=v.village_id, version=versions(current))
    db, user = v.db, v.user
    with fm:
        st.selectbox(t("steps.name"), [int(i) for i in current.id], key=fm.key("who"),
                     index=None, placeholder=t("steps.choose"),
                     format_func=dict(zip(current.id, current.name)).get)
        fm.err("who")
        st.date_input(t("steps.until"), value=v.today, format="DD-MM-YYYY", key=fm.key("until"))
        fm.err("until_date")
        fm.submit(t("steps.save"),
                  lambda x, shown: steps.end_member(db, user, chosen(x, "who"), x["until"],
                                                    shown.get(x["who"])),
                  success=t("steps.saved"))


def _meetings(v: View):
    st.subheader(t("steps.meetings"))
    ui.flash(f"meetings:{v.village_id}")   # a meeting removed (its form went with it)
    meet = steps.meetings(v.db, v.user, v.village_id)
    if not meet.empty:
        ui.chart(("pilot.satisfaction", v.village_id),
                 lambda: chart_spec(charts.satisfaction(meet, v.lang), v.lang))
    table(meet.iloc[::-1] if not meet.empty else meet,
          {"held_on": t("steps.meeting_date"),
           "municipality_satisfaction": t("steps.sat_municipality"),
           "community_satisfaction": t("steps.sat_community"), "decisions": t("steps.decisions"),
           "notes": t("steps.notes")}, dates=("held_on",))
    if v.may_meet:
        with st.expander(t("steps.meeting_add"), expanded=meet.empty):
            _meeting_form(v)
        mine = _changeable(v, meet)
        if not mine.empty:
            with st.expander(t("steps.meeting_edit")):
                if not v.lead:
                    st.caption(t("steps.own_only"))
                _meeting_edit(v, mine)
    return meet


def _changeable(v: View, df):
    """The records this user may correct or remove (a lead all; others their own)."""
    if df.empty:
        return df
    return df[[can_change(v.user, "add_meeting", v.village_id, c if isinstance(c, str) else None)
               for c in df.created_by]]


def _score(x):
    return None if x is None or pd.isna(x) else int(x)


def _meeting_edit(v: View, mine) -> None:
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    rows = {int(r.id): r for r in mine.iloc[::-1].itertuples()}
    pick = st.selectbox(t("steps.meeting_pick"), list(rows), key=f"meeting_pick:{vid}",
                        format_func=lambda i: ui.fmt_date(day(rows[i].held_on)))
    row = rows[pick]
    fm = ui.Form("meeting_edit", scope=vid, record={"id": pick, "version": int(row.version)})
    with fm:
        st.date_input(t("steps.meeting_date"), value=day(row.held_on), format="DD-MM-YYYY",
                      key=fm.key("on"))
        fm.err("held_on")
        c1, c2 = st.columns(2)
        with c1:
            score_box(t("steps.sat_municipality"), fm.key("ms"),
                      _score(row.municipality_satisfaction))
            fm.err("municipality_satisfaction")
        with c2:
            score_box(t("steps.sat_community"), fm.key("cs"), _score(row.community_satisfaction))
            fm.err("community_satisfaction")
        st.text_area(t("steps.decisions"), value=row.decisions or "", key=fm.key("decisions"))
        st.text_area(t("steps.notes"), value=row.notes or "", key=fm.key("notes"))
        fm.submit(t("steps.save"),
                  lambda x, version: steps.update_meeting(
                      db, user, pick, x["on"], x["ms"], x["cs"], x["decisions"], x["notes"],
                      version, today, confirmed=x[ui.CONFIRM]),
                  success=t("steps.meeting_corrected"))
    acts = steps.meeting_actions(db, user, pick)
    facts = dict(date=ui.fmt_date(day(row.held_on)),
                 ms=_score(row.municipality_satisfaction) or "–",
                 cs=_score(row.community_satisfaction) or "–")
    named = "; ".join(ui.md(d) for d in acts.description)   # user text inside markdown
    question = (t("steps.meeting_delete_q_actions", n=len(acts), actions=named, **facts)
                if not acts.empty else t("steps.meeting_delete_q", **facts))
    ids = [int(i) for i in acts.id]
    ui.confirm_button(t("steps.meeting_delete"), question,
                      lambda: steps.delete_meeting(db, user, pick, int(row.version), ids),
                      key=f"meeting_delete:{vid}:{pick}", success=t("steps.meeting_deleted"),
                      flash=f"meetings:{vid}")


def _meeting_form(v: View) -> None:
    fm = ui.Form("meeting", scope=v.village_id)
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with fm:
        st.date_input(t("steps.meeting_date"), value=today, format="DD-MM-YYYY", key=fm.key("on"))
        fm.err("held_on")
        c1, c2 = st.columns(2)
        with c1:
            score_box(t("steps.sat_municipality"), fm.key("ms"))
            fm.err("municipality_satisfaction")
        with c2:
            score_box(t("steps.sat_community"), fm.key("cs"))
            fm.err("community_satisfaction")
        st.text_area(t("steps.decisions"), key=fm.key("decisions"))
        st.text_area(t("steps.notes"), key=fm.key("notes"))
        fm.submit(t("steps.save"),
                  lambda x, _v: steps.add_meeting(db, user, vid, x["on"], x["ms"], x["cs"],
                                                  x["decisions"], x["notes"], today,
                                                  confirmed=x[ui.CONFIRM]),
                  success=t("steps.saved"), type="primary")


def _actions(v: View, meet) -> None:
    st.subheader(t("steps.actions"))
    ui.flash(f"actions:{v.village_id}")   # an action removed (its form went with it)
    acts = steps.actions(v.db, v.user, v.village_id)
    table(acts, {"description": t("steps.action"), "who": t("steps.who"), "due_on": t("steps.due"),
                 "done": t("steps.done")}, dates=("due_on",),
          labels={"done": lambda x: t("steps.yes") if x else t("steps.no")})
    if not v.may_meet:
        return
    if meet.empty:
        st.caption(t("steps.action_needs_meeting"))
        return
    db, user = v.db, v.user
    with st.expander(t("steps.action_add")):
        fm = ui.Form("action", scope=v.village_id)
        with fm:
            st.selectbox(t("steps.meeting_date"), [int(i) for i in meet.id[::-1]],
                         key=fm.key("meeting"),
                         format_func={int(i): ui.fmt_date(day(d))
                                      for i, d in zip(meet.id, meet.held_on)}.get)
            st.text_input(t("steps.action"), key=fm.key("description"))
            fm.err("description")
            st.text_input(t("steps.who"), key=fm.key("who"))
            fm.err("who")
            st.date_input(t("steps.due"), value=None, format="DD-MM-YYYY", key=fm.key("due"))
            fm.err("due_on")
            fm.submit(t("steps.save"),
                      lambda x, _v: steps.add_action(db, user, x["meeting"], x["description"],
                                                     x["who"], x["due"]),
                      success=t("steps.saved"))
    if acts.empty:
        return
    for done, name, label, success in ((False, "action_done", "steps.mark_done", "steps.action_closed"),
                                       (True, "action_reopen", "steps.reopen",
                                        "steps.action_reopened")):
        group = acts[acts.done == done]
        if group.empty:
            ui.form_message(name, scope=v.village_id)   # its last action just moved over
            continue
        fm = ui.Form(name, scope=v.village_id, version=versions(group))
        with fm:
            # Nothing preselected: one click must not close an action nobody chose.
            st.selectbox(t("steps.action_done" if not done else "steps.action_reopen"),
                         [int(i) for i in group.id], key=fm.key("which"), index=None,
                         placeholder=t("steps.choose"),
                         format_func=dict(zip(group.id, group.description)).get)
            fm.err("which")
            fm.submit(t(label),
                      lambda x, shown, done=done: steps.set_action_done(
                          db, user, chosen(x), not done, shown.get(x["which"])),
                      success=t(success))
    mine = _changeable(v, acts)
    if not mine.empty:
        with st.expander(t("steps.action_edit")):
            _action_edit(v, mine)


def _action_edit(v: View, mine) -> None:
    db, user, vid = v.db, v.user, v.village_id
    rows = {int(r.id): r for r in mine.itertuples()}
    pick = st.selectbox(t("steps.action_pick"), list(rows), key=f"action_pick:{vid}",
                        format_func=lambda i: rows[i].description)
    row = rows[pick]
    fm = ui.Form("action_edit", scope=vid, record={"id": pick, "version": int(row.version)})
    with fm:
        st.text_input(t("steps.action"), value=row.description, key=fm.key("description"))
        fm.err("description")
        st.text_input(t("steps.who"), value=row.who or "", key=fm.key("who"))
        fm.err("who")
        st.date_input(t("steps.due"), value=day(row.due_on), format="DD-MM-YYYY",
                      key=fm.key("due"))
        fm.err("due_on")
        fm.submit(t("steps.save"),
                  lambda x, version: steps.update_action(db, user, pick, x["description"],
                                                         x["who"], x["due"], version),
                  success=t("steps.action_corrected"))
    ui.confirm_button(t("steps.action_delete"),
                      t("steps.action_delete_q", action=ui.md(row.description),
                        who=ui.md(row.who or "–")),
                      lambda: steps.delete_action(db, user, pick, int(row.version)),
                      key=f"action_delete:{vid}:{pick}", success=t("steps.action_deleted"),
                      flash=f"actions:{vid}")
