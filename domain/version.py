"""The Version aggregate: an application version, its mode and the configs it ran with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity

DEVELOPMENT = "development"
EXPERIMENT = "experiment"
PRODUCTION = "production"
MODES = (DEVELOPMENT, EXPERIMENT, PRODUCTION)


class Version(Entity):
    """An application version (development, experiment or production)."""

    TOPIC = "ledgerflow.version"

    @event("Created", topic="ledgerflow.version.created")
    def __init__(self, id: str, name: str, mode: str, config: dict[str, Any], creation_date: datetime) -> None:
        self.name = name
        self.mode = mode

    def record_config(self, config: dict[str, Any], forced: bool) -> None:
        """Record the config the version now runs with."""
        self._config_recorded(config, forced)

    @event("ConfigRecorded", topic="ledgerflow.version.config_recorded")
    def _config_recorded(self, config: dict[str, Any], forced: bool) -> None:
        pass

    def change_mode(self, mode: str) -> None:
        """Promote or demote the version."""
        if mode != self.mode:
            self._mode_changed(mode)

    @event("ModeChanged", topic="ledgerflow.version.mode_changed")
    def _mode_changed(self, mode: str) -> None:
        self.mode = mode

    def delete(self) -> None:
        """Delete the version record (entities are deleted by their own events)."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.version.deleted")
    def _deleted(self) -> None:
        pass
