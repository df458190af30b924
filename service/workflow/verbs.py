"""d6tflow's workflow verbs over scenarios: ``Workflow`` and ``WorkflowMulti``.

A workflow is one scenario of a config, found by its name (the config id unless given) and created
by the first ``run()``. Its parameters are values written into the input data nodes they name
before each run (only when the value changed, so an unchanged parameter re-runs nothing).
``run()`` judges every task by its outputs, as d6tflow does — complete tasks do not run again,
skippable or not — and prints an execution summary; ``preview()`` prints what it would do and why;
``reset()`` records an invalidation event (nothing is deleted). ``WorkflowMulti`` keeps one
workflow, hence one scenario, per named parameter set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from ledgerflow.domain.config import Config, DataNodeConfig, ScenarioConfig, TaskConfig
from ledgerflow.domain.dag import TaskNode, downstream_closure, upstream_tasks
from ledgerflow.domain.errors import LedgerflowError, NonExistingDataNodeConfig, NonExistingTaskConfig
from ledgerflow.domain.task import Task as TaskAggregate
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.datanodes import node_spec
from ledgerflow.runtime.settings import settings
from ledgerflow.service import session
from ledgerflow.service.entities.job import Submission
from ledgerflow.service.entities.scenario import Scenario
from ledgerflow.service.live import live_source
from ledgerflow.service.scenarios.creation import create_scenario
from ledgerflow.service.submitting.external_edits import record_external_edits
from ledgerflow.service.submitting.submit import submit
from ledgerflow.service.workflow.plan import Plan, nodes_with_data, plan_new_scenario, plan_scenario
from ledgerflow.service.workflow.summary import execution_summary as summarize
from ledgerflow.storage.datanodes import Backends, _hash_of

ForceArg = bool | str | TaskConfig | Iterable[str | TaskConfig]


def _upstream_config(task: TaskConfig) -> ScenarioConfig:
    """A scenario config of ``task`` and every configured task it depends on."""
    producers: dict[str, list[TaskConfig]] = {}
    for candidate in Config.tasks.values():
        for dn in candidate.output_configs:
            producers.setdefault(dn.id, []).append(candidate)
    chosen: dict[str, TaskConfig] = {}
    stack = [task]
    while stack:
        current = stack.pop()
        if current.id not in chosen:
            chosen[current.id] = current
            stack.extend(p for dn in current.input_configs for p in producers.get(dn.id, ()))
    return ScenarioConfig(id=f"{task.id}_workflow", task_configs=list(reversed(chosen.values())))


def input_configs(config: ScenarioConfig) -> dict[str, DataNodeConfig]:
    """The data node configs a parameter may name: task inputs no task of the config writes."""
    written = {dn.id for t in config.task_configs for dn in t.output_configs}
    return {dn.id: dn for t in config.task_configs for dn in t.input_configs if dn.id not in written}


def planned_hash(backends: Backends, storage_type: str, spec_view: Any, value: Any) -> str | None:
    """The content hash writing ``value`` would record, without writing it (None when unknown)."""
    backend = backends.of(storage_type)
    encode = getattr(backend, "encode", None)
    try:
        if encode is not None:
            return hashlib.sha256(encode(node_spec(spec_view), value)).hexdigest()
    except Exception:  # the write itself will say why the value cannot be stored
        return None
    if storage_type in ("in_memory", "generic"):
        return _hash_of(value)[0]
    return None


class Workflow:
    """One scenario of ``config`` run the d6tflow way: ``preview()``, ``run()``, ``reset()``.

    ``config`` is a ScenarioConfig, or a TaskConfig (the workflow is that task and every configured
    task upstream of it). ``params`` maps input data node config ids to the values to write before
    a run. ``name`` names the scenario (default: the config id); the same name reuses it.
    """

    def __init__(
        self, config: ScenarioConfig | TaskConfig, params: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> None:
        if isinstance(config, TaskConfig):
            self.targets = frozenset({config.id})
            config = _upstream_config(config)
        elif isinstance(config, ScenarioConfig):
            self.targets = frozenset(t.id for t in config.task_configs)
        else:
            raise TypeError(f"A workflow runs a ScenarioConfig or a TaskConfig, not {type(config).__name__}.")
        self.config = config
        self.name = name or config.id
        self.params = dict(params or {})
        inputs = input_configs(config)
        unknown = sorted(set(self.params) - set(inputs))
        if unknown:
            raise NonExistingDataNodeConfig(
                f"Parameter {', '.join(repr(u) for u in unknown)} of workflow {self.name!r} names no input data "
                f"node of {config.id!r}: use one of {', '.join(sorted(inputs)) or '(none)'}."
            )
        self._scenario_id: str | None = None

    def __repr__(self) -> str:
        return f"Workflow({self.config.id!r}, params={self.params!r}, name={self.name!r})"

    # -- the scenario -----------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario | None:
        """The workflow's scenario (None until the first ``run()``)."""
        current = session.current()
        state = current.runtime.state
        known = self._scenario_id
        if known is not None and known in state.scenarios:
            return Scenario(known, live_source())
        for view in state.scenarios.values():
            if view.config_id == self.config.id and view.name == self.name and current.visible(view.version):
                self._scenario_id = view.id
                return Scenario(view.id, live_source())
        return None

    def _ensure_scenario(self) -> Scenario:
        return self.scenario or create_scenario(self.config, name=self.name)

    def _nodes_by_config(self, state: CurrentState, scenario: Scenario) -> dict[str, str]:
        nodes: dict[str, str] = {}
        for task_id in state.scenarios[scenario.id].task_ids:
            task = state.tasks[task_id]
            for node_id in (*task.input_ids, *task.output_ids):
                nodes.setdefault(state.data_nodes[node_id].config_id, node_id)
        return nodes

    def _planned(self, state: CurrentState, scenario: Scenario) -> dict[str, str]:
        """Node id -> content hash for every parameter whose value differs from the node's."""
        backends = session.current().backends
        nodes = self._nodes_by_config(state, scenario)
        planned: dict[str, str] = {}
        for config_id, value in self.params.items():
            view = state.data_nodes[nodes[config_id]]
            new = planned_hash(backends, view.storage_type, view, value)
            if new is None or not view.edits or view.edits[-1].content_hash != new:
                planned[view.id] = new or f"unknown value of {config_id}"  # unknown: it counts as a change
        return planned

    def _write_params(self, scenario: Scenario) -> None:
        state = session.current().runtime.state
        changed = self._planned(state, scenario)
        nodes = self._nodes_by_config(state, scenario)
        for config_id, value in self.params.items():
            if nodes[config_id] in changed:
                getattr(scenario, config_id).write(value, comment=f"parameter of workflow {self.name}")

    # -- the verbs --------------------------------------------------------------------------
    def _task_config_id(self, task: str | TaskConfig) -> str:
        config_id = task.id if isinstance(task, TaskConfig) else str(task)
        known = [t.id for t in self.config.task_configs]
        if config_id not in known:
            raise NonExistingTaskConfig(
                f"Task {config_id!r} is not part of workflow {self.name!r} ({self.config.id}): "
                f"use one of {', '.join(known)}."
            )
        return config_id

    def _forced(self, force: ForceArg, forced_all_upstream: bool) -> frozenset[str]:
        if forced_all_upstream:
            return frozenset(t.id for t in self.config.task_configs)
        if force is True:
            return self.targets
        if force is False or force is None:
            return frozenset()
        tasks = [force] if isinstance(force, str | TaskConfig) else list(force)
        return frozenset(self._task_config_id(t) for t in tasks)

    def plan(self, force: ForceArg = False, forced_all_upstream: bool = False) -> Plan:
        """What ``run()`` would do for each task, and why (see ``preview``)."""
        forced = self._forced(force, forced_all_upstream)
        current = session.current()
        scenario = self.scenario
        if scenario is None:
            title = f"Workflow {self.name!r} of {self.config.id}: no scenario yet (run() creates it)"
            has_data = nodes_with_data(current.runtime.state, current.version.name, self.config) | set(self.params)
            return Plan(title, tuple(plan_new_scenario(self.config, forced, frozenset(has_data))))
        state = current.runtime.state
        record_external_edits(current.runtime, self._nodes_by_config(state, scenario).values())
        tasks = plan_scenario(state, scenario.id, forced, self._planned(state, scenario), resume=True)
        return Plan(f"Workflow {self.name!r} of {self.config.id}: scenario {scenario.id}", tuple(tasks))

    def preview(self, force: ForceArg = False, forced_all_upstream: bool = False) -> Plan:
        """Print the task tree with each task's state (would run / would skip / complete / pending) and why."""
        plan = self.plan(force, forced_all_upstream)
        print(plan)
        return plan

    def run(
        self,
        force: ForceArg = False,
        forced_all_upstream: bool = False,
        execution_summary: bool | None = None,
        timeout: float | None = None,
    ) -> Submission:
        """Write the parameters, then run the tasks whose outputs are not current; returns the submission.

        ``force``: True forces the workflow's tasks (a TaskConfig workflow: that task), or name the
        tasks to force; ``forced_all_upstream`` forces every task. Prints the execution summary
        unless ``execution_summary`` (default ``settings.execution_summary``) is False.
        """
        forced = self._forced(force, forced_all_upstream)
        scenario = self._ensure_scenario()
        self._scenario_id = scenario.id
        self._write_params(scenario)
        submission = submit(scenario, force=forced, wait=True, timeout=timeout, resume=True)
        if settings.execution_summary if execution_summary is None else execution_summary:
            print(summarize(submission))
        return submission

    def reset(self, task: str | TaskConfig, downstream: bool = True) -> list[str]:
        """Invalidate ``task`` (and, by default, every task downstream): they run at the next run.

        Recorded as one ``ledgerflow.task.reset`` event per task; earlier values and runs stay in
        the log. Returns the config ids reset (none before the first run).
        """
        config_id = self._task_config_id(task)
        scenario = self.scenario
        if scenario is None:
            return []
        runtime = session.current().runtime
        with runtime.lock:
            state = runtime.state
            views = {t: state.tasks[t] for t in state.scenarios[scenario.id].task_ids}
            start = next(t for t, v in views.items() if v.config_id == config_id)
            chosen = {start}
            if downstream:
                upstream = upstream_tasks([TaskNode(t, v.input_ids, v.output_ids) for t, v in views.items()])
                chosen |= downstream_closure(start, upstream)
            aggregates = []
            for task_id in chosen:
                aggregate = runtime.aggregate(TaskAggregate, task_id)
                aggregate.reset(config_id)
                aggregates.append(aggregate)
            runtime.record(*aggregates, reason=f"reset {config_id}")
        return [views[t].config_id for t in views if t in chosen]


