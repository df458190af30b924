"""d6tflow's ``Workflow``: preview, run, reset and load a task class with the flow's parameters.

A flow's targets (its default task, or the tasks given to a verb) and every task they require
make one scenario of the engine, marked as a workflow's so it outlives development restarts; its
tasks and data nodes are GLOBAL, shared by every flow reaching them. ``run`` schedules the
targets and the upstream tasks that are not complete, as d6tflow does (a complete task's upstream
is not looked at), runs them in one submission, prints luigi's summary and raises d6tflow's
RuntimeError when a task failed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.enums import Status
from ledgerflow.service import session
from ledgerflow.service.d6tflow import engine, outputs, report
from ledgerflow.service.d6tflow.settings import settings
from ledgerflow.service.d6tflow.tasks import TaskData, flatten
from ledgerflow.service.entities.job import Submission
from ledgerflow.service.entities.scenario import Scenario
from ledgerflow.service.live import live_source
from ledgerflow.service.orchestrator import Orchestrator
from ledgerflow.service.scenarios.creation import create_scenario
from ledgerflow.service.session import running_service
from ledgerflow.service.submitting.external_edits import record_external_edits
from ledgerflow.service.submitting.submit import submit
from ledgerflow.service.workflow.plan import WOULD_SKIP, TaskPlan
from ledgerflow.service.workflow.read_inputs import record_read_inputs
from ledgerflow.service.workflow.runs import FAILED, failed, flow_failed, one_run_at_a_time

TaskArg = type[TaskData] | TaskData | None


def _listed(tasks: Any) -> list[Any]:
    return list(tasks) if isinstance(tasks, list | tuple) else [tasks]


def flow_scenario(targets: list[TaskData], tasks: list[TaskData]) -> Scenario:
    """The scenario of ``targets`` and their upstream ``tasks`` (created on first use)."""
    ids = sorted(engine.task_config(t).id for t in targets)
    config_id = "flow_" + hashlib.sha256(" ".join(ids).encode()).hexdigest()[:12]
    config = Config.scenarios.get(config_id)
    configs = [engine.task_config(t) for t in tasks]
    if config is None or [t.id for t in config.task_configs] != [c.id for c in configs]:
        config = Config.configure_scenario(config_id, configs, workflow=", ".join(map(repr, targets)))
    current = session.current()
    for view in current.runtime.state.scenarios.values():
        if view.config_id == config_id and current.visible(view.version):
            return Scenario(view.id, live_source())
    return create_scenario(config, name=", ".join(map(repr, targets)))


def _prepare(targets: list[TaskData]) -> tuple[list[TaskData], Scenario]:
    """The closure of ``targets`` and its scenario, with files edited by hand and inputs read by functions recorded."""
    tasks = engine.closure(targets)
    scenario = flow_scenario(targets, tasks)
    current = session.current()
    state = current.runtime.state
    nodes = [
        n
        for t in state.scenarios[scenario.id].task_ids
        for n in (*state.tasks[t].input_ids, *state.tasks[t].output_ids)
    ]
    record_external_edits(current.runtime, nodes)  # an output file edited by hand is a new value
    record_read_inputs(current.runtime, current.backends, nodes)
    return tasks, scenario


def downstream_of(roots: Iterable[TaskData], tasks: list[TaskData]) -> list[TaskData]:
    """The tasks of ``tasks`` (upstream first) that are ``roots`` or depend on one of them."""
    found = set(roots)
    for task in tasks:
        if any(parent in found for parent in flatten(task.requires())):
            found.add(task)
    return [t for t in tasks if t in found]


def scheduled(targets: list[TaskData], plans: dict[str, TaskPlan], forced: frozenset[str]) -> list[TaskData]:
    """What luigi would schedule: the targets and the upstream of every task that is not complete."""
    chosen: list[TaskData] = []

    def visit(task: TaskData) -> None:
        if task in chosen:
            return
        chosen.append(task)
        config_id = engine.task_config(task).id
        if config_id in forced or plans[config_id].state != WOULD_SKIP:
            for parent in flatten(task.requires()):
                visit(parent)

    for target in targets:
        visit(target)
    return chosen


class Workflow:
    """A default task class and the parameters to build every task of the flow with."""

    def __init__(self, task: type[TaskData] | None = None, params: dict[str, Any] | None = None, **ignored: Any):
        if isinstance(task, list):
            raise TypeError("Task lists should be passed to the flow.run function.")
        self.default_task = task
        self.params = dict(params or {})

    def __repr__(self) -> str:
        name = self.default_task.__name__ if self.default_task else None
        return f"Workflow({name}, {self.params!r})"

    def set_default(self, task: type[TaskData]) -> None:
        """Make ``task`` the flow's default task."""
        self.default_task = task

    def get_task(self, task: TaskArg = None) -> TaskData:
        """An instance of ``task`` (default: the flow's task) built with the flow's parameters."""
        if isinstance(task, TaskData):
            return task
        chosen = task or self.default_task
        if chosen is None:
            raise RuntimeError("no default tasks set")
        return chosen(**self.params)

    def _targets(self, tasks: Any) -> list[TaskData]:
        return [self.get_task(t) for t in _listed(tasks)]

    def preview(self, tasks: Any = None, indent: str = "", last: bool = True, **ignored: Any) -> str:
        """Print the tree of each target: every task COMPLETE or PENDING, and why."""
        with one_run_at_a_time():
            return self._preview(tasks, indent, last)

    def _preview(self, tasks: Any, indent: str, last: bool) -> str:
        targets = self._targets(tasks)
        closure, _ = _prepare(targets)
        plans = outputs.plan_of(closure) or {}
        names = report.names_of(closure)
        text = "".join(report.tree(t, plans, names, indent, last) for t in targets)
        print(f"\n{report.PREVIEW_RULE}\n{text}\n\n{report.PREVIEW_RULE}\n")
        return text

    def run(
        self,
        tasks: Any = None,
        forced: Any = None,
        forced_all: bool = False,
        forced_all_upstream: bool = False,
        confirm: bool = False,
        workers: int = 1,
        abort: bool = True,
        execution_summary: bool | None = None,
        **ignored: Any,
    ) -> Submission:
        """Run the targets and whatever they need that is not complete; returns the submission.

        ``forced``: tasks to run again (with what depends on them up to the targets);
        ``forced_all``: the targets; ``forced_all_upstream``: every task. A failed task prints the
        summary and raises ``RuntimeError('Exception found running flow, check trace')`` (unless
        ``abort=False``).
        """
        with one_run_at_a_time():
            return self._run(tasks, forced, forced_all, forced_all_upstream, abort, execution_summary)

    def _run(
        self, tasks: Any, forced: Any, forced_all: bool, forced_all_upstream: bool, abort: bool, summary: bool | None
    ) -> Submission:
        targets = self._targets(tasks)
        closure, scenario = _prepare(targets)
        if forced_all_upstream:
            roots = closure
        elif forced_all:
            roots = targets
        else:
            roots = [] if forced is None else [self.get_task(t) for t in _listed(forced)]
        force = frozenset(engine.task_config(t).id for t in downstream_of(roots, closure))
        plans = outputs.plan_of(closure, force) or {}
        chosen = scheduled(targets, plans, force)
        submission = _submit(scenario, force, {engine.task_config(t).id for t in chosen})
        names = report.names_of(closure)
        for job in (j for j in submission.jobs if j.status is Status.FAILED):
            print(
                f"{report.in_user_words(job.task.config_id, names)} failed:", *job.stacktrace, sep="\n", file=sys.stderr
            )
        show = settings.execution_summary if summary is None else summary
        if show:
            print(report.summary(submission, chosen, names))
        if abort and failed(submission):
            raise flow_failed(submission)
        return submission

    # -- outputs ------------------------------------------------------------------------------------
    def complete(self, task: TaskArg = None) -> bool:
        """Whether the task is complete."""
        return self.get_task(task).complete()

    def output(self, task: TaskArg = None) -> Any:
        """The task's target (or dict of targets)."""
        return self.get_task(task).output()

    def outputPath(self, task: TaskArg = None) -> Any:
        """Where the task's output (or each of its outputs) is stored."""
        found = self.get_task(task).output()
        return {k: t.path for k, t in found.items()} if isinstance(found, dict) else found.path

    def outputLoad(self, task: TaskArg = None, keys: Any = None, as_dict: bool = False, cached: bool = False) -> Any:
        """The task's output values."""
        return self.get_task(task).outputLoad(keys=keys, as_dict=as_dict, cached=cached)

    def outputLoadMeta(self, task: TaskArg = None) -> Any:
        """The metadata the task saved."""
        return self.get_task(task).outputLoadMeta()

    def outputLoadAll(self, task: TaskArg = None, keys: Any = None, as_dict: bool = False, cached: bool = False) -> Any:
        """The output values of the task and of every task upstream, by task class name."""
        found = reversed(engine.closure([self.get_task(task)]))
        return {t.task_family: t.outputLoad(keys=keys, as_dict=as_dict, cached=cached) for t in found}

    # -- resets -----------------------------------------------------------------------------------
    def reset(self, task: TaskArg = None, confirm: bool = False) -> bool:
        """Reset the task alone: it runs at the next run (one event; nothing is deleted)."""
        with one_run_at_a_time():
            return self.get_task(task).reset(confirm)

    def reset_upstream(self, task: TaskArg = None, confirm: bool = False) -> list[TaskData]:
        """Reset the task and every task upstream of it."""
        target = self.get_task(task)
        return outputs.reset_tasks(engine.closure([target]), target)

    def reset_downstream(self, task: TaskArg, task_downstream: TaskArg = None, confirm: bool = False) -> list[TaskData]:
        """Reset the task and every task depending on it, up to ``task_downstream`` (default: the flow's task)."""
        root = self.get_task(task)
        closure = engine.closure([self.get_task(task_downstream)])
        return outputs.reset_tasks(downstream_of([root], closure), root)


def _submit(scenario: Scenario, force: frozenset[str], config_ids: set[str]) -> Submission:
    """Submit the chosen tasks of the scenario, with an orchestrator of this call's own if none runs."""
    state = session.current().runtime.state
    only = [t for t in state.scenarios[scenario.id].task_ids if state.tasks[t].config_id in config_ids]
    started = running_service() is None
    if started:
        Orchestrator().run()
    try:
        return submit(scenario, force=force, wait=True, resume=True, only_tasks=only)
    finally:
        if started:
            Orchestrator().stop()


__all__ = ["FAILED", "Workflow", "downstream_of", "flow_failed", "flow_scenario"]
