"""Procurement execution reads (P5)."""

DEPT = "procurement"
