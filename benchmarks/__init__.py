"""Benchmarks: scripts that print their figures (``--json`` for scripts)."""
