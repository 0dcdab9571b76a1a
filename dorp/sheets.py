"""The exchange format (INTERFACES.md "Exchange workbook"): one sheet per table.

`REQUIRED` are the promised columns, in order; `OPTIONAL` are the extra columns this app
adds (the format allows more columns). EXTRA sheets hold what the promised sheets do not
(the format allows more; a workbook without them simply has none of those records).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sheet:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    promised: bool = True  # listed in INTERFACES.md

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SHEETS: tuple[Sheet, ...] = (
    Sheet("programme", ("name", "funder", "start_date", "end_date"), ("is_demo",)),
    Sheet("villages", ("village", "municipality", "cbs_code", "population"), ("lat", "lon")),
    Sheet("pilots", ("village", "step", "status", "started_on"), ("progress_text", "lessons")),
    Sheet("votes", ("meeting_date", "municipality", "village", "votes", "chosen"), ("pitch_note",)),
    Sheet("consent", ("village", "party", "given_on"), ("given_by",)),
    Sheet("mbc", ("village", "assessed_on", "willingness", "ability", "source", "opportunities",
                  "resistances", "presented_village_on", "presented_municipality_on"),
          ("may_ok", "may_note", "willingness_source", "willingness_evidence", "ability_source",
           "ability_evidence")),
    Sheet("steering_members", ("village", "name", "organisation", "party", "role"),
          ("email", "from_date", "until_date")),
    Sheet("steering_meetings", ("village", "date", "municipality_satisfaction",
                                "community_satisfaction", "decisions"), ("notes",)),
    Sheet("line_scores", ("village", "line", "date", "score", "note"), ("evidence", "source")),
    Sheet("safeguarding", ("village", "exit_date", "successor", "notes"), ("handed_over",)),
    Sheet("budget", ("village", "category", "source", "budgeted", "spent"), ("period",)),
    # Extra sheets of this app.
    Sheet("start_meetings", ("meeting_date", "municipality"),
          ("residents_present", "seats", "tie_decision", "tie_reason", "note"), promised=False),
    Sheet("mbc_effects", ("village", "assessed_on", "stakeholder"),
          ("investment_kind", "amount", "expected_effect", "beneficiary"), promised=False),
    Sheet("partners", ("village", "partner_type"), ("name", "formal", "note"), promised=False),
    Sheet("actions", ("village", "meeting_date", "description"), ("who", "due_on", "done"),
          promised=False),
    Sheet("working_modes", ("village", "mode", "started_on"), ("ended_on", "reason"),
          promised=False),
    Sheet("initiatives", ("village", "name", "phase"), ("description", "since"), promised=False),
    Sheet("step_moves", ("village", "to_step", "to_status", "moved_on"),
          ("from_step", "from_status", "moved_by", "reason", "override"), promised=False),
)

BY_NAME = {s.name: s for s in SHEETS}
