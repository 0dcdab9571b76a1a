"""Dorpsdashboard: one village on one page, for its steering group and the programme lead.
Where the pilot stands and what is missing, the five lines over time and now, satisfaction of
municipality and community, working modes beside the advised one, decisions and open actions,
initiatives by phase, partners. A print layout stacks everything in one column."""

import streamlit as st

from dorp import attention, rules, ui
from dorp.charts import lines as line_charts
from dorp.repo import dashboard
from pages.pilot_tabs import burgerkracht as bkg_section

user = ui.guard("view_village_any")
db = ui.db()
today = ui.today()
lang = ui.lang()

options = ui.cached(("dd.options",), lambda: dashboard.villages_for(db, user, today))
if not options:
    st.title(ui.t("dashboard.title"))
    st.info(ui.t("dashboard.no_villages"))
    st.stop()
raw = st.query_params.get("village_id")
village_id = int(raw) if raw and raw.isdigit() and int(raw) in options else next(iter(options))
top_left, top_right = st.columns([3, 1])
if len(options) > 1:
    village_id = top_left.selectbox(ui.t("dashboard.choose"), list(options),
                                    index=list(options).index(village_id),
                                    format_func=options.get, key="dd_village")
st.query_params["village_id"] = str(village_id)
printing = top_right.toggle(ui.t("dashboard.print"), key="dd_print",
                            help=ui.t("dashboard.print_help"))

v = ui.cached(("dd.village", village_id), lambda: dashboard.village(db, user, village_id, today))
f = v.facts
ui.log_read(user, village_id)  # this page shows names and notes of the pilot
st.title(ui.t("dashboard.heading", village=f.village, municipality=f.municipality))
st.caption(ui.t("dashboard.as_of", date=ui.fmt_date(today), status=ui.label("status", f.status),
                started=ui.fmt_date(f.started_on)))


def chart(name: str, build, **kwargs) -> None:
    """A chart of this village, its spec cached (ui.cached; every save clears it)."""
    ui.chart(("dd", village_id, name), lambda: line_charts.spec(build(), lang), **kwargs)


def pair():
    """Two columns on screen; one column when printing."""
    return (st.container(), st.container()) if printing else st.columns(2)


def table(frame, config):
    """A static table when printing (prints in full), an interactive one on screen."""
    shown = frame.rename(columns=config)[list(config.values())]
    if printing:
        st.table(shown.set_index(shown.columns[0]))
    else:
        st.dataframe(shown, hide_index=True, width="stretch")


# --- 1. where the pilot stands --------------------------------------------------------------------
st.header(ui.t("dashboard.where"))
chart("steps", lambda: line_charts.steps_track(f.step, f.status, lang),
      alt=ui.label("step_long", rules.current_stage(f)))
nxt = rules.next_stage(f)
left, right = pair()
with left:
    st.markdown(f"**{ui.label('step_long', rules.current_stage(f))}**")
    if nxt is not None:
        missing = rules.next_missing(f)
        if missing:
            st.markdown(ui.t("dashboard.missing_for", step=ui.label("step_long", nxt)))
            for m in missing:
                st.markdown(f"- {ui.label('gate', m)}")
        else:
            st.success(ui.t("dashboard.ready_for", step=ui.label("step_long", nxt)))
with right:
    found = attention.causes(village_id, f, today, v.latest, lang)
    if found:
        st.markdown(f"**{ui.t('dashboard.signals')}**")
        for c in found:   # each cause once, with the step it belongs to
            where = f" ({c.step})" if c.step else ""
            st.warning(f"**{c.title}**{where}: {ui.md(c.text)}")
    else:
        st.success(ui.t("dashboard.no_signals"))

# --- 2. the five lines ----------------------------------------------------------------------------
st.header(ui.t("dashboard.lines"))
if v.scores.empty:
    st.info(ui.t("dashboard.lines_empty"))
    st.page_link("pages/metingen.py", label=ui.t("dashboard.add_first"),
                 query_params={"village_id": str(village_id)})
