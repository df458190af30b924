"""The DataNode aggregate: where a value lives and every write it received.

Values are never in events: a write records the content hash, size and location of the
payload, and who wrote it (a job or an editor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import DataNodeIsBeingEdited
from ledgerflow.domain.version import Migratable

EDIT_LOCK_DURATION = timedelta(minutes=30)


class DataNodeTopics:
    """The stored topics of a data node and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.datanode"
    CREATED: Final = "ledgerflow.datanode.created"
    LOCKED: Final = "ledgerflow.datanode.locked"
    UNLOCKED: Final = "ledgerflow.datanode.unlocked"
    WRITTEN: Final = "ledgerflow.datanode.written"
    MIGRATED: Final = "ledgerflow.datanode.migrated"
    DELETED: Final = "ledgerflow.datanode.deleted"


class DataNode(Migratable):
    """A data node; its edit lock is enforced on every write."""

    TOPIC = DataNodeTopics.AGGREGATE

    @event("Created", topic=DataNodeTopics.CREATED)
    def __init__(
        self,
        id: str,
        config_id: str,
        scope: int,
        storage_type: str,
        owner_id: str | None,
        properties: dict[str, Any],
        validity_period: float | None,
        version: str,
        key: str,
    ) -> None:
        self.config_id = config_id
        self.key = key
        self.editor_id: str | None = None
        self.editor_expiration: datetime | None = None
        self.locked = False

    def _check_not_locked_by_other(self, editor_id: str | None, now: datetime) -> None:
        held = self.locked and self.editor_id is not None and self.editor_id != editor_id
        if held and (self.editor_expiration is None or now < self.editor_expiration):
            raise DataNodeIsBeingEdited(
                f'DataNode "{self.config_id}" ({self.id}) is being edited by "{self.editor_id}" '
                f"until {self.editor_expiration}: wait, or ask them to unlock it."
            )

    def lock_edit(self, editor_id: str | None, now: datetime) -> None:
        """Take the edit lock (for 30 minutes when an editor is named)."""
        self._check_not_locked_by_other(editor_id, now)
        expires = now + EDIT_LOCK_DURATION if editor_id else None
        self._locked(editor_id, expires)

    @event("Locked", topic=DataNodeTopics.LOCKED)
    def _locked(self, editor_id: str | None, expires_at: datetime | None) -> None:
        self.locked = True
        self.editor_id = editor_id
        self.editor_expiration = expires_at

    def unlock_edit(self, editor_id: str | None, now: datetime) -> None:
        """Release the edit lock; another editor's unexpired lock is refused."""
        self._check_not_locked_by_other(editor_id, now)
        if self.locked:
            self._unlocked()

    @event("Unlocked", topic=DataNodeTopics.UNLOCKED)
    def _unlocked(self) -> None:
        self.locked = False
        self.editor_id = None
        self.editor_expiration = None

    def check_writable(self, editor_id: str | None, now: datetime) -> None:
        """Refuse a write while another editor holds the lock."""
        self._check_not_locked_by_other(editor_id, now)

    def record_write(
        self,
        content_hash: str,
        size: int,
        location: str,
        kind: str,
        now: datetime,
        job_id: str | None = None,
        editor_id: str | None = None,
        comment: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Record a new value; the edit lock is released by the write."""
        if job_id is None:
            self.check_writable(editor_id, now)
        self.trigger_event(
            self.Written,
            content_hash=content_hash,
            size=size,
            location=location,
            kind=kind,
            job_id=job_id,
            editor_id=editor_id,
            comment=comment,
            extra=extra or {},
        )

    @dataclass(frozen=True)  # an explicit class: jobs record many writes (no decorator argument matching)
    class Written(Entity.Event):
        """A new value: its content hash, size and location, and who wrote it."""

        TOPIC = DataNodeTopics.WRITTEN
        content_hash: str
        size: int
        location: str
        kind: str
        job_id: str | None
        editor_id: str | None
        comment: str | None
        extra: dict[str, Any]

        def apply(self, aggregate: DataNode) -> None:
            aggregate.locked = False
            aggregate.editor_id = None
            aggregate.editor_expiration = None

    class Migrated(Migratable.Migrated):
        TOPIC = DataNodeTopics.MIGRATED

    class Deleted(Migratable.Deleted):
        TOPIC = DataNodeTopics.DELETED
