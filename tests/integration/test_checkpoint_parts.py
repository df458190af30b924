"""A start-up reads only the checkpoint parts it uses; the others come on first use, even late."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_runtime_conflicts import node

from ledgerflow.domain.errors import EventStoreError
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.checkpoints import load_saved_state
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.eventstore import EventStore


def _fold(runtime: Runtime, until: int) -> CurrentState:
    state = CurrentState()
    state.apply_all(runtime.store.iter_records(until=until))
    return state


def _record_nodes(runtime: Runtime, first: int, count: int) -> None:
    for i in range(first, first + count):
        runtime.record(node(f"DATANODE_shared_{i}"))
    runtime.save_checkpoint(force=True)


def test_a_restart_reads_the_big_parts_only_when_used(tmp_path: Path) -> None:
    writer = Runtime(str(tmp_path))
    _record_nodes(writer, 0, 20)
    writer.close()
    reader = Runtime(str(tmp_path))
    try:
        assert "data_nodes" not in vars(reader.state) and reader.state.position == 20
        assert len(reader.state.data_nodes) == 20 and "data_nodes" in vars(reader.state)
        assert reader.state == _fold(reader, 20)
    finally:
        reader.close()


def test_parts_replaced_by_newer_checkpoints_are_folded_from_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    writer = Runtime(str(tmp_path))
    _record_nodes(writer, 0, 5)
    reader = Runtime(str(tmp_path))  # starts from the checkpoint at 5, reads no big part yet
    try:
        _record_nodes(writer, 5, 5)  # the reader's parts are kept as the previous checkpoint...
        assert reader.state.cache == _fold(reader, 5).cache
        _record_nodes(writer, 10, 5)  # ...and removed by the next one
        with caplog.at_level(logging.WARNING):
            assert reader.state.data_nodes == _fold(reader, 5).data_nodes
        assert "was replaced by newer ones" in caplog.text
        reader.catch_up()
        assert reader.state == _fold(reader, 15)
    finally:
        reader.close()
        writer.close()


def test_saving_removes_checkpoints_other_code_wrote(tmp_path: Path) -> None:
    from ledgerflow.projections.checkpoint import checkpoint_name

    runtime = Runtime(str(tmp_path))
    try:
        runtime.store.checkpoints.save_parts("current-state-0123456789abcdef", 1, {"position": b"old"})
        runtime.store.checkpoints.save("consumer-audit", 1, b"")
        _record_nodes(runtime, 0, 2)
        assert runtime.store.checkpoints.names() == ["consumer-audit", checkpoint_name()]
    finally:
        runtime.close()


def _damage(tmp_path: Path, part: str) -> None:
    from ledgerflow.projections.checkpoint import checkpoint_name

    runtime = Runtime(str(tmp_path))
    _record_nodes(runtime, 0, 5)
    runtime.release()  # no checkpoint on the way out: the damaged one stays the latest
    with sqlite3.connect(tmp_path / "events.db") as db:
        db.execute(
            "UPDATE ledgerflow_checkpoint_parts SET data = ? WHERE name = ? AND part = ?",
            [b"not a pickle", checkpoint_name(), part],
        )


@pytest.mark.parametrize("part", ["scenarios", "data_nodes"])
def test_a_damaged_checkpoint_is_folded_again_from_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, part: str
) -> None:
    _damage(tmp_path, part)
    with caplog.at_level(logging.WARNING):
        runtime = Runtime(str(tmp_path))
        try:
            assert len(runtime.state.data_nodes) == 5
            assert runtime.state == _fold(runtime, 5)
        finally:
            runtime.close()
    assert "cannot be read" in caplog.text


def _broken_start(store: object) -> CurrentState:
    raise OSError("the disk went away")


@pytest.mark.parametrize("failing", ["opening the store", "loading the state"])
def test_a_start_up_that_fails_lets_go_of_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    if failing == "opening the store":
        (tmp_path / "events.db").write_bytes(b"not a database, but a file someone left here" * 100)
    else:
        monkeypatch.setattr("ledgerflow.runtime.runtime.load_saved_state", _broken_start)
    with pytest.raises((EventStoreError, OSError)):
        Runtime(str(tmp_path))
    alone = "from ledgerflow.storage.presence import Presence; Presence({!r}).alone('test').__enter__()"
    other = subprocess.run([sys.executable, "-c", alone.format(str(tmp_path))], capture_output=True, text=True)
    assert other.returncode == 0, other.stderr  # no share of the store is left behind in this process


def test_a_start_that_reads_a_long_log_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    writer = Runtime(str(tmp_path))
    for i in range(5):
        writer.record(node(f"DATANODE_shared_{i}"))
    writer.release()  # no checkpoint: the next start folds the whole log
    monkeypatch.setattr("ledgerflow.runtime.runtime.LONG_FOLD", 3)
    monkeypatch.setattr("ledgerflow.runtime.runtime.CHECKPOINT_AFTER", 4)
    with caplog.at_level(logging.INFO, logger="ledgerflow"):
        Runtime(str(tmp_path)).close()
    assert "Reading 5 events of the log into the current state" in caplog.text
    assert "saved a checkpoint: the next start reads only what follows" in caplog.text
    with EventStore.open(tmp_path / "events.db", create=False) as store:
        assert load_saved_state(store).position == 5
