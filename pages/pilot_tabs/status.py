"""Status tab: where the pilot stands, what is missing for the next step, its alerts, the
move form and the timeline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import attention, moves as mv, rules, ui
from dorp.repo import moves
from pages.pilot_tabs import View, t, table
from pages.pilot_tabs import plan as plan_section


def render(v: View) -> None:
    f, today = v.f, v.today
    stage = rules.current_stage(f)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("pilot.stage"), ui.label("step", stage))
    c2.metric(t("pilot.status"), ui.label("status", f.status))
    c3.metric(t("pilot.verdict"), ui.label("verdict_short", f.verdict))
    adv = f.advised_mode
    c4.metric(t("pilot.advised_mode"), ui.label("mode", adv) if adv else "–")
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
        st.subheader(t("pilot.next", step=ui.label("step_long", nxt)))
        if missing:
            for m in missing:
                st.markdown(f"- {ui.label('gate', m)}")
        else:
            st.success(t("pilot.ready"))
    else:
        st.info(t("pilot.closed", status=ui.label("status", f.status)))

    available = mv.available(f)
    if v.may_move and available:
        _move_form(v, available, nxt, missing)
    else:
        ui.form_message("move", scope=v.village_id)   # the move that closed the pilot
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


def _move_form(v: View, available: list[str], nxt, missing: list[str]) -> None:
    st.subheader(t("pilot.move_title"))
    rec = moves.pilot_record(v.db, v.user, v.village_id)
    fm = ui.Form("move", scope=v.village_id, record=rec)
    labels = {a: t("pilot.move_next", step=ui.label("step", nxt)) if a == "advance"
              else ui.label("move", a) for a in available}
    with fm:
        st.radio(t("pilot.move_action"), available, horizontal=True, key=fm.key("action"),
                 format_func=labels.get)
        if missing:
            st.checkbox(t("pilot.override"), help=t("pilot.override_help"), key=fm.key("override"))
        st.text_area(t("pilot.reason"), help=t("pilot.reason_help"), key=fm.key("reason"))
        fm.err("reason")
        db, user, vid, today = v.db, v.user, v.village_id, v.today
        fm.submit(t("pilot.move_submit"),
                  lambda x, version: moves.move(db, user, vid, x["action"], x["reason"],
                                                bool(x.get("override")), today, version),
                  success=t("pilot.moved"), type="primary")


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
