"""The Version aggregate: an application version, its mode, the configs it ran with, its runs,
promotions, renames and the migrations that brought older entities up to it.

The aggregate id is ``VERSION_<name>``, so two processes creating the same version collide in
the store. A deleted or renamed version is *retired*; its name can be used again (``revive``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import LedgerflowError, NonExistingVersion, VersionIsNotProductionVersion

DEVELOPMENT = "development"
EXPERIMENT = "experiment"
PRODUCTION = "production"
MODES = (DEVELOPMENT, EXPERIMENT, PRODUCTION)


class Migratable(Entity):
    """An entity of an application version that migration functions change and that can be deleted:
    a data node, a task or a scenario.

    Its ``Migrated`` and ``Deleted`` events are declared here, once; each aggregate subclasses them
    to give them its own topic (``ledgerflow.task.migrated``...). An aggregate with a ``TOPIC`` that
    does not is refused when its class is defined.
    """

    @dataclass(frozen=True)  # as the metaclass makes it: said again for type checkers
    class Migrated(Entity.Event):
        """A migration function changed the entity, or the entity only moved to a new version."""

        function: str | None
        registered_for: str | None
        changes: dict[str, Any]
        from_version: str
        to_version: str

    class Deleted(Entity.Event):
        """The entity was deleted (its history stays in the log)."""

    def migrate(
        self,
        function: str | None,
        registered_for: str | None,
        changes: dict[str, Any],
        from_version: str,
        to_version: str,
    ) -> None:
        """Record one application of a migration function (registered for production version
        ``registered_for``): ``changes`` maps each changed attribute to ``{"old": ..., "new": ...}``,
        and the entity now belongs to production version ``to_version``. Without a function, the
        entity was only moved to ``to_version`` with the rest of ``from_version``."""
        self.trigger_event(
            self.Migrated,
            function=function,
            registered_for=registered_for,
            changes=changes,
            from_version=from_version,
            to_version=to_version,
        )

    def delete(self) -> None:
        """Delete the entity (its history stays in the log)."""
        self.trigger_event(self.Deleted)


class VersionTopics:
    """The stored topics of an application version and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.version"
    CREATED: Final = "ledgerflow.version.created"
    REVIVED: Final = "ledgerflow.version.revived"
    CONFIG_RECORDED: Final = "ledgerflow.version.config_recorded"
    STARTED: Final = "ledgerflow.version.started"
    MODE_CHANGED: Final = "ledgerflow.version.mode_changed"
    RENAMED: Final = "ledgerflow.version.renamed"
    MIGRATED: Final = "ledgerflow.version.migrated"
    DELETED: Final = "ledgerflow.version.deleted"


class Version(Entity):
    """An application version (development, experiment or production)."""

    TOPIC = VersionTopics.AGGREGATE

    @event("Created", topic=VersionTopics.CREATED)
    def __init__(self, id: str, name: str, mode: str, config: dict[str, Any], creation_date: datetime) -> None:
        self.name = name
        self.mode = mode
        self.retired = False

    def _check_live(self) -> None:
        if self.retired:
            raise NonExistingVersion(f"Version '{self.name}' does not exist.")

    def revive(self, mode: str, config: dict[str, Any], creation_date: datetime) -> None:
        """Use the name of a deleted or renamed version again, for a new version."""
        if not self.retired:
            raise LedgerflowError(f"Version name '{self.name}' is already used.")
        self._revived(self.name, mode, config, creation_date)

    @event("Revived", topic=VersionTopics.REVIVED)
    def _revived(self, name: str, mode: str, config: dict[str, Any], creation_date: datetime) -> None:
        self.mode = mode
        self.retired = False

    def record_config(self, config: dict[str, Any], forced: bool) -> None:
        """Record the config the version now runs with (``forced``: it overrode a conflicting one)."""
        self._check_live()
        self._config_recorded(config, forced)

    @event("ConfigRecorded", topic=VersionTopics.CONFIG_RECORDED)
    def _config_recorded(self, config: dict[str, Any], forced: bool) -> None:
        pass

    def start(self) -> None:
        """Record that an application run started under this version (it becomes the latest)."""
        self._check_live()
        self._started(self.mode)

    @event("Started", topic=VersionTopics.STARTED)
    def _started(self, mode: str) -> None:
        pass

    def promote(self) -> None:
        """Make the version a production version (nothing is recorded if it already is one)."""
        self._check_live()
        if self.mode != PRODUCTION:
            self._mode_changed(PRODUCTION)

    def demote(self) -> None:
        """Remove the version from the production versions: it becomes an experiment version."""
        self._check_live()
        if self.mode != PRODUCTION:
            raise VersionIsNotProductionVersion(f"Version '{self.name}' is not a production version.")
        self._mode_changed(EXPERIMENT)

    @event("ModeChanged", topic=VersionTopics.MODE_CHANGED)
    def _mode_changed(self, mode: str) -> None:
        self.mode = mode

    def rename(self, new_name: str) -> None:
        """Give the version and its entities a new name; this record retires (the new name's takes over)."""
        self._check_live()
        if not new_name or new_name == self.name:
            raise LedgerflowError(f"Give version '{self.name}' a new, non-empty name.")
        self._renamed(new_name)

    @event("Renamed", topic=VersionTopics.RENAMED)
    def _renamed(self, new_name: str) -> None:
        self.retired = True

    def record_migration(self, from_version: str, functions: dict[str, list[str]], entities: int) -> None:
        """Record that the entities of the older production version ``from_version`` now belong to this
        one, brought up by ``functions`` (config id -> migration functions applied, in order)."""
        self._check_live()
        if self.mode != PRODUCTION:
            raise VersionIsNotProductionVersion(
                f"Version '{self.name}' is not a production version: only production versions receive migrations."
            )
        if from_version == self.name:
            raise LedgerflowError(f"Version '{self.name}' cannot be migrated to itself.")
        self._migrated(from_version, functions, entities)

    @event("Migrated", topic=VersionTopics.MIGRATED)
    def _migrated(self, from_version: str, functions: dict[str, list[str]], entities: int) -> None:
        pass

    def delete(self) -> None:
        """Delete the version record (entities are deleted by their own events)."""
        self._check_live()
        self._deleted()

    @event("Deleted", topic=VersionTopics.DELETED)
    def _deleted(self) -> None:
        self.retired = True
