"""Waiting for other processes' events: polling the log's end (SQLite, and PostgreSQL's fallback)."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["POLL_INTERVAL", "poll_until_past"]

#: How often the log's end is read while waiting (``max(rowid)``: one index lookup).
POLL_INTERVAL = 0.02


def poll_until_past(after: int, deadline: float, max_position: Callable[[], int]) -> bool:
    """Until ``max_position()`` passes ``after`` (True) or ``time.monotonic()`` reaches ``deadline`` (False)."""
    while max_position() <= after:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(POLL_INTERVAL, remaining))
    return True
