"""Group commit: one thread saves the events of many commands in one transaction (one fsync).

Commands ``submit`` their event groups and get a future of the groups' positions (``outcomes.py``).
Each group is encoded by the thread submitting it (an encoding error fails only that command's
future), so the Python work of encoding overlaps the writer's time inside SQLite, which lets go of
the GIL. The writer takes everything queued and inserts it in one transaction. If that
transaction hits a version conflict, each group is retried alone, so only the conflicting
commands fail (with ``IntegrityError``); any other database error fails every command of the
batch.

The writer lingers up to ``linger`` seconds (default 5 ms) after the first queued command so that
a burst of small commands shares one transaction, one fsync and one thread switch; a ``flush()``
(or a full batch, or closing) ends the wait at once, so a caller that needs durability never
waits for the timer; ``flush(urgent=False)`` lets it run (for callers that wait in a loop).

``on_committed`` runs on the writer thread after each commit and before the futures resolve,
so a projection it updates already shows the events when a command's future completes.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, NamedTuple

from eventsourcing.persistence import IntegrityError

from ledgerflow.storage.codec import StoredRow
from ledgerflow.storage.errors import WriterClosed
from ledgerflow.storage.eventstore import DomainEvent, EventStore
from ledgerflow.storage.outcomes import Outcome, settle, start

__all__ = ["CommittedGroup", "GroupCommitWriter"]

log = logging.getLogger(__name__)


class CommittedGroup(NamedTuple):
    """One command's events as committed, with their positions."""

    events: Sequence[DomainEvent]
    meta: Mapping[str, Any] | None
    positions: list[int]


class _Pending(NamedTuple):
    seq: int
    events: Sequence[DomainEvent]
    meta: Mapping[str, Any] | None
    future: Outcome
    rows: list[StoredRow] | Exception  # or why they could not be encoded
    awaited: bool  # the caller takes the outcome from the future: flush() does not raise its error


