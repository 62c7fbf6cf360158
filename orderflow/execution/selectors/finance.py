"""Finance execution reads (P5)."""

DEPT = "finance"
