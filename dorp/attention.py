""""Aandacht nodig": what needs the lead in a pilot, each *cause* once, in words, with the
fact behind it (which party, which line, which meeting, which day), the step it belongs to
and the place to fix it. Pure functions: facts in, sentences out.

The alert codes and their conditions are those of INTERFACES.md, computed by dorp.rules;
this module only explains them. Several codes can share one cause: a missing consent is both
`consent_missing` (today) and, when it was missing on the day the pilot entered step 2,
`gate_unmet`. Such a cause is said once, with both facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dorp import i18n, plan, rules
from dorp.method import ALERTS

# Each cause: the step it belongs to and where it is fixed (page, tab of the pilot page).
CAUSES: dict[str, tuple[int, str, str | None]] = {
    "vote": (1, "pilot", "1"),
    "consent": (1, "pilot", "1"),
    "mbc": (2, "pilot", "2"),
    "steering_members": (3, "pilot", "3"),
    "steering_meeting": (3, "pilot", "3"),
    "lines": (4, "metingen", None),
    "exit_plan": (4, "pilot", "4"),
    "working_groups": (4, "pilot", "5"),    # the Burgerkrachtgenerator's tab
    "stale": (0, "pilot", None),
    "plan": (0, "plan", None),        # the programme plan (dorp/plan.py): kept on Programmaplan
}
PAGES = {"pilot": "pages/pilot.py", "metingen": "pages/metingen.py", "plan": "pages/plan.py"}

# The cause of each alert code, and of each unmet entry criterion (rules.missing_for).
CAUSE_OF_ALERT = {
    "consent_missing": "consent", "mbc_no_go": "mbc", "steering_incomplete": "steering_members",
    "steering_dissatisfied": "steering_meeting", "line_low": "lines", "line_declining": "lines",
    "no_exit_plan": "exit_plan", "working_group_quiet": "working_groups", "stale": "stale",
    "behind_plan": "plan",
}
CAUSE_OF_GATE = {
    "not_chosen": "vote", "consent_municipality": "consent", "consent_community": "consent",
    "no_mbc": "mbc", "mbc_not_go": "mbc", "mbc_pending": "mbc", "mbc_not_desirable": "mbc",
    "mbc_not_presented_village": "mbc", "mbc_not_presented_municipality": "mbc",
    "no_municipality_member": "steering_members", "no_community_member": "steering_members",
    "no_meeting": "steering_meeting", "meeting_not_satisfied": "steering_meeting",
    "no_exit_plan": "exit_plan", "safeguarding_low": "lines",
}


@dataclass
class Cause:
    key: str                       # CAUSES
    title: str                     # what it is about, in words
    step: str                      # "Stap 2 · Maatschappelijke business case" ("" for none)
    sentences: list[str] = field(default_factory=list)   # the facts, each once
    codes: list[str] = field(default_factory=list)       # the alert codes it explains
    page: str = "pages/pilot.py"   # where to fix it
    query: dict[str, str] = field(default_factory=dict)  # ...with these query parameters
    fix: str = ""                  # the link's label

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + i18n.t("dashboard.and", lang) + items[-1]


def _line_facts(latest: pd.DataFrame | None, village_id: int) -> dict[str, dict]:
    """line -> {score, scored_on} of one village, from lines.latest()."""
    if latest is None or latest.empty:
        return {}
    sub = latest[latest["village_id"] == village_id]
    return {r.line: {"score": r.score, "scored_on": r.scored_on}
            for r in sub.itertuples()}


def step_name(stage, lang: str = i18n.DEFAULT_LANG) -> str:
    """"Stap 2 · Maatschappelijke business case" (or "Afgerond")."""
    return i18n.label("step_named", stage, lang)


def explain(code: str, f: rules.PilotFacts, today: date, line_facts: dict[str, dict],
            lang: str = i18n.DEFAULT_LANG) -> str:
    """One alert of one pilot as a sentence with its fact."""
    t = lambda key, **kw: i18n.t(f"dashboard.why.{key}", lang, **kw)  # noqa: E731
    party = lambda p: i18n.label("party", p, lang).lower()  # noqa: E731
    line = lambda ln: i18n.label("line", ln, lang)  # noqa: E731
    day = lambda d: i18n.fmt_date(d, lang)  # noqa: E731
    if code == "mbc_no_go":
        if f.may is False:
            return t("mbc_not_desirable", date=day(f.mbc.on))
        return t("mbc_no_go", w=f.willingness, a=f.ability)
    if code == "gate_unmet":
        missing = [i18n.label("gate", m, lang) for m in rules.gate_missing(f)]
        items = "; ".join(m[:1].lower() + m[1:] for m in missing)
        stage = step_name(rules.current_stage(f), lang)
        if f.entered_on is None:
            return t("gate_unmet_today", stage=stage, missing=items)
        return t("gate_unmet", stage=stage, date=day(f.entered_on), missing=items)
    if code == "consent_missing":
        parties = [party(p) for p in ("municipality", "community") if p not in f.consent]
        return t("consent_missing", parties=_join(parties, lang))
    if code == "steering_incomplete":
        parties = [party(p) for p in ("municipality", "community") if p not in f.member_parties]
        return t("steering_incomplete", parties=_join(parties, lang))
    if code == "steering_dissatisfied":
        m = f.latest_meeting
        low = [t("gave", who=party(p), score=s)
               for p, s in (("municipality", m.municipality), ("community", m.community))
               if p in m.dissatisfied_parties]
        return t("steering_dissatisfied", date=day(m.on), who=_join(low, lang))
    if code in ("line_low", "line_declining"):
        chosen = rules.low_lines(f) if code == "line_low" else rules.declining_lines(f)
        parts = []
        for ln in chosen:
            lf = line_facts.get(ln, {})
            when = day(lf.get("scored_on")) if lf.get("scored_on") is not None else "–"
            if code == "line_low":
                parts.append(t("line_low", line=line(ln), score=f.latest_line(ln), date=when))
            else:
                h = f.line_history.get(ln, [])
                parts.append(t("line_declining", line=line(ln), before=h[-2], after=h[-1],
                               date=when))
        return "; ".join(parts) + "."
    if code == "no_exit_plan":
        return t("no_exit_plan")
    if code == "behind_plan":   # the programme plan (dorp/plan.py)
        nxt = plan.next_stage(f.step, f.status)
        due = f.plan.get(nxt) if nxt else None
        if due is not None:
            days = (today - due).days
            if nxt == "completed":
                return t("behind_plan_completed", date=day(due), days=days)
            return t("behind_plan", n=nxt, date=day(due), days=days, now=f.step)
    if code == "working_group_quiet":
        parts = []
        for g in f.burgerkracht.quiet_groups(today):
            key = "group_quiet" if g.last_contact else "group_quiet_never"
            parts.append(t(key, name=g.name, days=g.days_quiet(today), date=day(g.quiet_since())))
        return "; ".join(parts)
    if code == "stale":
        days = rules.days_quiet(f, today)
        if days is None:
            return t("stale_never")
        return t("stale", days=days, date=day(f.last_activity))
    return i18n.label("alert", code, lang)


def _gate_sentence(f: rules.PilotFacts, items: list[str], lang: str) -> str:
    t = lambda key, **kw: i18n.t(f"dashboard.why.{key}", lang, **kw)  # noqa: E731
    labels = [i18n.label("gate", m, lang) for m in items]
    missing = "; ".join(m[:1].lower() + m[1:] for m in labels)
    stage = step_name(rules.current_stage(f), lang)
    if f.entered_on is None:
        return t("gate_unmet_today", stage=stage, missing=missing)
    return t("gate_unmet", stage=stage, date=i18n.fmt_date(f.entered_on, lang), missing=missing)


def causes(village_id: int, f: rules.PilotFacts, today: date, latest: pd.DataFrame | None,
           lang: str = i18n.DEFAULT_LANG) -> list[Cause]:
    """The causes behind the pilot's alerts, each once, most urgent first (the order of
    method.ALERTS of the most urgent code a cause explains)."""
    codes = rules.alerts(f, today)
    if not codes:
        return []
    lf = _line_facts(latest, village_id)
    found: dict[str, Cause] = {}

    def cause(key: str) -> Cause:
        if key not in found:
            step, page, tab = CAUSES[key]
            query = {"village_id": str(village_id)}
            if tab:
                query["tab"] = tab
            found[key] = Cause(key=key, title=i18n.label("cause", key, lang),
                               step=step_name(step, lang) if step else "",
                               page=PAGES[page], query=query,
                               fix=i18n.t(f"dashboard.fix.{page}", lang))
        return found[key]

    for code in codes:
        if code == "gate_unmet":
            continue
        c = cause(CAUSE_OF_ALERT[code])
        c.codes.append(code)
        c.sentences.append(explain(code, f, today, lf, lang))
    if "gate_unmet" in codes:
        by_cause: dict[str, list[str]] = {}
        for item in rules.gate_missing(f):
            by_cause.setdefault(CAUSE_OF_GATE[item], []).append(item)
        for key, items in by_cause.items():
            c = cause(key)
            c.codes.append("gate_unmet")
            c.sentences.append(_gate_sentence(f, items, lang))
    order = {code: i for i, code in enumerate(ALERTS)}
    return sorted(found.values(), key=lambda c: (min(order[x] for x in c.codes),
                                                 list(CAUSES).index(c.key)))


def reasons(village_id: int, f: rules.PilotFacts, today: date, latest: pd.DataFrame | None,
            lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str]]:
    """(code, sentence) for every alert of the pilot, most urgent first (method.ALERTS order)."""
    codes = sorted(rules.alerts(f, today), key=ALERTS.index)
    lf = _line_facts(latest, village_id)
    return [(c, explain(c, f, today, lf, lang)) for c in codes]


def ranked(pilots: pd.DataFrame, facts: dict, today: date, latest: pd.DataFrame | None,
           lang: str = i18n.DEFAULT_LANG, limit: int | None = None) -> list[dict]:
    """Pilots with alerts, most urgent first: [{village_id, village, municipality, step,
    status, stage (the step in words), causes: [Cause]}]. `pilots` is already ranked
    (dashboard.programme)."""
    out = []
    for r in pilots.itertuples():
        if not r.alerts:
            continue
        f = facts[r.village_id]
        out.append({"village_id": int(r.village_id), "village": r.village,
                    "municipality": r.municipality, "step": int(r.step), "status": r.status,
                    "stage": step_name(rules.current_stage(f), lang),
                    "causes": causes(int(r.village_id), f, today, latest, lang)})
        if limit is not None and len(out) >= limit:
            break
    return out
