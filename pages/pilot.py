"""Pilot: where one pilot stands, what is missing for the next step, its alerts and timeline,
and one tab per step of the method with its forms."""

from contextlib import contextmanager

import pandas as pd
import streamlit as st

from dorp import moves as mv, rules, ui
from dorp.access import can
from dorp.charts import steps as charts
from dorp.charts.lines import spec as chart_spec
from dorp.method import (CONSENT_PARTIES, INVESTMENT_KINDS, MEMBER_PARTIES, MODES,
                         PARTNER_TYPES, PHASES, SCORES, SOURCES)
from dorp.repo import moves, pilots, steps

user = ui.guard("view_village_any")
db = ui.db()
today = ui.today()
t = ui.t
lang = ui.lang()

# --- which pilot ------------------------------------------------------------------------------
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
f = all_facts[village_id]
ui.log_read(user, village_id)  # members, meeting notes and assessments of this pilot
lead = can(user, "edit_village", village_id)
may_meet = can(user, "add_meeting", village_id)
may_move = can(user, "move_step", village_id)


# The last refused save: (form, problems). After a refusal the page reruns so that each
# message stands next to its field (and the user's input stays in the form).
shown = st.session_state.pop("pilot_errors", None)
_form = {"name": None, "inline": set()}


def saved(action, key: str) -> None:
    """Run a write; on success remember the message for after the rerun and rerun. When the
    input is refused, rerun too, with the messages next to the fields of this form."""
    msg = t(key)
    if ui.write(action, success=msg) is not None:
        st.session_state["pilot_flash"] = msg
        st.rerun()
    problems = st.session_state.get("form_errors") or {}
    if problems and _form["name"]:
        st.session_state["pilot_errors"] = (_form["name"], problems)
        st.rerun()


@contextmanager
def form(name: str):
    """st.form that shows the refusal of its last save: a summary on top, each problem next
    to its field (err), the rest at the bottom."""
    mine = shown is not None and shown[0] == name
    _form.update(name=name, inline=set())
    with st.form(name):
        if mine:
            st.error(t("app.invalid"))
        yield
        if mine:
            for field, message in shown[1].items():
                if field not in _form["inline"]:
                    st.error(message)


def err(field: str) -> None:
    if shown is not None and shown[0] == _form["name"] and field in shown[1]:
        st.error(shown[1][field])
        _form["inline"].add(field)


def score_box(label: str, key: str, value=None):
    options = [None, *SCORES]
    return st.selectbox(label, options, index=options.index(value), key=key,
                        format_func={v: t("steps.choose") if v is None else str(v) for v in options}.get)


def choice(label: str, kind: str, codes, key: str, empty: bool = False):
    options = ([None] if empty else []) + list(codes)
    return st.selectbox(label, options, key=key,
                        format_func={c: t("steps.choose") if c is None else ui.label(kind, c)
                                     for c in options}.get)


def day(v):
    """A date from a DataFrame cell (Timestamp / NaT / None)."""
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def yes_no(v) -> str:
    return "–" if v is None or pd.isna(v) else (t("steps.yes") if v else t("steps.no"))


