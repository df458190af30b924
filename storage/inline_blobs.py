"""Small payloads kept in the event store's own database.

Creating a file per small value is the slowest part of a job on a busy disk (each create waits
for the file system journal). Values up to ``limit`` bytes are instead staged in memory and
inserted by the group-commit writer in the same transaction as the next batch of events — so a
value is durable no later than the event that records it, at no extra fsync.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledgerflow.storage.checkpoints import SqlRunner

__all__ = ["TABLE", "InlineBlobs"]

TABLE = "ledgerflow_blobs"
DEFAULT_LIMIT = 64 * 1024

Blob = tuple[str, bytes]


class InlineBlobs:
    """The ``ledgerflow_blobs(hash, data)`` table and the values waiting to be committed."""

    def __init__(self, runner: SqlRunner, limit: int = DEFAULT_LIMIT) -> None:
        self._runner = runner
        self._table = runner.qualify(TABLE)
        self.limit = limit
        self._lock = threading.Lock()
        self._staged: dict[str, bytes] = {}
        # Values of the transaction being committed: readable until it is, so a reader never finds
        # a value neither staged nor stored (kept until the next drain, which follows the commit).
        self._in_flight: dict[str, bytes] = {}

    def create_table(self) -> None:
        """Create the table if it does not exist."""
        blob = "BYTEA" if self._runner.dialect == "postgresql" else "BLOB"
        self._runner.run(
            f"CREATE TABLE IF NOT EXISTS {self._table} (hash TEXT PRIMARY KEY, data {blob} NOT NULL)",
            commit=True,
        )

    def stage(self, digest: str, data: bytes) -> None:
        """Keep a value until the writer commits it with the next batch."""
        with self._lock:
            self._staged[digest] = data

    def drain(self) -> list[Blob]:
        """Take every staged value (the writer inserts them)."""
        with self._lock:
            staged, self._staged = self._staged, {}
            self._in_flight = staged
        return list(staged.items())

    def restore(self, blobs: Sequence[Blob]) -> None:
        """Stage values again after their transaction failed."""
        with self._lock:
            for digest, data in blobs:
                self._staged.setdefault(digest, data)

    def get(self, digest: str) -> bytes | None:
        """A staged or stored value, or None."""
        with self._lock:
            staged = self._staged.get(digest)
            if staged is None:
                staged = self._in_flight.get(digest)
        if staged is not None:
            return staged
        rows = self._runner.run(f"SELECT data FROM {self._table} WHERE hash = ?", [digest])
        return bytes(rows[0][0]) if rows else None
