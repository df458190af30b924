"""Setting one property (a name included) of a scenario, data node, cycle or sequence: one
command, recorded as one event, retried on the log's latest state when another process races it."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.cycle import Cycle
from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.ids import entity_kind
from ledgerflow.domain.scenario import Scenario
from ledgerflow.domain.sequence import Sequence
from ledgerflow.runtime.datanodes import recordable
from ledgerflow.runtime.runtime import Runtime

_AGGREGATES: dict[str, type[Entity]] = {
    "SCENARIO": Scenario,
    "DATANODE": DataNode,
    "CYCLE": Cycle,
    "SEQUENCE": Sequence,
}


def set_property(runtime: Runtime, entity_id: str, key: str, value: Any) -> None:
    """Record ``key = value`` on the entity (None removes the property); durable on return."""
    cls = _AGGREGATES.get(entity_kind(entity_id) or "")
    if cls is None:
        raise LedgerflowError(f"{entity_id} has no properties that can be set.")
    recorded = recordable(value)

    def build() -> list[Entity]:
        aggregate: Any = runtime.aggregate(cls, entity_id)
        aggregate.set_property(key, recorded)
        return [aggregate]

    runtime.command(build, reason=f"set {key}")
