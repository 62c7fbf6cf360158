"""Technology execution reads (P5)."""

DEPT = "technology"
