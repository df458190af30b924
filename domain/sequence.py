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
    UPDATED: Final = "ledgerflow.sequence.updated"
    RECREATED: Final = "ledgerflow.sequence.recreated"
    PROPERTY_SET: Final = "ledgerflow.sequence.property_set"


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

    def update(self, task_ids: list[str], properties: dict[str, Any]) -> None:
        """Replace the sequence's tasks and properties."""
        self._updated(task_ids, properties)

    @event("Updated", topic=SequenceTopics.UPDATED)
    def _updated(self, task_ids: list[str], properties: dict[str, Any]) -> None:
        pass

    def recreate(
        self, scenario_id: str, name: str, task_ids: list[str], properties: dict[str, Any], version: str
    ) -> None:
        """Define again a deleted sequence (its id is its name's, so re-adding a name reuses it)."""
        self._recreated(scenario_id, name, task_ids, properties, version)

    @event("Recreated", topic=SequenceTopics.RECREATED)
    def _recreated(
        self, scenario_id: str, name: str, task_ids: list[str], properties: dict[str, Any], version: str
    ) -> None:
        self.scenario_id = scenario_id

    def set_property(self, key: str, value: Any) -> None:
        """Set one property; None removes it."""
        self._property_set(key, value)

    @event("PropertySet", topic=SequenceTopics.PROPERTY_SET)
    def _property_set(self, key: str, value: Any) -> None:
        pass

    def delete(self) -> None:
        """Delete the sequence."""
        self._deleted()

    @event("Deleted", topic=SequenceTopics.DELETED)
    def _deleted(self) -> None:
        pass