class WorkflowMulti:
    """One ``Workflow`` (so one scenario) per named parameter set: ``{"flow1": {...}, "flow2": {...}}``.

    Reusing a name reuses its scenario. ``run``, ``preview`` and ``reset`` apply to every flow.
    """

    def __init__(self, config: ScenarioConfig | TaskConfig, params: Mapping[str, Mapping[str, Any]]) -> None:
        if not params:
            raise LedgerflowError('WorkflowMulti needs at least one named parameter set: {"flow1": {...}}.')
        self.flows = {name: Workflow(config, values, name=name) for name, values in params.items()}

    def __getitem__(self, name: str) -> Workflow:
        return self.flows[name]

    def preview(self, force: ForceArg = False, forced_all_upstream: bool = False) -> dict[str, Plan]:
        """Print and return the plan of each flow."""
        return {name: flow.preview(force, forced_all_upstream) for name, flow in self.flows.items()}

    def run(
        self, force: ForceArg = False, forced_all_upstream: bool = False, execution_summary: bool | None = None
    ) -> dict[str, Submission]:
        """Run every flow; their submissions by flow name."""
        return {
            name: flow.run(force, forced_all_upstream, execution_summary=execution_summary)
            for name, flow in self.flows.items()
        }

    def reset(self, task: str | TaskConfig, downstream: bool = True) -> dict[str, list[str]]:
        """Reset ``task`` in every flow."""
        return {name: flow.reset(task, downstream) for name, flow in self.flows.items()}
