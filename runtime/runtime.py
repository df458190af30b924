"""One process's hold on the log: the event store, the writer, the blob store and the live projection.

Every command goes through ``Runtime.record``: under one lock it collects the aggregates'
new events, folds them into the live projection (read-your-writes) and hands them to the
group-commit writer, which makes them durable in batches.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import ConcurrentChangeError, NonExistingEntity
from ledgerflow.projections.current import CurrentState, ReplayGapError
from ledgerflow.runtime.checkpoints import load_saved_state, save_state
from ledgerflow.runtime.fold_progress import FoldProgress, reporting
from ledgerflow.runtime.metadata import metadata
from ledgerflow.runtime.read_back import KEEP_FINISHED, LogReadBack
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.eventstore import EventStore
from ledgerflow.storage.presence import Presence
from ledgerflow.storage.writer import CommittedGroup, GroupCommitWriter

log = logging.getLogger("ledgerflow")

A = TypeVar("A", bound=Entity)

#: Write a new checkpoint (at start-up or close) when more events than this came since the last one.
CHECKPOINT_AFTER = 5_000
LONG_FOLD = 100_000  # events: a start-up folding more says so
COMMAND_ATTEMPTS = 5  # tries of a command that keeps losing write conflicts to other processes
CATCH_UP_PAGE = 1_000  # events read per query while catching up


class Runtime:
    """Everything one process needs to read and write the log."""

    def __init__(
        self,
        storage_folder: str,
        url: str | None = None,
        keep_finished: int | None = KEEP_FINISHED,
        *,
        on_fold: FoldProgress | None = None,
    ) -> None:
        """Open the log at ``url`` (default: the SQLite file ``events.db`` in ``storage_folder``).

        ``keep_finished``: finished submissions kept in memory with their jobs (None: all), and writes
        of each data node (at most ``KEEP_WRITES``); older ones are read back from the log when asked
        for (``runtime/read_back.py``).
        ``on_fold(done, total)``: told how the start-up's fold of the events after the checkpoint
        goes (the caller shows it; a start-up with nothing to fold does not call it).
        """
        self.storage_folder = Path(storage_folder)
        self.keep_finished = keep_finished
        self.url = url or f"sqlite:///{self.storage_folder.resolve() / 'events.db'}"
        with ExitStack() as undo:  # a start-up that fails lets go of what it opened
            #: Tells other processes this one has the store open (``compact`` must run alone).
            self.presence = Presence(self.storage_folder)
            undo.callback(self.presence.close)
            self.store = EventStore.open(self.url)
            undo.callback(self.store.close)
            # Payload files survive a process crash without an fsync each; the log itself is fsynced.
            # Small payloads go into the event store with their events; larger ones into files.
            self.blobs = BlobStore(self.storage_folder / "blobs", fsync=False, inline=self.store.inline_blobs)
            self.lock = threading.RLock()
            self._aggregates: dict[str, Entity] = {}
            self._committed: deque[list[int]] = deque()
            #: A command of this process lost a write conflict: its events are folded in but not stored.
            self._diverged = False
            self.state = self._load_state(on_fold)
            #: Called (on the writer thread) after each commit: wakes up log readers such as ``lf.on_event``.
            self.commit_listeners: list[Callable[[], None]] = []
            self.writer = GroupCommitWriter(self.store, on_committed=self._on_committed)
            self.closed = False
            undo.pop_all()

    # -- start-up -------------------------------------------------------------------------
    def _load_state(self, on_fold: FoldProgress | None = None) -> CurrentState:
        state = self.adopt(load_saved_state(self.store))
        self._checkpoint_position = state.position
        end = self.store.max_position()
        long = end - state.position > LONG_FOLD  # e.g. the first start after the projection code changed
        if long:
            log.info(
                "Reading %d events of the log into the current state (no checkpoint covers them)...",
                end - state.position,
            )
        start = time.perf_counter()
        records = self.store.iter_records(after=state.position, until=end)
        if on_fold is not None and end > state.position:
            records = reporting(records, state.position, end, on_fold)
        state.apply_all(records, new=True)
        saving = state.position - self._checkpoint_position > CHECKPOINT_AFTER
        if saving:
            save_state(self.store, state)
            self._checkpoint_position = state.position
        if long:
            then = "saved a checkpoint: the next start reads only what follows" if saving else "no checkpoint yet"
            log.info("Read the log in %.1f s; %s", time.perf_counter() - start, then)
        return state

    def adopt(self, state: CurrentState) -> CurrentState:
        """``state`` with this runtime's horizon, reading what left memory back from this log."""
        state.set_horizon(self.keep_finished)
        state.set_read_back(LogReadBack(self.store, state))
        return state

    # -- commands -------------------------------------------------------------------------
    def record(self, *aggregates: Entity, reason: str | None = None) -> Future[list[int]]:
        """Record the new events of ``aggregates`` as one command; its future resolves once they are durable."""
        meta = metadata(reason)
        with self.lock:
            if self._diverged:
                self.resync()
            events = [event for aggregate in aggregates for event in aggregate.collect_events()]
            if not events:  # nothing changed: nothing to write
                done: Future[list[int]] = Future()
                done.set_result([])
                return done
            rows, records = self.store.mapper.encode_for_fold(events, meta)
            decode = self.store.mapper.decode_row
            for row, record in zip(rows, records, strict=True):
                self.state.apply(record if record is not None else decode(0, *row), new=True)
            for aggregate in aggregates:
                self._aggregates[aggregate.id] = aggregate
            future = self.writer.submit(events, meta, rows)
            left = self.state.take_archived()
        if left:  # durable with this command (the writer keeps the order): their aggregates are not needed
            future.add_done_callback(lambda _: self._forget_aggregates(left))
        future.add_done_callback(self._check_committed)
        return future

    def command(
        self,
        build: Callable[[], Sequence[Entity]],
        reason: str,
        attempts: int = COMMAND_ATTEMPTS,
        *,
        read_first: bool = True,
    ) -> list[int]:
        """Run a command that other processes may race, on an up-to-date state; return once it is durable.

        ``build`` takes the aggregates it changes (``self.aggregate``), applies its rules and returns
        them. Its events are folded into the projection only once committed, so a lost race leaves
        nothing to undo: when another process changed one of the aggregates meanwhile (a version
        conflict in the log), the events since this process's position are read and ``build`` runs
        again, its rules checked against that change. After ``attempts`` lost races, a
        ``ConcurrentChangeError`` names the entities and nothing of the command is recorded.
        Returns the positions of the command's events. ``read_first=False``: the first attempt builds
        on what this process already knows, without reading the log's tail — only for a command whose
        every rule is guarded by the versions of the aggregates it changes (a change of any of them
        meanwhile is a lost race, and the retry reads the tail).
        """
        meta = metadata(reason)
        for attempt in range(1, attempts + 1):
            with self.lock:
                if read_first or attempt > 1:
                    self.catch_up()  # what other processes wrote since: their changes, not stale aggregates
                aggregates = list(build())
                events = [event for aggregate in aggregates for event in aggregate.collect_events()]
                if not events:
                    return []
                rows, records = self.store.mapper.encode_for_fold(events, meta)
                future = self.writer.submit(events, meta, rows, awaited=True)
            try:
                positions = future.result()
            except IntegrityError as error:
                with self.lock:
                    for aggregate in aggregates:  # ahead of the log: rebuilt from it next time
                        self._aggregates.pop(aggregate.id, None)
                if attempt == attempts:
                    names = ", ".join(sorted({a.id for a in aggregates})[:3])
                    raise ConcurrentChangeError(
                        f"Could not record '{reason}': other processes changed {names} {attempts} times "
                        "while it was being recorded. Nothing of it was recorded; try again."
                    ) from error
                log.info("Another process changed what '%s' changes: reading the log's tail and trying again", reason)
                time.sleep(random.uniform(0, 0.002 * attempt))  # spread the retries of racing processes
                continue
            with self.lock:
                decode = self.store.mapper.decode_row
                try:
                    # At position 0, as ``record`` folds: the state's position moves past these events only
                    # once everything before them is read (``_advance_position``), never over another
                    # process's events committed just before them.
                    for row, record in zip(rows, records, strict=True):
                        self.state.apply(record if record is not None else decode(0, *row))
                except ReplayGapError:  # another process's event came before ours: read the tail in order
                    self.catch_up()
                for aggregate in aggregates:
                    self._aggregates[aggregate.id] = aggregate
                self._forget_aggregates(self.state.take_archived())
            return positions
        raise AssertionError("unreachable")

    def _check_committed(self, future: Future[list[int]]) -> None:
        if not future.cancelled() and isinstance(future.exception(), IntegrityError):
            # Commands that may race other processes go through ``command``; this one was not expected to.
            log.error("A command lost a write conflict with another process: this process reads the whole log again")
            self._diverged = True

    def aggregate(self, cls: type[A], entity_id: str) -> A:
        """The aggregate of an entity, from the cache or rebuilt from its events."""
        found = self._aggregates.get(entity_id)
        if found is None:
            try:
                found = self.store.get_aggregate(entity_id)
            except Exception as error:
                raise NonExistingEntity(f"{entity_id} does not exist.") from error
            self._aggregates[entity_id] = found
        if not isinstance(found, cls):
            raise NonExistingEntity(f"{entity_id} is not a {cls.__name__}.")
        return found

    def flush(self, timeout: float | None = None, *, urgent: bool = True) -> None:
        """Wait until every recorded event is durable (``urgent=False``: at the writer's pace, see ``flush``)."""
        self.writer.flush(timeout, urgent=urgent)

    def _forget_aggregates(self, entity_ids: list[str]) -> None:
        """Drop the cached aggregates of entities that left the projection, once their events are durable.

        Runs on the writer thread too, so without the lock (which a flushing thread may hold): one
        ``dict.pop`` each, and a dropped aggregate is rebuilt from the log if asked for again.
        """
        for entity_id in entity_ids:
            self._aggregates.pop(entity_id, None)

    # -- other processes ------------------------------------------------------------------
    def _on_committed(self, groups: Iterable[CommittedGroup]) -> None:
        for group in groups:
            if group.positions:
                self._committed.append(group.positions)
        for listener in list(self.commit_listeners):
            listener()

    def _advance_position(self) -> None:
        while self._committed:
            positions = self._committed.popleft()
            if positions[0] == self.state.position + 1:
                self.state.position = positions[-1]

    def catch_up(self, on_record: Callable[[str], None] | None = None) -> int:
        """Fold in the events other processes wrote; returns how many were new.

        ``on_record``: called with the originator id after each new event is folded (the state then
        shows the entity as that event left it).
        """
        with self.lock:
            if self._diverged:
                self.resync()
            self._advance_position()
            applied = 0
            while True:  # one query when nothing is new
                records = self.store.read(after=self.state.position, limit=CATCH_UP_PAGE)
                for record in records:
                    if self.state.apply(record):
                        applied += 1
                        self._aggregates.pop(record.originator_id, None)
                        if on_record is not None:
                            on_record(record.originator_id)
                self._advance_position()
                if len(records) < CATCH_UP_PAGE:
                    self._forget_aggregates(self.state.take_archived())
                    return applied

    def resync(self) -> None:
        """Rebuild the projection from the log (after a write conflict with another process).

        Queued events are written first, so the rebuilt state and aggregates include them.
        """
        with self.lock:
            try:
                self.flush()
            except Exception:  # the failed commands' errors were raised to their callers
                log.debug("Some queued commands failed before the resync", exc_info=True)
            self._diverged = False
            self._aggregates.clear()
            self._committed.clear()
            self.state = self._load_state()

    # -- shutdown -------------------------------------------------------------------------
    def save_checkpoint(self, force: bool = False) -> None:
        """Persist the projection so the next start replays only what follows.

        Without ``force``, only when more than ``CHECKPOINT_AFTER`` events came since the last one
        (a large state takes a while to write; a short tail is quick to replay).
        """
        with self.lock:  # nothing may be recorded between the flush and the dump
            self.flush()
            self.catch_up()
            if not force and self.state.position - self._checkpoint_position <= CHECKPOINT_AFTER:
                return
            save_state(self.store, self.state)
            self._checkpoint_position = self.state.position

    def close(self) -> None:
        """Flush, checkpoint and release the store."""
        if self.closed:
            return
        self.closed = True
        try:
            self.save_checkpoint()
        finally:
            self.release()

    def release(self) -> None:
        """Stop the writer and let go of the store, without a checkpoint (``close`` does both)."""
        self.closed = True
        try:
            self.writer.close()
            self.store.close()
        finally:
            self.presence.close()
