"""Release writes (P4.2)."""
