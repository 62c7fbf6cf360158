"""Production execution services (P5). Owned by the production module."""

DEPT = "production"


def completion_blockers(package) -> list[str]:
    """Why the production package cannot be done yet (empty: it can)."""
    return []
