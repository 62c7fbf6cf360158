"""Quality execution services (P5). Owned by the quality module."""

DEPT = "quality"


def completion_blockers(package) -> list[str]:
    """Why the quality package cannot be done yet (empty: it can)."""
    return []
