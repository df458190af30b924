"""Fold steps of the changes users make to entities after creating them: properties (names
included) of scenarios, data nodes, cycles and sequences, and a scenario's sequences redefined."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.cycle import CycleTopics
from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.scenario import ScenarioTopics
from ledgerflow.domain.sequence import SequenceTopics
from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.state import CurrentState, handles
from ledgerflow.projections.views import SequenceView


def _set(properties: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        properties.pop(key, None)
    else:
        properties[key] = value


@handles(ScenarioTopics.PROPERTY_SET)
def _scenario_property(state: CurrentState, r: RecordLike) -> None:
    scenario = state.scenarios[r.originator_id]
    key, value = r.payload["key"], r.payload["value"]
    _set(scenario.properties, key, value)
    if key == "name":
        scenario.name = value


@handles(DataNodeTopics.PROPERTY_SET)
def _data_node_property(state: CurrentState, r: RecordLike) -> None:
    _set(state.data_nodes[r.originator_id].properties, r.payload["key"], r.payload["value"])


@handles(CycleTopics.PROPERTY_SET)
def _cycle_property(state: CurrentState, r: RecordLike) -> None:
    cycle = state.cycles[r.originator_id]
    key, value = r.payload["key"], r.payload["value"]
    _set(cycle.properties, key, value)
    if key == "name" and value is not None:
        cycle.name = value


@handles(SequenceTopics.PROPERTY_SET)
def _sequence_property(state: CurrentState, r: RecordLike) -> None:
    _set(state.sequences[r.originator_id].properties, r.payload["key"], r.payload["value"])


@handles(SequenceTopics.UPDATED)
def _sequence_updated(state: CurrentState, r: RecordLike) -> None:
    sequence = state.sequences[r.originator_id]
    for task_id in sequence.task_ids:
        state._unlink(task_id, sequence.id)
    sequence.task_ids = list(r.payload["task_ids"])
    sequence.properties = dict(r.payload["properties"])
    for task_id in sequence.task_ids:
        state._link(task_id, sequence.id)


@handles(SequenceTopics.RECREATED)
def _sequence_recreated(state: CurrentState, r: RecordLike) -> None:
    p = r.payload
    sequence = SequenceView(
        r.originator_id, p["scenario_id"], p["name"], list(p["task_ids"]), dict(p["properties"]), p["version"]
    )
    state.sequences[sequence.id] = sequence
    scenario = state.scenarios.get(sequence.scenario_id)
    if scenario is not None and sequence.id not in scenario.sequence_ids:
        scenario.sequence_ids.append(sequence.id)
    for task_id in sequence.task_ids:
        state._link(task_id, sequence.id)
