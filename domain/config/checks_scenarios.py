"""Checks of a scenario: its task graph, sequences and comparators."""

from __future__ import annotations

from ledgerflow.domain.config.checks_functions import FunctionRules, check_function
from ledgerflow.domain.config.issues import IssueCollector
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.task import TaskConfig


def find_cycle(tasks: list[TaskConfig]) -> list[str] | None:
    """Task ids along a cycle of the data flow (first id repeated at the end), or None."""
    readers: dict[str, list[str]] = {}
    for task in tasks:
        for dn in task.input_configs:
            readers.setdefault(dn.id, []).append(task.id)
    successors = {task.id: [r for dn in task.output_configs for r in readers.get(dn.id, [])] for task in tasks}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for successor in successors.get(node, []):
            if state.get(successor) == 1:
                return [*path[path.index(successor) :], successor]
            if successor not in state and (cycle := visit(successor)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for task in tasks:
        if task.id not in state and (cycle := visit(task.id)) is not None:
            return cycle
    return None


def check_scenario(issues: IssueCollector, scenario: ScenarioConfig, rules: FunctionRules) -> None:
    """A scenario's task graph must be a DAG with one writer per data node."""
    where = f'Scenario "{scenario.id}"'
    tasks = scenario.task_configs
    if not tasks:
        issues.warning("tasks", [], f"tasks field of ScenarioConfig `{scenario.id}` is empty.", "SCENARIO")
    cycle = find_cycle(tasks)
    if cycle is not None:
        issues.error(
            "tasks",
            cycle,
            f"{where} has a cycle in its task graph: {' -> '.join(cycle)}. A task must not read, "
            "directly or through other tasks, a data node it writes: give it a new output.",
            "SCENARIO",
        )
    writers: dict[str, list[str]] = {}
    for task in tasks:
        for dn in task.output_configs:
            writers.setdefault(dn.id, []).append(task.id)
    for dn_id, task_ids in writers.items():
        if len(task_ids) > 1:
            names = ", ".join(f'"{tid}"' for tid in task_ids)
            issues.error(
                "tasks",
                task_ids,
                f'{where}: DataNode "{dn_id}" is written by several tasks ({names}). Give each '
                "task its own output data node.",
                "SCENARIO",
            )
    _check_sequences(issues, scenario, where)
    _check_comparators(issues, scenario, where, rules)


def _check_sequences(issues: IssueCollector, scenario: ScenarioConfig, where: str) -> None:
    task_ids = {task.id for task in scenario.task_configs}
    for name, tasks in scenario.sequences.items():
        for task in tasks:
            if task.id not in task_ids:
                issues.error(
                    "sequences",
                    name,
                    f'{where}: sequence "{name}" names task "{task.id}", which is not one of the '
                    f'scenario\'s tasks. Add "{task.id}" to its task_configs or remove it from '
                    "the sequence.",
                    "SCENARIO",
                )


def _check_comparators(issues: IssueCollector, scenario: ScenarioConfig, where: str, rules: FunctionRules) -> None:
    dn_ids = [dn.id for dn in scenario.data_node_configs]
    for dn_id, functions in scenario.comparators.items():
        if dn_id not in dn_ids:
            issues.error(
                "comparators",
                dn_id,
                f'{where} has a comparator for data node "{dn_id}", which is not one of its data '
                f"nodes ({', '.join(dn_ids) or 'none'}). Use the id of one of them.",
                "SCENARIO",
            )
        for fn in functions:
            check_function(
                issues,
                fn,
                f'{where}, comparator of "{dn_id}"',
                "comparator",
                "SCENARIO",
                rules=rules,
                run_by_workers=False,
            )
