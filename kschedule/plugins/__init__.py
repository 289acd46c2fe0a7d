"""Scheduler plugins: one module per upstream plugin (names, args, Python reference)."""
