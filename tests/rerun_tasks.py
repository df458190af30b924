"""Task functions for the re-run tests: one whose result changes from run to run."""

from __future__ import annotations

import itertools
from typing import Any

_calls = itertools.count()


def numbered(x: Any) -> tuple[Any, int]:
    """Not reproducible: each call returns a new number."""
    return x, next(_calls)
