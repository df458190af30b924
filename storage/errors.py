"""Errors of the storage layer; all are ``EventStoreError``s, so callers can catch one class."""

from __future__ import annotations

from ledgerflow.domain.errors import EventStoreError, IncompleteLog

__all__ = [
    "AggregateNotFound",
    "BlobCorrupted",
    "BlobNotFound",
    "BlobStoreError",
    "ChainBroken",
    "EventStoreError",
    "IncompleteLog",
    "WriterClosed",
]


class AggregateNotFound(EventStoreError, KeyError):
    """No events were recorded for the requested aggregate id (or version)."""

    def __str__(self) -> str:
        # KeyError would quote the message; show it as written.
        return str(self.args[0]) if self.args else ""


class WriterClosed(EventStoreError):
    """Events were submitted to a group-commit writer that has been closed."""


class BlobStoreError(EventStoreError):
    """A blob cannot be stored or read."""


class BlobNotFound(BlobStoreError, KeyError):
    """No blob with the requested hash is in the store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class BlobCorrupted(BlobStoreError):
    """A stored blob no longer matches its hash."""


class ChainBroken(EventStoreError):
    """The log no longer matches its hash chain: the store is not opened for writing."""
