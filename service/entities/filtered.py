"""``DataNode.filter``: pushed down to the node's database when its backend can, else in memory."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.filters import Condition, JoinOperator
from ledgerflow.projections.views import DataNodeView
from ledgerflow.runtime.datanodes import node_spec, read_value
from ledgerflow.storage.datanodes import Backends
from ledgerflow.storage.tabular.filtering import filter_value


def filtered(backends: Backends, view: DataNodeView, conditions: list[Condition], join: JoinOperator) -> Any:
    """The current value's rows that meet the conditions."""
    backend = backends.of(view.storage_type)
    pushdown = getattr(backend, "filter", None)
    if pushdown is not None and conditions:
        return pushdown(node_spec(view), view.edits[-1].content_hash, conditions, join)
    return filter_value(read_value(backends, view), conditions, join)
