"""Production execution reads (P5)."""

DEPT = "production"
