"""PostgreSQL followers woken by ``LISTEN``: eventsourcing's recorder sends ``NOTIFY`` at every insert.

The channel is the events table's name (not schema-qualified), so a store may be woken by
another schema's inserts: a wake-up is only a reason to look at the log's end again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from ledgerflow.storage.new_events import poll_until_past

__all__ = ["PostgresListener"]


class PostgresListener:
    """One dedicated connection listening on a store's channel, shared by its waiters in turn."""

    def __init__(self, connect_kwargs: dict[str, Any], channel: str) -> None:
        self._kwargs = {k: v for k, v in connect_kwargs.items() if k != "row_factory"}
        self._channel = channel
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def wait(self, after: int, timeout: float, max_position: Callable[[], int]) -> bool:
        """Until ``max_position()`` passes ``after`` (True) or ``timeout`` seconds went by (False)."""
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=max(timeout, 0.0)):
            return max_position() > after
        try:
            conn = self._listening()
            while True:
                if max_position() > after:  # also covers inserts committed before LISTEN took effect
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                for _ in conn.notifies(timeout=min(remaining, 1.0), stop_after=1):
                    pass
        except psycopg.Error:
            self._drop()
            return poll_until_past(after, deadline, max_position)
        finally:
            self._lock.release()

    def _listening(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(**self._kwargs, autocommit=True)
            self._conn.execute(SQL("LISTEN {}").format(Identifier(self._channel)))
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Close the listening connection."""
        with self._lock:
            self._drop()