def table(df: pd.DataFrame, columns: dict[str, str], dates=(), labels: dict | None = None):
    """A read-only table: only `columns` (renamed), dates formatted, codes labelled."""
    if df.empty:
        st.caption(t("steps.nothing_yet"))
        return
    d = df[list(columns)].copy()
    for c in dates:
        d[c] = d[c].map(lambda v: ui.fmt_date(day(v)))
    for c, fn in (labels or {}).items():
        d[c] = d[c].map(fn)
    for c in d.columns:
        if d[c].dtype == object or str(d[c].dtype).startswith("str"):
            d[c] = d[c].map(lambda v: "–" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
    st.dataframe(d.rename(columns=columns), hide_index=True, width="stretch")


st.title(f"{f.village} · {f.municipality}")
flash_box = st.empty()   # always there, so the tabs below keep their place (and selection)
if flash := st.session_state.pop("pilot_flash", None):
    flash_box.success(flash)

stage = rules.current_stage(f)
tab_names = [t("pilot.tab_status")] + [ui.label("step", s) for s in (1, 2, 3, 4)]
tab_status, tab1, tab2, tab3, tab4 = st.tabs(tab_names, key="pilot_tab")

# --- status: where it stands, what is missing, alerts, moves, timeline ----------------------
with tab_status:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("pilot.stage"), ui.label("step", stage))
    c2.metric(t("pilot.status"), ui.label("status", f.status))
    c3.metric(t("pilot.verdict"), ui.label("verdict_short", f.verdict))
    adv = f.advised_mode
    c4.metric(t("pilot.advised_mode"), ui.label("mode", adv) if adv else "–")

    st.subheader(t("pilot.alerts"))
    codes = rules.alerts(f, today)
    if not codes:
        st.success(t("pilot.no_alerts"))
    for code in codes:
        st.warning(f"**{ui.label('alert', code)}**: {ui.label('alert_text', code)}")

    nxt = rules.next_stage(f)
    if nxt is not None:
        missing = rules.next_missing(f)
        st.subheader(t("pilot.next", step=ui.label("step_long", nxt)))
        if missing:
            for m in missing:
                st.markdown(f"- {ui.label('gate', m)}")
        else:
            st.success(t("pilot.ready"))
    else:
        missing = []
        st.info(t("pilot.closed", status=ui.label("status", f.status)))

    if may_move and mv.available(f):
        st.subheader(t("pilot.move_title"))
        with form("move"):
            action = st.radio(t("pilot.move_action"), mv.available(f), horizontal=True, key="move_action",
                              format_func={a: t("pilot.move_next", step=ui.label("step", nxt))
                                           if a == "advance" else ui.label("move", a)
                                           for a in mv.available(f)}.get)
            override = False
            if missing:
                override = st.checkbox(t("pilot.override"), help=t("pilot.override_help"),
                                       key="move_override")
            reason = st.text_area(t("pilot.reason"), help=t("pilot.reason_help"), key="move_reason")
            err("reason")
            go = st.form_submit_button(t("pilot.move_submit"), key="move_submit", type="primary")
        if go:
            rec = moves.pilot_record(db, user, village_id)
            saved(lambda: moves.move(db, user, village_id, action, reason, override, today,
                                     rec["version"]), "pilot.moved")

    st.subheader(t("pilot.timeline"))
    tl = moves.timeline(db, user, village_id)


    def _what(r) -> tuple[str, bool]:
        """(what the move did, whether the stage changed) of one timeline row."""
        first = pd.isna(r["from_step"])
        if r["to_status"] == "completed":
            return ui.label("step", "completed"), True
        if not first and r["from_step"] == r["to_step"]:
            return ui.label("status", r["to_status"]), False
        return ui.label("step", int(r["to_step"])), True


    if not tl.empty:
        info = [_what(r) for r in tl.to_dict("records")]
        tl["what"] = [w for w, _ in info]
        tl["override"] = [bool(o) and ch for o, (_, ch) in zip(tl["override"], info)]
        tl["reason"] = [r if isinstance(r, str) and r else "–" for r in tl["reason"]]
    table(tl, {"moved_on": t("pilot.moved_on"), "what": t("pilot.move_to"),
               "reason": t("pilot.reason"), "override": t("pilot.override_col"),
               "moved_by": t("pilot.moved_by")}, dates=("moved_on",),
          labels={"override": lambda v: t("pilot.override_yes") if v else ""})

