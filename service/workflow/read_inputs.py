"""Inputs read by the user's own function (generic nodes with a ``read_fct``), recorded before a workflow runs.

Such a node has no value in the log until something writes it, so a task reading it would wait
for it forever. Before a workflow plans or runs, each one is read and its content hash recorded
as a write of kind ``read`` when it differs from the last one: the task then runs, and a change
of what the function returns (a file it reads, a table) re-runs the task and its downstream.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.runtime.datanodes import node_spec
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.datanodes import Backends, _hash_of


def record_read_inputs(runtime: Runtime, backends: Backends, node_ids: Iterable[str]) -> list[str]:
    """Read every generic node with a ``read_fct`` among ``node_ids``; record those whose value changed."""
    changed = []
    with runtime.lock:
        state = runtime.state
        aggregates = []
        for node_id in dict.fromkeys(node_ids):
            view = state.data_nodes.get(node_id)
            if view is None or view.storage_type != "generic" or view.locked:
                continue
            spec = node_spec(view)
            if not callable(spec.properties.get("read_fct")):
                continue
            content_hash, size = _hash_of(backends.of("generic").read(spec, ""))
            if view.edits and view.edits[-1].content_hash == content_hash:
                continue
            aggregate = runtime.aggregate(DataNodeAggregate, node_id)
            aggregate.record_write(
                content_hash, size, "", "read", datetime.now(), editor_id="ledgerflow", comment="read by its read_fct"
            )
            aggregates.append(aggregate)
            changed.append(node_id)
        if aggregates:
            runtime.record(*aggregates, reason="inputs read by their read_fct")
    return changed