else:
    left, right = pair()
    with left:
        st.markdown(f"**{ui.t('dashboard.lines_now')}**")
        chart("now", lambda: line_charts.lines_now(v.latest, lang))
        st.caption(ui.t("dashboard.lines_now_caption",
                        date=ui.fmt_date(v.scores["scored_on"].max())))
    with right:
        st.markdown(f"**{ui.t('dashboard.lines_notes')}**")
        newest = v.scores.sort_values(["scored_on", "id"]).groupby("line").tail(1)
        for r in newest.itertuples():
            st.markdown(f"- **{ui.label('line', r.line)}** ({r.score}, {ui.fmt_date(r.scored_on)})"
                        + (f": {ui.md(r.note)}" if isinstance(r.note, str) and r.note else ""))
    st.markdown(f"**{ui.t('dashboard.lines_over_time')}**")
    chart("over_time", lambda: line_charts.lines_over_time(v.scores, lang))
    if not printing:
        st.page_link("pages/metingen.py", label=ui.t("dashboard.add_scores"),
                     query_params={"village_id": str(village_id)})

# --- 3. steering group: satisfaction, decisions, open actions --------------------------------------
st.header(ui.t("dashboard.steering"))
left, right = pair()
with left:
    st.markdown(f"**{ui.t('dashboard.satisfaction')}**")
    if v.meetings.empty:
        st.info(ui.t("dashboard.satisfaction_empty"))
    else:
        chart("satisfaction", lambda: line_charts.satisfaction(v.meetings, lang))
with right:
    st.markdown(f"**{ui.t('dashboard.decisions')}**")
    decided = v.meetings.dropna(subset=["decisions"]).tail(3).iloc[::-1]
    if decided.empty:
        st.info(ui.t("dashboard.decisions_empty"))
    for m in decided.itertuples():
        st.markdown(f"- **{ui.fmt_date(m.held_on)}**: {ui.md(m.decisions)}")
st.markdown(f"**{ui.t('dashboard.actions')}**")
if v.actions.empty:
    st.info(ui.t("dashboard.actions_empty"))
else:
    acts = v.actions.assign(
        late=v.actions.due_on.map(lambda d: "⚠ " + ui.t("dashboard.late")
                                  if d is not None and d == d and d < today else ""),
        due_on=v.actions.due_on.map(ui.fmt_date),
        meeting_on=v.actions.meeting_on.map(ui.fmt_date),
    )
    table(acts, {"description": ui.t("dashboard.action"), "who": ui.t("dashboard.who"),
                 "due_on": ui.t("dashboard.due"), "late": ui.t("dashboard.late_col"),
                 "meeting_on": ui.t("dashboard.meeting")})

# --- 4. working modes --------------------------------------------------------------------------------
st.header(ui.t("dashboard.modes"))
advised_now = f.advised_mode
if advised_now is None:
    st.caption(ui.t("dashboard.advised_none"))
else:
    st.markdown(ui.t("dashboard.advised_now", mode=ui.label("mode", advised_now),
                     w=f.willingness, a=f.ability))
if v.modes.empty and v.assessments.empty:
    st.info(ui.t("dashboard.modes_empty"))
else:
    chart("modes", lambda: line_charts.modes_timeline(v.modes, v.assessments, today, lang))
    in_use = [ui.label("mode", m) for m in f.modes]
    st.caption(ui.t("dashboard.modes_in_use", modes=", ".join(in_use) or ui.t("dashboard.none")))

# --- the Burgerkrachtgenerator (stepper, residents heard, themes, groups, matrix, modes) ------------
bkg_section.render_dashboard(db, user, village_id, today, lang, printing)

# --- 5. initiatives and partners ------------------------------------------------------------------
left, right = pair()
with left:
    st.header(ui.t("dashboard.initiatives"))
    if v.initiatives.empty:
        st.info(ui.t("dashboard.initiatives_empty"))
    else:
        chart("initiatives", lambda: line_charts.initiatives_by_phase(v.initiatives, lang))
with right:
    st.header(ui.t("dashboard.partners"))
    if v.partners.empty:
        st.info(ui.t("dashboard.partners_empty"))
    else:
        formal = v.partners[v.partners.formal.fillna(False).astype(bool)]
        informal = v.partners[~v.partners.formal.fillna(False).astype(bool)]
        for title, part in ((ui.t("dashboard.formal"), formal),
                            (ui.t("dashboard.informal"), informal)):
            st.markdown(f"**{title}** ({len(part)})")
            for p in part.itertuples():
                st.markdown(f"- {ui.md(p.name or ui.label('partner', p.partner_type))}")
    if v.plan:
        st.markdown(f"**{ui.t('dashboard.plan')}**")
        st.markdown(ui.t("dashboard.plan_text", date=ui.fmt_date(v.plan["exit_date"]),
                         successor=ui.md(v.plan["successor"] or "–")))

if printing:
    st.caption(ui.t("dashboard.print_footer", date=ui.fmt_date(today)))
