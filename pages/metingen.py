"""Metingen: score the five lines of one pilot at a moment (1-5 each, chosen from the written
meaning of each level), with a narrative, evidence and source; earlier scores stay visible and
can be corrected (versioned, with the audit trail)."""

import streamlit as st

from dorp import ui
from dorp.access import can
from dorp.method import LINES, SCORES, SOURCES
from dorp.repo import dashboard, lines

user = ui.guard("view_village_any")
db = ui.db()
today = ui.today()
lang = ui.lang()
HISTORY_SHOWN = 60  # newest scores listed before "show all"

st.title(ui.t("lines.title"))
options = ui.cached(("mt.options",), lambda: dashboard.villages_for(db, user, today))
if not options:
    st.info(ui.t("lines.no_villages"))
    st.stop()
raw = st.query_params.get("village_id")
village_id = int(raw) if raw and raw.isdigit() and int(raw) in options else next(iter(options))
village_id = st.selectbox(ui.t("lines.choose_village"), list(options),
                          index=list(options).index(village_id), format_func=options.get,
                          key="mt_village")
st.query_params["village_id"] = str(village_id)
may_write = can(user, "score_lines", village_id)
ui.log_read(user, village_id, "notes")  # score narratives and evidence


def score_label(line):
    return lambda n: (ui.t("lines.not_scored") if n is None
                      else f"{n} – {lines.level_text(line, n, lang)}")


def source_label(code):
    return ui.t("lines.no_source") if code is None else ui.label("source", code)


# --- a new scoring moment ------------------------------------------------------------------------
def moment_entries(x: dict) -> dict:
    return {line: {f: x[f"{line}.{f}"] for f in ("score", "note", "evidence", "source")}
            for line in LINES}


if not may_write:
    st.info(ui.t("lines.read_only"))
else:
    st.subheader(ui.t("lines.new"))
    st.caption(ui.t("lines.intro"))
    fm = ui.Form("moment", scope=village_id)
    with fm:
        st.date_input(ui.t("lines.date"), value=today, max_value=today, format="DD-MM-YYYY",
                      key=fm.key("scored_on"))
        fm.err("scored_on")
        fm.err("scores")
        for line in LINES:
            st.markdown(f"**{ui.label('line', line)}**")
            st.selectbox(ui.t("lines.score"), [None, *SCORES], format_func=score_label(line),
                         key=fm.key(f"{line}.score"))
            fm.err(f"{line}.score")
            c1, c2, c3 = st.columns([3, 2, 1])
            with c1:
                st.text_area(ui.t("lines.note"), key=fm.key(f"{line}.note"), height=68)
                fm.err(f"{line}.note")
            with c2:
                st.text_input(ui.t("lines.evidence"), key=fm.key(f"{line}.evidence"))
                fm.err(f"{line}.evidence")
            with c3:
                st.selectbox(ui.t("lines.source"), [None, *SOURCES], format_func=source_label,
                             key=fm.key(f"{line}.source"))
                fm.err(f"{line}.source")
        fm.submit(ui.t("lines.save"),
                  lambda x, _v: lines.add_moment(db, user, village_id, x["scored_on"],
                                                 moment_entries(x), today, lang),
                  success=ui.t("lines.saved"), type="primary")

with st.expander(ui.t("lines.meaning")):
    for line in LINES:
        st.markdown(f"**{ui.label('line', line)}**")
        for s in SCORES:
            st.markdown(f"{s}. {lines.level_text(line, s, lang)}")

# --- earlier scores --------------------------------------------------------------------------------
st.subheader(ui.t("lines.history"))
ui.flash(f"scores:{village_id}")   # a score removed (its form went with it)
hist = lines.history(db, user, village_id)
if hist.empty:
    st.info(ui.t("lines.empty"))
    st.stop()
newest = hist.iloc[::-1]
if len(newest) > HISTORY_SHOWN and not st.toggle(ui.t("lines.show_all", n=len(newest)),
                                                  key="mt_all"):
    st.caption(ui.t("lines.shown", shown=HISTORY_SHOWN, n=len(newest)))
    newest = newest.head(HISTORY_SHOWN)
