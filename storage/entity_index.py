"""Where each entity's life begins and ends in the log: the index past listings read.

``ledgerflow_entity_index(kind, position, entity_id, change, version, created_at)`` holds one row
per event that creates (``c``: created, or a sequence re-created), deletes (``d``) or moves to
another application version (``m``: a migration) a scenario, sequence, task, data node, cycle,
job or submission. ``kind`` names the projection's table (``scenarios``...), ``version`` is the
version the entity belongs to after the event, ``created_at`` the event's time in microseconds
since the epoch (``c`` rows). Replaying a kind's rows up to a position gives exactly the ids the
fold has in that table then (``service/timetravel/past_listings.py``), without reading the log.

It is derived from the log and never a second truth: the recorders insert a batch's rows in the
same transaction as its events (``extend_index``, like the hash chain), so every process writing
to the store keeps it complete, and a reader sees an event's row exactly when it sees the event.
A store written before the index existed gets it built from its log when first opened
(``EntityIndex.create_table``); ``differences`` compares it with the log and ``rebuild`` derives it
again (``ledgerflow replay`` does both). Like the hash chain, it assumes every process writing to
the store runs this code: events written by an older ledgerflow have no rows (nor chain links,
which ``ledgerflow audit verify`` reports) until ``ledgerflow replay`` derives the index again.

Rows are read from the stored JSON (no upcasting): the fields used — ``version``, ``to_version``,
``timestamp`` — have kept their names and meaning in every class version of these events.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

import orjson

from ledgerflow.domain.cycle import CycleTopics
from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.scenario import ScenarioTopics
from ledgerflow.domain.sequence import SequenceTopics
from ledgerflow.domain.submission import SubmissionTopics
from ledgerflow.domain.task import TaskTopics
from ledgerflow.storage.batch import Cursor, insert_values
from ledgerflow.storage.checkpoints import SqlRunner
from ledgerflow.storage.codec import StoredRow
from ledgerflow.storage.compression import plain_state

__all__ = ["TABLE", "TOPICS", "Change", "EntityIndex", "extend_index", "index_rows"]

TABLE = "ledgerflow_entity_index"
CREATED, DELETED, MOVED = "c", "d", "m"
_COLUMNS = "(kind, position, entity_id, change, version, created_at)"
_PAGE = 1_000  # events read (and rows inserted, 6 parameters each) per step of a build

#: topic -> (table of the entity, change, payload field naming the version after the event)
_CHANGES: dict[str, tuple[str, str, str | None]] = {
    ScenarioTopics.CREATED: ("scenarios", CREATED, "version"),
    ScenarioTopics.MIGRATED: ("scenarios", MOVED, "to_version"),
    ScenarioTopics.DELETED: ("scenarios", DELETED, None),
    SequenceTopics.CREATED: ("sequences", CREATED, "version"),
    SequenceTopics.RECREATED: ("sequences", CREATED, "version"),
    SequenceTopics.DELETED: ("sequences", DELETED, None),
    TaskTopics.CREATED: ("tasks", CREATED, "version"),
    TaskTopics.MIGRATED: ("tasks", MOVED, "to_version"),
    TaskTopics.DELETED: ("tasks", DELETED, None),
    DataNodeTopics.CREATED: ("data_nodes", CREATED, "version"),
    DataNodeTopics.MIGRATED: ("data_nodes", MOVED, "to_version"),
    DataNodeTopics.DELETED: ("data_nodes", DELETED, None),
    CycleTopics.CREATED: ("cycles", CREATED, "version"),
    CycleTopics.DELETED: ("cycles", DELETED, None),
    JobTopics.CREATED: ("jobs", CREATED, "version"),
    JobTopics.DELETED: ("jobs", DELETED, None),
    SubmissionTopics.CREATED: ("submissions", CREATED, "version"),
    SubmissionTopics.DELETED: ("submissions", DELETED, None),
}
TOPICS = tuple(_CHANGES)
_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


#: One row of the index as ``changes`` reads it: (position, entity id, change, version, created_at).
Change = tuple[int, str, str, str | None, int | None]


def _microseconds(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_EPOCH.tzinfo)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def index_rows(rows: Sequence[StoredRow], positions: Sequence[int]) -> list[tuple[Any, ...]]:
    """The index rows of stored events ``rows`` at ``positions`` (most events have none)."""
    found: list[tuple[Any, ...]] = []
    for (entity_id, _, topic, state), position in zip(rows, positions, strict=True):
        known = _CHANGES.get(topic)
        if known is None:
            continue
        kind, change, field = known
        version = created_at = None
        if field is not None:
            payload = orjson.loads(plain_state(state))
            version = payload[field]
            if change == CREATED:
                created_at = _microseconds(payload["timestamp"])
        found.append((kind, position, entity_id, change, version, created_at))
    return found


def extend_index(
    cursor: Cursor, table: str, rows: Sequence[StoredRow], positions: Sequence[int], placeholder: str = "?"
) -> None:
    """Insert the index rows of freshly inserted events, inside their transaction."""
    found = index_rows(rows, positions)
    if found:
        insert_values(cursor, f"INSERT INTO {table} {_COLUMNS}", found, placeholder)


class EventRows(Protocol):
    """What a build reads events from (the store's recorder)."""

    def select_rows(
        self, after: int, until: int | None, limit: int, topics: Sequence[str] = ()
    ) -> list[tuple[int, str, int, str, bytes]]:
        """Rows ``(position, originator_id, version, topic, state)`` after a position."""
        ...


class EntityIndex:
    """The ``ledgerflow_entity_index`` table of one event store."""

    def __init__(self, runner: SqlRunner, events: EventRows) -> None:
        self._runner = runner
        self._events = events
        self.table = runner.qualify(TABLE)

    def create_table(self) -> bool:
        """Create the table if it is missing, built from the log's events (True when this call made it).

        The table is built under a temporary name and renamed, so no process ever reads a half-built
        index; processes writing with this code create it when they open the store, before they write.
        """
        if self._exists(TABLE):
            return False
        built = self._build()
        try:
            self._runner.run(f"ALTER TABLE {built} RENAME TO {_name(TABLE)}", commit=True)
        except Exception:  # another process finished its build first: use its table
            self._runner.run(f"DROP TABLE IF EXISTS {built}", commit=True)
            if not self._exists(TABLE):
                raise
            return False
        return True

    def rebuild(self) -> None:
        """Derive the index again from the whole log (do it with no other process writing)."""
        built = self._build()
        self._runner.run(f"DROP TABLE IF EXISTS {self.table}", commit=True)
        self._runner.run(f"ALTER TABLE {built} RENAME TO {_name(TABLE)}", commit=True)

    def changes(self, kind: str, until: int) -> list[Change]:
        """The rows of one table's entities at positions up to ``until``, in log order."""
        rows = self._runner.run(
            f"SELECT position, entity_id, change, version, created_at FROM {self.table} "
            "WHERE kind = ? AND position <= ? ORDER BY position",
            [kind, until],
        )
        return cast(list[Change], rows)  # plain tuples of those types: not copied, listings read thousands

    def rows(self) -> list[tuple[Any, ...]]:
        """Every row ``(kind, position, entity_id, change, version, created_at)``, by position."""
        return self._runner.run(f"SELECT {_COLUMNS[1:-1]} FROM {self.table} ORDER BY position")

    def differences(self, until: int, limit: int = 20) -> list[str]:
        """How the stored index up to position ``until`` differs from the one the log gives, one line
        each (empty: it matches)."""
        stored = {int(row[1]): tuple(row) for row in self.rows() if int(row[1]) <= until}
        derived = {int(row[1]): row for page in self._pages(until) for row in page}
        found = []
        for position in sorted(stored.keys() | derived.keys()):
            kept, expected = stored.get(position), derived.get(position)
            if kept != expected:
                found.append(f"entity index at position {position}: stored {kept}, the log gives {expected}")
                if len(found) == limit:
                    break
        return found

    def _build(self) -> str:
        """A new table under a temporary name, filled from the log; its SQL name."""
        name = f"{TABLE}_build_{uuid.uuid4().hex[:12]}"
        table = self._runner.qualify(name)
        key, stamp = ("BIGINT", "BIGINT") if self._runner.dialect == "postgresql" else ("INTEGER", "INTEGER")
        clustered = "" if self._runner.dialect == "postgresql" else " WITHOUT ROWID"
        self._runner.run(
            f"CREATE TABLE {table} (kind TEXT NOT NULL, position {key} NOT NULL, entity_id TEXT NOT NULL, "
            f"change TEXT NOT NULL, version TEXT, created_at {stamp}, PRIMARY KEY (kind, position)){clustered}",
            commit=True,
        )
        for page in self._pages():
            marks = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(page))
            values = [value for row in page for value in row]
            self._runner.run(f"INSERT INTO {table} {_COLUMNS} VALUES {marks}", values, commit=True)
        return table

    def _pages(self, until: int | None = None) -> Iterator[list[tuple[Any, ...]]]:
        after = 0
        while rows := self._events.select_rows(after, until, _PAGE, TOPICS):
            found = index_rows([(e, v, t, bytes(s)) for _, e, v, t, s in rows], [row[0] for row in rows])
            if found:
                yield found
            after = rows[-1][0]

    def _exists(self, name: str) -> bool:
        if self._runner.dialect == "postgresql":
            return self._runner.run("SELECT to_regclass(?)", [self._runner.qualify(name)])[0][0] is not None
        return bool(self._runner.run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]))


def _name(table: str) -> str:
    """A table's name as ``ALTER TABLE ... RENAME TO`` takes it (never schema-qualified)."""
    return f'"{table}"'
