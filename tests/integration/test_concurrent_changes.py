"""Changes another process made meanwhile are seen by the next command, which is retried on a conflict."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_runtime_conflicts import node

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import ConcurrentChangeError, DataNodeIsBeingEdited
from ledgerflow.runtime.runtime import Runtime

OTHER_PROCESS = """
import sys

import ledgerflow as lf
from ledgerflow import Config

Config.configure_core(mode="experiment", version_number="shared")
x = Config.configure_data_node("x", scope=lf.Scope.GLOBAL, default_path="x.p")
Config.configure_scenario("s", additional_data_node_configs=[x])
node = lf.get(sys.argv[1])
if sys.argv[2] == "lock":
    node.lock_edit("bob")
else:
    node.write(sys.argv[2], comment="from the other process")
"""


def _other_process(tmp_path: Path, node_id: str, action: str) -> None:
    (tmp_path / "other.py").write_text(textwrap.dedent(OTHER_PROCESS))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    done = subprocess.run(
        [sys.executable, "other.py", node_id, action], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def shared_node(workdir: Path) -> lf.DataNode:
    Config.configure_core(mode="experiment", version_number="shared")
    x = Config.configure_data_node("x", scope=lf.Scope.GLOBAL, default_path="x.p")
    Config.configure_scenario("s", additional_data_node_configs=[x])
    scenario = lf.create_scenario(Config.scenarios["s"])
    scenario.x.write("mine")
    return scenario.x


def test_a_write_after_another_process_wrote_keeps_both(workdir: Path, shared_node: lf.DataNode) -> None:
    _other_process(workdir, shared_node.id, "theirs")
    shared_node.write("mine again")
    assert shared_node.read() == "mine again"
    assert [edit["comment"] for edit in shared_node.edits][-2:] == ["from the other process", None]
    assert [shared_node.read(version=v) for v in (1, 2, 3)] == ["mine", "theirs", "mine again"]


def test_a_lock_another_process_took_is_enforced(workdir: Path, shared_node: lf.DataNode) -> None:
    _other_process(workdir, shared_node.id, "lock")
    with pytest.raises(DataNodeIsBeingEdited):
        shared_node.write("mine again", editor_id="alice")
    assert shared_node.read() == "mine"  # its file (x.p) was not overwritten either
    assert pickle.loads((workdir / "x.p").read_bytes()) == "mine"


NODE = "DATANODE_shared_1"


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[Runtime, Runtime]]:
    """Two runtimes on one store, as two processes would have; a data node both know."""
    first, second = Runtime(str(tmp_path)), Runtime(str(tmp_path))
    try:
        first.record(node(NODE))
        first.flush()
        second.catch_up()
        yield first, second
    finally:
        first.close()
        second.close()


def _they_write(other: Runtime) -> None:
    theirs = other.aggregate(DataNode, NODE)
    theirs.record_write("1" * 64, 1, "db", "write", theirs.created_on, editor_id="bob")
    other.record(theirs)
    other.flush()


def test_a_command_losing_a_conflict_runs_again_on_what_the_other_process_wrote(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    first, second = two_processes
    attempts = []

    def lock_it() -> list[Entity]:
        attempts.append(len(attempts) + 1)
        mine = second.aggregate(DataNode, NODE)
        if len(attempts) == 1:  # the other process writes between this read and the commit
            _they_write(first)
        mine.lock_edit("alice", mine.created_on)
        return [mine]

    second.command(lock_it, reason="take the edit lock")
    assert attempts == [1, 2]
    view = second.state.data_nodes[NODE]
    assert view.editor_id == "alice" and len(view.edits) == 1


def test_a_command_that_keeps_losing_says_so_and_records_nothing(two_processes: tuple[Runtime, Runtime]) -> None:
    first, second = two_processes

    def always_beaten() -> list[Entity]:
        mine = second.aggregate(DataNode, NODE)
        _they_write(first)
        mine.lock_edit("alice", mine.created_on)
        return [mine]

    with pytest.raises(ConcurrentChangeError, match="Could not record 'take the edit lock'"):
        second.command(always_beaten, reason="take the edit lock", attempts=2)
    second.catch_up()
    view = second.state.data_nodes[NODE]
    assert view.editor_id is None and len(view.edits) == 2
