"""Storage: the event store (SQLite or PostgreSQL), group commit, checkpoints, and blobs."""

from ledgerflow.storage.blobs import BlobRef, BlobStore
from ledgerflow.storage.checkpoints import CheckpointStore
from ledgerflow.storage.codec import LedgerMapper, OrjsonTranscoder, Record
from ledgerflow.storage.errors import (
    AggregateNotFound,
    BlobCorrupted,
    BlobNotFound,
    BlobStoreError,
    EventStoreError,
    WriterClosed,
)
from ledgerflow.storage.eventstore import DomainEvent, EventStore, Group
from ledgerflow.storage.writer import CommittedGroup, GroupCommitWriter

__all__ = [
    "AggregateNotFound",
    "BlobCorrupted",
    "BlobNotFound",
    "BlobRef",
    "BlobStore",
    "BlobStoreError",
    "CheckpointStore",
    "CommittedGroup",
    "DomainEvent",
    "EventStore",
    "EventStoreError",
    "Group",
    "GroupCommitWriter",
    "LedgerMapper",
    "OrjsonTranscoder",
    "Record",
    "WriterClosed",
]
