"""Drug tests as records of their own, and DRR / ATR orders (issue 12 part 2; ADR 0024)."""
