"""Storage: the event store (SQLite or PostgreSQL), group commit, checkpoints, and blobs.

Names load lazily, so a module of this package (such as ``config_files``) imports alone.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    "AggregateNotFound": "ledgerflow.storage.errors",
    "BlobCorrupted": "ledgerflow.storage.errors",
    "BlobNotFound": "ledgerflow.storage.errors",
    "BlobRef": "ledgerflow.storage.blobs",
    "BlobStore": "ledgerflow.storage.blobs",
    "BlobStoreError": "ledgerflow.storage.errors",
    "CheckpointStore": "ledgerflow.storage.checkpoints",
    "CommittedGroup": "ledgerflow.storage.writer",
    "DomainEvent": "ledgerflow.storage.eventstore",
    "EventStore": "ledgerflow.storage.eventstore",
    "EventStoreError": "ledgerflow.storage.errors",
    "Group": "ledgerflow.storage.eventstore",
    "GroupCommitWriter": "ledgerflow.storage.writer",
    "LedgerMapper": "ledgerflow.storage.codec",
    "OrjsonTranscoder": "ledgerflow.storage.codec",
    "Record": "ledgerflow.storage.codec",
    "WriterClosed": "ledgerflow.storage.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ledgerflow.storage' has no attribute {name!r}")
    return getattr(import_module(module), name)
