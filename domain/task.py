"""The Task aggregate: a function bound to its input and output data nodes."""

from __future__ import annotations

from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.version import Migratable


class TaskTopics:
    """The stored topics of a task and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.task"
    CREATED: Final = "ledgerflow.task.created"
    RESET: Final = "ledgerflow.task.reset"
    MIGRATED: Final = "ledgerflow.task.migrated"
    DELETED: Final = "ledgerflow.task.deleted"


class Task(Migratable):
    """A task entity, created once per (config, owner, version)."""

    TOPIC = TaskTopics.AGGREGATE

    @event("Created", topic=TaskTopics.CREATED)
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

    @event("Reset", topic=TaskTopics.RESET)
    def _reset(self, requested: str) -> None:
        pass

    class Migrated(Migratable.Migrated):
        TOPIC = TaskTopics.MIGRATED

    class Deleted(Migratable.Deleted):
        TOPIC = TaskTopics.DELETED
