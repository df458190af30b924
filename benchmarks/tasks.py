"""Trivial module-level task functions, so the benchmarks measure the engine and not the work."""

from __future__ import annotations


def inc(x: int) -> int:
    """One more than ``x``."""
    return x + 1
