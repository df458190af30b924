"""PostgreSQL persistence: URL parsing, a fast connectivity check, and our application recorder.

Needs the ``postgres`` extra (psycopg 3). Tables are named from the application name:
``ledgerflow_events`` (and ``ledgerflow_checkpoints``, ``ledgerflow_chain``...), in the schema
given by the URL's ``?schema=`` option (default ``public``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from ledgerflow.storage.chain import TABLE as CHAIN_TABLE
from ledgerflow.storage.chain import extend_chain
from ledgerflow.storage.codec import StoredRow
from ledgerflow.storage.entity_index import TABLE as INDEX_TABLE
from ledgerflow.storage.entity_index import extend_index
from ledgerflow.storage.errors import EventStoreError
from ledgerflow.storage.inline_blobs import TABLE as INLINE_TABLE
from ledgerflow.storage.store_url import redact

__all__ = ["LedgerPostgresRecorder", "PostgresTarget", "parse_postgres_url", "schema_lock_key"]

Row = tuple[int, str, int, str, bytes]
CONNECT_TIMEOUT = 5


def schema_lock_key(schema: str) -> str:
    """The advisory lock every process holds while it creates tables in ``schema`` (DDL races fail)."""
    return f"ledgerflow:{schema}"


class PostgresTarget(NamedTuple):
    """Where a PostgreSQL event store lives."""

    user: str
    password: str
    host: str
    port: int
    dbname: str
    schema: str

    @property
    def display(self) -> str:
        """The URL without its password, for messages."""
        secret = ":***" if self.password else ""
        query = f"?schema={self.schema}" if self.schema != "public" else ""
        return f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{self.dbname}{query}"

    def env(self) -> dict[str, str]:
        """eventsourcing settings for this target."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "ledgerflow.storage.postgres:LedgerPostgresRecorder",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": self.schema,
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT * 2),
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "8",
        }

    @contextmanager
    def opening(self, *, create: bool) -> Iterator[bool]:
        """Connect (failing fast and clearly) and hold the store's advisory lock while opening.

        Yields whether the events table exists, so tables are created only once and never
        concurrently (eventsourcing's ``CREATE OR REPLACE FUNCTION`` fails when raced).
        """
        try:
            conn = psycopg.connect(
                dbname=self.dbname,
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                connect_timeout=CONNECT_TIMEOUT,
                autocommit=True,
            )
        except psycopg.Error as error:
            raise self._unreachable(error) from error
        with conn:
            try:
                conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [schema_lock_key(self.schema)])
                if create:
                    conn.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(self.schema)))
                table = f"{_quote(self.schema)}.{_quote('ledgerflow_events')}"
                found = conn.execute("SELECT to_regclass(%s)", [table]).fetchone()
            except psycopg.Error as error:
                raise self._unreachable(error) from error
            exists = bool(found and found[0] is not None)
            if not exists and not create:
                msg = f"No event store at {self.display}: the table ledgerflow_events is missing."
                raise EventStoreError(msg)
            yield exists

    def _unreachable(self, error: psycopg.Error) -> EventStoreError:
        reason = (str(error).strip() or type(error).__name__).splitlines()[0]
        return EventStoreError(f"Cannot connect to the PostgreSQL event store {self.display}: {reason}")


