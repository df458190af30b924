"""The Version aggregate: an application version, its mode, the configs it ran with, its runs,
promotions, renames and the migrations that brought older entities up to it.

The aggregate id is ``VERSION_<name>``, so two processes creating the same version collide in
the store. A deleted or renamed version is *retired*; its name can be used again (``revive``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import LedgerflowError, NonExistingVersion, VersionIsNotProductionVersion

DEVELOPMENT = "development"
EXPERIMENT = "experiment"
PRODUCTION = "production"
MODES = (DEVELOPMENT, EXPERIMENT, PRODUCTION)


class Migratable:
    """An aggregate that migration functions change (data node, task, scenario).

    Each aggregate declares its own ``_migrated`` event (its own topic); this is the command.
    """

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
        self._migrated(function, registered_for, changes, from_version, to_version)

    def _migrated(
        self,
        function: str | None,
        registered_for: str | None,
        changes: dict[str, Any],
        from_version: str,
        to_version: str,
    ) -> None:
        raise NotImplementedError


class Version(Entity):
    """An application version (development, experiment or production)."""

    TOPIC = "ledgerflow.version"

    @event("Created", topic="ledgerflow.version.created")
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

    @event("Revived", topic="ledgerflow.version.revived")
    def _revived(self, name: str, mode: str, config: dict[str, Any], creation_date: datetime) -> None:
        self.mode = mode
        self.retired = False

    def record_config(self, config: dict[str, Any], forced: bool) -> None:
        """Record the config the version now runs with (``forced``: it overrode a conflicting one)."""
        self._check_live()
        self._config_recorded(config, forced)

    @event("ConfigRecorded", topic="ledgerflow.version.config_recorded")
    def _config_recorded(self, config: dict[str, Any], forced: bool) -> None:
        pass

    def start(self) -> None:
        """Record that an application run started under this version (it becomes the latest)."""
        self._check_live()
        self._started(self.mode)

    @event("Started", topic="ledgerflow.version.started")
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

    @event("ModeChanged", topic="ledgerflow.version.mode_changed")
    def _mode_changed(self, mode: str) -> None:
        self.mode = mode

    def rename(self, new_name: str) -> None:
        """Give the version and its entities a new name; this record retires (the new name's takes over)."""
        self._check_live()
        if not new_name or new_name == self.name:
            raise LedgerflowError(f"Give version '{self.name}' a new, non-empty name.")
        self._renamed(new_name)

    @event("Renamed", topic="ledgerflow.version.renamed")
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

    @event("Migrated", topic="ledgerflow.version.migrated")
    def _migrated(self, from_version: str, functions: dict[str, list[str]], entities: int) -> None:
        pass

    def delete(self) -> None:
        """Delete the version record (entities are deleted by their own events)."""
        self._check_live()
        self._deleted()

    @event("Deleted", topic="ledgerflow.version.deleted")
    def _deleted(self) -> None:
        self.retired = True
