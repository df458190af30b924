"""The event store: one append-only log of every event, on an SQLite file or PostgreSQL.

``EventStore.open(url)`` accepts ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``,
a plain file path, ``:memory:`` (a private in-memory store, for tests) or
``postgresql://user[:password]@host[:port]/dbname[?schema=name]``. Positions are the log's
notification ids: 1, 2, 3... in commit order (PostgreSQL may skip ids after a rollback).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import PersistenceError
from eventsourcing.utils import Environment, EnvType

from ledgerflow.storage import compression
from ledgerflow.storage.chain import Chain, ChainReport, Finding, verify
from ledgerflow.storage.chain_tail import check_tail
from ledgerflow.storage.checkpoints import CheckpointStore
from ledgerflow.storage.codec import LedgerMapper, Record, StoredRow
from ledgerflow.storage.entity_index import EntityIndex
from ledgerflow.storage.errors import AggregateNotFound, EventStoreError
from ledgerflow.storage.inline_blobs import InlineBlobs
from ledgerflow.storage.new_events import poll_until_past
from ledgerflow.storage.sqlite_file import check_sqlite_file
from ledgerflow.storage.store_url import redact, resolve_env

__all__ = ["DomainEvent", "EventStore", "Group", "LedgerApplication"]

DomainEvent = DomainEventProtocol[str]
Group = tuple[Sequence[DomainEvent], Mapping[str, Any] | None]
Durability = Literal["full", "normal"]
_Row = tuple[int, str, int, str, bytes]

_COMMON_ENV = {
    "ORIGINATOR_ID_TYPE": "text",
    "TRANSCODER_TOPIC": "ledgerflow.storage.codec:OrjsonTranscoder",
    "MAPPER_TOPIC": "ledgerflow.storage.codec:LedgerMapper",
    "CREATE_TABLE": "yes",
}


class LedgerApplication(Application[str]):
    """The eventsourcing application behind the store; configured only by its ``env``."""

    name = "ledgerflow"

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Configured by the store URL alone: os.environ must not redirect it.
        return Environment(name, dict(env or {}))


_IDS_PER_QUERY = 500  # ids in one ``IN (...)`` (SQLite allows 32,766 parameters)


class _Recorder(Protocol):
    dialect: str

    def insert_rows(
        self,
        rows: Sequence[StoredRow],
        blobs: Sequence[tuple[str, bytes]] = (),
        plain: Sequence[StoredRow] | None = None,
    ) -> list[int]: ...
    def select_rows(self, after: int, until: int | None, limit: int, topics: Sequence[str] = ()) -> list[_Row]: ...
    def select_aggregate_rows(
        self, originator_id: str, topic: str | None = None, limit: int | None = None
    ) -> list[_Row]: ...
    def select_aggregates_rows(self, originator_ids: Sequence[str]) -> list[_Row]: ...
    def select_prefix_rows(self, prefix: str, until: int) -> list[_Row]: ...
    def max_notification_id(self) -> int | None: ...
    def run(self, statement: str, params: Sequence[Any] = (), *, commit: bool = False) -> list[tuple[Any, ...]]: ...
    def qualify(self, table: str) -> str: ...

    events_table_name: str


class EventStore:
    """Append event groups atomically, read the log as ``Record``s, load aggregates."""

    def __init__(self, app: LedgerApplication, where: str) -> None:
        self.app = app
        self.where = where
        self.mapper = cast(LedgerMapper, app.mapper)
        self.recorder = cast(_Recorder, app.recorder)
        self.checkpoints = CheckpointStore(self.recorder)
        self.inline_blobs = InlineBlobs(self.recorder)
        self.chain = Chain(self.recorder)
        self.entity_index = EntityIndex(self.recorder, self.recorder)
        self._closed = False
        self._listener: Any = None  # PostgresListener, opened by the first wait_for_new_events

    @classmethod
    def open(cls, url: str | os.PathLike[str], *, create: bool = True, durability: Durability = "full") -> EventStore:
        """Open (and by default create) the store at ``url``.

        ``durability="normal"`` (SQLite only) skips the fsync of each commit: faster, and in WAL
        mode the last commits may be lost on power loss, never corrupted.
        """
        text = resolve_env(os.fspath(url))
        if text.startswith(("postgresql://", "postgres://")):
            return cls._open_postgres(text, create=create)
        if durability not in ("full", "normal"):
            raise EventStoreError(f"Unknown durability {durability!r}: use 'full' or 'normal'.")
        if text.startswith("sqlite:///"):
            text = text[len("sqlite:///") :]
        elif "://" in text:
            raise EventStoreError(
                f"Unsupported event store URL {redact(text)!r}: use sqlite:///PATH, a file path, "
                "or postgresql://USER@HOST:PORT/DBNAME."
            )
        if text == ":memory:":
            db_name, where = f"file:ledgerflow-{uuid.uuid4().hex}?mode=memory&cache=shared", text
        else:
            path = Path(text).expanduser().absolute()
            check_sqlite_file(path, create=create)
            db_name, where = str(path), str(path)
        env = {
            **_COMMON_ENV,
            "PERSISTENCE_MODULE": "ledgerflow.storage.sqlite:LedgerSQLiteFactory",
            "SQLITE_DBNAME": db_name,
            "SQLITE_LOCK_TIMEOUT": "60",
            "SQLITE_SYNCHRONOUS": durability.upper(),
        }
        return cls._build(env, where)

    @classmethod
    def _open_postgres(cls, url: str, *, create: bool) -> EventStore:
        try:
            from ledgerflow.storage.postgres import parse_postgres_url
        except ImportError as error:
            raise EventStoreError(
                f"A PostgreSQL event store needs the 'postgres' extra: pip install 'ledgerflow[postgres]' ({error})."
            ) from error
        target = parse_postgres_url(url)
        with target.opening(create=create) as exists:
            env = {**_COMMON_ENV, **target.env(), "CREATE_TABLE": "no" if exists else "yes"}
            return cls._build(env, target.display)

    @classmethod
    def _build(cls, env: dict[str, str], where: str) -> EventStore:
        try:
            compression.load()  # here, not in the first write or read
            store = cls(LedgerApplication(env=env), where)
            store.checkpoints.create_table()
            store.inline_blobs.create_table()
            store.chain.create_table(store.recorder)
            store.entity_index.create_table()
        except (PersistenceError, OSError) as error:
            raise EventStoreError(f"Cannot open the event store {where}: {error}") from error
        return store

    def encode(self, events: Sequence[DomainEvent], meta: Mapping[str, Any] | None = None) -> list[StoredRow]:
        """Encode one command's events (with its metadata) to stored rows (``insert`` compresses them)."""
        return self.mapper.encode_rows(events, meta)

    def insert(self, groups: Sequence[Sequence[StoredRow]], blobs: Sequence[tuple[str, bytes]] = ()) -> list[list[int]]:
        """Insert encoded groups in one transaction; their positions, group by group.

        Their states are stored compressed (``compression.py``); a version conflict raises
        ``eventsourcing.persistence.IntegrityError`` and writes nothing.
        """
        rows = [row for group in groups for row in group]
        positions = self.recorder.insert_rows(compression.compress_states(rows), blobs, rows) if rows or blobs else []
        if len(positions) != len(rows):
            msg = f"The event store {self.where} gave {len(positions)} positions for {len(rows)}."
            raise EventStoreError(msg)
        result, start = [], 0
        for group in groups:
            result.append(positions[start : start + len(group)])
            start += len(group)
        return result

    def append(self, groups: Sequence[Group]) -> list[list[int]]:
        """Save every group (events, command metadata) in one transaction; positions per group."""
        return self.insert([self.encode(events, meta) for events, meta in groups])

    def read(
        self,
        after: int = 0,
        limit: int = 1000,
        until: int | None = None,
        topics: Sequence[str] = (),
    ) -> list[Record]:
        """Up to ``limit`` records with ``after < position <= until``, in log order."""
        decode = self.mapper.decode_row
        return [decode(*row) for row in self.recorder.select_rows(after, until, limit, topics)]

    def iter_records(self, after: int = 0, until: int | None = None, page: int = 1000) -> Iterator[Record]:
        """Every record after ``after`` up to ``until`` (default: the log's end when called)."""
        if until is None:
            until = self.max_position()
        while after < until:
            records = self.read(after, page, until)
            if not records:
                return
            yield from records
            after = records[-1].position

    def max_position(self) -> int:
        """The position of the last event in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def topics(self) -> list[str]:
        """Every topic in the log, sorted (one scan of the events table)."""
        table = self.recorder.qualify(self.recorder.events_table_name)
        return sorted(row[0] for row in self.recorder.run(f"SELECT DISTINCT topic FROM {table}"))

    def events_of(self, originator_id: str, topic: str | None = None, limit: int | None = None) -> list[Record]:
        """One aggregate's events, in version order (only those of ``topic``; the first ``limit``)."""
        decode = self.mapper.decode_row
        return [decode(*row) for row in self.recorder.select_aggregate_rows(originator_id, topic, limit)]

    def events_of_many(self, originator_ids: Sequence[str]) -> dict[str, list[Record]]:
        """The events of each aggregate, in version order, in few queries (ids without events are left out)."""
        decode = self.mapper.decode_row
        found: dict[str, list[Record]] = {}
        ids = list(dict.fromkeys(originator_ids))
        for start in range(0, len(ids), _IDS_PER_QUERY):
            for row in self.recorder.select_aggregates_rows(ids[start : start + _IDS_PER_QUERY]):
                found.setdefault(row[1], []).append(decode(*row))
        return found

    def events_with_prefix(self, prefix: str, until: int | None = None) -> list[Record]:
        """The events of every aggregate whose id starts with ``prefix`` (e.g. ``"VERSION_"``), in log order."""
        if not prefix:
            raise EventStoreError("events_with_prefix() needs a non-empty prefix; read() reads the whole log.")
        last = self.max_position() if until is None else until
        decode = self.mapper.decode_row
        return [decode(*row) for row in self.recorder.select_prefix_rows(prefix, last)]

    def verify_chain(
        self, expect: tuple[int, str] | None = None, progress: Callable[[int, int], None] | None = None
    ) -> ChainReport:
        """Check every event against the hash chain: the first altered, removed or reordered one
        (``progress``: called with the position reached and the last one, now and then)."""
        return verify(self.recorder, self.chain, expect, progress)

    def check_tail(self, after: int) -> Finding | None:
        """The first broken hash-chain link after position ``after`` (at most the last 10,000 events)."""
        return check_tail(self.recorder, after)

    def get_aggregate(self, aggregate_id: str, version: int | None = None) -> Any:
        """The aggregate rebuilt from its events (up to ``version``)."""
        try:
            return self.app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            at = f" at version {version}" if version is not None else ""
            raise AggregateNotFound(f"No aggregate {aggregate_id!r}{at} in the event store {self.where}.") from None

    def wait_for_new_events(self, after: int, timeout: float) -> bool:
        """Block until the log goes past position ``after`` (True) or ``timeout`` seconds pass (False).

        PostgreSQL: woken by ``LISTEN`` on a dedicated connection (eventsourcing's recorder sends
        ``NOTIFY`` with every insert); SQLite: the log's end is read every 20 ms.
        """
        deadline = time.monotonic() + timeout
        if self.recorder.dialect != "postgresql":
            return poll_until_past(after, deadline, self.max_position)
        if self._listener is None:
            from ledgerflow.storage.pg_listen import PostgresListener

            datastore: Any = cast(Any, self.recorder).datastore
            self._listener = PostgresListener(dict(datastore.pool.kwargs), cast(Any, self.recorder).channel_name)
        return bool(self._listener.wait(after, max(0.0, deadline - time.monotonic()), self.max_position))

    def close(self) -> None:
        """Release the database connections."""
        if not self._closed:
            self._closed = True
            if self._listener is not None:
                self._listener.close()
            self.app.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EventStore({self.where!r})"
