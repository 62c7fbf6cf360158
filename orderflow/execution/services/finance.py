"""Finance execution services (P5). Owned by the finance module."""

DEPT = "finance"


def completion_blockers(package) -> list[str]:
    """Why the finance package cannot be done yet (empty: it can)."""
    return []