def parse_postgres_url(url: str) -> PostgresTarget:
    """Parse ``postgresql://user[:password]@host[:port]/dbname[?schema=name]``."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # e.g. brackets in the host part
        raise EventStoreError(f"The PostgreSQL URL {redact(url)} cannot be read: {error}.") from None
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise EventStoreError(f"The PostgreSQL URL {redact(url)} names no database.")
    try:
        port = parts.port or 5432
    except ValueError as error:
        raise EventStoreError(f"The PostgreSQL URL {redact(url)} has a bad port.") from error
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    return PostgresTarget(
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        host=parts.hostname or "localhost",
        port=port,
        dbname=dbname,
        schema=schema,
    )


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    """The application recorder with tuple reads and raw SQL for side tables."""

    dialect = "postgresql"

    def insert_rows(
        self,
        rows: Sequence[StoredRow],
        blobs: Sequence[tuple[str, bytes]] = (),
        plain: Sequence[StoredRow] | None = None,
    ) -> list[int]:
        """Insert rows in one transaction; their positions.

        The small payloads they use are inserted in the same transaction, so a payload is never
        missing for a committed event, at no extra commit. ``plain``: the same rows with their
        states as JSON, when ``rows`` hold them compressed (for the entity index).
        """
        if not rows:
            if blobs:
                with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                    self._insert_blobs(curs, blobs)
            return []
        return list(self.insert_events([StoredEvent(*row) for row in rows], blobs=blobs, plain=plain) or ())

    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """Called by ``insert_events`` in its transaction, before the events: the payloads they use."""
        blobs: Sequence[tuple[str, bytes]] = kwargs.get("blobs", ())
        if blobs:
            self._lock_table(curs)  # first: two writers of one payload never wait on each other's rows
            self._insert_blobs(curs, blobs)

    def _insert_blobs(self, curs: Cursor[Any], blobs: Sequence[tuple[str, bytes]]) -> None:
        curs.executemany(
            f"INSERT INTO {self.qualify(INLINE_TABLE)} (hash, data) VALUES (%s, %s) ON CONFLICT (hash) DO NOTHING",
            list(blobs),
        )

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The new positions; their hash-chain links and entity index rows are inserted in the same transaction.

        The events table is locked (EXCLUSIVE) by now, so the chain's last link cannot move.
        """
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs) or []
        rows = [(str(e.originator_id), e.originator_version, e.topic, e.state) for e in stored_events]
        extend_chain(curs, self.qualify(CHAIN_TABLE), rows, positions, placeholder="%s")
        extend_index(curs, self.qualify(INDEX_TABLE), kwargs.get("plain") or rows, positions, placeholder="%s")
        return positions

    def select_rows(self, after: int, until: int | None, limit: int, topics: Sequence[str] = ()) -> list[Row]:
        """Rows ``(position, originator_id, version, topic, state)`` after a position."""
        statement = "SELECT notification_id, originator_id, originator_version, topic, state "
        statement += f"FROM {self._table()} WHERE notification_id > %s"
        params: list[Any] = [after]
        if until is not None:
            statement += " AND notification_id <= %s"
            params.append(until)
        if topics:
            statement += " AND topic = ANY(%s)"
            params.append(list(topics))
        statement += " ORDER BY notification_id LIMIT %s"
        params.append(limit)
        return self._query(statement, params)

    def select_aggregate_rows(
        self, originator_id: str, topic: str | None = None, limit: int | None = None
    ) -> list[Row]:
        """One aggregate's rows in version order (only those of ``topic``; the first ``limit``)."""
        statement = "SELECT notification_id, originator_id, originator_version, topic, state "
        statement += f"FROM {self._table()} WHERE originator_id = %s"
        params: list[Any] = [originator_id]
        if topic is not None:
            statement += " AND topic = %s"
            params.append(topic)
        statement += " ORDER BY originator_version"
        if limit is not None:
            statement += " LIMIT %s"
            params.append(limit)
        return self._query(statement, params)

    def select_aggregates_rows(self, originator_ids: Sequence[str]) -> list[Row]:
        """The rows of several aggregates, each in version order."""
        statement = "SELECT notification_id, originator_id, originator_version, topic, state "
        statement += f"FROM {self._table()} WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        return self._query(statement, [list(originator_ids)]) if originator_ids else []

    def select_prefix_rows(self, prefix: str, until: int) -> list[Row]:
        """The rows of every aggregate whose id starts with ``prefix``, up to ``until``, in log order."""
        statement = "SELECT notification_id, originator_id, originator_version, topic, state FROM "
        statement += f"{self._table()} WHERE originator_id >= %s AND originator_id < %s AND notification_id + 0 <= %s "
        statement += "ORDER BY notification_id"
        return self._query(statement, [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), until])

    def run(self, statement: str, params: Sequence[Any] = (), *, commit: bool = False) -> list[tuple[Any, ...]]:
        """Execute one statement (``?`` placeholders) in its own transaction."""
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(force_rollback=not commit),
            conn.cursor(row_factory=tuple_row) as curs,
        ):
            curs.execute(statement.replace("?", "%s"), list(params))
            return curs.fetchall() if curs.description else []

    def qualify(self, table: str) -> str:
        """The schema-qualified SQL name of one of our side tables."""
        return f"{_quote(self.datastore.schema)}.{_quote(table)}"

    def _table(self) -> str:
        return self.qualify(self.events_table_name)

    def _query(self, statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, params, prepare=True)
            return curs.fetchall()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
