"""The Cycle aggregate: a period (day, week, month, quarter, year) grouping scenarios."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class CycleTopics:
    """The stored topics of a cycle and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.cycle"
    CREATED: Final = "ledgerflow.cycle.created"
    DELETED: Final = "ledgerflow.cycle.deleted"


class Cycle(Entity):
    """A cycle of a frequency, from ``start`` to ``end`` (inclusive)."""

    TOPIC = CycleTopics.AGGREGATE

    @event("Created", topic=CycleTopics.CREATED)
    def __init__(
        self,
        id: str,
        frequency: int,
        name: str,
        start: datetime,
        end: datetime,
        creation_date: datetime,
        properties: dict[str, Any],
        version: str,
        key: str,
    ) -> None:
        self.frequency = frequency
        self.key = key

    def delete(self) -> None:
        """Delete the cycle."""
        self._deleted()

    @event("Deleted", topic=CycleTopics.DELETED)
    def _deleted(self) -> None:
        pass
