"""A configure call rebuilds only what it changed; the result must equal a full rebuild."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.compiler import compile_config
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.enums import Scope

DN_IDS, TASK_IDS, SCENARIO_IDS = ["d0", "d1", "d2", "d3"], ["t0", "t1", "t2"], ["s0", "s1"]
STORAGE = st.sampled_from([None, "pickle", "csv", "json"])
SCOPE = st.sampled_from([None, *Scope])


def ident(*values: Any) -> Any:
    return values


def _configure_dn(dn_id: str, storage: str | None, scope: Scope | None, tag: int) -> None:
    Config.configure_data_node(dn_id, storage, scope, tag=tag)


def _configure_task(task_id: str, inputs: list[str], outputs: list[str]) -> None:
    dns = Config.data_nodes
    Config.configure_task(task_id, ident, [dns[i] for i in inputs if i in dns], [dns[o] for o in outputs if o in dns])


def _configure_scenario(scenario_id: str, task_ids: list[str]) -> None:
    tasks = Config.tasks
    Config.configure_scenario(scenario_id, [tasks[t] for t in task_ids if t in tasks])


def _set_default(storage: str | None, scope: Scope | None) -> None:
    Config.set_default_data_node_configuration(storage or "pickle", scope=scope, sep=";")


def _set_scope(dn_id: str, scope: Scope | None) -> None:
    if dn_id in Config.data_nodes and scope is not None:
        Config.data_nodes[dn_id].scope = scope


OPERATIONS = st.one_of(
    st.tuples(st.just(_configure_dn), st.sampled_from(DN_IDS), STORAGE, SCOPE, st.integers(0, 3)),
    st.tuples(
        st.just(_configure_task),
        st.sampled_from(TASK_IDS),
        st.lists(st.sampled_from(DN_IDS), max_size=3),
        st.lists(st.sampled_from(DN_IDS), max_size=2),
    ),
    st.tuples(
        st.just(_configure_scenario),
        st.sampled_from(SCENARIO_IDS),
        st.lists(st.sampled_from(TASK_IDS), max_size=3),
    ),
    st.tuples(st.just(_set_default), STORAGE, SCOPE),
    st.tuples(st.just(_set_scope), st.sampled_from(DN_IDS), SCOPE),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(OPERATIONS, max_size=12))
def test_incremental_updates_equal_a_full_rebuild(operations: list[tuple[Any, ...]]) -> None:
    Config._reset()
    for operation, *arguments in operations:
        operation(*arguments)
    live = Config.serialize()
    assert compile_config(current_registry().merged()).serialize() == live
    scenarios = Config.scenarios.values()
    for task in (*Config.tasks.values(), *(t for s in scenarios for t in s.task_configs)):
        for dn in (*task.input_configs, *task.output_configs):
            assert Config.data_nodes[dn.id] is dn