class GroupCommitWriter:
    """A background thread that commits submitted event groups in batches."""

    def __init__(
        self,
        store: EventStore,
        *,
        on_committed: Callable[[list[CommittedGroup]], None] | None = None,
        max_batch_events: int = 10_000,
        linger: float = 0.005,
    ) -> None:
        self.store = store
        self.on_committed = on_committed
        self.max_batch_events = max_batch_events
        self.linger = linger
        self._queued_events = 0
        self._urgent = 0  # flushes waiting: no lingering while any
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._progress = threading.Condition(self._lock)
        self._hub = threading.Condition()  # the futures' state changes (outcomes.py)
        self._queue: deque[_Pending] = deque()
        self._submitted = 0
        self._done = 0
        self._errors: deque[tuple[int, BaseException]] = deque(maxlen=10_000)
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="ledgerflow-writer", daemon=True)
        self._thread.start()
        atexit.register(self._close_at_exit)

    def submit(
        self,
        events: Sequence[DomainEvent],
        meta: Mapping[str, Any] | None = None,
        rows: list[StoredRow] | None = None,
        *,
        awaited: bool = False,
    ) -> Future[list[int]]:
        """Queue one command's events; the future gives their positions once durable.

        ``rows``: the events already encoded by ``store.encode(events, meta)`` (else they are encoded
        here). ``awaited``: the caller waits for the future and handles its error, so ``flush()`` does
        not raise it again later.
        """
        future = Outcome(self._hub)
        encoded: list[StoredRow] | Exception
        try:
            encoded = rows if rows is not None else self.store.encode(events, meta)
        except Exception as error:  # fails this command only, through its future, in order
            encoded = error
        with self._lock:
            if self._closing:
                raise WriterClosed("The event writer is closed: no more events can be saved.")
            self._submitted += 1
            pending = _Pending(self._submitted, list(events), meta, future, encoded, awaited)
            self._queue.append(pending)
            self._queued_events += len(pending.events)
            if len(self._queue) == 1 or self._queued_events >= self.max_batch_events:
                self._work.notify()
        return future

    def flush(self, timeout: float | None = None, *, urgent: bool = True) -> None:
        """Wait until everything submitted so far is written; raise the first error among it.

        ``urgent=False``: the writer keeps gathering commands for up to ``linger`` first, so a
        caller that waits for many things in a row (each job of a batch) does not force a commit,
        and an fsync, for each of them.
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("flush() cannot be called from the writer thread (on_committed).")
        with self._lock:
            target = self._submitted
            if urgent:
                self._urgent += 1
                self._work.notify()
            try:
                if not self._progress.wait_for(lambda: self._done >= target, timeout):
                    raise TimeoutError(f"Events were not written within {timeout} s.")
            finally:
                if urgent:
                    self._urgent -= 1
            first: BaseException | None = None
            while self._errors and self._errors[0][0] <= target:
                _, error = self._errors.popleft()
                first = first or error
        if first is not None:
            raise first

    def close(self, timeout: float | None = None) -> None:
        """Write everything queued, stop the thread, and raise the first unreported error."""
        with self._lock:
            self._closing = True
            self._work.notify()
        self._thread.join(timeout)
        atexit.unregister(self._close_at_exit)
        if self._thread.is_alive():
            raise TimeoutError(f"The event writer did not finish within {timeout} s.")
        self.flush(0)

    def __enter__(self) -> GroupCommitWriter:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            try:
                self.close()
            except Exception:
                log.exception("Error while closing the event writer")

    def _close_at_exit(self) -> None:
        try:
            self.close()
        except Exception:
            log.exception("Events could not be written at exit")

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closing:
                    self._work.wait()
                if not self._queue:
                    return
                self._linger()
                batch = self._take()
                self._queued_events -= sum(len(p.events) for p in batch)
            try:
                failed = self._commit(batch)
            except BaseException as error:  # a bug here must not leave futures hanging
                failed = self._fail_unresolved(batch, error)
            with self._lock:
                self._errors.extend((p.seq, e) for p, e in failed if not p.awaited)
                self._done = batch[-1].seq
                self._progress.notify_all()

    def _linger(self) -> None:
        """Let a burst of commands gather (lock held) unless someone waits for durability."""
        deadline = time.monotonic() + self.linger
        while not self._urgent and not self._closing and self._queued_events < self.max_batch_events:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._work.wait(remaining)

    @staticmethod
    def _fail_unresolved(batch: list[_Pending], error: BaseException) -> list[tuple[_Pending, BaseException]]:
        failed = [(p, error) for p in batch if not p.future.done()]
        settle((p.future, None, error) for p, _ in failed)
        return failed

    def _take(self) -> list[_Pending]:
        batch = [self._queue.popleft()]
        size = len(batch[0].events)
        while self._queue and size + len(self._queue[0].events) <= self.max_batch_events:
            pending = self._queue.popleft()
            size += len(pending.events)
            batch.append(pending)
        return batch

    def _commit(self, batch: list[_Pending]) -> list[tuple[_Pending, BaseException]]:
        """Write a batch; resolve its futures; return the commands that failed."""
        failed: list[tuple[_Pending, BaseException]] = []
        encoded: list[tuple[_Pending, list[StoredRow]]] = []
        started = start(p.future for p in batch)
        for pending, running in zip(batch, started, strict=True):
            if not running:
                continue  # cancelled before it was written: withdrawn
            if isinstance(pending.rows, Exception):
                failed.append((pending, pending.rows))
            else:
                encoded.append((pending, pending.rows))
        committed: list[tuple[_Pending, list[int]]] = []
        blobs = self.store.inline_blobs.drain()
        try:
            positions = self.store.insert([stored for _, stored in encoded], blobs)
            committed = [(p, pos) for (p, _), pos in zip(encoded, positions, strict=True)]
        except IntegrityError as error:
            self._save_blobs(blobs)
            if len(encoded) == 1:
                failed.append((encoded[0][0], error))
            else:
                committed = self._one_by_one(encoded, failed)
        except Exception as error:
            self.store.inline_blobs.restore(blobs)
            failed.extend((p, error) for p, _ in encoded)
        self._announce(committed)
        settle((p.future, None, failure) for p, failure in failed)
        return failed

    def _save_blobs(self, blobs: list[tuple[str, bytes]]) -> None:
        """Commit staged payloads on their own (their events' batch was refused)."""
        try:
            self.store.insert([], blobs)
        except Exception:
            self.store.inline_blobs.restore(blobs)
            raise

    def _one_by_one(
        self,
        encoded: list[tuple[_Pending, list[StoredRow]]],
        failed: list[tuple[_Pending, BaseException]],
    ) -> list[tuple[_Pending, list[int]]]:
        committed = []
        for pending, stored in encoded:
            try:
                committed.append((pending, self.store.insert([stored])[0]))
            except Exception as error:
                failed.append((pending, error))
        return committed

    def _announce(self, committed: list[tuple[_Pending, list[int]]]) -> None:
        if not committed:
            return
        if self.on_committed is not None:
            try:
                self.on_committed([CommittedGroup(p.events, p.meta, pos) for p, pos in committed])
            except Exception:
                log.exception("on_committed failed; the events are saved")
        settle((p.future, positions, None) for p, positions in committed)
