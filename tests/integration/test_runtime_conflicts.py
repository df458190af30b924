"""A command that loses a write conflict with another process leaves no trace in this process's state."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from ledgerflow.domain.datanode import DataNode
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.runtime import Runtime


def node(node_id: str) -> DataNode:
    return DataNode(
        id=node_id,
        config_id="shared",
        scope=3,
        storage_type="pickle",
        owner_id=None,
        properties={},
        validity_period=None,
        version="v",
        key="k",
    )


def test_the_loser_of_a_write_conflict_reads_the_log_again(tmp_path: Path) -> None:
    first, second = Runtime(str(tmp_path)), Runtime(str(tmp_path))  # two processes on one store
    try:
        first.record(node("DATANODE_shared_1"))
        first.flush()
        second.catch_up()
        stale = second.aggregate(DataNode, "DATANODE_shared_1")  # version 1, as the second process saw it

        fresh = first.aggregate(DataNode, "DATANODE_shared_1")
        fresh.lock_edit("alice", datetime.now())
        first.record(fresh)
        first.flush()

        stale.record_write("0" * 64, 1, "db", "write", datetime.now(), editor_id="bob")
        second.record(stale)
        assert second.state.data_nodes["DATANODE_shared_1"].edits  # folded in before the commit...
        with pytest.raises(IntegrityError):
            second.flush()  # ...which the other process's lock wins

        second.catch_up()
        view = second.state.data_nodes["DATANODE_shared_1"]
        assert view.edits == [] and view.editor_id == "alice"
        rebuilt = CurrentState()
        rebuilt.apply_all(second.store.iter_records())
        assert rebuilt == second.state
    finally:
        first.close()
        second.close()
