"""A start-up reads only the checkpoint parts it uses; the others come on first use, even late."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from test_runtime_conflicts import node

from ledgerflow.projections.current import CurrentState
from ledgerflow.service.runtime import Runtime


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
