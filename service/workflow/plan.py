"""What a run would do, task by task: the plan ``Workflow.preview()`` prints.

Each task gets a state and a reason:

- ``would run``: it will execute (``forced``, ``input current_month changed``, ``code of predict
  changed``, ``output forecast expired``, ``upstream training will run``, ``never ran``...);
- ``would skip``: its outputs are valid and were produced under its current fingerprint;
- ``complete``: its own outputs are current, but an upstream task will run and it is checked again
  afterwards (only with ``settings.check_dependencies = False``, as in d6tflow);
- ``pending``: it cannot run: an input has no data and no task of the workflow writes it.

The plan uses the same rules as the jobs' decisions (``runtime/skip.py``), on the values the
workflow's parameters are about to write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ledgerflow.domain.config import ScenarioConfig
from ledgerflow.domain.dag import TaskNode, task_order, upstream_tasks
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.ids import natural_key
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.fingerprints import current_fingerprint
from ledgerflow.runtime.settings import settings
from ledgerflow.runtime.skip import UP_TO_DATE, stale_reason

WOULD_RUN, WOULD_SKIP, COMPLETE, PENDING = "would run", "would skip", "complete", "pending"


@dataclass(frozen=True)
class TaskPlan:
    """One task of a plan: its state, why, and the tasks feeding it (config ids)."""

    config_id: str
    state: str
    reason: str
    upstream: tuple[str, ...] = ()
    task_id: str | None = None


@dataclass(frozen=True)
class Plan:
    """The tasks of a workflow in run order, each with what a run would do and why."""

    title: str
    tasks: tuple[TaskPlan, ...]

    def __getitem__(self, config_id: str) -> TaskPlan:
        for task in self.tasks:
            if task.config_id == config_id:
                return task
        raise KeyError(config_id)

    def in_state(self, state: str) -> list[str]:
        """Config ids of the tasks in ``state`` (``"would run"``, ``"would skip"``...), in run order."""
        return [t.config_id for t in self.tasks if t.state == state]

    def __str__(self) -> str:
        counts = {s: len(self.in_state(s)) for s in (WOULD_RUN, WOULD_SKIP, COMPLETE, PENDING)}
        total = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        return "\n".join([self.title, *_tree(self.tasks), f"{len(self.tasks)} tasks: {total}"])


def _tree(tasks: Sequence[TaskPlan]) -> Iterator[str]:
    """d6tflow's tree: the last tasks first, each followed by the tasks it depends on."""
    by_id = {t.config_id: t for t in tasks}
    consumed = {u for t in tasks for u in t.upstream}
    roots = [t for t in reversed(tasks) if t.config_id not in consumed]
    shown: set[str] = set()

    def walk(task: TaskPlan, prefix: str, last: bool) -> Iterator[str]:
        branch = "└─ " if last else "├─ "
        if task.config_id in shown:
            yield f"{prefix}{branch}{task.config_id} (shown above)"
            return
        shown.add(task.config_id)
        yield f"{prefix}{branch}{task.config_id}: {task.state} ({task.reason})"
        children = [by_id[u] for u in task.upstream if u in by_id]
        for index, child in enumerate(children):
            yield from walk(child, prefix + ("   " if last else "│  "), index == len(children) - 1)

    for index, root in enumerate(roots):
        yield from walk(root, "", index == len(roots) - 1)


def plan_tasks(
    state: CurrentState,
    task_ids: Sequence[str],
    *,
    forced: frozenset[str],
    planned_hashes: Mapping[str, str],
    check_dependencies: bool,
    resume: bool,
    now: datetime,
) -> list[TaskPlan]:
    """The plan of existing tasks (run order). ``forced``: config ids; ``planned_hashes``: by node id."""
    views = {t: state.tasks[t] for t in task_ids}
    graph = [TaskNode(t, v.input_ids, v.output_ids) for t, v in views.items()]
    upstream = upstream_tasks(graph)
    produced = {n for v in views.values() for n in v.output_ids}
    result: dict[str, TaskPlan] = {}
    for task_id in task_order(graph):
        view = views[task_id]
        ups = sorted(upstream[task_id], key=lambda u: views[u].config_id)
        names = tuple(views[u].config_id for u in ups)
        state_, reason = _judge(state, task_id, ups, result, produced, forced, planned_hashes)
        if state_ is None:
            if not view.skippable and not resume:
                state_, reason = WOULD_RUN, "task is not skippable"
            else:
                state_, reason = _judge_outputs(state, task_id, ups, result, planned_hashes, check_dependencies, now)
        result[task_id] = TaskPlan(view.config_id, state_, reason, names, task_id)
    return list(result.values())


