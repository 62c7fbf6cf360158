"""Quality execution reads (P5)."""

DEPT = "quality"
