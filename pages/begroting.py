"""Begroting en teksten: leads keep the budget lines (programme and per pilot) and write each
pilot's progress text and lessons for the funder. Every save is versioned and audited."""

import pandas as pd
import streamlit as st

from dorp import i18n, report, ui
from dorp.method import BUDGET_SOURCES
from dorp.repo import budget, funder, programme

user = ui.guard("edit_budget")
db = ui.db()
today = ui.today()
lang = ui.lang()

st.title(ui.t("budget.title"))
ui.demo_banner(db, user)
st.caption(ui.t("budget.intro"))

prog = programme.get(db, user)
if prog is None:
    st.info(ui.t("funder.empty"))
    st.stop()
names = funder.villages(db, user)

# The funder's report for the whole programme, as the funder gets it.
whole = funder.periods("programme", prog["start_date"], today, prog["end_date"])[0]
d1, d2, _ = st.columns([2, 2, 3])
d1.download_button(ui.t("budget.download_pdf"),
                   data=lambda: report.build_pdf(funder.view(db, user, whole, today), lang),
                   file_name=f"voortgangsrapportage-programma-{today.isoformat()}.pdf",
                   mime=report.PDF_MIME, on_click="ignore", key="budget_pdf")
d2.download_button(ui.t("budget.download_xlsx"),
                   data=lambda: report.build_xlsx(funder.view(db, user, whole, today), lang),
                   file_name=f"voortgangsrapportage-programma-{today.isoformat()}.xlsx",
                   mime=report.XLSX_MIME, on_click="ignore", key="budget_xlsx")
ui.check_before_sending(db, user, today)   # before the report goes out (issue 18)


def as_id(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def level_label(vid) -> str:
    vid = as_id(vid)
    return ui.t("budget.programme_level") if vid is None else names.get(vid, "?")


def money(x) -> str:
    return i18n.fmt_money(x, lang)


def amount_text(x) -> str:
    return i18n.fmt_number(x, "nl", 2) if x else "0"


# --- the lines -------------------------------------------------------------------------------
st.subheader(ui.t("budget.lines"))
# One level at a time: a programme of hundreds of pilots has tens of thousands of lines.
show_level = st.selectbox(ui.t("budget.show_level"), [None, *names], format_func=level_label,
                          key="budget_show_level")
df = budget.lines(db, user, village_id=show_level, programme_level=show_level is None)
if df.empty:
    st.info(ui.t("budget.empty"))
else:
    st.dataframe(
        df.assign(level=df["village_id"].map(level_label),
                  source=df["source"].map(lambda s: ui.t(f"funder.source_{s}")),
                  period=df["period"].map(ui.fmt_date),
                  budgeted=df["budgeted"].map(money), spent=df["spent"].map(money),
                  )[["level", "category", "source", "period", "budgeted", "spent"]],
        hide_index=True, width="stretch",
        column_config={"level": ui.t("budget.level"), "category": ui.t("budget.category"),
                       "source": ui.t("budget.source"), "period": ui.t("budget.period"),
                       "budgeted": ui.t("budget.budgeted"), "spent": ui.t("budget.spent")})


def line_fields(fm: ui.Form, current: dict | None = None) -> None:
    """The fields of a budget line inside form `fm` (empty, or holding the line `current`)."""
    current = current or {}
    levels = [None, *names]
    vid = as_id(current.get("village_id"))
    st.selectbox(ui.t("budget.level"), levels, index=levels.index(vid) if vid in levels else 0,
                 format_func=level_label, key=fm.key("village_id"))
    fm.err("village_id")
    st.text_input(ui.t("budget.category"), value=current.get("category", ""),
                  key=fm.key("category"))
    fm.err("category")
    st.selectbox(ui.t("budget.source"), BUDGET_SOURCES,
                 index=BUDGET_SOURCES.index(current.get("source", "province")),
                 format_func=lambda s: ui.t(f"funder.source_{s}"), key=fm.key("source"))
    fm.err("source")
    period = current.get("period")
    period = None if period is None or pd.isna(period) else pd.Timestamp(period).date()
    st.date_input(ui.t("budget.period"), value=period or today, format="DD-MM-YYYY",
                  key=fm.key("period"))
    fm.err("period")
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(ui.t("budget.budgeted"), value=amount_text(current.get("budgeted")),
                      help=ui.t("budget.amount_help"), key=fm.key("budgeted"))
        fm.err("budgeted")
    with c2:
        st.text_input(ui.t("budget.spent"), value=amount_text(current.get("spent")),
                      help=ui.t("budget.amount_help"), key=fm.key("spent"))
        fm.err("spent")


def line_values(x: dict) -> dict:
    return {k: x[k] for k in ("village_id", "category", "source", "period", "budgeted", "spent")}


def line_label(row: dict) -> str:
    return (f"{level_label(row['village_id'])} · {row['category']} · "
            f"{ui.t('funder.source_' + row['source'])} · {money(row['budgeted'])}")


with st.expander(ui.t("budget.add")):
    fm = ui.Form("budget_add")
    with fm:
        line_fields(fm)
        fm.submit(ui.t("budget.add_submit"),
                  lambda x, _v: budget.add_line(db, user, line_values(x)),
                  success=ui.t("budget.added"), type="primary")

ui.flash("budget_lines")   # a line removed (its form went with it)
if not df.empty:
    with st.expander(ui.t("budget.edit")):
        rows = {int(r.id): r._asdict() for r in df.itertuples()}
        line_id = st.selectbox(ui.t("budget.choose_line"), list(rows), key="budget_line",
                               format_func=lambda i: line_label(rows[i]))
        row = rows[line_id]
        fm = ui.Form("budget_line", record={"id": line_id, "version": int(row["version"])})
        with fm:
            line_fields(fm, row)
            fm.submit(ui.t("budget.save"),
                      lambda x, version: budget.update_line(db, user, line_id, line_values(x),
                                                            version),
                      success=ui.t("budget.saved"), type="primary")
        ui.confirm_button(
            ui.t("budget.delete"),
            ui.t("budget.delete_q", line=ui.md(line_label(row)),
                 spent=ui.md(money(row["spent"]))),
            lambda: budget.delete_line(db, user, line_id, int(row["version"])),
            key=f"budget_delete:{line_id}", confirm_label=ui.t("budget.delete_confirm"),
            success=ui.t("budget.deleted"), flash="budget_lines")

# --- texts for the funder ----------------------------------------------------------------------
st.subheader(ui.t("budget.texts"))
texts = budget.texts(db, user)
if not texts.empty:
    by_vid = {int(r.village_id): r._asdict() for r in texts.itertuples()}
    vid = st.selectbox(ui.t("budget.texts_pilot"), list(by_vid), format_func=lambda v: by_vid[v]["village"],
                       key="budget_texts_pilot")
    cur = by_vid[vid]
    # Keyed by the pilot, with the version first shown: a second lead's save meanwhile is
    # refused with a message, never dropped or silently overwritten.
    fm = ui.Form("texts", scope=vid, record={"id": vid, "version": int(cur["version"])})
    with fm:
        st.text_area(ui.t("budget.progress_text"), value=report.plain_text(cur["progress_text"]),
                     height=140, key=fm.key("progress_text"))
        fm.err("progress_text")
        st.text_area(ui.t("budget.lessons"), value=report.plain_text(cur["lessons"]), height=110,
                     key=fm.key("lessons"))
        fm.err("lessons")
        fm.submit(ui.t("budget.texts_save"),
                  lambda x, version: budget.save_texts(db, user, vid, x["progress_text"],
                                                       x["lessons"], version),
                  success=ui.t("budget.texts_saved"), type="primary")
