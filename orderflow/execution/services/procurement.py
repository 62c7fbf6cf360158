"""Procurement execution services (P5). Owned by the procurement module."""

DEPT = "procurement"


def completion_blockers(package) -> list[str]:
    """Why the procurement package cannot be done yet (empty: it can)."""
    return []
