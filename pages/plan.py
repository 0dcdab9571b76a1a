"""Programmaplan: leads keep the programme plan the funder funded (issue 18): per pilot the
planned date of each step and of completion with an explanation for the funder, milestones,
planned spending per half-year and source, and targets per line. Every save is versioned and
audited (dorp.repo.plan); the comparison with what happened is dorp/plan.py."""

from datetime import date

import pandas as pd
import streamlit as st

from dorp import i18n, plan as P, report, ui
from dorp.method import BUDGET_SOURCES, LINES, SCORES
from dorp.repo import funder, plan, programme

user = ui.guard("edit_budget")
db = ui.db()
today = ui.today()
lang = ui.lang()


def t(key: str, **kw) -> str:   # the language of this run (also in format functions)
    return i18n.t(key, lang, **kw)


def fmt_date(d) -> str:
    return i18n.fmt_date(d, lang)


st.title(t("plan.title"))
ui.demo_banner(db, user)
st.caption(t("plan.intro"))

prog = programme.get(db, user)
names = funder.villages(db, user) if prog else {}
if prog is None or not names:
    st.info(t("plan.no_pilots") if prog else t("funder.empty"))
    st.stop()


def level_label(vid) -> str:
    return t("plan.programme_level") if vid is None or pd.isna(vid) else names.get(int(vid), "?")


