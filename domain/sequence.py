"""The Sequence aggregate: a named, submittable subset of a scenario's tasks."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class Sequence(Entity):
    """A sequence of a scenario."""

    TOPIC = "ledgerflow.sequence"

    @event("Created", topic="ledgerflow.sequence.created")
    def __init__(
        self,
        id: str,
        scenario_id: str,
        name: str,
        task_ids: list[str],
        properties: dict[str, Any],
        version: str,
    ) -> None:
        self.scenario_id = scenario_id

    def delete(self) -> None:
        """Delete the sequence."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.sequence.deleted")
    def _deleted(self) -> None:
        pass
