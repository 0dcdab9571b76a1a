"""Status tab: where the pilot stands, what is missing for the next step, its alerts, the
move form and the timeline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import attention, moves as mv, rules, ui
from dorp.errors import Invalid, NeedsConfirm
from dorp.repo import moves
from pages.pilot_tabs import View, t, table
from pages.pilot_tabs import plan as plan_section


def render(v: View) -> None:
    f, today = v.f, v.today
    stage = rules.current_stage(f)
    # Facts as label and text, not st.metric: a metric cuts a longer value off
    # ("Nog niet be…"); text wraps.
    adv = f.advised_mode
    for col, label, value in zip(st.columns(4), (
            t("pilot.stage"), t("pilot.status"), t("pilot.verdict"), t("pilot.advised_mode")), (
            ui.label("step", stage), ui.label("status", f.status),
            ui.label("verdict_short", f.verdict), ui.label("mode", adv) if adv else "–")):
        col.caption(label)
        col.markdown(f"**{ui.md(value)}**")
    _judged(f, stage)

    st.subheader(t("pilot.alerts"))
    found = attention.causes(v.village_id, f, today, None, v.lang)
    if not found:
        st.success(t("pilot.no_alerts"))
    for c in found:   # each cause once, with the step it belongs to
        where = f" ({c.step})" if c.step else ""
        st.warning(f"**{c.title}**{where}: {ui.md(c.text)}")

    nxt = rules.next_stage(f)
    missing: list[str] = []
    if nxt is not None:
        missing = rules.next_missing(f)
        st.subheader(t("pilot.next_complete") if nxt == "completed"
                     else t("pilot.next", step=ui.label("step_long", nxt)))
        if missing:
            for m in missing:
                st.markdown(f"- {ui.label('gate', m)}")
        else:
            st.success(t("pilot.ready"))
    else:
        st.info(t("pilot.closed", status=ui.label("status", f.status)))

    available = mv.available(f) if v.may_move else []
    if available:
        _move_form(v, [a for a in available if a != "stop"], nxt)
    else:
        ui.form_message("move", scope=v.village_id)   # the move that closed the pilot
    if "stop" in available:
        _stop_form(v)
    else:
        ui.form_message("stop", scope=v.village_id)   # the stop, said once where it stood
    _timeline(v)
    plan_section.render(v)   # the programme plan (issue 18)


def _judged(f: rules.PilotFacts, stage) -> None:
    """On which day the entry criteria of the current step were judged, and how they stood."""
    if stage == 1:
        return
    name = ui.label("step_named", stage)
    if f.entered_on is not None:
        st.caption(t("pilot.judged_on", stage=name, date=ui.fmt_date(f.entered_on)))
    else:
        st.caption(t("pilot.judged_today", stage=name, date=ui.fmt_date(f.judged_on)))
    missing = rules.gate_missing(f)
    if missing and f.override_current:
        st.caption(t("pilot.judged_overridden"))


def _move_form(v: View, actions: list[str], nxt) -> None:
    """Moving on (or pausing, resuming). Moving on while entry criteria do not hold is an
    exception: the save then names what is unmet and asks to confirm (NeedsConfirm) before
    it is stored with the reason. Stopping is a form of its own (_stop_form)."""
    st.subheader(t("pilot.move_title"))
    rec = moves.pilot_record(v.db, v.user, v.village_id)
    fm = ui.Form("move", scope=v.village_id, record=rec)
    labels = {a: (t("pilot.move_complete") if nxt == "completed"
                  else t("pilot.move_next", step=ui.label("step", nxt))) if a == "advance"
              else ui.label("move", a) for a in actions}
    db, user, vid, today = v.db, v.user, v.village_id, v.today

    def save(x, version):
        exception = bool(x[ui.CONFIRM]) and x["action"] == "advance"
        try:
            return moves.move(db, user, vid, x["action"], x["reason"], exception, today, version)
        except mv.GateUnmet as e:
            unmet = "; ".join(ui.label("gate", m) for m in e.missing)
            if len((x["reason"] or "").strip()) < mv.MIN_REASON:
                raise Invalid({"reason": t("pilot.exception_reason", missing=unmet)}) from None
            raise NeedsConfirm(t("pilot.exception_q", step=ui.label("step_long", e.stage),
                                 missing=unmet)) from None

    with fm:
        st.radio(t("pilot.move_action"), actions, horizontal=True, key=fm.key("action"),
                 format_func=labels.get)
        st.text_area(t("pilot.reason"), key=fm.key("reason"))
        st.caption(t("pilot.reason_help"))
        fm.err("reason")
        fm.submit(t("pilot.move_submit"), save, success=t("pilot.moved"), type="primary")


def _stop_form(v: View) -> None:
    """Stopping a pilot is final (no step follows): apart from the other moves, with its
    reason and an explicit confirmation in the form."""
    rec = moves.pilot_record(v.db, v.user, v.village_id)
    db, user, vid, today = v.db, v.user, v.village_id, v.today

    def save(x, version):
        if not x["sure"]:
            mv.plan(v.f, "stop", x["reason"])   # a missing reason is said first
            raise Invalid({"sure": t("pilot.stop_sure_missing")})
        return moves.move(db, user, vid, "stop", x["reason"], False, today, version)

    with st.expander(t("pilot.stop_title")):
        fm = ui.Form("stop", scope=vid, record=rec)
        with fm:
            st.caption(t("pilot.stop_intro", village=v.f.village))
            st.text_area(t("pilot.reason"), key=fm.key("reason"))
            fm.err("reason")
            st.checkbox(t("pilot.stop_sure", village=v.f.village), key=fm.key("sure"))
            fm.err("sure")
            fm.submit(t("pilot.stop_submit"), save, success=t("pilot.stopped"))


def _what(r) -> tuple[str, bool]:
    """(what the move did, whether the stage changed) of one timeline row."""
    first = pd.isna(r["from_step"])
    if r["to_status"] == "completed":
        return ui.label("step", "completed"), True
    if not first and r["from_step"] == r["to_step"]:
        return ui.label("status", r["to_status"]), False
    return ui.label("step", int(r["to_step"])), True


def _timeline(v: View) -> None:
    st.subheader(t("pilot.timeline"))
    tl = moves.timeline(v.db, v.user, v.village_id)
    if not tl.empty:
        info = [_what(r) for r in tl.to_dict("records")]
        tl["what"] = [w for w, _ in info]
        tl["override"] = [bool(o) and ch for o, (_, ch) in zip(tl["override"], info)]
        tl["reason"] = [r if isinstance(r, str) and r else "–" for r in tl["reason"]]
    table(tl, {"moved_on": t("pilot.moved_on"), "what": t("pilot.move_to"),
               "reason": t("pilot.reason"), "override": t("pilot.override_col"),
               "moved_by": t("pilot.moved_by")}, dates=("moved_on",),
          labels={"override": lambda x: t("pilot.override_yes") if x else ""})
