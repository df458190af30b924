"""The Cycle aggregate: a period (day, week, month, quarter, year) grouping scenarios."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class Cycle(Entity):
    """A cycle of a frequency, from ``start`` to ``end`` (inclusive)."""

    TOPIC = "ledgerflow.cycle"

    @event("Created", topic="ledgerflow.cycle.created")
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

    def set_property(self, key: str, value: Any) -> None:
        """Set one property (``name`` included); None removes it."""
        self._property_set(key, value)

    @event("PropertySet", topic="ledgerflow.cycle.property_set")
    def _property_set(self, key: str, value: Any) -> None:
        pass

    def delete(self) -> None:
        """Delete the cycle."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.cycle.deleted")
    def _deleted(self) -> None:
        pass
