"""Scenario commands: create (with scope sharing and cycles), tag, primary, compare."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ledgerflow.domain.config import Config, DataNodeConfig, ScenarioConfig, function_reference
from ledgerflow.domain.cycle import Cycle as CycleAggregate
from ledgerflow.domain.cycles import cycle_window
from ledgerflow.domain.dag import TaskNode, task_order
from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import (
    DataNodeConfigIsNotGlobal,
    DifferentScenarioConfigs,
    InsufficientScenarioToCompare,
    NonExistingComparator,
)
from ledgerflow.domain.ids import cycle_id, natural_key, scenario_id, sequence_id, task_id
from ledgerflow.domain.scenario import Scenario as ScenarioAggregate
from ledgerflow.domain.sequence import Sequence as SequenceAggregate
from ledgerflow.domain.task import Task as TaskAggregate
from ledgerflow.runtime.datanodes import ensure_data_node, initial_writes, owner_of, recordable
from ledgerflow.service import session
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.scenario import Scenario
from ledgerflow.service.live import live_source
from ledgerflow.service.scenarios.creation_checks import check_data_nodes, check_scenario


def _ensure_cycle(config: ScenarioConfig, when: datetime, version: str, new: list[Entity]) -> str | None:
    if config.frequency is None:
        return None
    runtime = session.for_writing().runtime
    window = cycle_window(config.frequency, when)
    key = natural_key("CYCLE", int(config.frequency), window.start.isoformat(), version)
    existing = runtime.state.by_key.get(key)
    if existing is not None:
        return existing
    cycle = CycleAggregate(
        id=cycle_id(window.name, runtime.state.next_key(key)),
        frequency=int(config.frequency),
        name=window.name,
        start=window.start,
        end=window.end,
        creation_date=when,
        properties={},
        version=version,
        key=key,
    )
    new.append(cycle)
    return cycle.id


def create_scenario(
    config: ScenarioConfig,
    creation_date: datetime | None = None,
    name: str | None = None,
    properties: dict[str, Any] | None = None,
) -> Scenario:
    """Create a scenario of ``config``: shared data nodes and tasks are reused, the rest created.

    A scenario that may create a shared entity (a GLOBAL or CYCLE node or task, a cycle) is built
    on the log's latest state and is durable on return; when another process created the same
    shared entity at the same moment, it is built again on that one (as Taipy reuses it).
    ``properties``: recorded over the config's (a workflow marks its scenario so).
    """
    check_scenario(config)
    current = session.for_writing()
    runtime, version = current.runtime, current.version.name
    when = creation_date or datetime.now()
    new_id = scenario_id(config.id)

    def build() -> list[Entity]:
        new: list[Entity] = []
        nodes: list[DataNodeAggregate] = []
        cycle = _ensure_cycle(config, when, version, new)

        def node_id(dn: DataNodeConfig) -> str:
            return ensure_data_node(runtime, dn, owner_of(dn.scope, new_id, cycle), version, nodes)

        task_ids: list[str] = []
        graph: list[TaskNode] = []
        for task_config in config.task_configs:
            inputs = [node_id(dn) for dn in task_config.input_configs]
            outputs = [node_id(dn) for dn in task_config.output_configs]
            owner = owner_of(task_config.scope, new_id, cycle)
            key = natural_key("TASK", task_config.id, owner, version)
            existing = runtime.state.by_key.get(key)
            if existing is None:
                task = TaskAggregate(
                    id=task_id(task_config.id, runtime.state.next_key(key)),
                    config_id=task_config.id,
                    owner_id=owner,
                    input_ids=inputs,
                    output_ids=outputs,
                    function=function_reference(task_config.function),
                    skippable=task_config.skippable,
                    properties=_plain(task_config.raw_properties),
                    version=version,
                    key=key,
                )
                new.append(task)
                existing = task.id
            task_ids.append(existing)
            graph.append(TaskNode(existing, inputs, outputs))
        task_order(graph)  # refuses a cycle before anything is recorded
        extra = [node_id(dn) for dn in config.additional_data_node_configs]
        primary = cycle is not None and not runtime.state.cycle_scenarios.get(cycle)
        scenario = ScenarioAggregate(
            id=new_id,
            config_id=config.id,
            name=name,
            creation_date=when,
            cycle_id=cycle,
            task_ids=task_ids,
            additional_data_node_ids=extra,
            properties={**_plain(config.raw_properties), **_plain(properties or {})},
            is_primary=primary,
            version=version,
        )
        by_config = dict(zip((t.id for t in config.task_configs), task_ids, strict=True))
        sequences = [
            SequenceAggregate(
                id=sequence_id(seq_name, new_id),
                scenario_id=new_id,
                name=seq_name,
                task_ids=[by_config[t.id] for t in seq_tasks],
                properties={},
                version=version,
            )
            for seq_name, seq_tasks in config.sequences.items()
        ]
        initial_writes(runtime, nodes, current.backends)
        return [*new, *nodes, scenario, *sequences]

    reason = f"create scenario {config.id}"
    if _may_create_shared(config):
        runtime.command(build, reason=reason)
    else:  # everything it creates is its own, under fresh ids: nothing another process can race
        with runtime.lock:
            runtime.record(*build(), reason=reason)
    return Scenario(new_id, live_source())


def _may_create_shared(config: ScenarioConfig) -> bool:
    """Whether creating a scenario of ``config`` may create an entity other scenarios share."""
    if config.frequency is not None:
        return True
    nodes = [*config.additional_data_node_configs]
    for task_config in config.task_configs:
        nodes += [*task_config.input_configs, *task_config.output_configs]
    return any(task.scope is not Scope.SCENARIO for task in config.task_configs) or any(
        node.scope is not Scope.SCENARIO for node in nodes
    )


def create_global_data_node(config: DataNodeConfig) -> DataNode:
    """The GLOBAL data node of ``config`` (created if absent)."""
    if config.scope is not Scope.GLOBAL:
        raise DataNodeConfigIsNotGlobal(
            f'DataNode config "{config.id}" has scope {config.scope.name}: configure it with scope=Scope.GLOBAL.'
        )
    check_data_nodes([config])
    current = session.for_writing()
    runtime = current.runtime
    created: list[str] = []

    def build() -> list[Entity]:
        nodes: list[DataNodeAggregate] = []
        created[:] = [ensure_data_node(runtime, config, None, current.version.name, nodes)]
        initial_writes(runtime, nodes, current.backends)
        return list(nodes)

    runtime.command(build, reason=f"create global data node {config.id}")
    return DataNode(created[0], live_source())


def _plain(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: recordable(v) for k, v in properties.items()}


def tag(scenario: Scenario, tag_name: str) -> None:
    """Tag a scenario; the config's ``authorized_tags`` is enforced."""
    scenario.add_tag(tag_name)


