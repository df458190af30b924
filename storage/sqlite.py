"""eventsourcing's SQLite persistence, tuned for ledgerflow.

Differences from ``eventsourcing.sqlite`` (selected with ``PERSISTENCE_MODULE =
"ledgerflow.storage.sqlite:LedgerSQLiteFactory"``):

- every connection sets ``PRAGMA synchronous`` (env ``SQLITE_SYNCHRONOUS``: ``FULL``, the
  durable default, or ``NORMAL``, which in WAL mode may lose the last commits on power loss);
- write transactions start with ``BEGIN IMMEDIATE``, so a writer waits for the file lock
  (busy timeout) instead of failing with "database is locked" when another process commits
  between its first read and its first write;
- events are inserted with multi-row ``VALUES`` statements (``batch.py``); their positions
  (rowids) are computed from ``MAX(rowid)``, read under the write lock in the same statement as the
  hash chain's last link, and checked against ``last_insert_rowid()``;
- their hash-chain links (``chain.py``) and entity index rows (``entity_index.py``) are inserted
  in the same transaction;
- the transaction that creates the tables also stamps the file as a ledgerflow database;
- rows are read as plain tuples for the fast ``Record`` decoding path.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteTransaction,
)
from eventsourcing.utils import Environment, EnvType

from ledgerflow.storage.batch import insert_values
from ledgerflow.storage.chain import TABLE as CHAIN_TABLE
from ledgerflow.storage.chain import extend_chain, last_link_query
from ledgerflow.storage.codec import StoredRow
from ledgerflow.storage.entity_index import TABLE as INDEX_TABLE
from ledgerflow.storage.entity_index import extend_index
from ledgerflow.storage.inline_blobs import TABLE as INLINE_TABLE
from ledgerflow.storage.sqlite_file import APPLICATION_ID, SCHEMA_VERSION

__all__ = ["LedgerSQLiteFactory", "LedgerSQLiteRecorder"]

Row = tuple[int, str, int, str, bytes]
#: Prepared statements kept per connection: every ``VALUES`` size of ``batch.py`` and the rest.
STATEMENT_CACHE = 256


class _ImmediateTransaction(SQLiteTransaction):
    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE" if self.commit else "BEGIN")
        except sqlite3.Error as error:  # e.g. still locked after the busy timeout
            cursor.sqlite_cursor.close()
            raise OperationalError(error) from error
        return cursor


class _Connection(SQLiteConnection):
    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        with _ImmediateTransaction(self, commit=commit) as curs, curs:
            yield curs


class _Pool(SQLiteConnectionPool):
    """Connections that begin writes with ``BEGIN IMMEDIATE`` and set ``synchronous``."""

    def __init__(self, *, synchronous: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.synchronous = synchronous

    def _create_connection(self) -> SQLiteConnection:
        try:
            c = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except sqlite3.Error as error:
            raise InterfaceError(error) from error
        try:
            if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
                self._use_wal(c)
                self.is_journal_mode_wal = True
            c.execute(f"PRAGMA synchronous={self.synchronous}")
        except sqlite3.Error as error:
            c.close()
            raise InterfaceError(error) from error
        c.row_factory = sqlite3.Row
        return _Connection(sqlite_conn=c, max_age=self.max_age)

    def _use_wal(self, c: sqlite3.Connection) -> None:
        """Switch the file to WAL. While another process switches a new file at the same moment, SQLite
        answers "database is locked" at once instead of waiting: try again until the lock timeout."""
        deadline = time.monotonic() + (self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT)
        while True:
            try:
                if c.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    c.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)


class _Datastore(SQLiteDatastore):
    def __init__(self, db_name: str, *, synchronous: str, pool_timeout: float, **kw: Any) -> None:
        super().__init__(db_name, pool_timeout=pool_timeout, **kw)
        self.pool.close()  # SQLiteDatastore builds its pool inline (unused yet): swap in ours
        self.pool = _Pool(
            db_name=db_name,
            synchronous=synchronous,
            lock_timeout=kw.get("lock_timeout"),
            pool_timeout=pool_timeout,
        )


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    """The application recorder: batch inserts, tuple reads, and raw SQL for side tables."""

    dialect = "sqlite"

    def _create_table(self, c: SQLiteCursor) -> None:
        c.execute(f"PRAGMA application_id={APPLICATION_ID}")
        c.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        super()._create_table(c)

    def insert_rows(
        self,
        rows: Sequence[StoredRow],
        blobs: Sequence[tuple[str, bytes]] = (),
        plain: Sequence[StoredRow] | None = None,
    ) -> list[int]:
        """Insert rows (and the small payloads they use) in one transaction; their positions.

        ``plain``: the same rows with their states as JSON, when ``rows`` hold them compressed
        (the entity index reads them without decompressing).
        """
        with self.datastore.transaction(commit=True) as c:
            insert_values(c, f"INSERT OR IGNORE INTO {INLINE_TABLE} (hash, data)", blobs)
            return self._insert_rows(c, rows, plain)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        rows = [(s.originator_id, s.originator_version, s.topic, s.state) for s in stored_events]
        return self._insert_rows(c, rows)  # type: ignore[arg-type]

    def _insert_rows(
        self, c: SQLiteCursor, rows: Sequence[StoredRow], plain: Sequence[StoredRow] | None = None
    ) -> list[int]:
        if not rows:
            return []
        table = self.events_table_name
        # One statement for both (each statement hands the GIL over twice; see batch.py).
        c.execute(f"SELECT (SELECT MAX(rowid) FROM {table}), {last_link_query(CHAIN_TABLE)}")
        before, link = c.fetchone()
        before = before or 0
        insert_values(c, f"INSERT INTO {table}", rows)
        last: int = c.sqlite_cursor.lastrowid or 0  # last_insert_rowid() of the INSERT just run
        if last - before == len(rows):
            positions = list(range(before + 1, last + 1))
        else:
            # Rowids are not max+1 only near 2**63; ask the table then.
            c.execute(f"SELECT rowid FROM {table} WHERE rowid>? ORDER BY rowid", (before,))
            positions = [row[0] for row in c.fetchall()]
        extend_chain(c, CHAIN_TABLE, rows, positions, last=link)  # the links commit with their events
        extend_index(c, INDEX_TABLE, plain or rows, positions)  # and so do their entity index rows
        return positions

    def select_rows(self, after: int, until: int | None, limit: int, topics: Sequence[str] = ()) -> list[Row]:
        """Rows ``(position, originator_id, version, topic, state)`` after a position."""
        statement = (
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} WHERE rowid>?"
        )
        params: list[Any] = [after]
        if until is not None:
            statement += " AND rowid<=?"
            params.append(until)
        if topics:
            statement += f" AND topic IN ({','.join('?' * len(topics))})"
            params.extend(topics)
        statement += " ORDER BY rowid LIMIT ?"
        params.append(limit)
        return self.run(statement, params)

    def select_aggregate_rows(
        self, originator_id: str, topic: str | None = None, limit: int | None = None
    ) -> list[Row]:
        """One aggregate's rows in version order (only those of ``topic``; the first ``limit``)."""
        statement = (
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE originator_id=?"
        )
        params: list[Any] = [originator_id]
        if topic is not None:
            statement += " AND topic=?"
            params.append(topic)
        statement += " ORDER BY originator_version"
        if limit is not None:
            statement += " LIMIT ?"
            params.append(limit)
        return self.run(statement, params)

    def select_aggregates_rows(self, originator_ids: Sequence[str]) -> list[Row]:
        """The rows of several aggregates, each in version order."""
        statement = (
            "SELECT rowid, originator_id, originator_version, topic, state FROM "
            f"{self.events_table_name} WHERE originator_id IN ({','.join('?' * len(originator_ids))}) "
            "ORDER BY originator_id, originator_version"
        )
        return self.run(statement, list(originator_ids)) if originator_ids else []

    def select_prefix_rows(self, prefix: str, until: int) -> list[Row]:
        """The rows of every aggregate whose id starts with ``prefix``, up to ``until``, in log order."""
        statement = (
            "SELECT rowid, originator_id, originator_version, topic, state "
            # "+rowid": search the id index, not the whole log in position order
            f"FROM {self.events_table_name} WHERE originator_id>=? AND originator_id<? AND +rowid<=? ORDER BY rowid"
        )
        return self.run(statement, [prefix, prefix_end(prefix), until])

    def run(self, statement: str, params: Sequence[Any] = (), *, commit: bool = False) -> list[tuple[Any, ...]]:
        """Execute one statement (``?`` placeholders) in its own transaction."""
        with self.datastore.transaction(commit=commit) as c:
            cursor = c.sqlite_cursor
            cursor.row_factory = None
            cursor.execute(statement, params)
            return cursor.fetchall()

    @staticmethod
    def qualify(table: str) -> str:
        """The SQL name of one of our side tables."""
        return table


def prefix_end(prefix: str) -> str:
    """The least string greater than every string starting with ``prefix`` (for index range scans)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class LedgerSQLiteFactory(SQLiteFactory):
    """``SQLiteFactory`` with our datastore (``synchronous``, ``BEGIN IMMEDIATE``) and recorder."""

    SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS"
    application_recorder_class = LedgerSQLiteRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        library_datastore = self.datastore
        synchronous = (self.env.get(self.SQLITE_SYNCHRONOUS) or "FULL").upper()
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            msg = f"Invalid {self.SQLITE_SYNCHRONOUS} {synchronous!r}: use FULL or NORMAL"
            raise OSError(msg)
        lock_timeout = library_datastore.pool.lock_timeout
        self.datastore = _Datastore(
            library_datastore.pool.db_name,
            synchronous=synchronous,
            # Waiting for our own writer thread must outlast waiting for another process.
            pool_timeout=float(lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT) + 30.0,
            lock_timeout=lock_timeout,
            single_row_tracking=library_datastore.single_row_tracking,
            originator_id_type=library_datastore.originator_id_type,
        )
        library_datastore.close()