# --- step 1: vote and consent -----------------------------------------------------------------
with tab1:
    st.subheader(ui.label("step_long", 1))
    st.caption(t("steps.step1_rule"))
    vv = steps.village_votes(db, user, village_id)
    if vv.empty:
        st.info(t("steps.no_vote"))
    for mid, g in vv.groupby("meeting_id", sort=False):
        first = g.iloc[0]
        st.markdown(t("steps.meeting_line", date=ui.fmt_date(day(first.meeting_date)),
                      municipality=ui.md(first.municipality),
                      residents="–" if pd.isna(first.residents_present) else int(first.residents_present),
                      seats="–" if pd.isna(first.seats) else int(first.seats)))
        if g.votes.notna().any():
            ui.chart(("pilot.votes", village_id, int(mid)),
                     lambda: chart_spec(charts.votes(g, lang), lang))
        if first.tie_decision:
            st.info(t("steps.tie_was_decided"))
            st.text(f"{first.tie_decision}: {first.tie_reason}")
    st.subheader(t("steps.consent"))
    cons = steps.consent(db, user, village_id)
    cols = st.columns(2)
    for col, party in zip(cols, CONSENT_PARTIES):
        if party in set(cons.party):
            col.success(t("steps.consent_given", party=ui.label("party", party)))
        else:
            col.error(t("steps.consent_missing", party=ui.label("party", party).lower()))
    table(cons, {"party": t("steps.party"), "given_on": t("steps.given_on"),
                 "given_by": t("steps.given_by")}, dates=("given_on",),
          labels={"party": lambda p: ui.label("party", p)})
    if lead:
        with form("consent"):
            st.markdown(f"**{t('steps.consent_add')}**")
            party = choice(t("steps.party"), "party", CONSENT_PARTIES, "consent_party")
            err("party")
            given_on = st.date_input(t("steps.given_on"), value=today, format="DD-MM-YYYY",
                                     key="consent_on")
            err("given_on")
            given_by = st.text_input(t("steps.given_by"), help=t("steps.given_by_help"),
                                     key="consent_by")
            err("given_by")
            ok = st.form_submit_button(t("steps.save"), key="consent_submit")
        if ok:
            saved(lambda: steps.add_consent(db, user, village_id, party, given_on, given_by, today),
                  "steps.saved")

