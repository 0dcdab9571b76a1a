"""Status tab: where the pilot stands, what is missing for the next step, its alerts, the
move form and the timeline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import moves as mv, rules, ui
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
    adv = rules.advised_mode(f.willingness, f.ability)
    c4.metric(t("pilot.advised_mode"), ui.label("mode", adv) if adv else "–")

    st.subheader(t("pilot.alerts"))
    codes = rules.alerts(f, today)
    if not codes:
        st.success(t("pilot.no_alerts"))
    for code in codes:
        st.warning(f"**{ui.label('alert', code)}**: {ui.label('alert_text', code)}")

    nxt = rules.next_stage(f)
    missing: list[str] = []
    if nxt is not None:
        missing = rules.missing_for(nxt, f)
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
