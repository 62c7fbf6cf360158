"""Logistics execution services (P5). Owned by the logistics module."""

DEPT = "logistics"


def completion_blockers(package) -> list[str]:
    """Why the logistics package cannot be done yet (empty: it can)."""
    return []
