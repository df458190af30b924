"""The Task aggregate: a function bound to its input and output data nodes."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class Task(Entity):
    """A task entity, created once per (config, owner, version)."""

    TOPIC = "ledgerflow.task"

    @event("Created", topic="ledgerflow.task.created")
    def __init__(
        self,
        id: str,
        config_id: str,
        owner_id: str | None,
        input_ids: list[str],
        output_ids: list[str],
        function: str,
        skippable: bool,
        properties: dict[str, Any],
        version: str,
        key: str,
    ) -> None:
        self.config_id = config_id
        self.key = key

    def delete(self) -> None:
        """Delete the task (its history stays in the log)."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.task.deleted")
    def _deleted(self) -> None:
        pass
