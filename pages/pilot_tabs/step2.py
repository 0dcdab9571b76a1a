"""Step 2 tab: the social business case (mBc): verdict and advised mode, the assessment
history, its presentation to village and municipality, effects and partners."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.charts import steps as charts
from dorp.charts.lines import spec as chart_spec
from dorp.method import INVESTMENT_KINDS, PARTNER_TYPES, SOURCES
from dorp.repo import moves, steps
from pages.pilot_tabs import View, choice, day, score_box, t, table, yes_no


def render(v: View) -> None:
    st.subheader(ui.label("step_long", 2))
    st.caption(t("steps.step2_rule"))
    hist = steps.mbcs(v.db, v.user, v.village_id)
    latest = hist.iloc[-1] if not hist.empty else None
    if latest is None:
        st.info(t("steps.no_mbc"))
    else:
        _latest(v, hist, latest)
    if v.lead:
        with st.expander(t("steps.mbc_add"), expanded=latest is None):
            _mbc_form(v)
    _effects(v, latest)
    partners(v, editable=True)


def _latest(v: View, hist: pd.DataFrame, latest) -> None:
    f = v.f
    verdict = f.verdict
    missing = [ui.label("dimension", d) for d in (f.mbc.missing if f.mbc else [])]
    if verdict == "pending":
        st.info(ui.label("verdict", verdict) + ": "
                + t("steps.pending_missing", missing=ui.t("dashboard.and").join(missing).capitalize()))
    elif f.may is False:
        st.error(ui.label("verdict", verdict) + ". " + t("steps.no_go_may"))
    else:
        (st.success if verdict == "go" else st.error)(ui.label("verdict", verdict))
    adv = f.advised_mode
    if adv is None:
        st.markdown(t("steps.advised_open", missing=ui.t("dashboard.and").join(missing).lower()))
    else:
        st.markdown(t("steps.advised", mode=ui.label("mode", adv)) + " — "
                    + ui.label("mode_help", adv))
    left, right = st.columns([3, 2])
    with left:
        ui.chart(("pilot.matrix", v.village_id),
                 lambda: chart_spec(charts.matrix(hist, v.lang), v.lang), width="content")
        if (hist["may_ok"] == False).any():  # noqa: E712
            st.caption("✕ " + t("steps.matrix_discouraged"))
    with right:
        st.markdown(f"**{t('steps.may')}** {yes_no(latest.may_ok)}")
        if latest.may_note:
            st.text(latest.may_note)
        for dim in ("willingness", "ability"):
            score = latest[dim]
            source = latest[f"{dim}_source"]
            st.markdown(f"**{t('steps.' + dim)}: {'–' if pd.isna(score) else int(score)}** "
                        f"({ui.label('source', source) if source else '–'})")
            if latest[f"{dim}_evidence"]:
                st.text(latest[f"{dim}_evidence"])
        st.markdown(f"**{t('steps.opportunities')}**")
        st.text(latest.opportunities or "–")
        st.markdown(f"**{t('steps.resistances')}**")
        st.text(latest.resistances or "–")
    if not pd.isna(latest.may_ok) and not latest.may_ok:
        st.warning(t("steps.may_not"))
    if verdict == "no_go" and f.status in ("active", "paused") and v.may_move:
        _close_no_go(v)
    else:
        ui.form_message("close_no_go", scope=v.village_id)   # closed (here, or just before)
    if v.lead:
        _presented_form(v, latest)
    st.markdown(f"**{t('steps.history')}**")
    table(hist, {"assessed_on": t("steps.assessed_on"), "willingness": t("steps.willingness"),
                 "ability": t("steps.ability"), "presented_village_on": t("steps.presented_village"),
                 "presented_municipality_on": t("steps.presented_municipality")},
          dates=("assessed_on", "presented_village_on", "presented_municipality_on"))


def _close_no_go(v: View) -> None:
    st.error(t("steps.no_go_offer"))
    rec = moves.pilot_record(v.db, v.user, v.village_id)
    fm = ui.Form("close_no_go", scope=v.village_id, record=rec)
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with fm:
        st.text_area(t("pilot.reason"), value=t("steps.no_go_reason"), key=fm.key("reason"))
        fm.err("reason")
        fm.submit(t("steps.no_go_close"),
                  lambda x, version: moves.move(db, user, vid, "stop", x["reason"], False, today,
                                                version),
                  success=t("pilot.moved"))


def _presented_form(v: View, latest) -> None:
    record = {"id": int(latest.id), "version": int(latest.version)}
    fm = ui.Form("presented", scope=v.village_id, record=record)
    db, user, today = v.db, v.user, v.today
    with fm:
        st.markdown(f"**{t('steps.presented')}**")
        st.date_input(t("steps.presented_village"), format="DD-MM-YYYY",
                      value=day(latest.presented_village_on), key=fm.key("village"))
        fm.err("presented_village_on")
        st.date_input(t("steps.presented_municipality"), format="DD-MM-YYYY",
                      value=day(latest.presented_municipality_on), key=fm.key("municipality"))
        fm.err("presented_municipality_on")
        fm.submit(t("steps.save"),
                  lambda x, version: steps.set_presented(db, user, record["id"], x["village"],
                                                         x["municipality"], version, today),
                  success=t("steps.saved"))


def _mbc_form(v: View) -> None:
    fm = ui.Form("mbc", scope=v.village_id)
    db, user, vid, today = v.db, v.user, v.village_id, v.today
    with fm:
        st.date_input(t("steps.assessed_on"), value=today, format="DD-MM-YYYY", key=fm.key("on"))
        fm.err("assessed_on")
        st.markdown(f"**{t('steps.may_question')}**")
        st.caption(t("steps.may_seed"))
        st.radio(t("steps.may"), [None, True, False], horizontal=True, key=fm.key("may"),
                 format_func={None: t("steps.choose"), True: yes_no(True), False: yes_no(False)}.get)
        fm.err("may_ok")
        st.text_area(t("steps.may_note"), key=fm.key("may_note"))
        fm.err("may_note")
        c1, c2 = st.columns(2)
        for col, dim, short in ((c1, "willingness", "w"), (c2, "ability", "a")):
            with col:
                score_box(t("steps." + dim), fm.key(short))
                fm.err(dim)
                choice(t("steps.source"), "source", SOURCES, fm.key(short + "_src"), empty=True)
                fm.err(dim + "_source")
                st.text_area(t("steps.evidence"), key=fm.key(short + "_ev"))
        st.text_area(t("steps.opportunities"), help=t("steps.one_per_line"), key=fm.key("opp"))
        st.text_area(t("steps.resistances"), help=t("steps.one_per_line"), key=fm.key("res"))
        st.date_input(t("steps.presented_village"), value=None, format="DD-MM-YYYY",
                      key=fm.key("pv"))
        fm.err("presented_village_on")
        st.date_input(t("steps.presented_municipality"), value=None, format="DD-MM-YYYY",
                      key=fm.key("pm"))
        fm.err("presented_municipality_on")
        fm.submit(t("steps.save"), lambda x, _v: steps.add_mbc(
            db, user, vid, assessed_on=x["on"], may_ok=x["may"], may_note=x["may_note"],
            willingness=x["w"], willingness_source=x["w_src"], willingness_evidence=x["w_ev"],
            ability=x["a"], ability_source=x["a_src"], ability_evidence=x["a_ev"],
            opportunities=x["opp"], resistances=x["res"], presented_village_on=x["pv"],
            presented_municipality_on=x["pm"], today=today),
            success=t("steps.saved"), type="primary")


def _effects(v: View, latest) -> None:
    st.subheader(t("steps.effects"))
    eff = steps.effects(v.db, v.user, v.village_id)
    table(eff, {"stakeholder": t("steps.stakeholder"), "investment_kind": t("steps.investment"),
                "amount": t("steps.amount"), "expected_effect": t("steps.expected_effect"),
                "beneficiary": t("steps.beneficiary")},
          labels={"investment_kind": lambda k: ui.label("investment", k) if k else "–"})
    if not (v.lead and latest is not None):
        return
    mbc_id = int(latest.id)
    db, user = v.db, v.user
    with st.expander(t("steps.effect_add")):
        fm = ui.Form("effect", scope=v.village_id)
        with fm:
            st.text_input(t("steps.stakeholder"), key=fm.key("stakeholder"))
            fm.err("stakeholder")
            choice(t("steps.investment"), "investment", INVESTMENT_KINDS, fm.key("kind"))
            fm.err("investment_kind")
            st.number_input(t("steps.amount"), min_value=0.0, value=None, step=100.0,
                            key=fm.key("amount"))
            fm.err("amount")
            st.text_input(t("steps.expected_effect"), key=fm.key("effect"))
            fm.err("expected_effect")
            st.text_input(t("steps.beneficiary"), key=fm.key("beneficiary"))
            fm.submit(t("steps.save"),
                      lambda x, _v: steps.add_effect(db, user, mbc_id, x["stakeholder"], x["kind"],
                                                     x["amount"], x["effect"], x["beneficiary"]),
                      success=t("steps.saved"))


def partners(v: View, editable: bool) -> None:
    """The partners around the village (step 2 adds them; step 4 shows the formal/informal
    link)."""
    st.subheader(t("steps.partners") if editable else t("steps.partners_formal"))
    parts = steps.partners(v.db, v.user, v.village_id)
    if not editable and not parts.empty:
        n_formal = int(parts.formal.fillna(False).sum())
        st.caption(t("steps.partners_count", formal=n_formal, informal=len(parts) - n_formal))
    table(parts, {"partner_type": t("steps.partner_type"), "name": t("steps.name"),
                  "formal": t("steps.formal")},
          labels={"partner_type": lambda p: ui.label("partner", p),
                  "formal": lambda x: t("steps.formal_yes") if x else t("steps.formal_no")})
    if not (editable and v.lead):
        return
    db, user, vid = v.db, v.user, v.village_id
    with st.expander(t("steps.partner_add")):
        fm = ui.Form("partner", scope=vid)
        with fm:
            choice(t("steps.partner_type"), "partner", PARTNER_TYPES, fm.key("type"))
            fm.err("partner_type")
            st.text_input(t("steps.name"), key=fm.key("name"))
            st.radio(t("steps.formal"), [False, True], horizontal=True, key=fm.key("formal"),
                     format_func={True: t("steps.formal_yes"), False: t("steps.formal_no")}.get)
            fm.err("formal")
            st.text_input(t("steps.note"), key=fm.key("note"))
            fm.submit(t("steps.save"),
                      lambda x, _v: steps.add_partner(db, user, vid, x["type"], x["name"],
                                                      x["formal"], x["note"]),
                      success=t("steps.saved"))