def text_of(v) -> str:
    """A stored text for a text box: "" where there is none (a missing value comes as NaN)."""
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def as_id(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def money(x) -> str:
    return i18n.fmt_money(x, lang)


# --- where the pilots stand -------------------------------------------------------------------------
whole = funder.periods("programme", prog["start_date"], today, prog["end_date"])[0]
view = funder.view(db, user, whole, today)
st.subheader(t("plan.standing_title"))
tables = ui.cached(("plan.tables",), lambda: report.plan_tables(view, lang))
st.dataframe(tables["report.sheet_plan_pilots"], hide_index=True, width="stretch")

# --- the programme's explanation -------------------------------------------------------------------
steps_df = plan.steps_rows(db, user)
records = {as_id(r["village_id"]): r for r in steps_df.to_dict("records")}
st.subheader(t("plan.programme_title"))
prog_row = records.get(None)
fm = ui.Form("plan_programme", scope="programme", record=prog_row)
with fm:
    st.text_area(t("plan.explanation"), value=text_of((prog_row or {}).get("explanation")),
                 key=fm.key("explanation"), height=120)
    st.caption(t("plan.programme_help"))   # not a tooltip: its icon is labelled in English
    fm.err("explanation")
    fm.submit(t("plan.explanation_save"),
              lambda x, version: plan.save_steps(db, user, None, {"explanation": x["explanation"]},
                                                 version),
              success=t("plan.explanation_saved"), type="primary")


# --- per pilot: the planned dates --------------------------------------------------------------------
st.subheader(t("plan.steps_title"))
vid = st.selectbox(t("plan.choose_pilot"), list(names), format_func=names.get, key="plan_pilot")
row = records.get(vid)
if row is None:
    st.info(t("plan.no_plan_yet"))
current = row or {}
fm = ui.Form("plan_steps", scope=vid, record=row)
with fm:
    cols = st.columns(len(P.STAGE_COLUMNS))
    for col, field in zip(cols, P.STAGE_COLUMNS.values()):
        with col:
            st.date_input(t(f"plan.{field}"), value=current.get(field), format="DD-MM-YYYY",
                          key=fm.key(field))
            fm.err(field)
    st.text_area(t("plan.explanation"), value=text_of(current.get("explanation")),
                 key=fm.key("explanation"))
    st.caption(t("plan.explanation_help"))
    fm.err("explanation")
    fm.submit(t("plan.save"),
              lambda x, version, vid=vid: plan.save_steps(db, user, vid, x, version),
              success=t("plan.saved"), type="primary")

mine = plan.pilot(db, user, vid, today)
if mine["steps"]:
    s = mine["standing"]
    st.markdown(f"**{t('plan.col_standing')}:** "
                + ui.md(P.standing_text(s, P.plan_dates(mine["record"]).get(s.stage), lang)))
    st.dataframe(pd.DataFrame({
        t("plan.col_step"): [funder.stage_label(r["stage"], lang) for r in mine["steps"]],
        t("plan.col_planned"): [fmt_date(r["planned"]) for r in mine["steps"]],
        t("plan.col_reached"): [fmt_date(r["reached"]) for r in mine["steps"]],
        t("plan.col_result"): [P.comparison_text(r["comparison"], lang) for r in mine["steps"]],
    }), hide_index=True, width="stretch")


# --- milestones --------------------------------------------------------------------------------------
st.subheader(t("plan.milestones_title"))
levels = [None, *names]
ms = plan.milestones(db, user)
if ms.empty:
    st.info(t("plan.milestones_empty"))
else:
    comps = [P.compare(a, b, today) for a, b in zip(ms["planned_on"], ms["reached_on"])]
    st.dataframe(pd.DataFrame({
        t("plan.col_milestone"): ms["name"],
        t("plan.milestone_level"): ms["village_id"].map(level_label),
        t("plan.col_planned"): ms["planned_on"].map(ui.fmt_date),
        t("plan.col_reached"): ms["reached_on"].map(ui.fmt_date),
        t("plan.col_result"): [P.comparison_text(c, lang) for c in comps],
    }), hide_index=True, width="stretch")


def milestone_fields(fm, current: dict) -> None:
    vid_now = as_id(current.get("village_id"))
    st.selectbox(t("plan.milestone_level"), levels, index=levels.index(vid_now) if vid_now in levels else 0,
                 format_func=level_label, key=fm.key("village_id"))
    fm.err("village_id")
    st.text_input(t("plan.milestone_name"), value=current.get("name") or "",
                  key=fm.key("name"))
    st.caption(t("plan.milestone_name_help"))
    fm.err("name")
    c1, c2 = st.columns(2)
    with c1:
        st.date_input(t("plan.planned_on"), value=current.get("planned_on") or today,
                      format="DD-MM-YYYY", key=fm.key("planned_on"))
        fm.err("planned_on")
    with c2:
        # not reached yet: a "no date" box, not an empty picker (English "dd - mm - yyyy")
        fm.date("reached_on", t("plan.reached_on"), current.get("reached_on"), optional=True,
                none_label=t("plan.reached_not_yet"))
        fm.err("reached_on")


with st.expander(t("plan.milestone_add")):
    fm = ui.Form("plan_milestone_add", scope="programme")
    with fm:
        milestone_fields(fm, {})
        fm.submit(t("plan.milestone_add_submit"), lambda x, _v: plan.add_milestone(db, user, x),
                  success=t("plan.milestone_added"), type="primary")

if not ms.empty:
    with st.expander(t("plan.milestone_edit")):
        ms_by_id = {int(r["id"]): r for r in ms.to_dict("records")}
        mid = st.selectbox(t("plan.choose_milestone"), list(ms_by_id), key="plan_milestone_pick",
                           format_func=lambda i: f"{ms_by_id[i]['name']} · {level_label(ms_by_id[i]['village_id'])}"
                                                 f" · {fmt_date(ms_by_id[i]['planned_on'])}")
        rec = ms_by_id[mid]
        fm = ui.Form("plan_milestone", scope=mid, record=rec)
        with fm:
            milestone_fields(fm, rec)
            fm.submit(t("plan.milestone_save"),
                      lambda x, version, mid=mid: plan.update_milestone(db, user, mid, x, version),
                      success=t("plan.milestone_saved"), type="primary")
        ui.confirm_button(t("plan.milestone_delete"),
                          t("plan.milestone_delete_question", name=rec["name"],
                            level=level_label(rec["village_id"])),
                          lambda mid=mid, ver=int(rec["version"]): plan.delete_milestone(db, user, mid, ver),
                          key=f"plan_milestone_delete:{mid}", success=t("plan.milestone_deleted"))


# --- planned spending ------------------------------------------------------------------------------------
st.subheader(t("plan.spend_title"))
spend = plan.spend_rows(db, user)


def halves() -> list[date]:
    """Half-years to choose from: from the programme's start (or the earliest plan) to two
    half-years past its end."""
    first = min([d for d in [prog["start_date"], *spend["period"]] if d] or [today])
    last = max([d for d in [prog["end_date"], today, *spend["period"]] if d])
    out, d = [], P.half_year_start(first)
    while d <= P.half_year_start(P.add_months(last, 12)):
        out.append(d)
        d = P.add_months(d, 6)
    return out


def half_label(d) -> str:
    d = P._day(d)
    return funder.period_label(funder.Period("half", d, P.half_year_end(d)), lang) if d else "–"


show = st.selectbox(t("plan.spend_show"), levels, format_func=level_label, key="plan_spend_level")
mine_spend = spend[spend["village_id"].isna()] if show is None else spend[spend["village_id"] == show]
if mine_spend.empty:
    st.info(t("plan.spend_empty"))
else:
    wide = (mine_spend.pivot_table(index="period", columns="source", values="planned", aggfunc="sum")
            .reindex(columns=list(BUDGET_SOURCES)).fillna(0.0))
    wide["total"] = wide.sum(axis=1)
    shown = pd.DataFrame({t("plan.spend_period"): [half_label(d) for d in wide.index]})
    for src in [*BUDGET_SOURCES, "total"]:
        shown[t(f"funder.source_{src}")] = [money(x) for x in wide[src]]
    st.dataframe(shown, hide_index=True, width="stretch")

HALVES = halves()


def spend_fields(fm, current: dict) -> None:
    vid_now = as_id(current.get("village_id")) if current else show
    st.selectbox(t("plan.spend_level"), levels, index=levels.index(vid_now) if vid_now in levels else 0,
                 format_func=level_label, key=fm.key("village_id"))
    fm.err("village_id")
    period = P._day(current.get("period")) or P.half_year_start(today)
    options = HALVES if period in HALVES else [period, *HALVES]
    st.selectbox(t("plan.spend_period"), options, index=options.index(period),
                 format_func=half_label, key=fm.key("period"))
    fm.err("period")
    source = current.get("source") or "province"
    st.selectbox(t("plan.spend_source"), BUDGET_SOURCES, index=BUDGET_SOURCES.index(source),
                 format_func=lambda s: t(f"funder.source_{s}"), key=fm.key("source"))
    fm.err("source")
    amount = current.get("planned")
    st.text_input(t("plan.spend_planned"), placeholder=t("plan.spend_planned_help"),
                  value=i18n.fmt_number(amount, "nl", 2) if amount else "", key=fm.key("planned"))
    fm.err("planned")


with st.expander(t("plan.spend_add")):
    fm = ui.Form("plan_spend_add", scope="programme")
    with fm:
        spend_fields(fm, {})
        fm.submit(t("plan.spend_add_submit"), lambda x, _v: plan.add_spend(db, user, x),
                  success=t("plan.spend_added"), type="primary")

if not mine_spend.empty:
    with st.expander(t("plan.spend_edit")):
        spend_by_id = {int(r["id"]): r for r in mine_spend.to_dict("records")}
        sid = st.selectbox(t("plan.choose_spend"), list(spend_by_id), key="plan_spend_pick",
                           format_func=lambda i: f"{half_label(spend_by_id[i]['period'])} · "
                                                 f"{t('funder.source_' + spend_by_id[i]['source'])} · "
                                                 f"{money(spend_by_id[i]['planned'])}")
        rec = spend_by_id[sid]
        fm = ui.Form("plan_spend", scope=sid, record=rec)
        with fm:
            spend_fields(fm, rec)
            fm.submit(t("plan.spend_save"),
                      lambda x, version, sid=sid: plan.update_spend(db, user, sid, x, version),
                      success=t("plan.spend_saved"), type="primary")
        ui.confirm_button(t("plan.spend_delete"),
                          t("plan.spend_delete_question", amount=money(rec["planned"]),
                            level=level_label(rec["village_id"]), period=half_label(rec["period"]),
                            source=t(f"funder.source_{rec['source']}")),
                          lambda sid=sid, ver=int(rec["version"]): plan.delete_spend(db, user, sid, ver),
                          key=f"plan_spend_delete:{sid}", success=t("plan.spend_deleted"))


# --- targets per line -------------------------------------------------------------------------------------
st.subheader(t("plan.targets_title"))
st.caption(t("plan.targets_intro"))
targets = plan.target_rows(db, user)


def target_level(vid) -> str:
    return t("plan.target_all") if vid is None or pd.isna(vid) else names.get(int(vid), "?")


if targets.empty:
    st.info(t("plan.targets_empty"))
else:
    st.dataframe(pd.DataFrame({
        t("plan.target_level"): targets["village_id"].map(target_level),
        t("plan.target_line"): targets["line"].map(lambda ln: i18n.label("line", ln, lang)),
        t("plan.col_target"): [t("plan.target_short", score=int(s), month=int(m))
                               for s, m in zip(targets["score"], targets["by_month"])],
    }), hide_index=True, width="stretch")


def target_fields(fm, current: dict) -> None:
    vid_now = as_id(current.get("village_id"))
    st.selectbox(t("plan.target_level"), levels, index=levels.index(vid_now) if vid_now in levels else 0,
                 format_func=target_level, key=fm.key("village_id"))
    fm.err("village_id")
    line = current.get("line") or LINES[0]
    st.selectbox(t("plan.target_line"), LINES, index=LINES.index(line),
                 format_func=lambda ln: i18n.label("line", ln, lang), key=fm.key("line"))
    fm.err("line")
    c1, c2 = st.columns(2)
    with c1:
        score = int(current.get("score") or 3)
        st.selectbox(t("plan.target_score"), SCORES, index=SCORES.index(score), key=fm.key("score"))
        fm.err("score")
    with c2:
        st.number_input(t("plan.target_by_month"), min_value=1, max_value=240, step=1,
                        value=int(current.get("by_month") or 12), key=fm.key("by_month"))
        fm.err("by_month")


with st.expander(t("plan.target_add")):
    fm = ui.Form("plan_target_add", scope="programme")
    with fm:
        target_fields(fm, {})
        fm.submit(t("plan.target_add_submit"), lambda x, _v: plan.add_target(db, user, x),
                  success=t("plan.target_added"), type="primary")

if not targets.empty:
    with st.expander(t("plan.target_edit")):
        target_by_id = {int(r["id"]): r for r in targets.to_dict("records")}
        tid = st.selectbox(t("plan.choose_target"), list(target_by_id), key="plan_target_pick",
                           format_func=lambda i: f"{target_level(target_by_id[i]['village_id'])} · "
                                                 f"{i18n.label('line', target_by_id[i]['line'], lang)}")
        rec = target_by_id[tid]
        fm = ui.Form("plan_target", scope=tid, record=rec)
        with fm:
            target_fields(fm, rec)
            fm.submit(t("plan.target_save"),
                      lambda x, version, tid=tid: plan.update_target(db, user, tid, x, version),
                      success=t("plan.target_saved"), type="primary")
        ui.confirm_button(t("plan.target_delete"),
                          t("plan.target_delete_question", line=i18n.label("line", rec["line"], lang),
                            level=target_level(rec["village_id"])),
                          lambda tid=tid, ver=int(rec["version"]): plan.delete_target(db, user, tid, ver),
                          key=f"plan_target_delete:{tid}", success=t("plan.target_deleted"))
