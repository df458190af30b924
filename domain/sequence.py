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

    def update(self, task_ids: list[str], properties: dict[str, Any]) -> None:
        """Replace the sequence's tasks and properties."""
        self._updated(task_ids, properties)

    @event("Updated", topic="ledgerflow.sequence.updated")
    def _updated(self, task_ids: list[str], properties: dict[str, Any]) -> None:
        pass

    def recreate(
        self, scenario_id: str, name: str, task_ids: list[str], properties: dict[str, Any], version: str
    ) -> None:
        """Define again a deleted sequence (its id is its name's, so re-adding a name reuses it)."""
        self._recreated(scenario_id, name, task_ids, properties, version)

    @event("Recreated", topic="ledgerflow.sequence.recreated")
    def _recreated(
        self, scenario_id: str, name: str, task_ids: list[str], properties: dict[str, Any], version: str
    ) -> None:
        self.scenario_id = scenario_id

    def set_property(self, key: str, value: Any) -> None:
        """Set one property; None removes it."""
        self._property_set(key, value)

    @event("PropertySet", topic="ledgerflow.sequence.property_set")
    def _property_set(self, key: str, value: Any) -> None:
        pass

    def delete(self) -> None:
        """Delete the sequence."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.sequence.deleted")
    def _deleted(self) -> None:
        pass
