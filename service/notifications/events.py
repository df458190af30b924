"""Events delivered from the log: what was created, updated, deleted, written, and every job transition.

Every event is read back from the log — never from in-memory notifications — so a consumer in
another process sees the same events in the same order, and a named consumer resumes after a
restart from the position it saved. Events use Taipy's vocabulary (``EventEntityType``,
``EventOperation``, ``attribute_name``) plus their log ``position`` and ``topic``.

- ``lf.on_event(callback, entity_type=..., operation=..., ...)``: this process's thread calls
  ``callback(event)`` for every new matching event; ``.stop()`` ends it.
- ``lf.EventConsumer(name)``: read the log from any process (it needs no session): ``poll()``
  then ``commit()``, or ``run(callback)``; the position is saved under ``name`` in the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.service import session
from ledgerflow.service.stores import open_reader
from ledgerflow.storage.codec import Record
from ledgerflow.storage.eventstore import EventStore

log = logging.getLogger("ledgerflow")

_CHECKPOINT_PREFIX = "events:"
PAGE = 500


class EventEntityType(IntEnum):
    """What kind of entity an event is about (Taipy's values, plus VERSION)."""

    CYCLE = 1
    SCENARIO = 2
    SEQUENCE = 3
    TASK = 4
    DATA_NODE = 5
    JOB = 6
    SUBMISSION = 7
    VERSION = 8


class EventOperation(IntEnum):
    """What happened to the entity (Taipy's values)."""

    CREATION = 1
    UPDATE = 2
    DELETION = 3
    SUBMISSION = 4


_KINDS = {
    "cycle": EventEntityType.CYCLE,
    "scenario": EventEntityType.SCENARIO,
    "sequence": EventEntityType.SEQUENCE,
    "task": EventEntityType.TASK,
    "datanode": EventEntityType.DATA_NODE,
    "job": EventEntityType.JOB,
    "submission": EventEntityType.SUBMISSION,
    "version": EventEntityType.VERSION,
}
# topic suffix -> (attribute name, how to get its value from the record)
_ATTRIBUTES: dict[str, tuple[str, Callable[[Record], Any]]] = {
    "job.status_changed": ("status", lambda r: Status(r.payload["status"])),
    "submission.status_changed": ("submission_status", lambda r: SubmissionStatus(r.payload["status"])),
    "datanode.written": ("last_edit_date", lambda r: r.timestamp),
    "datanode.locked": ("edit_in_progress", lambda r: True),
    "datanode.unlocked": ("edit_in_progress", lambda r: False),
    "scenario.tagged": ("tags", lambda r: r.payload["tag"]),
    "scenario.untagged": ("tags", lambda r: r.payload["tag"]),
    "scenario.primary_changed": ("is_primary", lambda r: r.payload["is_primary"]),
}


@dataclass(frozen=True)
class Event:
    """One event of the log, in Taipy's terms; ``payload`` is everything the event recorded."""

    entity_type: EventEntityType | None
    operation: EventOperation
    entity_id: str
    attribute_name: str | None
    attribute_value: Any
    metadata: dict[str, Any]
    creation_date: datetime
    position: int
    topic: str
    payload: dict[str, Any] = field(repr=False)


def events_of(record: Record) -> list[Event]:
    """The events a log record stands for: one, or two for a job created SKIPPED (its creation, then its status)."""
    event = event_of(record)
    if record.topic != "ledgerflow.job.created" or record.payload.get("status", 1) == Status.SUBMITTED:
        return [event]
    status = Status(record.payload["status"])
    return [event, replace(event, operation=EventOperation.UPDATE, attribute_name="status", attribute_value=status)]


def event_of(record: Record) -> Event:
    """The event a log record stands for."""
    kind, _, what = record.topic.removeprefix("ledgerflow.").partition(".")
    entity_id = record.originator_id
    if kind == "version":
        entity_id = entity_id.removeprefix("VERSION_")
    attribute, value = None, None
    if what == "created":
        operation = EventOperation.CREATION
    elif what == "deleted":
        operation = EventOperation.DELETION
    else:
        operation = EventOperation.UPDATE
        attribute, read = _ATTRIBUTES.get(f"{kind}.{what}", (what, lambda r: r.payload))
        value = read(record)
    return Event(
        _KINDS.get(kind),
        operation,
        entity_id,
        attribute,
        value,
        dict(record.meta),
        record.timestamp,
        record.position,
        record.topic,
        dict(record.payload),
    )


@dataclass(frozen=True)
class EventFilter:
    """Which events a consumer wants; None matches anything."""

    entity_type: EventEntityType | None = None
    entity_id: str | None = None
    operation: EventOperation | None = None
    attribute_name: str | None = None
    topic: str | None = None

    def matches(self, event: Event) -> bool:
        """Whether ``event`` passes every given criterion (``topic`` may end with ``*``)."""
        if self.topic is not None:
            wanted = self.topic
            if not (event.topic.startswith(wanted[:-1]) if wanted.endswith("*") else event.topic == wanted):
                return False
        return (
            (self.entity_type is None or event.entity_type is self.entity_type)
            and (self.entity_id is None or event.entity_id == self.entity_id)
            and (self.operation is None or event.operation is self.operation)
            and (self.attribute_name is None or event.attribute_name == self.attribute_name)
        )


class EventConsumer:
    """Reads the log's events in order from a position, in any process.

    ``name``: the position is saved under it by ``commit()`` and resumed by the next consumer of
    that name. ``since``: start after this position instead (0: the beginning of the log).
    ``storage_folder``/``event_store``: which store (default: the configured one).
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        since: int | None = None,
        storage_folder: str | None = None,
        event_store: str | None = None,
        entity_type: EventEntityType | None = None,
        entity_id: str | None = None,
        operation: EventOperation | None = None,
        attribute_name: str | None = None,
        topic: str | None = None,
        store: EventStore | None = None,
    ) -> None:
        self.name = name
        self.filter = EventFilter(entity_type, entity_id, operation, attribute_name, topic)
        self._owns_store = store is None
        self.store = store if store is not None else _open_store(storage_folder, event_store)
        saved = self.store.checkpoints.load(_CHECKPOINT_PREFIX + name) if name and since is None else None
        self.position: int = since if since is not None else (saved[0] if saved is not None else 0)

    def latest_position(self) -> int:
        """The position of the last event in the log now."""
        return self.store.max_position()

    def poll(self, limit: int = PAGE) -> list[Event]:
        """The next matching events (reading at most ``limit`` records); the position moves past them."""
        records = self.store.read(after=self.position, limit=limit)
        if records:
            self.position = records[-1].position
        events = (e for r in records for e in events_of(r))
        return [e for e in events if self.filter.matches(e)]

    def commit(self) -> None:
        """Save the position under the consumer's name (a restart resumes after it)."""
        if self.name:
            self.store.checkpoints.save(_CHECKPOINT_PREFIX + self.name, self.position, b"")

    def run(self, callback: Callable[[Event], Any], stop: threading.Event, interval: float = 0.1) -> None:
        """Call ``callback`` for every matching event until ``stop`` is set; commit after each batch."""
        while not stop.is_set():
            events = self.poll()
            for event in events:
                callback(event)
            self.commit()
            if not events and self.position >= self.latest_position():
                stop.wait(interval)

    def close(self) -> None:
        """Release the store (if this consumer opened it)."""
        if self._owns_store:
            self.store.close()


def _open_store(storage_folder: str | None, event_store: str | None) -> EventStore:
    folder = storage_folder or Config.core.storage_folder
    return open_reader(folder, event_store or Config.core.event_store).store


class EventSubscription:
    """A thread of this process delivering new events of the log to a callback."""

    def __init__(self, callback: Callable[[Event], Any], since: int | None, **criteria: Any) -> None:
        self.runtime = session.current().runtime
        start = self.runtime.store.max_position() if since is None else since
        self.consumer = EventConsumer(since=start, store=self.runtime.store, **criteria)
        self.callback = callback
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.runtime.commit_listeners.append(self._wake.set)
        self._thread = threading.Thread(target=self._follow, name="ledgerflow-events", daemon=True)
        self._thread.start()

    @property
    def position(self) -> int:
        """The position of the last event read."""
        return self.consumer.position

    def _follow(self) -> None:
        while not self._stop.is_set() and not self.runtime.closed:
            self._wake.clear()
            try:
                events = self.consumer.poll()
            except Exception:
                if self.runtime.closed:
                    return
                log.exception("Reading events from the log failed")
                events = []
            for event in events:
                try:
                    self.callback(event)
                except Exception:
                    log.exception("An event callback failed on event %s", event.position)
            if not events and self.consumer.position >= self.consumer.latest_position():
                self._wake.wait(0.1)  # woken by this process's commits; polls for other processes'

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop delivering events (those already read are delivered first)."""
        self._stop.set()
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        if self._wake.set in self.runtime.commit_listeners:
            self.runtime.commit_listeners.remove(self._wake.set)


def on_event(
    callback: Callable[[Event], Any],
    *,
    entity_type: EventEntityType | None = None,
    entity_id: str | None = None,
    operation: EventOperation | None = None,
    attribute_name: str | None = None,
    topic: str | None = None,
    since: int | None = None,
) -> EventSubscription:
    """Call ``callback(event)`` for every new event of the log matching the criteria, in log order.

    Events of other processes sharing the store are delivered too. ``since``: also deliver the
    events after this position (default: only those recorded from now on).
    """
    return EventSubscription(
        callback,
        since,
        entity_type=entity_type,
        entity_id=entity_id,
        operation=operation,
        attribute_name=attribute_name,
        topic=topic,
    )
