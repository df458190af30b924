"""Worker heartbeats, kept in the log's database: who is alive, and which job each process runs.

Every worker process (each Celery pool child) upserts its row of ``ledgerflow_workers`` every
``lease / 3`` seconds. A row older than the lease means the process is gone (or cut off): the
job it ran is then retried or failed by whoever notices — the submitter following the log, or a
worker receiving the job's message again. Heartbeats are rows, not events: one every few seconds
per process would bury the log's history.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.sql import SQL, Identifier

from ledgerflow.storage.postgres import parse_postgres_url, schema_lock_key
from ledgerflow.storage.store_url import resolve_env

TABLE = "ledgerflow_workers"


def process_owner() -> str:
    """This process's name in the log: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class WorkerRow:
    """A worker process as its last heartbeat left it."""

    owner: str
    worker: str
    queues: str
    job_id: str | None
    started: datetime
    beat: datetime
    age: float  # seconds since the last heartbeat


class Leases:
    """The heartbeat table of one PostgreSQL event store (``?schema=`` honoured)."""

    def __init__(self, url: str) -> None:
        target = parse_postgres_url(resolve_env(url))
        self.table = SQL("{}.{}").format(Identifier(target.schema), Identifier(TABLE))
        self._params = {
            "host": target.host,
            "port": target.port,
            "user": target.user,
            "password": target.password,
            "dbname": target.dbname,
            "connect_timeout": 5,
        }
        self._schema = target.schema
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def _connection(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(**self._params, autocommit=True)  # type: ignore[arg-type]
            with self._conn.transaction():  # the store's DDL lock: concurrent CREATE SCHEMA fails
                self._conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [schema_lock_key(self._schema)])
                self._conn.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(self._schema)))
                self._conn.execute(
                    SQL(
                        "CREATE TABLE IF NOT EXISTS {} (owner TEXT PRIMARY KEY, worker TEXT NOT NULL, "
                        "queues TEXT NOT NULL, job_id TEXT, started TIMESTAMPTZ NOT NULL DEFAULT now(), "
                        "beat TIMESTAMPTZ NOT NULL DEFAULT now())"
                    ).format(self.table)
                )
        return self._conn

    def beat(self, owner: str, worker: str, queues: str, job_id: str | None) -> None:
        """Record that ``owner`` is alive and runs ``job_id`` (None: idle)."""
        with self._lock:
            self._connection().execute(
                SQL(
                    "INSERT INTO {} (owner, worker, queues, job_id) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (owner) DO UPDATE SET worker = EXCLUDED.worker, queues = EXCLUDED.queues, "
                    "job_id = EXCLUDED.job_id, beat = now()"
                ).format(self.table),
                [owner, worker, queues, job_id],
            )

    def leave(self, owner: str) -> None:
        """Remove ``owner``'s row (a clean stop)."""
        with self._lock:
            self._connection().execute(SQL("DELETE FROM {} WHERE owner = %s").format(self.table), [owner])

    def rows(self) -> list[WorkerRow]:
        """Every worker process's last heartbeat, oldest owner first."""
        with self._lock:
            cursor = self._connection().execute(
                SQL(
                    "SELECT owner, worker, queues, job_id, started, beat, "
                    "EXTRACT(EPOCH FROM now() - beat)::float FROM {} ORDER BY started, owner"
                ).format(self.table)
            )
            return [WorkerRow(*row) for row in cursor.fetchall()]  # type: ignore[arg-type]

    def alive(self, owner: str, lease: float) -> bool:
        """Whether ``owner`` beat within ``lease`` seconds (a process of this host that is gone: no)."""
        if gone_here(owner):
            return False
        return any(row.owner == owner and row.age <= lease for row in self.rows())

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def gone_here(owner: str) -> bool:
    """Whether ``owner`` is a process of this machine that no longer exists (known without waiting for its lease)."""
    host, _, pid = owner.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not _pid_exists(int(pid))


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Heartbeat:
    """A daemon thread beating for this process every ``lease / 3`` seconds; ``job_id`` says what it runs."""

    def __init__(self, leases: Leases, worker: str, queues: str, lease: float) -> None:
        self.leases = leases
        self.worker = worker
        self.queues = queues
        self.every = max(lease / 3, 0.2)
        self.owner = process_owner()
        self.job_id: str | None = None
        self._stop = threading.Event()
        self.beat_now()
        threading.Thread(target=self._run, name="ledgerflow-heartbeat", daemon=True).start()

    def beat_now(self, job_id: str | None = None) -> None:
        self.job_id = job_id
        self.leases.beat(self.owner, self.worker, self.queues, job_id)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.leases.beat(self.owner, self.worker, self.queues, self.job_id)
            except Exception:  # the database is away for a moment: the next beat retries
                continue

    def stop(self) -> None:
        self._stop.set()
        try:
            self.leases.leave(self.owner)
        except Exception:
            return
