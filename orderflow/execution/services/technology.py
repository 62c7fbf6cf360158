"""Technology execution services (P5). Owned by the technology module."""

DEPT = "technology"


def completion_blockers(package) -> list[str]:
    """Why the technology package cannot be done yet (empty: it can)."""
    return []
