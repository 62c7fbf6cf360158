"""Approval writes (P4.1)."""
