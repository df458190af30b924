"""The Sequence aggregate: a named, submittable subset of a scenario's tasks."""

from __future__ import annotations

from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class SequenceTopics:
    """The stored topics of a sequence and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.sequence"
    CREATED: Final = "ledgerflow.sequence.created"
    DELETED: Final = "ledgerflow.sequence.deleted"


class Sequence(Entity):
    """A sequence of a scenario."""

    TOPIC = SequenceTopics.AGGREGATE

    @event("Created", topic=SequenceTopics.CREATED)
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

    @event("Deleted", topic=SequenceTopics.DELETED)
    def _deleted(self) -> None:
        pass
