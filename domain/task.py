"""The Task aggregate: a function bound to its input and output data nodes."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.version import Migratable


class Task(Migratable, Entity):
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

    def reset(self, requested: str) -> None:
        """Invalidate the task's outputs: its next job runs even if skippable.

        ``requested`` is the config id of the task the user reset (this one, or one upstream).
        Nothing is deleted: earlier values and runs stay in the log.
        """
        self._reset(requested)

    @event("Reset", topic="ledgerflow.task.reset")
    def _reset(self, requested: str) -> None:
        pass

    @event("Migrated", topic="ledgerflow.task.migrated")
    def _migrated(
        self,
        function: str | None,
        registered_for: str | None,
        changes: dict[str, Any],
        from_version: str,
        to_version: str,
    ) -> None:
        pass

    def delete(self) -> None:
        """Delete the task (its history stays in the log)."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.task.deleted")
    def _deleted(self) -> None:
        pass