def untag(scenario: Scenario, tag_name: str) -> None:
    """Remove a tag from a scenario."""
    scenario.remove_tag(tag_name)


def set_primary(scenario: Scenario) -> None:
    """Make ``scenario`` the primary scenario of its cycle (the previous one is demoted)."""
    scenario.set_primary()


def compare_scenarios(*scenarios: Scenario, data_node_config_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Apply the scenario config's comparators: ``{dn_config_id: {comparator name: result}}``."""
    if len(scenarios) < 2:
        raise InsufficientScenarioToCompare("Give at least two scenarios to compare.")
    config_ids = {s.config_id for s in scenarios}
    if len(config_ids) > 1:
        raise DifferentScenarioConfigs(f"Scenarios of different configs cannot be compared: {sorted(config_ids)}.")
    config = Config.scenarios[scenarios[0].config_id]
    comparators: dict[str, list[Callable[..., Any]]] = {
        k: v if isinstance(v, list) else [v] for k, v in config.comparators.items()
    }
    if data_node_config_id is not None:
        if data_node_config_id not in comparators:
            raise NonExistingComparator(
                f'Scenario config "{config.id}" has no comparator for data node "{data_node_config_id}".'
            )
        comparators = {data_node_config_id: comparators[data_node_config_id]}
    if not comparators:
        raise NonExistingComparator(f'Scenario config "{config.id}" has no comparators: add some with comparators=.')
    results: dict[str, dict[str, Any]] = {}
    for dn_config_id, functions in comparators.items():
        values = [getattr(s, dn_config_id).read() for s in scenarios]
        results[dn_config_id] = {fn.__name__: fn(*values) for fn in functions}
    return results
