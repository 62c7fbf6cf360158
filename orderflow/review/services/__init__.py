"""Review writes (P3)."""
