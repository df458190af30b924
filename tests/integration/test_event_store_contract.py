"""The event store contract, run on every backend: SQLite files and PostgreSQL.

``EventStoreContract`` holds the behaviour every backend must show; one subclass per backend
provides the ``url`` fixture (and backend-specific tests). The PostgreSQL suite skips when the
server is unreachable, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from store_things import Thing, thing_events

from ledgerflow.storage import (
    AggregateNotFound,
    CommittedGroup,
    EventStore,
    EventStoreError,
    GroupCommitWriter,
    WriterClosed,
)
from ledgerflow.storage.compression import MAGIC

POSTGRES_URL = os.environ.get("LEDGERFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def append_in_child(url: str, prefix: str, count: int, start: Any, errors: Any) -> None:
    """Run in a spawned process: commands of 1-5 events, each waiting until it is durable."""
    try:
        store = EventStore.open(url, create=False)
        writer = GroupCommitWriter(store)
        start.wait(60)
        written, n = 0, 0
        rnd = random.Random(prefix)
        while written < count:
            size = min(rnd.randint(1, 5), count - written)
            writer.submit(thing_events(f"{prefix}_{n}", size - 1)).result(timeout=120)
            written, n = written + size, n + 1
        writer.close()
        store.close()
    except BaseException as error:
        errors.put(f"{prefix}: {type(error).__name__}: {error}")
        raise


class EventStoreContract:
    """What every event store backend must do."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def store(self, url: str) -> Iterator[EventStore]:
        store = EventStore.open(url)
        yield store
        store.close()

    # -- append and read -------------------------------------------------------------------
    def test_append_returns_positions_and_read_returns_records(self, store: EventStore) -> None:
        meta = {"actor": "alice", "correlation_id": "SUBMISSION_1", "reason": "test"}
        positions = store.append([(thing_events("THING_a", 1), meta), (thing_events("THING_b"), None)])
        assert positions == [[1, 2], [3]]
        records = store.read()
        assert [r.position for r in records] == [1, 2, 3]
        assert [(r.originator_id, r.originator_version) for r in records] == [
            ("THING_a", 1),
            ("THING_a", 2),
            ("THING_b", 1),
        ]
        assert records[0].topic == "test.store.thing.created"
        assert records[0].payload == {"originator_topic": "test.store.thing", "name": "n0"}
        assert records[1].payload == {"name": "n1"}
        assert records[0].meta == meta
        assert records[2].meta == {}
        assert records[0].timestamp.tzinfo is not None
        assert store.max_position() == 3

    def test_a_large_batch_keeps_its_order_positions_and_links(self, store: EventStore) -> None:
        groups = [(thing_events(f"THING_{i}", 2), None) for i in range(200)]  # 600 rows: many insert chunks
        positions = store.append(groups)
        assert [p for group in positions for p in group] == list(range(1, 601))
        records = store.read(limit=1000)
        assert [(r.originator_id, r.originator_version) for r in records[:4]] == [
            ("THING_0", 1),
            ("THING_0", 2),
            ("THING_0", 3),
            ("THING_1", 1),
        ]
        assert records[-1].payload == {"name": "n2"}
        assert store.verify_chain().ok

    def test_read_windows_and_topics(self, store: EventStore) -> None:
        store.append([(thing_events(f"THING_{i}", 1), None) for i in range(3)])
        assert [r.position for r in store.read(after=2, limit=2)] == [3, 4]
        assert [r.position for r in store.read(after=1, until=3)] == [2, 3]
        renamed = store.read(topics=["test.store.thing.renamed"])
        assert [r.position for r in renamed] == [2, 4, 6]
        assert store.read(after=6) == []
        assert [r.position for r in store.iter_records(page=4)] == [1, 2, 3, 4, 5, 6]
        assert [r.position for r in store.iter_records(after=2, until=5, page=2)] == [3, 4, 5]

    def test_empty_store_and_empty_groups(self, store: EventStore) -> None:
        assert store.max_position() == 0
        assert store.read() == []
        assert list(store.iter_records()) == []
        assert store.append([]) == []
        assert store.append([([], None), (thing_events("THING_e"), None)]) == [[], [1]]

    def test_aggregates_and_their_events(self, store: EventStore) -> None:
        store.append([(thing_events("THING_x", 2), None), (thing_events("THING_y"), None)])
        thing = store.get_aggregate("THING_x")
        assert (thing.name, thing.version) == ("n2", 3)
        assert store.get_aggregate("THING_x", version=1).name == "n0"
        assert [r.originator_version for r in store.events_of("THING_x")] == [1, 2, 3]
        assert [r.position for r in store.events_of("THING_y")] == [4]
        assert store.events_of("THING_none") == []
        with pytest.raises(AggregateNotFound, match="THING_none") as caught:
            store.get_aggregate("THING_none")
        assert isinstance(caught.value, KeyError)
        assert isinstance(caught.value, EventStoreError)

    def test_values_survive_the_store(self, store: EventStore) -> None:
        thing = Thing(id="THING_v", name="v")
        value = {"when": thing.created_on, "raw": b"\x00\x01", "pair": (1, 2)}
        thing.tag(value)
        store.append([(thing.collect_events(), None)])
        assert store.get_aggregate("THING_v").value == {**value, "pair": [1, 2]}
        assert store.read()[-1].payload["value"]["raw"] == b"\x00\x01"

    def test_old_event_versions_are_upcast(self, store: EventStore) -> None:
        store.append([(thing_events("THING_u"), None)])
        v1_state = b'{"timestamp":"2024-01-01T00:00:00+00:00","size":5}'
        store.insert([[("THING_u", 2, "test.store.thing.resized", v1_state)]])
        thing = store.get_aggregate("THING_u")
        assert (thing.size, thing.unit) == (5, "cm")
        assert store.read()[-1].payload == {"size": 5, "unit": "cm"}
        current = store.get_aggregate("THING_u")
        current.resize(7, "mm")
        store.append([(current.collect_events(), None)])
        assert store.read()[-1].payload == {"size": 7, "unit": "mm"}

    # -- conflicts -------------------------------------------------------------------------
    def test_a_conflict_raises_integrity_error_and_writes_nothing(self, store: EventStore) -> None:
        store.append([(thing_events("THING_c"), None)])
        stale = store.get_aggregate("THING_c")
        current = store.get_aggregate("THING_c")
        current.rename("first")
        store.append([(current.collect_events(), None)])
        stale.rename("second")
        with pytest.raises(IntegrityError):
            store.append([(thing_events("THING_new"), None), (stale.collect_events(), None)])
        assert store.max_position() == 2
        assert store.get_aggregate("THING_c").name == "first"
        with pytest.raises(AggregateNotFound):
            store.get_aggregate("THING_new")

    # -- group commit ----------------------------------------------------------------------
    def test_group_commit_from_many_threads(self, store: EventStore) -> None:
        committed: list[CommittedGroup] = []
        writer = GroupCommitWriter(store, on_committed=committed.extend)
        submitted: list[tuple[str, int, Future[list[int]]]] = []
        lock = threading.Lock()

        def command_loop(worker: int) -> None:
            for i in range(40):
                size = 1 + (i % 3)
                future = writer.submit(thing_events(f"THING_{worker}_{i}", size - 1), {"actor": f"w{worker}"})
                with lock:
                    submitted.append((f"THING_{worker}_{i}", size, future))

        threads = [threading.Thread(target=command_loop, args=(w,)) for w in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        writer.flush(timeout=60)
        writer.close()
        total = sum(size for _, size, _ in submitted)
        all_positions = sorted(p for _, _, f in submitted for p in f.result())
        assert all_positions == list(range(1, total + 1))
        by_position = {r.position: r for r in store.iter_records()}
        for thing_id, size, future in submitted:
            positions = future.result()
            assert len(positions) == size
            assert [by_position[p].originator_id for p in positions] == [thing_id] * size
            assert [by_position[p].originator_version for p in positions] == list(range(1, size + 1))
        assert sorted(p for group in committed for p in group.positions) == all_positions

    def test_a_conflicting_command_fails_alone_in_its_batch(self, store: EventStore) -> None:
        store.append([(thing_events("THING_dup"), None)])
        release = threading.Event()
        batches: list[int] = []

        def hold_first_batch(groups: list[CommittedGroup]) -> None:
            batches.append(len(groups))
            release.wait(30)

        writer = GroupCommitWriter(store, on_committed=hold_first_batch)
        first = writer.submit(thing_events("THING_first"))
        while not batches:  # the writer is now inside the first batch's callback
            time.sleep(0.001)
        before = [writer.submit(thing_events(f"THING_ok{i}")) for i in range(3)]
        conflict = writer.submit(thing_events("THING_dup"))
        after = [writer.submit(thing_events(f"THING_ok{i}")) for i in range(3, 6)]
        release.set()
        with pytest.raises(IntegrityError):
            writer.flush(timeout=30)
        writer.close()
        assert first.result() == [2]
        with pytest.raises(IntegrityError):
            conflict.result()
        assert all(len(f.result()) == 1 for f in before + after)
        for i in range(6):
            assert store.get_aggregate(f"THING_ok{i}").name == "n0"
        assert len(store.events_of("THING_dup")) == 1

    def test_an_unstorable_value_fails_only_its_command(self, store: EventStore) -> None:
        bad = Thing(id="THING_bad", name="b")
        bad.tag(object())
        writer = GroupCommitWriter(store)
        good = writer.submit(thing_events("THING_good"))
        failed = writer.submit(bad.collect_events())
        with pytest.raises(TypeError, match="object"):
            writer.flush(timeout=30)
        writer.close()
        assert good.result() == [1]
        with pytest.raises(TypeError):
            failed.result()
        assert store.max_position() == 1

    def test_a_flush_that_is_not_urgent_leaves_the_writer_gathering(self, store: EventStore) -> None:
        writer = GroupCommitWriter(store, linger=600)  # commits only when someone needs durability
        first = writer.submit(thing_events("THING_a"))
        with pytest.raises(TimeoutError):  # it waits for the writer's pace: no commit forced
            writer.flush(timeout=0.2, urgent=False)
        assert not first.done() and store.max_position() == 0
        second = writer.submit(thing_events("THING_b"))
        writer.flush(timeout=30)  # urgent: ends the wait at once
        assert first.result() == [1] and second.result() == [2]
        writer.close()

    def test_close_writes_everything_and_refuses_more(self, store: EventStore) -> None:
        writer = GroupCommitWriter(store)
        futures = [writer.submit(thing_events(f"THING_{i}")) for i in range(50)]
        writer.close()
        assert all(f.done() for f in futures)
        assert store.max_position() == 50
        with pytest.raises(WriterClosed):
            writer.submit(thing_events("THING_late"))

    # -- checkpoints and reopening ---------------------------------------------------------
    def test_checkpoints(self, store: EventStore, url: str) -> None:
        checkpoints = store.checkpoints
        assert checkpoints.load("current") is None
        checkpoints.save("current", 10, b"state-1")
        checkpoints.save("other", 3, b"")
        checkpoints.save("current", 12, b"\x00state-2")
        assert checkpoints.load("current") == (12, b"\x00state-2")
        assert checkpoints.names() == ["current", "other"]
        checkpoints.delete("other")
        checkpoints.delete("missing")
        assert checkpoints.load("other") is None
        store.close()
        with EventStore.open(url, create=False) as reopened:
            assert reopened.checkpoints.load("current") == (12, b"\x00state-2")

    def test_checkpoints_in_parts_keep_the_previous_position_for_late_readers(self, store: EventStore) -> None:
        checkpoints = store.checkpoints
        assert checkpoints.load_parts("state", ["a"]) is None
        checkpoints.save_parts("state", 10, {"a": b"a10", "b": b"\x00b10"})
        assert checkpoints.load_parts("state", ["a", "z"]) == (10, ["a", "b"], {"a": b"a10"})
        assert checkpoints.load_parts("state", []) == (10, ["a", "b"], {})
        checkpoints.save_parts("state", 20, {"a": b"a20", "b": b"b20"})
        assert checkpoints.load_part("state", 10, "b") == b"\x00b10"  # a reader that started at 10
        checkpoints.save_parts("state", 30, {"a": b"a30", "b": b"b30"})
        assert checkpoints.load_part("state", 10, "b") is None
        assert checkpoints.load_part("state", 20, "b") == b"b20"
        assert checkpoints.load_parts("state", ["a", "b"]) == (30, ["a", "b"], {"a": b"a30", "b": b"b30"})
        checkpoints.delete("state")
        assert checkpoints.load_parts("state", ["a"]) is None
        assert checkpoints.load_part("state", 30, "a") is None

    # -- compressed states ------------------------------------------------------------------
    def test_states_are_stored_compressed_and_plain_rows_of_older_stores_read_alike(self, store: EventStore) -> None:
        meta = {"actor": "alice", "correlation_id": "SUBMISSION_1", "reason": "test"}
        old = store.encode(thing_events("THING_old", 2), meta)
        store.recorder.insert_rows(old)  # as ledgerflow wrote them before: plain JSON
        store.append([(thing_events("THING_new", 2), meta)])
        stored = [bytes(row[4]) for row in store.recorder.select_rows(0, None, 100)]
        assert [state[:1] for state in stored] == [b"{"] * 3 + [MAGIC[:1]] * 3
        assert sum(map(len, stored[3:])) < sum(map(len, stored[:3])) * 0.6
        records = store.read()
        assert [r.payload for r in records[:3]] == [r.payload for r in records[3:]]
        assert {str(r.meta) for r in records} == {str(meta)}
        assert store.get_aggregate("THING_old").name == store.get_aggregate("THING_new").name == "n2"
        report = store.verify_chain()  # the links hash the stored bytes, plain or compressed
        assert report.ok and report.checked == 6

    def test_checkpoint_parts_are_stored_compressed_and_plain_parts_still_read(self, store: EventStore) -> None:
        part = b'{"SCENARIO_a": ["alpha", 1]}' * 200
        store.checkpoints.save_parts("state", 10, {"a": part, "b": b"x"})
        table = store.recorder.qualify("ledgerflow_checkpoint_parts")
        kept = dict(store.recorder.run(f"SELECT part, data FROM {table}"))
        assert bytes(kept["a"])[:4] == MAGIC and len(bytes(kept["a"])) < len(part) / 10
        assert bytes(kept["b"]) == b"x"
        assert store.checkpoints.load_parts("state", ["a", "b"]) == (10, ["a", "b"], {"a": part, "b": b"x"})
        store.recorder.run(f"UPDATE {table} SET data = ? WHERE part = ?", [part, "a"], commit=True)  # as before
        assert store.checkpoints.load_part("state", 10, "a") == part

    def test_reopen_after_close_sees_everything(self, store: EventStore, url: str) -> None:
        store.append([(thing_events("THING_r", 3), {"actor": "a"})])
        store.close()
        with EventStore.open(url, create=False) as reopened:
            assert reopened.max_position() == 4
            assert reopened.get_aggregate("THING_r").name == "n3"
            assert reopened.read()[0].meta == {"actor": "a"}
            assert reopened.append([(thing_events("THING_s"), None)]) == [[5]]

    def test_two_processes_append_at_once(self, store: EventStore, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        start, errors = context.Barrier(2), context.Queue()
        children = [
            context.Process(target=append_in_child, args=(url, f"P{i}", 400, start, errors)) for i in range(2)
        ]  # both start appending together (the barrier)
        for child in children:
            child.start()
        for child in children:
            child.join(180)
        messages = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
        assert messages == []
        assert [child.exitcode for child in children] == [0, 0]
        records = list(store.iter_records())
        assert [r.position for r in records] == list(range(1, 801))
        versions: dict[str, list[int]] = {}
        for record in records:
            versions.setdefault(record.originator_id, []).append(record.originator_version)
        assert all(v == list(range(1, len(v) + 1)) for v in versions.values())


class TestSQLiteEventStore(EventStoreContract):
    """The contract on an SQLite file, plus its paths and durability (bad files: test_sqlite_store_file.py)."""

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'nested' / 'events.db'}"

    def test_plain_paths_and_durability(self, tmp_path: Path) -> None:
        with EventStore.open(tmp_path / "a.db") as full:
            assert full.recorder.run("PRAGMA synchronous") == [(2,)]
        with EventStore.open(str(tmp_path / "b.db"), durability="normal") as normal:
            assert normal.recorder.run("PRAGMA synchronous") == [(1,)]
            assert normal.append([(thing_events("THING_n"), None)]) == [[1]]

    def test_a_private_memory_store(self) -> None:
        with EventStore.open(":memory:") as store:
            store.append([(thing_events("THING_m", 1), None)])
            assert store.get_aggregate("THING_m").name == "n1"

    def test_a_missing_store_is_not_created_when_asked_not_to(self, tmp_path: Path) -> None:
        with pytest.raises(EventStoreError, match="No event store"):
            EventStore.open(tmp_path / "none.db", create=False)
        assert not (tmp_path / "none.db").exists()


def postgres_reachable() -> None:
    """Skip (or, under CI=true, fail) when the PostgreSQL server cannot be reached."""
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.postgres
class TestPostgresEventStore(EventStoreContract):
    """The contract on PostgreSQL, each test in a fresh schema."""

    @pytest.fixture
    def url(self) -> Iterator[str]:
        postgres_reachable()
        import psycopg

        schema = f"lf_test_{uuid.uuid4().hex[:12]}"
        yield f"{POSTGRES_URL}?schema={schema}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def test_a_missing_store_is_not_created_when_asked_not_to(self, url: str) -> None:
        with pytest.raises(EventStoreError, match="No event store"):
            EventStore.open(url, create=False)


def test_an_unreachable_postgres_fails_fast_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(EventStoreError, match=r"127\.0\.0\.1:1/test") as caught:
        EventStore.open("postgresql://postgres:s3cret@127.0.0.1:1/test")
    assert time.monotonic() - started < 10
    assert "s3cret" not in str(caught.value)


def test_postgres_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "ledgerflow.storage.postgres", None)
    with pytest.raises(EventStoreError, match=r"ledgerflow\[postgres\]"):
        EventStore.open("postgresql://postgres@127.0.0.1:5432/test")


def test_an_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(EventStoreError, match="Unsupported event store URL"):
        EventStore.open("mysql://localhost/db")
