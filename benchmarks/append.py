"""``append``: the group-commit writer alone, against raw sqlite3 inserts of the same rows.

Events come from ``Counter``, a tiny aggregate defined here. Each event is its own command
(``writer.submit([event], meta)``), submitted from one thread as fast as it can; the writer
batches whatever has queued while the previous transaction commits. The baseline inserts the
same rows as stored (encoded, their states compressed) into a table of the same schema with
``executemany``, in transactions of exactly the sizes the writer used (WAL, ``synchronous=FULL``),
so both pay the same fsyncs and write the same bytes; ``bytes_per_event`` is a stored state's size.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from eventsourcing.domain import event

from benchmarks.worker import Context, Figures
from ledgerflow.domain.entity import Entity
from ledgerflow.storage.codec import StoredRow
from ledgerflow.storage.compression import compress_states
from ledgerflow.storage.eventstore import DomainEvent, EventStore
from ledgerflow.storage.writer import GroupCommitWriter

SIZES = (100_000, 20_000)  # events: full, quick
COUNTERS = 1_000
META = {"actor": "benchmarks", "reason": "append"}


class Counter(Entity):
    """A counter that records each increment."""

    TOPIC = "benchmarks.counter"

    @event("Created", topic="benchmarks.counter.created")
    def __init__(self, id: str) -> None:
        self.count = 0

    def increment(self) -> None:
        """Add one."""
        self._incremented(1)

    @event("Incremented", topic="benchmarks.counter.incremented")
    def _incremented(self, by: int) -> None:
        self.count += by


def make_events(total: int) -> list[DomainEvent]:
    """``total`` events, round-robin over ``COUNTERS`` counters (creations first)."""
    counters = [Counter(id=f"COUNTER_{i}") for i in range(min(COUNTERS, total))]
    events: list[DomainEvent] = [e for c in counters for e in c.collect_events()]
    while len(events) < total:
        for counter in counters[: total - len(events)]:
            counter.increment()
            events.extend(counter.collect_events())
    return events


def run_append(ctx: Context) -> Figures:
    """events/s through ``GroupCommitWriter`` and the ratio to raw sqlite3."""
    total = SIZES[ctx.quick]
    events = make_events(total)
    store = EventStore.open(ctx.workdir / "append.db")
    batches: list[int] = []
    insert = store.insert

    def recording_insert(groups: Sequence[Sequence[StoredRow]], *args: Any, **kwargs: Any) -> list[list[int]]:
        batches.append(sum(len(g) for g in groups))
        return insert(groups, *args, **kwargs)

    store.insert = recording_insert  # type: ignore[method-assign]
    writer = GroupCommitWriter(store)
    futures: list[Future[list[int]]] = []
    with ctx.timed("append"):
        for e in events:
            futures.append(writer.submit([e], META))
        writer.flush()
    positions = [p for f in futures for p in f.result()]
    writer.close()
    ctx.check(positions == list(range(1, total + 1)), "append: positions are not 1..N in order")
    ctx.check(store.max_position() == total, f"append: the log holds {store.max_position()}")
    rows = compress_states(store.encode(events, META))
    store.close()
    raw_ms = _raw_sqlite_ms(ctx.workdir / "raw.db", rows, batches)
    events_per_s = total / (ctx.timings["append"] / 1000.0)
    raw_per_s = total / (raw_ms / 1000.0)
    return {
        "events_per_s": events_per_s,
        "ratio_to_sqlite": events_per_s / raw_per_s,
        "sqlite_rows_per_s": raw_per_s,
        "events": total,
        "batches": len(batches),
        "bytes_per_event": sum(len(r[3]) for r in rows) / total,
    }


def _raw_sqlite_ms(path: Path, rows: list[StoredRow], batches: list[int]) -> float:
    """Milliseconds to insert ``rows`` in transactions of the ``batches`` sizes."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    start, at = time.perf_counter(), 0
    for size in batches:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows[at : at + size])
        db.execute("COMMIT")
        at += size
    elapsed = (time.perf_counter() - start) * 1000.0
    db.close()
    return elapsed
