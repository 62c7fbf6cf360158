"""Logistics execution reads (P5)."""

DEPT = "logistics"