def _judge(
    state: CurrentState,
    task_id: str,
    ups: list[str],
    result: Mapping[str, TaskPlan],
    produced: set[str],
    forced: frozenset[str],
    planned: Mapping[str, str],
) -> tuple[str | None, str]:
    """Pending and forced tasks, decided before their outputs are looked at."""
    view = state.tasks[task_id]
    for node_id in view.input_ids:
        node = state.data_nodes[node_id]
        if not node.edits and node_id not in produced and node_id not in planned:
            return PENDING, f"input {node.config_id} has no data"
    blocked = [result[u].config_id for u in ups if result[u].state == PENDING]
    if blocked:
        return PENDING, f"upstream {', '.join(blocked)} is pending"
    if view.config_id in forced:
        return WOULD_RUN, "forced"
    return None, ""


def _judge_outputs(
    state: CurrentState,
    task_id: str,
    ups: list[str],
    result: Mapping[str, TaskPlan],
    planned: Mapping[str, str],
    check_dependencies: bool,
    now: datetime,
) -> tuple[str, str]:
    view = state.tasks[task_id]
    running = [result[u].config_id for u in ups if result[u].state == WOULD_RUN]
    current = current_fingerprint(state, view, dict(planned))
    reason = stale_reason(state, view, current, now)
    if current is None and running:
        reason = f"upstream {', '.join(running)} will run"
    if reason is not None:
        return WOULD_RUN, reason
    if not running:
        return WOULD_SKIP, UP_TO_DATE
    if check_dependencies:
        return WOULD_RUN, f"upstream {', '.join(running)} will run"
    return COMPLETE, f"outputs are current; checked again after {', '.join(running)} runs"


def plan_new_tasks(graph: Sequence[TaskNode], *, forced: frozenset[str], has_data: frozenset[str]) -> list[TaskPlan]:
    """The plan of tasks not created yet: ``graph`` over config ids; ``has_data``: data node config ids with a value."""
    upstream = upstream_tasks(graph)
    nodes = {t.id: t for t in graph}
    produced = {n for t in graph for n in t.outputs}
    result: dict[str, TaskPlan] = {}
    for config_id in task_order(graph):
        ups = tuple(sorted(upstream[config_id]))
        missing = [n for n in nodes[config_id].inputs if n not in produced and n not in has_data]
        blocked = [u for u in ups if result[u].state == PENDING]
        if missing:
            state_, reason = PENDING, f"input {missing[0]} has no data"
        elif blocked:
            state_, reason = PENDING, f"upstream {', '.join(blocked)} is pending"
        else:
            state_, reason = WOULD_RUN, "forced" if config_id in forced else "never ran"
        result[config_id] = TaskPlan(config_id, state_, reason, ups)
    return list(result.values())


def nodes_with_data(state: CurrentState, version: str, config: ScenarioConfig) -> frozenset[str]:
    """Config ids of the nodes a new scenario of ``config`` would start with a value in."""
    found = set()
    for dn in config.data_node_configs:
        path = dn.file_path
        shared = state.by_key.get(natural_key("DATANODE", dn.id, None, version)) if dn.scope is Scope.GLOBAL else None
        written = shared is not None and bool(state.data_nodes[shared].edits)
        if written or dn.properties.get("default_data") is not None or (path and Path(path).exists()):
            found.add(dn.id)
    return frozenset(found)


def plan_new_scenario(config: ScenarioConfig, forced: frozenset[str], has_data: frozenset[str]) -> list[TaskPlan]:
    """The plan of a scenario of ``config`` that does not exist yet: every task runs, or is pending."""
    graph = [
        TaskNode(t.id, [d.id for d in t.input_configs], [d.id for d in t.output_configs]) for t in config.task_configs
    ]
    return plan_new_tasks(graph, forced=forced, has_data=has_data)


def plan_scenario(
    state: CurrentState, scenario_id: str, forced: frozenset[str], planned: Mapping[str, str], *, resume: bool
) -> list[TaskPlan]:
    """The plan of an existing scenario with the current settings."""
    return plan_tasks(
        state,
        list(state.scenarios[scenario_id].task_ids),
        forced=forced,
        planned_hashes=planned,
        check_dependencies=settings.check_dependencies,
        resume=resume,
        now=datetime.now(),
    )