# --- step 2: the social business case -----------------------------------------------------------
with tab2:
    st.subheader(ui.label("step_long", 2))
    st.caption(t("steps.step2_rule"))
    hist = steps.mbcs(db, user, village_id)
    latest = hist.iloc[-1] if not hist.empty else None
    if latest is None:
        st.info(t("steps.no_mbc"))
    else:
        verdict = f.verdict
        (st.success if verdict == "go" else st.error)(ui.label("verdict", verdict))
        adv = f.advised_mode
        st.markdown(t("steps.advised", mode=ui.label("mode", adv)) + " — "
                    + ui.label("mode_help", adv))
        left, right = st.columns([3, 2])
        with left:
            ui.chart(("pilot.matrix", village_id), lambda: chart_spec(charts.matrix(hist, lang), lang),
                     width="content")
        with right:
            st.markdown(f"**{t('steps.may')}** {yes_no(latest.may_ok)}")
            if latest.may_note:
                st.text(latest.may_note)
            st.markdown(f"**{t('steps.willingness')}: {int(latest.willingness)}** "
                        f"({ui.label('source', latest.willingness_source) if latest.willingness_source else '–'})")
            if latest.willingness_evidence:
                st.text(latest.willingness_evidence)
            st.markdown(f"**{t('steps.ability')}: {int(latest.ability)}** "
                        f"({ui.label('source', latest.ability_source) if latest.ability_source else '–'})")
            if latest.ability_evidence:
                st.text(latest.ability_evidence)
            st.markdown(f"**{t('steps.opportunities')}**")
            st.text(latest.opportunities or "–")
            st.markdown(f"**{t('steps.resistances')}**")
            st.text(latest.resistances or "–")
        if not pd.isna(latest.may_ok) and not latest.may_ok:
            st.warning(t("steps.may_not"))
        if verdict == "no_go" and f.status in ("active", "paused") and may_move:
            st.error(t("steps.no_go_offer"))
            with form("close_no_go"):
                why = st.text_area(t("pilot.reason"), value=t("steps.no_go_reason"), key="no_go_reason")
                err("reason")
                stop = st.form_submit_button(t("steps.no_go_close"), key="close_no_go_submit")
            if stop:
                rec = moves.pilot_record(db, user, village_id)
                saved(lambda: moves.move(db, user, village_id, "stop", why, False, today,
                                         rec["version"]), "pilot.moved")
        if lead:
            with form("presented"):
                st.markdown(f"**{t('steps.presented')}**")
                pv = st.date_input(t("steps.presented_village"), format="DD-MM-YYYY",
                                   value=None if pd.isna(latest.presented_village_on)
                                   else pd.Timestamp(latest.presented_village_on).date())
                err("presented_village_on")
                pm = st.date_input(t("steps.presented_municipality"), format="DD-MM-YYYY",
                                   value=None if pd.isna(latest.presented_municipality_on)
                                   else pd.Timestamp(latest.presented_municipality_on).date())
                err("presented_municipality_on")
                ok = st.form_submit_button(t("steps.save"), key="presented_submit")
            if ok:
                saved(lambda: steps.set_presented(db, user, int(latest.id), pv, pm,
                                                  int(latest.version), today), "steps.saved")
        st.markdown(f"**{t('steps.history')}**")
        table(hist, {"assessed_on": t("steps.assessed_on"), "willingness": t("steps.willingness"),
                     "ability": t("steps.ability"), "presented_village_on": t("steps.presented_village"),
                     "presented_municipality_on": t("steps.presented_municipality")},
              dates=("assessed_on", "presented_village_on", "presented_municipality_on"))

    if lead:
        with st.expander(t("steps.mbc_add"), expanded=latest is None):
            with form("mbc"):
                assessed_on = st.date_input(t("steps.assessed_on"), value=today, format="DD-MM-YYYY",
                                            key="mbc_on")
                err("assessed_on")
                st.markdown(f"**{t('steps.may_question')}**")
                may = st.radio(t("steps.may"), [None, True, False], horizontal=True, key="mbc_may",
                               format_func={None: t("steps.choose"), True: yes_no(True),
                                            False: yes_no(False)}.get)
                err("may_ok")
                may_note = st.text_area(t("steps.may_note"), key="mbc_may_note")
                err("may_note")
                c1, c2 = st.columns(2)
                with c1:
                    w = score_box(t("steps.willingness"), "mbc_w")
                    err("willingness")
                    w_src = choice(t("steps.source"), "source", SOURCES, "mbc_w_src", empty=True)
                    err("willingness_source")
                    w_ev = st.text_area(t("steps.evidence"), key="mbc_w_ev")
                with c2:
                    a = score_box(t("steps.ability"), "mbc_a")
                    err("ability")
                    a_src = choice(t("steps.source"), "source", SOURCES, "mbc_a_src", empty=True)
                    err("ability_source")
                    a_ev = st.text_area(t("steps.evidence"), key="mbc_a_ev")
                opp = st.text_area(t("steps.opportunities"), help=t("steps.one_per_line"), key="mbc_opp")
                res = st.text_area(t("steps.resistances"), help=t("steps.one_per_line"), key="mbc_res")
                pv_new = st.date_input(t("steps.presented_village"), value=None, format="DD-MM-YYYY",
                                       key="mbc_pv")
                err("presented_village_on")
                pm_new = st.date_input(t("steps.presented_municipality"), value=None,
                                       format="DD-MM-YYYY", key="mbc_pm")
                err("presented_municipality_on")
                ok = st.form_submit_button(t("steps.save"), key="mbc_submit", type="primary")
            if ok:
                saved(lambda: steps.add_mbc(
                    db, user, village_id, assessed_on=assessed_on, may_ok=may, may_note=may_note,
                    willingness=w, willingness_source=w_src, willingness_evidence=w_ev, ability=a,
                    ability_source=a_src, ability_evidence=a_ev, opportunities=opp,
                    resistances=res, presented_village_on=pv_new,
                    presented_municipality_on=pm_new, today=today), "steps.saved")

    st.subheader(t("steps.effects"))
    eff = steps.effects(db, user, village_id)
    table(eff, {"stakeholder": t("steps.stakeholder"), "investment_kind": t("steps.investment"),
                "amount": t("steps.amount"), "expected_effect": t("steps.expected_effect"),
                "beneficiary": t("steps.beneficiary")},
          labels={"investment_kind": lambda k: ui.label("investment", k) if k else "–"})
    if lead and latest is not None:
        with st.expander(t("steps.effect_add")):
            with form("effect"):
                sh = st.text_input(t("steps.stakeholder"))
                err("stakeholder")
                kind = choice(t("steps.investment"), "investment", INVESTMENT_KINDS, "eff_kind")
                err("investment_kind")
                amount = st.number_input(t("steps.amount"), min_value=0.0, value=None, step=100.0)
                err("amount")
                effect = st.text_input(t("steps.expected_effect"))
                err("expected_effect")
                ben = st.text_input(t("steps.beneficiary"))
                ok = st.form_submit_button(t("steps.save"), key="effect_submit")
            if ok:
                saved(lambda: steps.add_effect(db, user, int(latest.id), sh, kind, amount, effect,
                                               ben), "steps.saved")

    st.subheader(t("steps.partners"))
    parts = steps.partners(db, user, village_id)
    table(parts, {"partner_type": t("steps.partner_type"), "name": t("steps.name"),
                  "formal": t("steps.formal")},
          labels={"partner_type": lambda p: ui.label("partner", p),
                  "formal": lambda v: t("steps.formal_yes") if v else t("steps.formal_no")})
    if lead:
        with st.expander(t("steps.partner_add")):
            with form("partner"):
                ptype = choice(t("steps.partner_type"), "partner", PARTNER_TYPES, "partner_type")
                err("partner_type")
                pname = st.text_input(t("steps.name"), key="partner_name")
                formal = st.radio(t("steps.formal"), [False, True], horizontal=True,
                                  format_func={True: t("steps.formal_yes"), False: t("steps.formal_no")}.get)
                err("formal")
                pnote = st.text_input(t("steps.note"), key="partner_note")
                ok = st.form_submit_button(t("steps.save"), key="partner_submit")
            if ok:
                saved(lambda: steps.add_partner(db, user, village_id, ptype, pname, formal, pnote),
                      "steps.saved")

# --- step 3: the steering group ----------------------------------------------------------------
with tab3:
    st.subheader(ui.label("step_long", 3))
    st.caption(t("steps.step3_rule"))
    for party in ("municipality", "community"):
        if party not in f.member_parties:
            (st.error if f.step >= 3 else st.info)(t("steps.composition_fails", party=ui.label("party", party).lower()))
    if {"municipality", "community"} <= f.member_parties:
        st.success(t("steps.composition_ok"))
    mem = steps.members(db, user, village_id)
    table(mem, {"name": t("steps.name"), "organisation": t("steps.organisation"),
                "party": t("steps.party"), "role": t("steps.role"), "from_date": t("steps.from"),
                "until_date": t("steps.until")}, dates=("from_date", "until_date"),
          labels={"party": lambda p: ui.label("party", p)})
    if lead:
        with st.expander(t("steps.member_add")):
            with form("member"):
                mname = st.text_input(t("steps.name"), key="member_name")
                err("name")
                org = st.text_input(t("steps.organisation"), key="member_org")
                mparty = choice(t("steps.party"), "party", MEMBER_PARTIES, "member_party", empty=True)
                err("party")
                role = st.text_input(t("steps.role"), key="member_role")
                fr = st.date_input(t("steps.from"), value=today, format="DD-MM-YYYY", key="member_from")
                un = st.date_input(t("steps.until"), value=None, format="DD-MM-YYYY", key="member_until")
                err("until_date")
                ok = st.form_submit_button(t("steps.save"), key="member_submit")
            if ok:
                saved(lambda: steps.add_member(db, user, village_id, mname, org, mparty, role, fr, un),
                      "steps.saved")
        current = mem[mem.until_date.isna()] if not mem.empty else mem
        if not current.empty:
            with st.expander(t("steps.member_end")):
                with form("member_end"):
                    who = st.selectbox(t("steps.name"), list(current.id),
                                       format_func=dict(zip(current.id, current.name)).get,
                                       key=f"member_end_who_{village_id}")
                    until = st.date_input(t("steps.until"), value=today, format="DD-MM-YYYY",
                                          key="member_end_on")
                    err("until_date")
                    ok = st.form_submit_button(t("steps.save"), key="member_end_submit")
                if ok:
                    ver = int(current.set_index("id").loc[who, "version"])
                    saved(lambda: steps.end_member(db, user, int(who), until, ver), "steps.saved")

    st.subheader(t("steps.meetings"))
    meet = steps.meetings(db, user, village_id)
    if not meet.empty:
        ui.chart(("pilot.satisfaction", village_id),
                 lambda: chart_spec(charts.satisfaction(meet, lang), lang))
    table(meet.iloc[::-1] if not meet.empty else meet,
          {"held_on": t("steps.meeting_date"),
           "municipality_satisfaction": t("steps.sat_municipality"),
           "community_satisfaction": t("steps.sat_community"), "decisions": t("steps.decisions"),
           "notes": t("steps.notes")}, dates=("held_on",))
    if may_meet:
        with st.expander(t("steps.meeting_add"), expanded=meet.empty):
            with form("meeting"):
                held = st.date_input(t("steps.meeting_date"), value=today, format="DD-MM-YYYY",
                                     key="meeting_on")
                err("held_on")
                c1, c2 = st.columns(2)
                with c1:
                    ms = score_box(t("steps.sat_municipality"), "meeting_ms")
                    err("municipality_satisfaction")
                with c2:
                    cs = score_box(t("steps.sat_community"), "meeting_cs")
                    err("community_satisfaction")
                dec = st.text_area(t("steps.decisions"), key="meeting_dec")
                notes = st.text_area(t("steps.notes"), key="meeting_notes")
                ok = st.form_submit_button(t("steps.save"), key="meeting_submit", type="primary")
            if ok:
                saved(lambda: steps.add_meeting(db, user, village_id, held, ms, cs, dec, notes, today),
                      "steps.saved")

    st.subheader(t("steps.actions"))
    acts = steps.actions(db, user, village_id)
    table(acts, {"description": t("steps.action"), "who": t("steps.who"), "due_on": t("steps.due"),
                 "done": t("steps.done")}, dates=("due_on",),
          labels={"done": lambda v: t("steps.yes") if v else t("steps.no")})
    if may_meet and not meet.empty:
        with st.expander(t("steps.action_add")):
            with form("action"):
                m_id = st.selectbox(t("steps.meeting_date"), list(meet.id[::-1]),
                                    format_func={i: ui.fmt_date(day(d)) for i, d in zip(meet.id, meet.held_on)}.get,
                                    key=f"action_meeting_{village_id}")
                desc = st.text_input(t("steps.action"))
                err("description")
                who = st.text_input(t("steps.who"))
                err("who")
                due = st.date_input(t("steps.due"), value=None, format="DD-MM-YYYY", key="action_due")
                err("due_on")
                ok = st.form_submit_button(t("steps.save"), key="action_submit")
            if ok:
                saved(lambda: steps.add_action(db, user, int(m_id), desc, who, due), "steps.saved")
        open_acts = acts[~acts.done] if not acts.empty else acts
        if not open_acts.empty:
            with form("action_done"):
                a_id = st.selectbox(t("steps.action_done"), list(open_acts.id),
                                    format_func=dict(zip(open_acts.id, open_acts.description)).get,
                                    key=f"action_done_{village_id}")
                ok = st.form_submit_button(t("steps.mark_done"), key="action_done_submit")
            if ok:
                ver = int(open_acts.set_index("id").loc[a_id, "version"])
                saved(lambda: steps.set_action_done(db, user, int(a_id), True, ver), "steps.saved")

# --- step 4: execution ---------------------------------------------------------------------------
with tab4:
    st.subheader(ui.label("step_long", 4))
    st.caption(t("steps.step4_rule"))
    adv = f.advised_mode
    in_use = f.modes
    c1, c2 = st.columns(2)
    c1.metric(t("steps.advised_short"), ui.label("mode", adv) if adv else "–")
    c2.metric(t("steps.modes_in_use"),
              ", ".join(ui.label("mode", m) for m in in_use) if in_use else "–")
    if adv and in_use and adv not in in_use:
        st.info(t("steps.mode_differs", mode=ui.label("mode", adv)))
    md = steps.modes(db, user, village_id)
    table(md, {"mode": t("steps.mode"), "started_on": t("steps.from"), "ended_on": t("steps.until"),
               "reason": t("steps.reason")}, dates=("started_on", "ended_on"),
          labels={"mode": lambda m: ui.label("mode", m)})
    if lead:
        with st.expander(t("steps.mode_add")):
            with form("mode"):
                mode = choice(t("steps.mode"), "mode", MODES, "mode_code")
                err("mode")
                m_from = st.date_input(t("steps.from"), value=today, format="DD-MM-YYYY", key="mode_from")
                err("started_on")
                m_reason = st.text_area(t("steps.reason"), key="mode_reason")
                err("reason")
                ok = st.form_submit_button(t("steps.save"), key="mode_submit")
            if ok:
                saved(lambda: steps.add_mode(db, user, village_id, mode, m_from, m_reason, today),
                      "steps.saved")
        running = md[md.ended_on.isna()] if not md.empty else md
        if not running.empty:
            with st.expander(t("steps.mode_end")):
                with form("mode_end"):
                    r_id = st.selectbox(t("steps.mode"), list(running.id),
                                        format_func={i: ui.label("mode", m) for i, m in zip(running.id, running["mode"])}.get,
                                        key=f"mode_end_which_{village_id}")
                    r_end = st.date_input(t("steps.until"), value=today, format="DD-MM-YYYY",
                                          key="mode_end_on")
                    err("ended_on")
                    ok = st.form_submit_button(t("steps.save"), key="mode_end_submit")
                if ok:
                    ver = int(running.set_index("id").loc[r_id, "version"])
                    saved(lambda: steps.end_mode(db, user, int(r_id), r_end, ver, today), "steps.saved")

    st.subheader(t("steps.initiatives"))
    st.caption(t("steps.phases_help"))
    ini = steps.initiatives(db, user, village_id)
    table(ini, {"name": t("steps.name"), "phase": t("steps.phase"),
                "description": t("steps.description"), "since": t("steps.since")},
          dates=("since",), labels={"phase": lambda p: ui.label("phase", p)})
    if lead:
        with st.expander(t("steps.initiative_add")):
            with form("initiative"):
                i_name = st.text_input(t("steps.name"), key="ini_name")
                err("name")
                i_phase = choice(t("steps.phase"), "phase", PHASES, "ini_phase")
                err("phase")
                i_desc = st.text_area(t("steps.description"), key="ini_desc")
                i_since = st.date_input(t("steps.since"), value=today, format="DD-MM-YYYY", key="ini_since")
                err("since")
                ok = st.form_submit_button(t("steps.save"), key="initiative_submit")
            if ok:
                saved(lambda: steps.add_initiative(db, user, village_id, i_name, i_phase, i_desc,
                                                   i_since, today), "steps.saved")
        if not ini.empty:
            with st.expander(t("steps.phase_change")):
                with form("phase"):
                    p_id = st.selectbox(t("steps.name"), list(ini.id),
                                        format_func=dict(zip(ini.id, ini.name)).get, key=f"phase_which_{village_id}")
                    p_new = choice(t("steps.phase"), "phase", PHASES, "phase_new")
                    err("phase")
                    ok = st.form_submit_button(t("steps.save"), key="phase_submit")
                if ok:
                    ver = int(ini.set_index("id").loc[p_id, "version"])
                    saved(lambda: steps.set_initiative_phase(db, user, int(p_id), p_new, ver),
                          "steps.saved")

    st.subheader(t("steps.partners_formal"))
    parts = steps.partners(db, user, village_id)
    if not parts.empty:
        n_formal = int(parts.formal.fillna(False).sum())
        st.caption(t("steps.partners_count", formal=n_formal, informal=len(parts) - n_formal))
    table(parts, {"partner_type": t("steps.partner_type"), "name": t("steps.name"),
                  "formal": t("steps.formal")},
          labels={"partner_type": lambda p: ui.label("partner", p),
                  "formal": lambda v: t("steps.formal_yes") if v else t("steps.formal_no")})

    st.subheader(t("steps.safeguarding"))
    st.caption(t("steps.safeguarding_rule"))
    plan = steps.safeguarding(db, user, village_id)
    if plan is None:
        st.warning(ui.label("alert_text", "no_exit_plan"))
    if lead:
        with form("safeguarding"):
            ex = st.date_input(t("steps.exit_date"), format="DD-MM-YYYY",
                               value=plan["exit_date"] if plan else None)
            err("exit_date")
            succ = st.text_input(t("steps.successor"), value=(plan or {}).get("successor") or "")
            err("successor")
            hand = st.text_area(t("steps.handed_over"), value=(plan or {}).get("handed_over") or "")
            sg_notes = st.text_area(t("steps.notes"), value=(plan or {}).get("notes") or "",
                                    key="sg_notes")
            ok = st.form_submit_button(t("steps.save"), key="safeguarding_submit")
        if ok:
            saved(lambda: steps.save_safeguarding(db, user, village_id, ex, succ, hand, sg_notes,
                                                  plan["version"] if plan else None), "steps.saved")
    elif plan:
        st.markdown(f"**{t('steps.exit_date')}:** {ui.fmt_date(plan['exit_date'])}")
        st.markdown(f"**{t('steps.successor')}:**")
        st.text(plan["successor"] or "–")
        st.markdown(f"**{t('steps.handed_over')}:**")
        st.text(plan["handed_over"] or "–")
