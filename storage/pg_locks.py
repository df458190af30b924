"""Named locks held by a process on a PostgreSQL server: session advisory locks on one connection.

The server drops a session's advisory locks when its connection ends — the process exiting or
killed included — so they behave as the file locks of one machine do, but every machine sharing
the server sees them. One connection per process and server holds them all (locks belong to the
session: a second connection of the same process would be refused its own locks).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from typing import Any

import psycopg

from ledgerflow.storage.postgres import CONNECT_TIMEOUT, parse_postgres_url
from ledgerflow.storage.store_url import resolve_env

__all__ = ["AdvisoryLocks"]

log = logging.getLogger("ledgerflow")

_lock = threading.Lock()
_shared: dict[tuple[int, str], AdvisoryLocks] = {}


def _key(namespace: str, name: str) -> int:
    """A signed 64-bit lock key for ``name`` in ``namespace``."""
    return int.from_bytes(hashlib.blake2b(f"{namespace}\0{name}".encode(), digest_size=8).digest(), "big", signed=True)


class AdvisoryLocks:
    """The locks of this process on one server (``shared``: one instance per process and URL)."""

    def __init__(self, url: str, namespace: str) -> None:
        target = parse_postgres_url(resolve_env(url))  # ENV[...] parts, as the event store resolves them
        self._params: dict[str, Any] = {
            "host": target.host,
            "port": target.port,
            "user": target.user,
            "password": target.password,
            "dbname": target.dbname,
            "connect_timeout": CONNECT_TIMEOUT,
        }
        self._namespace = f"{target.schema}\0{namespace}"
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._held: set[str] = set()
        self._users = 0
        self._shared_key: tuple[int, str] | None = None
        self._mutex = threading.Lock()

    @classmethod
    def shared(cls, url: str, namespace: str) -> AdvisoryLocks:
        """This process's locks of ``namespace`` on the server of ``url`` (``close`` when done)."""
        with _lock:
            key = (os.getpid(), f"{url}\0{namespace}")
            locks = _shared.get(key)
            if locks is None:
                locks = _shared[key] = cls(url, namespace)
                locks._shared_key = key
            locks._users += 1
            return locks

    def holds(self, name: str) -> bool:
        """Whether this process holds the lock."""
        return name in self._held

    def try_take(self, name: str) -> bool:
        """Take the lock unless another process holds it (True: held by this process now)."""
        with self._mutex:
            if name in self._held:
                return True
            row = (
                self._connection().execute("SELECT pg_try_advisory_lock(%s)", [_key(self._namespace, name)]).fetchone()
            )
            if row is None or not row[0]:
                return False
            self._held.add(name)
            return True

    def release(self, name: str) -> None:
        """Let go of a lock this process holds."""
        with self._mutex:
            if name not in self._held:
                return
            self._held.discard(name)
            if self._conn is not None and not self._conn.closed:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", [_key(self._namespace, name)])

    def close(self) -> None:
        """One user fewer; the connection (and any lock left) goes with the last one."""
        with _lock:
            self._users -= 1
            if self._users > 0:
                return
            if self._shared_key is not None:
                _shared.pop(self._shared_key, None)
        with self._mutex:
            self._held.clear()
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        if self._conn is None or self._conn.closed:
            if self._held:  # the server dropped them with the old session: another process may take them now
                log.warning("The connection holding %d submission claims was lost: they were released", len(self._held))
                self._held.clear()
            self._conn = psycopg.connect(**self._params, autocommit=True)
        return self._conn
