"""The entities behind task instances: their outputs' values, completeness, and resets, all on the log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.ids import natural_key
from ledgerflow.domain.task import Task as TaskAggregate
from ledgerflow.runtime.settings import settings
from ledgerflow.service import session
from ledgerflow.service.d6tflow import engine
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.live import live_source
from ledgerflow.service.scenarios.creation import create_global_data_node
from ledgerflow.service.workflow.plan import COMPLETE, WOULD_SKIP, TaskPlan, plan_tasks

if TYPE_CHECKING:
    from ledgerflow.service.d6tflow.tasks import TaskData


def _entity(kind: str, config_id: str) -> str | None:
    current = session.current()
    return current.runtime.state.by_key.get(natural_key(kind, config_id, None, current.version.name))


def _node(task: TaskData, key: str) -> DataNode | None:
    node_id = _entity("DATANODE", engine.output_config(task, key).id)
    return DataNode(node_id, live_source()) if node_id is not None else None


def location(task: TaskData, key: str) -> Path | None:
    """The file holding the latest value of an output (None before it is written)."""
    node = _node(task, key)
    last = node.get_last_edit() if node is not None else None
    return Path(last["location"]) if last and last.get("location") else None


def read_output(task: TaskData, key: str) -> Any:
    """The latest value of an output (metadata: None when none was saved)."""
    node = _node(task, key)
    if node is None or not node.edits:
        if key == engine.META:
            return None
        raise RuntimeError(f"{task!r} has no output {key!r} yet: run the flow first.")
    return node.read()


def write_output(task: TaskData, key: str, value: Any) -> None:
    """Write an output by hand (``task.run()`` called directly, or ``target.save``): a user write."""
    node = create_global_data_node(engine.output_config(task, key))
    node.write(value, comment=f"saved by {task!r} outside a workflow run")


def task_ids(tasks: list[TaskData]) -> list[str] | None:
    """The engine task ids of ``tasks`` (None when one was never created, so it never ran)."""
    found = [_entity("TASK", engine.task_config(t).id) for t in tasks]
    return None if any(t is None for t in found) else [t for t in found if t is not None]


def plan_of(tasks: list[TaskData], forced: frozenset[str] = frozenset()) -> dict[str, TaskPlan] | None:
    """The plan of ``tasks`` (a closure, upstream first) by config id; None when one was never created."""
    ids = task_ids(tasks)
    if ids is None:
        return None
    state = session.current().runtime.state
    plans = plan_tasks(
        state,
        ids,
        forced=forced,
        planned_hashes={},
        check_dependencies=settings.check_dependencies,
        resume=True,
        now=datetime.now(),
    )
    return {p.config_id: p for p in plans}


def is_complete(task: TaskData, cascade: bool = True) -> bool:
    """d6tflow's ``complete()``: the outputs are current (with ``check_dependencies``, upstream's too)."""
    plan = plan_of(engine.closure([task]) if cascade else [task])
    if plan is None:
        return False
    state = plan[engine.task_config(task).id].state
    return state == WOULD_SKIP or (state == COMPLETE and not settings.check_dependencies)


def reset_tasks(tasks: list[TaskData], requested: TaskData | None = None) -> list[TaskData]:
    """Record a reset of each task that exists (they run at the next run); the tasks reset."""
    runtime = session.current().runtime
    asked = engine.task_config(requested or tasks[0]).id if tasks else ""
    done: list[TaskData] = []
    with runtime.lock:
        aggregates = []
        for task in tasks:
            task_id = _entity("TASK", engine.task_config(task).id)
            if task_id is None:
                continue
            aggregate = runtime.aggregate(TaskAggregate, task_id)
            aggregate.reset(asked)
            aggregates.append(aggregate)
            done.append(task)
        if aggregates:
            runtime.record(*aggregates, reason=f"reset {asked}")
    return done


__all__ = ["is_complete", "location", "plan_of", "read_output", "reset_tasks", "task_ids", "write_output"]
