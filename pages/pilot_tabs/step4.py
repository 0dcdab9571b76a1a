"""Step 4 tab: execution. Working modes (advised and in use), initiatives and their phases,
the formal/informal link and the safeguarding plan."""

from __future__ import annotations

import streamlit as st

from dorp import ui
from dorp.method import MODE_ADVICE, MODES, PHASES
from dorp.repo import steps
from pages.pilot_tabs import View, choice, chosen, t, table, versions
from pages.pilot_tabs.step2 import partners


def render(v: View) -> None:
    st.subheader(ui.label("step_long", 4))
    st.caption(t("steps.step4_rule"))
    _modes(v)
    _initiatives(v)
    partners(v, editable=False)
    _safeguarding(v)


def _modes(v: View) -> None:
    f = v.f
    adv = f.advised_mode
    in_use = f.modes
    c1, c2 = st.columns(2)
    c1.metric(t("steps.advised_short"), ui.label("mode", adv) if adv else "–")
    c2.metric(t("steps.modes_in_use"),
              ", ".join(ui.label("mode", m) for m in in_use) if in_use else "–")
    if adv and in_use and adv not in {MODE_ADVICE.get(m, m) for m in in_use}:
        st.info(t("steps.mode_differs", mode=ui.label("mode", adv)))
    if adv == "none":   # the advice leaves the choice between niets doen and zelf doen open
        st.caption(ui.label("mode_help", "none"))
    md = steps.modes(v.db, v.user, v.village_id)
    table(md, {"mode": t("steps.mode"), "started_on": t("steps.from"), "ended_on": t("steps.until"),
               "reason": t("steps.reason")}, dates=("started_on", "ended_on"),
          labels={"mode": lambda m: ui.label("mode", m)})
    if not v.lead:
        return
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with st.expander(t("steps.mode_add")):
        fm = ui.Form("mode", scope=vid)
        with fm:
            choice(t("steps.mode"), "mode", MODES, fm.key("mode"))
            fm.err("mode")
            st.date_input(t("steps.from"), value=today, format="DD-MM-YYYY", key=fm.key("from"))
            fm.err("started_on")
            st.text_area(t("steps.reason"), key=fm.key("reason"))
            fm.err("reason")
            fm.submit(t("steps.save"),
                      lambda x, _v: steps.add_mode(db, user, vid, x["mode"], x["from"],
                                                   x["reason"], today),
                      success=t("steps.saved"))
    running = md[md.ended_on.isna()] if not md.empty else md
    if running.empty:
        ui.form_message("mode_end", scope=vid)   # the last running mode just ended
        return
    with st.expander(t("steps.mode_end")):
        fm = ui.Form("mode_end", scope=vid, version=versions(running))
        with fm:
            st.selectbox(t("steps.mode"), [int(i) for i in running.id], key=fm.key("which"),
                         index=None, placeholder=t("steps.choose"),
                         format_func={int(i): ui.label("mode", m)
                                      for i, m in zip(running.id, running["mode"])}.get)
            fm.err("which")
            st.date_input(t("steps.until"), value=today, format="DD-MM-YYYY", key=fm.key("until"))
            fm.err("ended_on")
            fm.submit(t("steps.save"),
                      lambda x, shown: steps.end_mode(db, user, chosen(x), x["until"],
                                                      shown.get(x["which"]), today),
                      success=t("steps.saved"))


