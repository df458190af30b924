"""Tables, queries, collections and objects changed on their server: noticed when a submission is recorded.

The value of a sql_table, sql, mongo_collection or s3_object node lives on its server, where anyone
may change it. Before a submission is recorded, each such node that its tasks read (and that no
task of the submission writes) is read once; when its canonical content hash differs from the last
recorded write, the new content is archived and recorded as a write of kind ``"external"`` (with
its row count), so skip decisions see the change and ``read(version=)`` shows what the jobs read.
A server that cannot be reached records nothing (the job reading the node reports the error).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.runtime.datanodes import node_spec, record_found
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.datanodes import Backends, Payload

log = logging.getLogger("ledgerflow")


def record_server_changes(runtime: Runtime, backends: Backends, node_ids: Iterable[str]) -> list[str]:
    """Record an ``"external"`` write for each server-backed node whose content changed; their ids."""
    changed: list[tuple[str, Payload]] = []
    for node_id in dict.fromkeys(node_ids):
        view = runtime.state.data_nodes.get(node_id)
        if view is None or view.locked:
            continue
        backend: Any = backends.of(view.storage_type)
        if not hasattr(backend, "snapshot"):
            continue
        try:
            payload: Payload = backend.snapshot(node_spec(view))
        except LedgerflowError as error:
            log.debug('DataNode "%s" could not be read before the submission: %s', view.config_id, error)
            continue
        if not view.edits or view.edits[-1].content_hash != payload.content_hash:
            changed.append((node_id, payload))
    if not changed:
        return []
    now = datetime.now()

    def record() -> list[DataNode]:  # a node shared by several processes may be recorded by another first
        aggregates = []
        for node_id, payload in changed:
            edits = runtime.state.data_nodes[node_id].edits
            if edits and edits[-1].content_hash == payload.content_hash:
                continue
            node = runtime.aggregate(DataNode, node_id)
            record_found(node, payload, now, "Changed on its server since the last recorded write.")
            aggregates.append(node)
        return aggregates

    runtime.command(record, reason="server change detected")
    return [node_id for node_id, _ in changed]
