"""The Compaction aggregate: a record, in the log, of data payloads removed by ``ledgerflow compact``.

The log itself is never compacted; only payloads that no kept write references are taken out of
the blob store. This event says which ones, under which policy, and where they were archived,
so an audit can tell why an old value can no longer be read.
"""

from __future__ import annotations

from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class CompactionTopics:
    """The stored topics of a compaction and its event (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.compaction"
    DONE: Final = "ledgerflow.compaction.done"


class Compaction(Entity):
    """One run of ``ledgerflow compact``."""

    TOPIC = CompactionTopics.AGGREGATE

    @event("Created", topic=CompactionTopics.DONE)
    def __init__(
        self,
        id: str,
        policy: dict[str, Any],
        position: int,
        removed: list[str],
        removed_bytes: int,
        archive: str | None,
    ) -> None:
        self.removed = removed
