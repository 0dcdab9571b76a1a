"""Who may do what. Enforced in the data layer (dorp/repo), checked again by every page.

Roles (DOMAIN.md "Who uses the tool"):
- lead: every pilot, every action;
- steering: only their own village(s); may view them and add meeting notes, satisfaction,
  line scores, and the Burgerkrachtgenerator's conversations and contacts with working
  groups; correct and remove the meetings and actions they recorded themselves
  (can_change); never move steps or see other villages;
- funder: aggregate, anonymous views only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class AccessDenied(Exception):
    def __init__(self, message: str = "U heeft geen toegang tot dit onderdeel."):
        super().__init__(message)


@dataclass(frozen=True)
class User:
    username: str
    role: str  # lead | steering | funder
    village_ids: frozenset[int] = field(default_factory=frozenset)
    id: int | None = None

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


# The system user for command-line work done by whoever may open the database file.
SYSTEM = User("systeem", "lead")

# What each role may do, by capability. Pages and repo functions name a capability.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view_programme": frozenset({"lead"}),            # all pilots, people, notes
    "view_village": frozenset({"lead", "steering"}),   # one village's full dashboard
    "view_village_any": frozenset({"lead", "steering"}),  # pick one of own villages
    "edit_village": frozenset({"lead"}),               # steps, mBc, members, plans
    "add_meeting": frozenset({"lead", "steering"}),    # meeting notes and satisfaction
    "score_lines": frozenset({"lead", "steering"}),
    # Burgerkrachtgenerator: group conversations and contacts with working groups (issue 15)
    "record_burgerkracht": frozenset({"lead", "steering"}),
    "move_step": frozenset({"lead"}),
    "view_funder": frozenset({"lead", "funder"}),      # aggregates without personal data
    "edit_budget": frozenset({"lead"}),                # budget lines, texts for the funder
    "exchange": frozenset({"lead"}),                   # import / export / backup
    "manage_users": frozenset({"lead"}),
    "view_audit": frozenset({"lead"}),
}


def can(user: User | None, capability: str, village_id: int | None = None) -> bool:
    if user is None or user.role not in CAPABILITIES[capability]:
        return False
    if user.role == "steering" and capability not in ("view_funder", "view_village_any"):
        return village_id is not None and village_id in user.village_ids
    return True


def can_change(user: User | None, capability: str, village_id: int | None,
               created_by: str | None) -> bool:
    """Whether `user` may correct or remove one record of `village_id` that `created_by`
    recorded: a lead any record ("edit_village"); anyone else only what they recorded
    themselves, in a village where they hold `capability` (e.g. "add_meeting"). Versions and
    the audit log keep the old state either way."""
    if can(user, "edit_village", village_id):
        return True
    return (can(user, capability, village_id) and created_by is not None
            and created_by.casefold() == user.username.casefold())


def require_change(user: User | None, capability: str, village_id: int | None,
                   created_by: str | None) -> User:
    if not can_change(user, capability, village_id, created_by):
        if can(user, capability, village_id):
            raise AccessDenied("U kunt alleen wijzigen of verwijderen wat u zelf heeft "
                               "vastgelegd; vraag de programmaleider om de rest.")
        raise AccessDenied()
    assert user is not None
    return user


def role_can(user: User | None, capability: str) -> bool:
    """Whether the user's role has the capability at all (for menus; scope comes later)."""
    return user is not None and user.role in CAPABILITIES[capability]


def require(user: User | None, capability: str, village_id: int | None = None) -> User:
    if not can(user, capability, village_id):
        raise AccessDenied()
    assert user is not None
    return user


def village_scope(user: User) -> frozenset[int] | None:
    """Village ids this user may see in detail; None means all (lead)."""
    if user.role == "lead":
        return None
    if user.role == "steering":
        return user.village_ids
    return frozenset()
