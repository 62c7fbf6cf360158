"""Review rules as plain Python (P3): typed opinions, the overall outcome, major orders."""
