"""SQL fragments that restrict a query to the villages a user may see."""

from __future__ import annotations

from dorp.access import User, village_scope


def village_filter(user: User, column: str = "v.id") -> tuple[str, list]:
    """(' AND <column> IN (...)', params) for the user's scope; lead: no restriction."""
    scope = village_scope(user)
    if scope is None:
        return "", []
    if not scope:
        return " AND FALSE", []
    return f" AND {column} IN ({', '.join('?' for _ in scope)})", sorted(scope)
