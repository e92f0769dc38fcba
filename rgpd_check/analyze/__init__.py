"""Analyze: pure functions from an evidence bundle to the facts document (no I/O but reads)."""
