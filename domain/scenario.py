"""The Scenario aggregate: tags, primary flag and properties of one scenario."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.errors import UnauthorizedTagError
from ledgerflow.domain.version import Migratable


class ScenarioTopics:
    """The stored topics of a scenario and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.scenario"
    CREATED: Final = "ledgerflow.scenario.created"
    TAGGED: Final = "ledgerflow.scenario.tagged"
    UNTAGGED: Final = "ledgerflow.scenario.untagged"
    PRIMARY_CHANGED: Final = "ledgerflow.scenario.primary_changed"
    MIGRATED: Final = "ledgerflow.scenario.migrated"
    DELETED: Final = "ledgerflow.scenario.deleted"


class Scenario(Migratable):
    """A scenario: a DAG of tasks over data nodes, possibly in a cycle."""

    TOPIC = ScenarioTopics.AGGREGATE

    @event("Created", topic=ScenarioTopics.CREATED)
    def __init__(
        self,
        id: str,
        config_id: str,
        name: str | None,
        creation_date: datetime,
        cycle_id: str | None,
        task_ids: list[str],
        additional_data_node_ids: list[str],
        properties: dict[str, Any],
        is_primary: bool,
        version: str,
    ) -> None:
        self.config_id = config_id
        self.tags: set[str] = set()
        self.is_primary = is_primary

    def add_tag(self, tag: str, authorized_tags: list[str] | None) -> None:
        """Tag the scenario; ``authorized_tags`` of its config is enforced."""
        if authorized_tags is not None and tag not in authorized_tags:
            raise UnauthorizedTagError(
                f'Tag "{tag}" is not allowed on scenario {self.id}: '
                f"its config authorizes only {sorted(authorized_tags)}."
            )
        if tag not in self.tags:
            self._tagged(tag)

    @event("Tagged", topic=ScenarioTopics.TAGGED)
    def _tagged(self, tag: str) -> None:
        self.tags.add(tag)

    def remove_tag(self, tag: str) -> None:
        """Remove a tag (nothing is recorded if the scenario does not have it)."""
        if tag in self.tags:
            self._untagged(tag)

    @event("Untagged", topic=ScenarioTopics.UNTAGGED)
    def _untagged(self, tag: str) -> None:
        self.tags.discard(tag)

    def set_primary(self, is_primary: bool) -> None:
        """Make the scenario primary in its cycle, or not."""
        if is_primary != self.is_primary:
            self._primary_changed(is_primary)

    @event("PrimaryChanged", topic=ScenarioTopics.PRIMARY_CHANGED)
    def _primary_changed(self, is_primary: bool) -> None:
        self.is_primary = is_primary

    class Migrated(Migratable.Migrated):
        TOPIC = ScenarioTopics.MIGRATED

    class Deleted(Migratable.Deleted):
        TOPIC = ScenarioTopics.DELETED
