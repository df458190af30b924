"""d6tflow's ``WorkflowMulti``: one flow per named parameter set, every verb for all flows or ``flow=``."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from ledgerflow.service.d6tflow.flow import TaskArg, Workflow
from ledgerflow.service.d6tflow.tasks import TaskData


def _experiments(params: Any) -> dict[Any, dict[str, Any]]:
    """Named parameter sets from a dict of them, a list (named 0, 1, ...), or a dict of value lists."""
    if isinstance(params, list):
        return dict(enumerate(params))
    if not isinstance(params, Mapping) or not params:
        raise TypeError("WorkflowMulti needs parameter sets: {'flow1': {...}, 'flow2': {...}}, or a list of them.")
    if all(isinstance(v, list) for v in params.values()):  # every combination, named as d6tflow names them
        keys = sorted(params)
        combos = itertools.product(*(params[k] for k in keys))
        return {
            "_".join(f"{k}_{v}" for k, v in zip(keys, c, strict=True)): dict(zip(keys, c, strict=True)) for c in combos
        }
    return {name: dict(values) for name, values in params.items()}


class WorkflowMulti:
    """Flows of one default task, one per parameter set; ``flow=`` picks one, else every flow answers."""

    def __init__(self, task: type[TaskData] | None = None, params: Any = None, **ignored: Any) -> None:
        if isinstance(task, list):
            raise TypeError("Task lists should be passed to the flow.run function.")
        self.default_task = task
        self.params = _experiments(params)
        self.workflow_objs = {name: Workflow(task, values) for name, values in self.params.items()}

    def _each(self, flow: Any, verb: Callable[[Workflow], Any]) -> Any:
        if flow is not None:
            return verb(self.get_flow(flow))
        return {name: verb(workflow) for name, workflow in self.workflow_objs.items()}

    def get_flow(self, flow: Any) -> Workflow:
        """The flow of that name."""
        if flow not in self.workflow_objs:
            raise KeyError(f"No flow {flow!r}: use one of {', '.join(map(str, self.workflow_objs))}.")
        return self.workflow_objs[flow]

    def set_default(self, task: type[TaskData]) -> None:
        """Make ``task`` the default task of every flow."""
        self.default_task = task
        for workflow in self.workflow_objs.values():
            workflow.set_default(task)

    def get_task(self, task: TaskArg = None, flow: Any = None) -> Any:
        """The task built with one flow's parameters, or a dict of them by flow."""
        return self._each(flow, lambda w: w.get_task(task))

    def preview(self, tasks: Any = None, flow: Any = None, **options: Any) -> Any:
        """Print each flow's tree (or one flow's)."""
        return self._each(flow, lambda w: w.preview(tasks, **options))

    def run(self, tasks: Any = None, flow: Any = None, **options: Any) -> Any:
        """Run every flow (or one): their submissions by flow name."""
        return self._each(flow, lambda w: w.run(tasks, **options))

    def complete(self, task: TaskArg = None, flow: Any = None) -> Any:
        """Whether the task is complete, per flow."""
        return self._each(flow, lambda w: w.complete(task))

    def outputLoad(self, task: TaskArg = None, flow: Any = None, **options: Any) -> Any:
        """The task's output values, per flow."""
        return self._each(flow, lambda w: w.outputLoad(task, **options))

    def outputPath(self, task: TaskArg = None, flow: Any = None) -> Any:
        """Where the task's outputs are stored, per flow."""
        return self._each(flow, lambda w: w.outputPath(task))

    def outputLoadMeta(self, task: TaskArg = None, flow: Any = None) -> Any:
        """The task's metadata, per flow."""
        return self._each(flow, lambda w: w.outputLoadMeta(task))

    def outputLoadAll(self, task: TaskArg = None, flow: Any = None, **options: Any) -> Any:
        """The outputs of the task and its upstream, per flow."""
        return self._each(flow, lambda w: w.outputLoadAll(task, **options))

    def reset(self, task: TaskArg = None, flow: Any = None, confirm: bool = False) -> Any:
        """Reset the task, per flow."""
        return self._each(flow, lambda w: w.reset(task, confirm))

    def reset_upstream(self, task: TaskArg = None, flow: Any = None, confirm: bool = False) -> Any:
        """Reset the task and its upstream, per flow."""
        return self._each(flow, lambda w: w.reset_upstream(task, confirm))

    def reset_downstream(self, task: TaskArg = None, flow: Any = None, confirm: bool = False) -> Any:
        """Reset the task and what depends on it, per flow."""
        return self._each(flow, lambda w: w.reset_downstream(task, confirm=confirm))


__all__ = ["WorkflowMulti"]
