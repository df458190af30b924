"""The writer's futures (``storage/outcomes.py``) behave as ``concurrent.futures.Future`` does.

They share one condition per writer and change state a batch at a time; what a caller can see —
results, errors, cancelling before the write, callbacks, timeouts, ``wait``/``as_completed`` —
must be what a plain ``Future`` gives. A real SQLite store; the writer lingers so the tests
decide when a batch is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, as_completed, wait
from pathlib import Path

import pytest
from store_things import Thing, thing_events

from ledgerflow.storage import EventStore, GroupCommitWriter


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    store = EventStore.open(tmp_path / "events.db")
    yield store
    store.close()


@pytest.fixture
def writer(store: EventStore) -> Iterator[GroupCommitWriter]:
    writer = GroupCommitWriter(store, linger=600)  # writes only when flushed
    yield writer
    writer.close()


def test_results_callbacks_and_waiting_from_other_threads(writer: GroupCommitWriter) -> None:
    futures = [writer.submit(thing_events(f"THING_{i}", 1)) for i in range(3)]
    assert all(isinstance(f, Future) and not f.done() and not f.running() for f in futures)
    called: list[list[int]] = []
    futures[1].add_done_callback(lambda f: called.append(f.result()))
    seen: list[list[int]] = []
    waiters = [threading.Thread(target=lambda f=f: seen.append(f.result(timeout=30))) for f in futures]
    for thread in waiters:
        thread.start()
    with pytest.raises(TimeoutError):
        futures[0].result(timeout=0.05)
    writer.flush(timeout=30)
    for thread in waiters:
        thread.join(30)
    assert [f.result() for f in futures] == [[1, 2], [3, 4], [5, 6]]
    assert sorted(seen) == [[1, 2], [3, 4], [5, 6]]
    assert called == [[3, 4]] and futures[2].exception() is None
    late: list[bool] = []
    futures[0].add_done_callback(lambda f: late.append(f.done()))  # already done: called at once
    assert late == [True]


def test_a_command_cancelled_before_it_is_written_is_withdrawn(writer: GroupCommitWriter, store: EventStore) -> None:
    kept = writer.submit(thing_events("THING_kept"))
    withdrawn = writer.submit(thing_events("THING_withdrawn"))
    cancelled: list[bool] = []
    withdrawn.add_done_callback(lambda f: cancelled.append(f.cancelled()))
    assert withdrawn.cancel() and withdrawn.cancelled() and withdrawn.done()
    assert cancelled == [True]
    writer.flush(timeout=30)
    with pytest.raises(CancelledError):
        withdrawn.result()
    assert kept.result() == [1] and not kept.cancel()  # written: too late to cancel
    assert store.max_position() == 1 and store.events_of("THING_withdrawn") == []


def test_wait_and_as_completed_work_on_them(writer: GroupCommitWriter) -> None:
    futures = [writer.submit(thing_events(f"THING_{i}")) for i in range(4)]
    futures[3].cancel()  # wait() counts it once the writer has reached it, as with a plain Future
    done, pending = wait(futures, timeout=0.05)
    assert not done and len(pending) == 4
    flushing = threading.Thread(target=writer.flush, kwargs={"timeout": 30})
    flushing.start()
    assert {f.result()[0] for f in as_completed(futures[:3], timeout=30)} == {1, 2, 3}
    flushing.join(30)
    done, pending = wait(futures, timeout=30)
    assert len(done) == 4 and not pending


def test_an_error_reaches_the_future_its_callbacks_and_flush(writer: GroupCommitWriter) -> None:
    bad = Thing(id="THING_bad", name="b")
    bad.tag(object())  # cannot be encoded
    failed = writer.submit(bad.collect_events())
    errors: list[BaseException | None] = []
    failed.add_done_callback(lambda f: errors.append(f.exception()))
    with pytest.raises(TypeError):
        writer.flush(timeout=30)
    assert isinstance(failed.exception(), TypeError) and len(errors) == 1
    with pytest.raises(TypeError):
        failed.result()