st.dataframe(
    newest.assign(
        scored_on=newest.scored_on.map(ui.fmt_date),
        line=newest.line.map(lambda c: ui.label("line", c)),
        source=newest.source.map(lambda c: ui.label("source", c) if isinstance(c, str) else ""),
        updated_at=newest.updated_at.map(ui.fmt_date),
    )[["scored_on", "line", "score", "note", "evidence", "source", "version", "updated_by",
       "updated_at"]],
    hide_index=True, width="stretch",
    column_config={"scored_on": ui.t("lines.date"), "line": ui.t("lines.line"),
                   "score": ui.t("lines.score"), "note": ui.t("lines.note"),
                   "evidence": ui.t("lines.evidence"), "source": ui.t("lines.source"),
                   "version": ui.t("lines.version"), "updated_by": ui.t("lines.changed_by"),
                   "updated_at": ui.t("lines.changed_at")},
)

# --- correcting one score --------------------------------------------------------------------------
st.subheader(ui.t("lines.correct"))
labels = {int(r.id): f"{ui.fmt_date(r.scored_on)} · {ui.label('line', r.line)} · {r.score}"
          for r in newest.itertuples()}
score_id = st.selectbox(ui.t("lines.correct_pick"), list(labels), format_func=labels.get,
                        key=f"mt_pick_{village_id}")
record = lines.get(db, user, score_id)
if record is None:
    st.info(ui.t("lines.err.missing"))
    st.stop()
if may_write:
    # Keyed by the score, with the version first shown: a save based on it is refused when
    # someone changed the score meanwhile (the input stays).
    fm = ui.Form("score", scope=village_id, record=record)
    with fm:
        st.date_input(ui.t("lines.date"), value=record["scored_on"], max_value=today,
                      format="DD-MM-YYYY", key=fm.key("scored_on"))
        fm.err("scored_on")
        st.selectbox(ui.t("lines.score"), list(SCORES), index=list(SCORES).index(record["score"]),
                     format_func=score_label(record["line"]), key=fm.key("score"))
        fm.err("score")
        st.text_area(ui.t("lines.note"), value=record["note"] or "", key=fm.key("note"))
        fm.err("note")
        st.text_input(ui.t("lines.evidence"), value=record["evidence"] or "",
                      key=fm.key("evidence"))
        fm.err("evidence")
        srcs = [None, *SOURCES]
        st.selectbox(ui.t("lines.source"), srcs,
                     index=srcs.index(record["source"]) if record["source"] in srcs else 0,
                     format_func=source_label, key=fm.key("source"))
        fm.err("source")
        fm.submit(ui.t("lines.correct_save"),
                  lambda x, version: lines.correct(
                      db, user, score_id, {k: x[k] for k in lines.EDIT_FIELDS}, version, today,
                      lang),
                  success=ui.t("lines.corrected"), type="primary")
    ui.confirm_button(
        ui.t("lines.delete"),
        ui.t("lines.delete_q", line=ui.label("line", record["line"]), score=record["score"],
             date=ui.fmt_date(record["scored_on"])),
        lambda: lines.delete(db, user, score_id, record["version"], lang),
        key=f"score_delete:{score_id}", confirm_label=ui.t("lines.delete_confirm"),
        success=ui.t("lines.deleted"), flash=f"scores:{village_id}")

st.markdown(f"**{ui.t('lines.audit')}**")
trail = lines.audit_trail(db, user, score_id)
if not trail:
    st.caption(ui.t("lines.audit_empty"))
for a in trail:
    st.markdown("- " + ui.t("lines.audit_row", when=ui.fmt_date(a["logged_at"]),
                            who=a["username"] or "–", action=ui.t(f"lines.action_{a['action']}")))
    if a["action"] == "update":
        st.caption("; ".join(f"{ui.t('lines.field_' + k)}: {a['before'].get(k) or '–'} → "
                             f"{v if v not in (None, '') else '–'}" for k, v in a["after"].items()))
