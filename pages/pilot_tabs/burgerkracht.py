"""Burgerkrachtgenerator tab (and the section of the village dashboard): the instrument's five
steps as a stepper, the records of each step, and the forms to add them (ch. 4, "Methodiek:
De Burgerkrachtgenerator"). The lead records everything; a steering member records group
conversations and contacts with working groups for their own village. Every form is a
ui.Form (keyed by pilot and record, carrying the version it was shown with)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import burgerkracht as bk, ui
from dorp.access import can
from dorp.charts import burgerkracht as charts
from dorp.charts.lines import spec as chart_spec
from dorp.method import MODES
from dorp.repo import burgerkracht as repo
from pages.pilot_tabs import View, choice, chosen, score_box, t, table, versions


def render(v: View) -> None:
    st.subheader(t("bkg.title"))
    st.caption(t("bkg.intro"))
    if v.f.step < 4:
        st.info(t("bkg.before_step4"))
    # cached under the write stamp (ui.cached): every save shows the new state at once
    data = ui.cached(("pilot.bkg", v.village_id),
                     lambda: repo.village(v.db, v.user, v.village_id, v.today))
    may_record = can(v.user, "record_burgerkracht", v.village_id)
    summary(data, v.lang, ("pilot", v.village_id))
    _lead_group(v, data)
    _conversations(v, data, may_record)
    _analysis(v, data)
    _meetings(v, data)
    _working_groups(v, data, may_record)


# --- shared by the tab and the dashboard ---------------------------------------------------------

def summary(data: repo.Village, lang: str, key: tuple) -> None:
    """The stepper, the key figures and what to do next."""
    f = data.facts
    states = bk.stepper(f.stage, f)
    ui.chart(("bkg.stepper", *key, tuple(states)),
             lambda: chart_spec(charts.stepper(states, lang), lang))
    st.caption(" · ".join(f"{i} {ui.label('bkg.stage', code)}: {t('bkg.state.' + state)}"
                          for i, (code, state) in enumerate(states, start=1)))
    residents = sum(r == "resident" for r in f.lead_roles)
    c = st.columns(5)
    c[0].metric(t("bkg.metric_lead_group"), len(f.lead_roles),
                help=t("bkg.metric_lead_group_help", residents=residents))
    c[1].metric(t("bkg.metric_conversations"), f.conversations)
    c[2].metric(t("bkg.metric_residents_heard"), f.residents_heard)
    c[3].metric(t("bkg.metric_themes"), f.themes)
    c[4].metric(t("bkg.metric_active_groups"), len(f.active_groups))
    nxt = bk.next_stage(f.stage)
    if f.stage is None:
        st.info(t("bkg.not_used"))
    else:
        st.info(t("bkg.now", stage=ui.label("bkg.stage", f.stage)) + " "
                + (t(f"bkg.next.{nxt}") if nxt is not None else t("bkg.final")))
    for code, state in states:
        if state == "skipped":
            st.warning(t("bkg.skipped", stage=ui.label("bkg.stage", code)))


def group_charts(data: repo.Village, today, lang: str, key: tuple, stacked: bool = False) -> None:
    """The working groups side by side on the matrix, and the modes used per group over time."""
    g = data.groups
    if g.empty:
        return
    left, right = (st.container(), st.container()) if stacked else st.columns([5, 6])
    with left:
        st.markdown(f"**{t('bkg.matrix_title')}**")
        if g[["willingness", "ability"]].notna().all(axis=1).any():
            ui.chart(("bkg.matrix", *key), lambda: chart_spec(charts.groups_matrix(g, lang), lang),
                     width="content")
        else:
            st.info(t("bkg.matrix_empty"))
        missing = g[g["willingness"].isna() | g["ability"].isna()]
        if not missing.empty:
            st.caption(t("bkg.matrix_missing", groups=", ".join(missing["name"])))
    with right:
        st.markdown(f"**{t('bkg.modes_title')}**")
        if data.modes.empty:
            st.info(t("bkg.modes_empty"))
        else:
            ui.chart(("bkg.modes", *key),
                     lambda: chart_spec(charts.modes_over_time(data.modes, g, today, lang), lang))
            st.caption(t("bkg.modes_caption"))


def quiet_warnings(data: repo.Village) -> None:
    for r in data.groups.itertuples():
        if r.quiet:
            key = "bkg.quiet" if r.last_contact is not None else "bkg.quiet_never"
            st.warning(t(key, name=r.name, days=r.quiet_days,
                         date=ui.fmt_date(r.last_contact or r.started_on)))


def groups_table(data: repo.Village, compact: bool = False) -> None:
    """The working groups; `compact` (the dashboard): what the steering group follows -
    theme, stand, last contact, quiet, modes in use."""
    g = data.groups
    if g.empty:
        st.caption(t("steps.nothing_yet"))
        return
    shown = g.assign(
        modes=g["modes"].map(lambda m: ", ".join(ui.label("mode", x) for x in m.split(","))
                             if isinstance(m, str) and m else "–"),
        advised=g["advised"].map(lambda m: ui.label("mode", m) if m else "–"),
        quiet=[("⚠ " + t("bkg.quiet_days", days=d)) if q else "" for q, d in
               zip(g["quiet"], g["quiet_days"])],
        willingness=g["willingness"].map(lambda x: "–" if x is None else str(x)),
        ability=g["ability"].map(lambda x: "–" if x is None else str(x)),
    )
    columns = {"name": t("bkg.group"), "theme": t("bkg.theme"), "status": t("bkg.status"),
               "last_contact": t("bkg.last_contact"), "quiet": t("bkg.quiet_col"),
               "started_on": t("bkg.started_on"), "plan_presented_on": t("bkg.plan_presented_on"),
               "willingness": t("bkg.willingness_short"), "ability": t("bkg.ability_short"),
               "advised": t("bkg.advised"), "modes": t("bkg.modes_in_use")}
    if compact:
        columns = {k: v for k, v in columns.items()
                   if k in ("name", "theme", "status", "last_contact", "quiet", "modes")}
    table(shown, columns, dates=tuple(c for c in ("started_on", "plan_presented_on",
                                                  "last_contact") if c in columns),
          labels={"status": lambda s: ui.label("bkg.group_status", s)})


def conversation_form(db, user, vid: int, today, data: repo.Village) -> None:
    """Stap 2: a group conversation (lead, or a steering member of the village)."""
    names = [n for n in data.lead_group["name"]] if not data.lead_group.empty else []
    fm = ui.Form("bkg_conversation", scope=vid)
    with fm:
        st.date_input(t("bkg.held_on"), value=today, format="DD-MM-YYYY", key=fm.key("held_on"))
        fm.err("held_on")
        st.number_input(t("bkg.participants"), min_value=0, max_value=99, step=1, value=None,
                        key=fm.key("participants"), help=t("bkg.participants_help"))
        fm.err("participants")
        st.text_area(t("bkg.question"), value=bk.CENTRAL_QUESTION, key=fm.key("question"),
                     help=t("bkg.question_help"))
        st.text_area(t("bkg.summary"), key=fm.key("summary"), help=t("bkg.summary_help"))
        fm.err("summary")
        st.selectbox(t("bkg.led_by"), names, index=None, accept_new_options=True,
                     placeholder=t("bkg.led_by_placeholder"), key=fm.key("led_by"))
        fm.submit(t("bkg.save"),
                  lambda x, _v: repo.add_conversation(db, user, vid, x["held_on"],
                                                      x["participants"], x["question"],
                                                      x["summary"], x["led_by"], today),
                  success=t("bkg.saved"), type="primary")


def contact_form(db, user, vid: int, today, data: repo.Village) -> None:
    """Stap 5: a contact with a working group (lead, or a steering member of the village)."""
    g = data.groups
    fm = ui.Form("bkg_contact", scope=vid)
    with fm:
        st.selectbox(t("bkg.group"), [int(i) for i in g["id"]], key=fm.key("group"),
                     format_func=dict(zip(g["id"].astype(int), g["name"])).get)
        st.date_input(t("bkg.contact_on"), value=today, format="DD-MM-YYYY", key=fm.key("on"))
        fm.err("contact_on")
        choice(t("bkg.contact_kind"), "bkg.contact", bk.CONTACT_KINDS, fm.key("kind"))
        fm.err("kind")
        st.text_area(t("bkg.note"), key=fm.key("note"))
        fm.err("note")
        fm.submit(t("bkg.save"),
                  lambda x, _v: repo.add_contact(db, user, x["group"], x["on"], x["kind"],
                                                 x["note"], today),
                  success=t("bkg.saved"), type="primary")


# --- the five steps on the pilot page --------------------------------------------------------------

def _step_header(n: int, code: str, data: repo.Village) -> None:
    state = dict(bk.stepper(data.facts.stage, data.facts))[code]
    st.markdown(f"#### {n} · {ui.label('bkg.stage_long', code)}")
    st.caption(t(f"bkg.rule.{code}") + f" — {t('bkg.state.' + state)}")


def _lead_group(v: View, data: repo.Village) -> None:
    _step_header(1, "lead_group", data)
    lg = data.lead_group
    for w in bk.lead_group_warnings(lg["role"]):
        (st.error if w == "no_resident" else st.warning)(t(f"bkg.warn.{w}"))
    if lg.empty:
        st.info(t("bkg.empty.lead_group"))
    else:
        table(lg, {"name": t("bkg.name"), "role": t("bkg.role_col"), "joined_on": t("bkg.joined_on")},
              dates=("joined_on",), labels={"role": lambda r: ui.label("bkg.role", r)})
    if not v.lead:
        return
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with st.expander(t("bkg.member_add"), expanded=lg.empty):
        fm = ui.Form("bkg_member", scope=vid)
        with fm:
            st.text_input(t("bkg.name"), key=fm.key("name"))
            fm.err("name")
            choice(t("bkg.role_col"), "bkg.role", bk.LEAD_ROLES, fm.key("role"), empty=True)
            fm.err("role")
            st.date_input(t("bkg.joined_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("joined_on"))
            fm.err("joined_on")
            fm.submit(t("bkg.save"),
                      lambda x, _v: repo.add_lead_member(db, user, vid, x["name"], x["role"],
                                                         x["joined_on"], today),
                      success=t("bkg.saved"))
    if lg.empty:
        return
    with st.expander(t("bkg.member_remove")):
        ids = [int(i) for i in lg["id"]]
        names = dict(zip(ids, lg["name"]))
        shown = dict(zip(ids, (int(x) for x in lg["version"])))
        who = st.selectbox(t("bkg.name"), ids, format_func=names.get, key=f"bkg_remove:{vid}")
        ui.confirm_button(t("bkg.member_remove_button"),
                          t("bkg.member_remove_question", name=names[who]),
                          lambda: repo.remove_lead_member(db, user, who, shown[who]),
                          key=f"bkg_remove_go:{vid}:{who}", success=t("bkg.removed"))


def _conversations(v: View, data: repo.Village, may_record: bool) -> None:
    _step_header(2, "conversations", data)
    cv = data.conversations
    if cv.empty:
        st.info(t("bkg.empty.conversations"))
    else:
        table(cv, {"seq": t("bkg.seq"), "held_on": t("bkg.held_on"),
                   "participants": t("bkg.participants_short"), "led_by": t("bkg.led_by"),
                   "summary": t("bkg.summary")}, dates=("held_on",))
        asked = cv["question"].dropna().unique()
        if len(asked) == 1:
            st.caption(t("bkg.question_asked", question=asked[0]))
    if may_record:
        with st.expander(t("bkg.conversation_add"), expanded=cv.empty and not data.lead_group.empty):
            conversation_form(v.db, v.user, v.village_id, v.today, data)


def _analysis(v: View, data: repo.Village) -> None:
    _step_header(3, "analysis", data)
    th = data.themes
    if th.empty:
        st.info(t("bkg.empty.analysis"))
    else:
        table(th.assign(volunteers=th["volunteers"].map(lambda n: "–" if pd.isna(n) else int(n))),
              {"theme": t("bkg.theme"), "sources": t("bkg.sources"), "found_on": t("bkg.found_on"),
               "volunteers": t("bkg.volunteers")}, dates=("found_on",))
    if not v.lead:
        return
    cv = data.conversations
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with st.expander(t("bkg.theme_add"), expanded=th.empty and not cv.empty):
        fm = ui.Form("bkg_theme", scope=vid)
        with fm:
            st.text_input(t("bkg.theme"), key=fm.key("theme"), help=t("bkg.theme_help"))
            fm.err("theme")
            labels = {int(i): t("bkg.conversation_label", n=int(s), date=ui.fmt_date(d))
                      for i, s, d in zip(cv["id"], cv["seq"], cv["held_on"])}
            st.multiselect(t("bkg.from_conversations"), list(labels), format_func=labels.get,
                           key=fm.key("conversations"), placeholder=t("bkg.choose_conversations"))
            fm.err("conversations")
            st.date_input(t("bkg.found_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("found_on"))
            fm.err("found_on")
            fm.submit(t("bkg.save"),
                      lambda x, _v: repo.add_theme(db, user, vid, x["theme"], x["found_on"],
                                                   x["conversations"], today),
                      success=t("bkg.saved"))


def _meetings(v: View, data: repo.Village) -> None:
    _step_header(4, "village_meeting", data)
    mt = data.meetings
    if mt.empty:
        st.info(t("bkg.empty.village_meeting"))
    else:
        table(mt, {"held_on": t("bkg.held_on"), "attendees": t("bkg.attendees"),
                   "themes_recognised": t("bkg.recognised"), "additions": t("bkg.additions")},
              dates=("held_on",),
              labels={"themes_recognised": lambda x: "–" if x is None or pd.isna(x)
                      else (t("steps.yes") if x else t("steps.no"))})
        for r in mt.itertuples():
            if r.themes_recognised is not None and not pd.isna(r.themes_recognised) \
                    and not bool(r.themes_recognised):
                st.warning(t("bkg.not_recognised", date=ui.fmt_date(r.held_on)))
        if not data.subgroups.empty:
            st.markdown(f"**{t('bkg.subgroups')}**")
            table(data.subgroups, {"held_on": t("bkg.held_on"), "theme": t("bkg.theme"),
                                   "volunteers": t("bkg.volunteers")}, dates=("held_on",))
    if not v.lead:
        return
    th = data.themes
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    if th.empty:    # the meeting presents the analysis: nothing to present yet
        st.caption(t("bkg.meeting_needs_theme"))
        return
    with st.expander(t("bkg.meeting_add"), expanded=mt.empty):
        fm = ui.Form("bkg_meeting", scope=vid)
        with fm:
            st.date_input(t("bkg.held_on"), value=today, format="DD-MM-YYYY", key=fm.key("held_on"))
            fm.err("held_on")
            st.number_input(t("bkg.attendees"), min_value=0, max_value=100000, step=1, value=None,
                            key=fm.key("attendees"))
            fm.err("attendees")
            st.radio(t("bkg.recognised_question"), [True, False], index=None, horizontal=True,
                     key=fm.key("recognised"),
                     format_func=lambda b: t("steps.yes") if b else t("steps.no"))
            fm.err("themes_recognised")
            st.text_area(t("bkg.additions"), key=fm.key("additions"))
            st.markdown(t("bkg.subgroups_help"))
            fm.err("themes")
            tids = [int(i) for i in th["id"]]
            for tid, name in zip(tids, th["theme"]):
                st.number_input(name, min_value=0, max_value=100000, step=1, value=0,
                                key=fm.key(f"vol_{tid}"))
                fm.err(f"volunteers_{tid}")
            fm.submit(t("bkg.save"),
                      lambda x, _v: repo.add_village_meeting(
                          db, user, vid, x["held_on"], x["attendees"], x["recognised"],
                          x["additions"], {tid: x[f"vol_{tid}"] for tid in tids}, today),
                      success=t("bkg.saved"))


def _working_groups(v: View, data: repo.Village, may_record: bool) -> None:
    _step_header(5, "working_groups", data)
    g = data.groups
    quiet_warnings(data)
    if g.empty:
        st.info(t("bkg.empty.working_groups"))
    else:
        groups_table(data)
        group_charts(data, v.today, v.lang, ("pilot", v.village_id))
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    th = data.themes
    if v.lead:
        with st.expander(t("bkg.group_add"), expanded=g.empty and not th.empty):
            if th.empty:
                st.info(t("bkg.group_needs_theme"))
            else:
                fm = ui.Form("bkg_group_new", scope=vid)
                with fm:
                    themes = dict(zip(th["id"].astype(int), th["theme"]))
                    st.selectbox(t("bkg.theme"), list(themes), format_func=themes.get,
                                 index=None, placeholder=t("steps.choose"), key=fm.key("theme"))
                    fm.err("theme")
                    st.text_input(t("bkg.group_name"), key=fm.key("name"),
                                  help=t("bkg.group_name_help"))
                    fm.err("name")
                    st.date_input(t("bkg.started_on"), value=today, format="DD-MM-YYYY",
                                  key=fm.key("started_on"))
                    fm.err("started_on")
                    c1, c2 = st.columns(2)
                    with c1:
                        score_box(t("bkg.willingness"), fm.key("w"))
                        fm.err("willingness")
                    with c2:
                        score_box(t("bkg.ability"), fm.key("a"))
                        fm.err("ability")
                    fm.submit(t("bkg.save"),
                              lambda x, _v: repo.add_group(db, user, vid, x["theme"], x["name"],
                                                           x["started_on"], x["w"], x["a"], today),
                              success=t("bkg.saved"))
        if not g.empty:
            with st.expander(t("bkg.group_edit")):
                _group_edit(v, g)
            _group_modes(v, data)
    if not g.empty:
        st.markdown(f"**{t('bkg.contacts')}**")
        ct = data.contacts
        if ct.empty:
            st.info(t("bkg.contacts_empty"))
        else:
            table(ct, {"contact_on": t("bkg.contact_on"), "group_name": t("bkg.group"),
                       "kind": t("bkg.contact_kind"), "note": t("bkg.note")},
                  dates=("contact_on",), labels={"kind": lambda k: ui.label("bkg.contact", k)})
        if may_record:
            with st.expander(t("bkg.contact_add")):
                contact_form(db, user, vid, today, data)


def _group_edit(v: View, g: pd.DataFrame) -> None:
    """Edit one group: pick it, then a form keyed by that group with the version shown."""
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    ids = [int(i) for i in g["id"]]
    which = st.selectbox(t("bkg.group"), ids, key=f"bkg_group_pick:{vid}",
                         format_func=dict(zip(ids, g["name"])).get)
    row = g[g["id"] == which].iloc[0]
    record = {"id": which, "version": int(row["version"])}
    fm = ui.Form("bkg_group", scope=vid, record=record)
    with fm:
        statuses = list(bk.GROUP_STATUSES)
        choice(t("bkg.status"), "bkg.group_status", statuses, fm.key("status"),
               index=statuses.index(row["status"]))
        fm.err("status")
        c1, c2 = st.columns(2)
        with c1:
            score_box(t("bkg.willingness"), fm.key("w"), row["willingness"])
            fm.err("willingness")
        with c2:
            score_box(t("bkg.ability"), fm.key("a"), row["ability"])
            fm.err("ability")
        st.date_input(t("bkg.plan_presented_on"), value=row["plan_presented_on"],
                      format="DD-MM-YYYY", key=fm.key("plan"))
        fm.err("plan_presented_on")
        fm.submit(t("bkg.save"),
                  lambda x, version: repo.update_group(db, user, which, x["status"], x["w"],
                                                       x["a"], x["plan"], version, today),
                  success=t("bkg.saved"))


def _group_modes(v: View, data: repo.Village) -> None:
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    g, md = data.groups, data.modes
    names = dict(zip(g["id"].astype(int), g["name"]))
    with st.expander(t("bkg.mode_add")):
        st.caption(t("bkg.mode_add_help"))
        fm = ui.Form("bkg_mode", scope=vid)
        with fm:
            st.selectbox(t("bkg.group"), list(names), format_func=names.get, key=fm.key("group"))
            choice(t("bkg.mode"), "mode", MODES, fm.key("mode"))
            fm.err("mode")
            st.date_input(t("bkg.from"), value=today, format="DD-MM-YYYY", key=fm.key("from"))
            fm.err("started_on")
            st.text_area(t("bkg.reason"), key=fm.key("reason"))
            fm.err("reason")
            fm.submit(t("bkg.save"),
                      lambda x, _v: repo.add_group_mode(db, user, x["group"], x["mode"],
                                                        x["from"], x["reason"], today),
                      success=t("bkg.saved"))
    running = md[md["ended_on"].isna()] if not md.empty else md
    if running.empty:
        return
    with st.expander(t("bkg.mode_end")):
        fm = ui.Form("bkg_mode_end", scope=vid, version=versions(running))
        with fm:
            st.selectbox(t("bkg.mode"), [int(i) for i in running["id"]], key=fm.key("which"),
                         index=None, placeholder=t("steps.choose"),
                         format_func={int(i): f"{n} · {ui.label('mode', m)}" for i, n, m in
                                      zip(running["id"], running["group_name"], running["mode"])}.get)
            fm.err("which")
            st.date_input(t("bkg.until"), value=today, format="DD-MM-YYYY", key=fm.key("until"))
            fm.err("ended_on")
            fm.submit(t("bkg.save"),
                      lambda x, shown: repo.end_group_mode(db, user, chosen(x), x["until"],
                                                           shown.get(x["which"]), today),
                      success=t("bkg.saved"))


# --- the village dashboard's section -----------------------------------------------------------------

def render_dashboard(db, user, village_id: int, today, lang: str, printing: bool) -> None:
    """Dorpsdashboard: where the instrument stands, residents heard, the themes (anonymised),
    the working groups with their last contact, the groups on the matrix and their modes over
    time; a steering member records conversations and contacts here for their own village."""
    st.header(t("bkg.title"))
    data = ui.cached(("dd.bkg", village_id), lambda: repo.village(db, user, village_id, today))
    summary(data, lang, ("dd", village_id))
    quiet_warnings(data)
    f = data.facts
    if not data.themes.empty:
        st.markdown(f"**{t('bkg.themes_title')}**")
        for r in data.themes.itertuples():
            extra = "" if pd.isna(r.volunteers) else " · " + t("bkg.volunteers_n", n=int(r.volunteers))
            st.markdown(f"- {ui.md(r.theme)}{extra}")
    if not data.groups.empty:
        st.markdown(f"**{t('bkg.groups_title')}**")
        groups_table(data, compact=True)
        group_charts(data, today, lang, ("dd", village_id), stacked=printing)
    if printing or not can(user, "record_burgerkracht", village_id):
        return
    if f.stage is not None:
        with st.expander(t("bkg.conversation_add")):
            conversation_form(db, user, village_id, today, data)
    if not data.groups.empty:
        with st.expander(t("bkg.contact_add")):
            contact_form(db, user, village_id, today, data)
