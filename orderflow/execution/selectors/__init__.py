"""Execution reads (P5), one module per department."""