def _initiatives(v: View) -> None:
    st.subheader(t("steps.initiatives"))
    st.caption(t("steps.phases_help"))
    ini = steps.initiatives(v.db, v.user, v.village_id)
    table(ini, {"name": t("steps.name"), "phase": t("steps.phase"),
                "description": t("steps.description"), "since": t("steps.since")},
          dates=("since",), labels={"phase": lambda p: ui.label("phase", p)})
    trail = steps.initiative_phases(v.db, v.user, v.village_id)
    if not trail.empty:
        st.markdown(f"**{t('steps.phase_trail')}**")
        table(trail, {"name": t("steps.name"), "from_phase": t("steps.phase_from"),
                      "to_phase": t("steps.phase_to"), "changed_on": t("steps.phase_on"),
                      "changed_by": t("steps.phase_by")}, dates=("changed_on",),
              labels={"from_phase": lambda p: ui.label("phase", p) if isinstance(p, str) else "–",
                      "to_phase": lambda p: ui.label("phase", p)})
    if not v.lead:
        return
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with st.expander(t("steps.initiative_add")):
        fm = ui.Form("initiative", scope=vid)
        with fm:
            st.text_input(t("steps.name"), key=fm.key("name"))
            fm.err("name")
            choice(t("steps.phase"), "phase", PHASES, fm.key("phase"))
            fm.err("phase")
            st.text_area(t("steps.description"), key=fm.key("description"))
            st.date_input(t("steps.since"), value=today, format="DD-MM-YYYY", key=fm.key("since"))
            fm.err("since")
            fm.submit(t("steps.save"),
                      lambda x, _v: steps.add_initiative(db, user, vid, x["name"], x["phase"],
                                                         x["description"], x["since"], today),
                      success=t("steps.saved"))
    if ini.empty:
        return
    with st.expander(t("steps.phase_change")):
        fm = ui.Form("phase", scope=vid, version=versions(ini))
        with fm:
            st.selectbox(t("steps.name"), [int(i) for i in ini.id], key=fm.key("which"),
                         index=None, placeholder=t("steps.choose"),
                         format_func=dict(zip(ini.id, ini.name)).get)
            fm.err("which")
            choice(t("steps.phase"), "phase", PHASES, fm.key("phase"))
            fm.err("phase")
            st.date_input(t("steps.phase_on"), value=today, format="DD-MM-YYYY",
                          key=fm.key("on"))
            fm.err("changed_on")
            fm.submit(t("steps.save"),
                      lambda x, shown: steps.set_initiative_phase(db, user, chosen(x), x["phase"],
                                                                  shown.get(x["which"]), x["on"],
                                                                  today),
                      success=t("steps.saved"))


def _safeguarding(v: View) -> None:
    st.subheader(t("steps.safeguarding"))
    st.caption(t("steps.safeguarding_rule"))
    plan = steps.safeguarding(v.db, v.user, v.village_id)
    if plan is None:
        st.warning(ui.label("alert_text", "no_exit_plan"))
    if not v.lead:
        if plan:
            st.markdown(f"**{t('steps.exit_date')}:** {ui.fmt_date(plan['exit_date'])}")
            st.markdown(f"**{t('steps.successor')}:**")
            st.text(plan["successor"] or "–")
            st.markdown(f"**{t('steps.handed_over')}:**")
            st.text(plan["handed_over"] or "–")
        return
    db, user, vid = v.db, v.user, v.village_id
    p = plan or {}
    # A plan not yet made is keyed "new" with version None: if someone else creates one
    # meanwhile, saving this form is refused instead of overwriting theirs.
    fm = ui.Form("safeguarding", scope=vid, record=plan)
    with fm:
        st.date_input(t("steps.exit_date"), format="DD-MM-YYYY", value=p.get("exit_date"),
                      key=fm.key("exit_date"))
        fm.err("exit_date")
        st.text_input(t("steps.successor"), value=p.get("successor") or "", key=fm.key("successor"))
        fm.err("successor")
        st.text_area(t("steps.handed_over"), value=p.get("handed_over") or "",
                     key=fm.key("handed_over"))
        st.text_area(t("steps.notes"), value=p.get("notes") or "", key=fm.key("notes"))
        fm.submit(t("steps.save"),
                  lambda x, version: steps.save_safeguarding(
                      db, user, vid, x["exit_date"], x["successor"], x["handed_over"], x["notes"],
                      version),
                  success=t("steps.saved"))
