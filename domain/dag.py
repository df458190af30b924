"""The task graph of a scenario: networkx DAG, run order and downstream sets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from ledgerflow.domain.errors import InvalidScenario


@dataclass(frozen=True)
class TaskNode:
    """What the graph needs to know of a task."""

    id: str
    inputs: Sequence[str]
    outputs: Sequence[str]


def build_graph(tasks: Iterable[TaskNode]) -> nx.DiGraph:
    """A bipartite graph data node -> task -> data node; raises ``InvalidScenario`` on a cycle."""
    graph: nx.DiGraph = nx.DiGraph()
    for task in tasks:
        graph.add_node(task.id, kind="task")
        for dn in task.inputs:
            graph.add_node(dn, kind="data")
            graph.add_edge(dn, task.id)
        for dn in task.outputs:
            graph.add_node(dn, kind="data")
            graph.add_edge(task.id, dn)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        names = " -> ".join(str(a) for a, _ in cycle)
        raise InvalidScenario(f"The task graph has a cycle: {names}. Remove one of these edges.")
    return graph


def task_order(tasks: Sequence[TaskNode]) -> list[str]:
    """Task ids in an order where every task comes after the tasks producing its inputs.

    The order of the bipartite graph's topological generations (ties by id), computed without
    building the graph: a task's generation is 0 without inputs, else one past its inputs'; a data
    node's is 0 without writers, else one past its writers'. ``InvalidScenario`` on a cycle.
    """
    writers: dict[str, list[str]] = {}
    for task in tasks:
        for dn in task.outputs:
            writers.setdefault(dn, []).append(task.id)
    upstream = upstream_tasks(tasks)
    downstream: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}
    for task_id, ups in upstream.items():
        waiting[task_id] = len(ups)
        for up in ups:
            downstream.setdefault(up, []).append(task_id)
    ready = [t.id for t in tasks if not waiting[t.id]]
    inputs = {t.id: t.inputs for t in tasks}
    generation: dict[str, int] = {}
    while ready:
        task_id = ready.pop()
        generation[task_id] = max(
            (max((generation[w] + 2 for w in writers.get(dn, ())), default=1) for dn in inputs[task_id]),
            default=0,
        )
        for child in downstream.get(task_id, ()):
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    if len(generation) < len(inputs):
        build_graph(tasks)  # raises InvalidScenario naming the cycle
    return sorted(generation, key=lambda t: (generation[t], t))


def upstream_tasks(tasks: Sequence[TaskNode]) -> Mapping[str, set[str]]:
    """For each task, the tasks (in this set) that write one of its inputs."""
    writers: dict[str, set[str]] = {}
    for task in tasks:
        for dn in task.outputs:
            writers.setdefault(dn, set()).add(task.id)
    return {t.id: {w for dn in t.inputs for w in writers.get(dn, ())} for t in tasks}


def downstream_closure(start: str, upstream: Mapping[str, set[str]]) -> set[str]:
    """Every task that depends, directly or not, on ``start``."""
    children: dict[str, set[str]] = {}
    for task, parents in upstream.items():
        for parent in parents:
            children.setdefault(parent, set()).add(task)
    seen: set[str] = set()
    stack = [start]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen
