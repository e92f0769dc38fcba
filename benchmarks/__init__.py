"""Benchmarks: each script prints its figures next to their bound (no timed tests)."""
