"""Audit history: the events of an entity, or of the whole log, as typed records.

``history_of`` reads an entity's events straight from the log (by its id, so deleted entities
have a history too). For a **scenario** the history includes, by default, what happened *for*
it: its sequences, the tasks and data nodes it owns, its submissions and their jobs, and the
writes its jobs made to shared (CYCLE or GLOBAL) data nodes — but not what other scenarios did
to those shared nodes. A **sequence** brings its submissions and their jobs; a **submission**
its jobs. ``children=False`` gives the entity's own events only. Everything comes back in log
order.

``read_events`` filters the whole log by position or time (``since``/``until``, inclusive; times
are found as ``lf.as_of`` finds them), topic (a full topic or a prefix such as ``job`` or
``ledgerflow.job``) and entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ledgerflow.domain.errors import NonExistingEntity
from ledgerflow.domain.ids import entity_kind
from ledgerflow.service import session
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.timetravel.view import position_at
from ledgerflow.storage.codec import Record
from ledgerflow.storage.eventstore import EventStore

__all__ = ["LogEvent", "history", "history_of", "read_events", "scan"]

When = int | datetime
_PREFIX = "ledgerflow."
_SCAN_TOPICS = ("ledgerflow.sequence.created", "ledgerflow.submission.created")
_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One event of the log: where and when it was recorded, by whom, why, and what it says."""

    position: int
    time: datetime  # when the command was issued (UTC)
    entity_id: str
    entity_version: int  # the event's number within its entity: 1, 2, 3...
    topic: str
    actor: str | None
    correlation_id: str | None  # the submission it was recorded for, if any
    reason: str | None
    payload: dict[str, Any]

    @property
    def name(self) -> str:
        """The topic without its ``ledgerflow.`` prefix, e.g. ``job.status_changed``."""
        return self.topic.removeprefix(_PREFIX)

    def as_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict (``time`` in ISO 8601)."""
        return {
            "position": self.position,
            "time": self.time.isoformat(),
            "entity_id": self.entity_id,
            "entity_version": self.entity_version,
            "topic": self.topic,
            "actor": self.actor,
            "correlation_id": self.correlation_id,
            "reason": self.reason,
            "payload": self.payload,
        }

    @classmethod
    def from_record(cls, record: Record) -> LogEvent:
        """The event of one decoded log record."""
        meta = record.meta
        return cls(
            record.position,
            record.timestamp,
            record.originator_id,
            record.originator_version,
            record.topic,
            meta.get("actor"),
            meta.get("correlation_id"),
            meta.get("reason"),
            record.payload,
        )


def history(entity_or_id: EntityHandle | str, children: bool = True) -> list[LogEvent]:
    """Every event of an entity in log order, with position, time, actor, submission and reason.

    A scenario's history includes its sequences, the tasks and data nodes it owns, its
    submissions and jobs, and its jobs' writes to shared data nodes (``children=False``: only
    the scenario's own events). Deleted entities have a history too.
    """
    runtime = session.current().runtime
    runtime.flush()
    entity_id = entity_or_id if isinstance(entity_or_id, str) else entity_or_id.id
    return history_of(runtime.store, entity_id, children=children)


def history_of(store: EventStore, entity_id: str, *, children: bool = True) -> list[LogEvent]:
    """Every event of ``entity_id`` (and, for scenarios, sequences and submissions, their children)."""
    own = store.events_of(entity_id)
    if not own:
        raise NonExistingEntity(
            f'No event of "{entity_id}" in the log {store.where}: check the id '
            "(`ledgerflow events --type scenario.created` lists the scenarios ever created)."
        )
    if not children or entity_kind(entity_id) not in ("SCENARIO", "SEQUENCE", "SUBMISSION"):
        return [LogEvent.from_record(r) for r in own]
    whole, correlated = _family(store, entity_id, own[0])
    records = {r.position: r for r in own}
    for member in whole:
        records.update((r.position, r) for r in store.events_of(member))
    for shared in correlated - whole:
        records.update((r.position, r) for r in store.events_of(shared) if _correlation(r) in whole)
    return [LogEvent.from_record(records[p]) for p in sorted(records)]


def _correlation(record: Record) -> str | None:
    value = record.meta.get("correlation_id")
    return str(value) if value is not None else None


def _family(store: EventStore, entity_id: str, created: Record) -> tuple[set[str], set[str]]:
    """Ids whose events all belong to the history, and shared ids whose correlated events do."""
    whole: set[str] = {entity_id}
    shared: set[str] = set()
    kind = entity_kind(entity_id)
    if kind == "SUBMISSION":
        whole.update(created.payload.get("job_ids", ()))
        return whole, shared
    targets = {entity_id}
    if kind == "SCENARIO":
        for task_id in created.payload.get("task_ids", ()):
            task = _created(store, task_id)
            owned = task is not None and task.payload.get("owner_id") == entity_id
            (whole if owned else shared).add(task_id)
            targets.add(task_id)
            if task is not None:
                nodes = [*task.payload.get("input_ids", ()), *task.payload.get("output_ids", ())]
                _sort_nodes(store, entity_id, nodes, whole, shared)
        _sort_nodes(store, entity_id, created.payload.get("additional_data_node_ids", ()), whole, shared)
    for record in scan(store, _SCAN_TOPICS, after=created.position):  # nothing refers to it earlier
        payload = record.payload
        if record.topic == _SCAN_TOPICS[0] and kind == "SCENARIO" and payload.get("scenario_id") == entity_id:
            whole.add(record.originator_id)
            targets.add(record.originator_id)
        elif record.topic == _SCAN_TOPICS[1] and payload.get("entity_id") in targets:
            whole.add(record.originator_id)
            whole.update(payload.get("job_ids", ()))
    return whole, shared


def _sort_nodes(store: EventStore, owner: str, node_ids: Iterable[str], whole: set[str], shared: set[str]) -> None:
    for node_id in node_ids:
        if node_id in whole or node_id in shared:
            continue
        node = _created(store, node_id)
        (whole if node is not None and node.payload.get("owner_id") == owner else shared).add(node_id)


def _created(store: EventStore, entity_id: str) -> Record | None:
    events = store.events_of(entity_id)
    return events[0] if events else None


def scan(store: EventStore, topics: Sequence[str], after: int = 0, until: int | None = None) -> Iterator[Record]:
    """The records of some topics only, in log order (the others are not decoded)."""
    while records := store.read(after, _PAGE, until, topics):
        yield from records
        after = records[-1].position


def read_events(
    store: EventStore,
    since: When | None = None,
    until: When | None = None,
    types: Sequence[str] = (),
    entity_ids: Sequence[str] = (),
) -> Iterator[LogEvent]:
    """Events of the log in order, filtered by position or time, topic (or prefix) and entity.

    ``since``/``until`` are inclusive log positions or datetimes (a datetime stands for the last
    event recorded at or before it, as in ``lf.as_of``).
    """
    first = 1 if since is None else since if isinstance(since, int) else _after(store, since)
    last = store.max_position() if until is None else until if isinstance(until, int) else position_at(store, until)
    wanted = [name for t in types for name in _topic_names(t)]
    records: Iterable[Record]
    if entity_ids:
        merged: dict[int, Record] = {}
        for entity_id in entity_ids:
            merged.update((r.position, r) for r in store.events_of(entity_id) if first <= r.position <= last)
        records = (merged[p] for p in sorted(merged))
    elif wanted:  # the database picks the rows: only those are decoded
        topics = [t for t in store.topics() if any(_topic_matches(t, name) for name in wanted)]
        records = scan(store, topics, after=max(first - 1, 0), until=last) if topics else ()
    else:
        records = store.iter_records(after=max(first - 1, 0), until=last, page=_PAGE)
    for record in records:
        if not wanted or any(_topic_matches(record.topic, name) for name in wanted):
            yield LogEvent.from_record(record)


def _after(store: EventStore, moment: datetime) -> int:
    """The first position recorded at or after ``moment``."""
    return position_at(store, moment - timedelta(microseconds=1)) + 1


def _topic_names(text: str) -> tuple[str, ...]:
    """``job``, ``ledgerflow.job`` and ``ledgerflow.job.status_changed`` are all accepted."""
    value = text.strip().rstrip(".")
    return (value,) if value.startswith(_PREFIX) else (value, _PREFIX + value)


def _topic_matches(topic: str, name: str) -> bool:
    return topic == name or topic.startswith(name + ".")
