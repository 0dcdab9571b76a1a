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

if flash := st.session_state.pop("mt_flash", None):
    st.success(flash)


def score_label(line):
    return lambda n: (ui.t("lines.not_scored") if n is None
                      else f"{n} – {lines.level_text(line, n, lang)}")


def source_label(code):
    return ui.t("lines.no_source") if code is None else ui.label("source", code)


# --- a new scoring moment ------------------------------------------------------------------------
if not may_write:
    st.info(ui.t("lines.read_only"))
else:
    st.subheader(ui.t("lines.new"))
    st.caption(ui.t("lines.intro"))
    n = st.session_state.setdefault("mt_form_n", 0)
    with st.form(f"mt_new_{village_id}_{n}"):
        scored_on = st.date_input(ui.t("lines.date"), value=today, max_value=today,
                                  format="DD-MM-YYYY", key=f"mt_date_{n}")
        ui.field_error("scored_on")
        ui.field_error("scores")
        entries = {}
        for line in LINES:
            st.markdown(f"**{ui.label('line', line)}**")
            score = st.selectbox(ui.t("lines.score"), [None, *SCORES],
                                 format_func=score_label(line), key=f"mt_{line}_score_{n}")
            ui.field_error(f"{line}.score")
            c1, c2, c3 = st.columns([3, 2, 1])
            note = c1.text_area(ui.t("lines.note"), key=f"mt_{line}_note_{n}", height=68)
            evidence = c2.text_input(ui.t("lines.evidence"), key=f"mt_{line}_evidence_{n}")
            source = c3.selectbox(ui.t("lines.source"), [None, *SOURCES],
                                  format_func=source_label, key=f"mt_{line}_source_{n}")
            for fld in ("note", "evidence", "source"):
                ui.field_error(f"{line}.{fld}")
            entries[line] = {"score": score, "note": note, "evidence": evidence,
                             "source": source}
        submitted = st.form_submit_button(ui.t("lines.save"), type="primary")
    if submitted:
        saved = ui.write(lambda: lines.add_moment(db, user, village_id, scored_on, entries,
                                                  today, lang))
        if saved is not None:
            st.session_state["mt_form_n"] = n + 1
            st.session_state["mt_flash"] = ui.t("lines.saved")
            st.rerun()

with st.expander(ui.t("lines.meaning")):
    for line in LINES:
        st.markdown(f"**{ui.label('line', line)}**")
        for s in SCORES:
            st.markdown(f"{s}. {lines.level_text(line, s, lang)}")

# --- earlier scores --------------------------------------------------------------------------------
st.subheader(ui.t("lines.history"))
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
# The version the user first saw: a save based on it is refused if someone changed it since.
seen = st.session_state.setdefault("mt_seen", {})
loaded_version = seen.setdefault(score_id, record["version"])
if may_write:
    k = f"{score_id}_{loaded_version}"   # stable keys: the input survives a refused save
    with st.form(f"mt_edit_{k}"):
        e_date = st.date_input(ui.t("lines.date"), value=record["scored_on"], max_value=today,
                               format="DD-MM-YYYY", key=f"mt_e_date_{k}")
        ui.field_error("scored_on")
        e_score = st.selectbox(ui.t("lines.score"), list(SCORES),
                               index=list(SCORES).index(record["score"]),
                               format_func=score_label(record["line"]), key=f"mt_e_score_{k}")
        ui.field_error("score")
        e_note = st.text_area(ui.t("lines.note"), value=record["note"] or "",
                              key=f"mt_e_note_{k}")
        ui.field_error("note")
        e_evidence = st.text_input(ui.t("lines.evidence"), value=record["evidence"] or "",
                                   key=f"mt_e_evidence_{k}")
        srcs = [None, *SOURCES]
        e_source = st.selectbox(ui.t("lines.source"), srcs,
                                index=srcs.index(record["source"]) if record["source"] in srcs else 0,
                                format_func=source_label, key=f"mt_e_source_{k}")
        b1, b2 = st.columns(2)
        save = b1.form_submit_button(ui.t("lines.correct_save"), type="primary")
        remove = b2.form_submit_button(ui.t("lines.delete"))
    if save:
        values = {"scored_on": e_date, "score": e_score, "note": e_note,
                  "evidence": e_evidence, "source": e_source}
        if ui.write(lambda: lines.correct(db, user, score_id, values, loaded_version, today,
                                          lang)) is not None:
            seen.pop(score_id, None)
            st.session_state["mt_flash"] = ui.t("lines.corrected")
            st.rerun()
    if remove:
        if ui.write(lambda: lines.delete(db, user, score_id, loaded_version, lang) or True):
            seen.pop(score_id, None)
            st.session_state["mt_flash"] = ui.t("lines.deleted")
            st.rerun()

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
