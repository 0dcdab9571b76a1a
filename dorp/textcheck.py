"""The check before sending: the texts a lead writes for the funder (progress text, lessons,
the explanation beside the plan) that contradict the pilot's state, are missing, or are the
same for several pilots. Pure functions; the funder page (for leads), the budget page and
`dorp report` (on stderr) list the findings before a report is made. Nothing is refused:
the lead decides.

What counts:
- contradicts: the text says the pilot is "in stap N" while it stands at another step, or is
  completed or stopped; or it says the pilot/project is completed (afgerond, voltooid) or
  stopped (gestopt, beëindigd) while it is not;
- missing: no progress text or no lessons; a pilot behind its plan without an explanation;
- same: the same text (ignoring case, spacing and the pilot's own village name) for two or
  more pilots - a template left as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dorp import i18n

FIELDS: tuple[str, ...] = ("progress_text", "lessons", "explanation")
KINDS: tuple[str, ...] = ("contradicts", "missing", "same")

_NUMBERS = {"1": 1, "2": 2, "3": 3, "4": 4, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4}
_IN_STEP = re.compile(r"\bin\s+stap\s+(1|2|3|4|een|één|twee|drie|vier)\b", re.IGNORECASE)
_DONE = re.compile(r"\b(pilot|project)\b[^.!?\n]{0,40}?\b(afgerond|voltooid)\b", re.IGNORECASE)
_STOPPED = re.compile(r"\b(pilot|project)\b[^.!?\n]{0,40}?\b(gestopt|beëindigd)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    village: str
    field: str        # progress_text | lessons | explanation
    kind: str         # contradicts | missing | same
    code: str         # which rule: step, completed_says_step, done_word, stopped_word, ...
    params: tuple = ()  # (name, value) pairs for the message

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return i18n.t(f"check.{self.code}", lang, **dict(self.params))


def _plain(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def contradictions(village: str, step: int, status: str, field: str, text: str) -> list[Finding]:
    """What the text says about where the pilot stands, against where it stands."""
    out = []
    said = sorted({_NUMBERS[m.group(1).lower()] for m in _IN_STEP.finditer(text)})
    if said:
        if status in ("completed", "stopped"):
            out.append(Finding(village, field, "contradicts", f"{status}_says_step",
                               (("said", ", ".join(map(str, said))),)))
        elif any(n != int(step) for n in said):
            out.append(Finding(village, field, "contradicts", "step",
                               (("said", ", ".join(map(str, said))), ("step", int(step)))))
    if status != "completed" and _DONE.search(text):
        out.append(Finding(village, field, "contradicts", "done_word",
                           (("status", status),)))
    if status != "stopped" and _STOPPED.search(text):
        out.append(Finding(village, field, "contradicts", "stopped_word",
                           (("status", status),)))
    return out


def _normal(text: str, village: str) -> str:
    t = text.lower()
    if village:
        t = t.replace(village.lower(), "{dorp}")
    t = re.sub(r"\s+", " ", t)
    return t.strip(" .!")


def check(pilots: list[dict]) -> list[Finding]:
    """Findings for the given pilots. Each pilot: village, step, status, progress_text,
    lessons, and optionally explanation and behind (bool: behind its plan)."""
    out: list[Finding] = []
    seen: dict[tuple[str, str], list[str]] = {}
    for p in pilots:
        village = p["village"]
        for field in FIELDS:
            if field not in p:
                continue
            text = _plain(p.get(field))
            if not text:
                if field != "explanation":
                    out.append(Finding(village, field, "missing", "missing"))
                elif p.get("behind"):
                    out.append(Finding(village, field, "missing", "behind_unexplained"))
                continue
            out += contradictions(village, p["step"], p["status"], field, text)
            seen.setdefault((field, _normal(text, village)), []).append(village)
    for p in pilots:
        village = p["village"]
        for field in FIELDS:
            text = _plain(p.get(field))
            if not text:
                continue
            same = seen.get((field, _normal(text, village)), [])
            if len(same) >= 2:
                others = [v for v in same if v != village]
                out.append(Finding(village, field, "same", "same",
                                   (("n", len(others)), ("others", ", ".join(others)))))
    order = {k: i for i, k in enumerate(KINDS)}
    names = [p["village"] for p in pilots]
    return sorted(out, key=lambda f: (names.index(f.village) if f.village in names else 0,
                                      FIELDS.index(f.field), order[f.kind]))
