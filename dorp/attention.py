""""Aandacht nodig": each alert of a pilot in plain words, with the fact behind it (which
line, which meeting, how many days). Pure functions: facts in, sentences out.

The alert codes and their conditions are those of INTERFACES.md, computed by dorp.rules;
this module only explains them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dorp import i18n, plan, rules
from dorp.method import ALERTS


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


def explain(code: str, f: rules.PilotFacts, today: date, line_facts: dict[str, dict],
            lang: str = i18n.DEFAULT_LANG) -> str:
    """One alert of one pilot as a sentence with its fact."""
    t = lambda key, **kw: i18n.t(f"dashboard.why.{key}", lang, **kw)  # noqa: E731
    party = lambda p: i18n.label("party", p, lang).lower()  # noqa: E731
    line = lambda ln: i18n.label("line", ln, lang)  # noqa: E731
    day = lambda d: i18n.fmt_date(d, lang)  # noqa: E731
    if code == "mbc_no_go":
        return t("mbc_no_go", w=f.willingness, a=f.ability)
    if code == "gate_unmet":
        stage = rules.current_stage(f)
        missing = [i18n.label("gate", m, lang) for m in rules.missing_for(stage, f)]
        return t("gate_unmet", stage=i18n.label("step_long", stage, lang),
                 missing="; ".join(m[:1].lower() + m[1:] for m in missing))
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
               if s is not None and s <= 2]
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
        return "; ".join(parts)
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
    if code == "stale":
        days = rules.days_quiet(f, today)
        if days is None:
            return t("stale_never")
        return t("stale", days=days, date=day(f.last_activity))
    return i18n.label("alert", code, lang)


def reasons(village_id: int, f: rules.PilotFacts, today: date, latest: pd.DataFrame | None,
            lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str]]:
    """(code, sentence) for every alert of the pilot, most urgent first (method.ALERTS order)."""
    codes = sorted(rules.alerts(f, today), key=ALERTS.index)
    lf = _line_facts(latest, village_id)
    return [(c, explain(c, f, today, lf, lang)) for c in codes]


def ranked(pilots: pd.DataFrame, facts: dict, today: date, latest: pd.DataFrame | None,
           lang: str = i18n.DEFAULT_LANG, limit: int | None = None) -> list[dict]:
    """Pilots with alerts, most urgent first: [{village_id, village, municipality, step,
    reasons: [(code, sentence)]}]. `pilots` is already ranked (dashboard.programme)."""
    out = []
    for r in pilots.itertuples():
        if not r.alerts:
            continue
        out.append({"village_id": int(r.village_id), "village": r.village,
                    "municipality": r.municipality, "step": int(r.step), "status": r.status,
                    "reasons": reasons(int(r.village_id), facts[r.village_id], today, latest, lang)})
        if limit is not None and len(out) >= limit:
            break
    return out

