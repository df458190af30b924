"""Submitting a scenario, sequence or task: record the submission and its jobs, then run them."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

import anyio

from ledgerflow.domain.dag import TaskNode, task_order
from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import NonExistingScenario, NonExistingSequence, NonExistingTask
from ledgerflow.domain.ids import job_id, submission_id
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.admission import check_before_submit
from ledgerflow.executor.dispatcher import node_ready
from ledgerflow.executor.schedule import Schedule
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import TaskView
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.skip import skipped_at_submission
from ledgerflow.service import session
from ledgerflow.service.entities.base import EntityHandle, Source
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.entities.scenario import Scenario, Sequence
from ledgerflow.service.entities.task import Task
from ledgerflow.service.notifications import run_progress
from ledgerflow.service.notifications.subscriptions import notify_subscribers
from ledgerflow.service.submitting.external_edits import record_external_edits
from ledgerflow.service.submitting.outcomes import report_if_failed
from ledgerflow.service.submitting.server_reads import record_server_changes

log = logging.getLogger("ledgerflow")

Callback = Callable[[Job], Any]


def _tasks_of(entity: EntityHandle, only: Collection[str] | None = None) -> tuple[str, list[str]]:
    if only is not None:
        kind, task_ids = _tasks_of(entity)
        return kind, [t for t in task_ids if t in only]
    state = session.current().runtime.state
    if isinstance(entity, Scenario):
        scenario = state.scenarios.get(entity.id)
        if scenario is None:
            raise NonExistingScenario(f"Scenario {entity.id} does not exist (it was deleted): it cannot be submitted.")
        return "SCENARIO", list(scenario.task_ids)
    if isinstance(entity, Sequence):
        sequence = state.sequences.get(entity.id)
        if sequence is None:
            raise NonExistingSequence(f"Sequence {entity.id} does not exist (it was deleted): it cannot be submitted.")
        return "SEQUENCE", list(sequence.task_ids)
    if isinstance(entity, Task):
        if entity.id not in state.tasks:
            raise NonExistingTask(f"Task {entity.id} does not exist (it was deleted): it cannot be submitted.")
        return "TASK", [entity.id]
    raise TypeError(f"Only scenarios, sequences and tasks can be submitted, not {type(entity).__name__}.")


def _config_id(entity: EntityHandle) -> str:
    if isinstance(entity, Sequence):
        return str(entity.name)
    return str(entity.config_id)  # type: ignore[attr-defined]


_ORDERS: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()


def _run_order(tasks: Mapping[str, TaskView], task_ids: list[str]) -> list[str]:
    """The tasks in run order; remembered, as a task's inputs and outputs never change."""
    if len(task_ids) == 1 and not set(tasks[task_ids[0]].input_ids).intersection(tasks[task_ids[0]].output_ids):
        return task_ids  # one task that does not read its own output: no graph to build
    key = tuple(task_ids)
    order = _ORDERS.get(key)
    if order is None:
        order = _ORDERS[key] = task_order([TaskNode(t, tasks[t].input_ids, tasks[t].output_ids) for t in task_ids])
        if len(_ORDERS) > 1024:
            _ORDERS.popitem(last=False)
    return order


def _first_statuses(
    state: CurrentState, tasks: Mapping[str, TaskView], order: list[str], skipped: Mapping[str, str]
) -> dict[str, tuple[Status, str | None]]:
    """The status each job not skipped starts in, by task id: PENDING or BLOCKED, as its run judges it."""
    jobs = [(t, t, Status.SKIPPED if t in skipped else Status.SUBMITTED) for t in order]
    nodes = {t: TaskNode(t, tasks[t].input_ids, tasks[t].output_ids) for t in order}
    changes = Schedule.of(jobs, nodes).unblocked(lambda node_id: node_ready(state, node_id))
    return {change.job_id: (change.status, change.reason) for change in changes}


def create_submission(
    entity: EntityHandle,
    force: bool | Collection[str],
    properties: dict[str, Any],
    new_id: str | None = None,
    only: Collection[str] | None = None,
    claim: Callable[[], object] | None = None,
) -> list[str]:
    """Record a submission of ``entity`` and a job per task, in run order; the ids of the jobs not created SUBMITTED.

    ``force``: True for every job, or the config ids of the tasks to force. Files of its data nodes
    edited outside ledgerflow are recorded first, so the jobs' skip decisions see them. ``new_id``:
    the submission's id, when the caller chose (and claimed) it beforehand. A job whose outputs are
    up to date and that nothing in the submission can change is created SKIPPED
    (``skipped_at_submission``). ``only``: the ids of the tasks to submit, when not all of them.
    ``claim``: this process's orchestrator runs the submission next; called (to claim it) just
    before it is recorded, unless no job is left to run. Each job not skipped is then created
    PENDING or BLOCKED, as its run would judge it first (one event per job instead of two).
    """
    entity._writable()  # an entity of an as_of view cannot be submitted
    current = session.for_writing()
    runtime = current.runtime
    entity_type, task_ids = _tasks_of(entity, only)
    tasks = runtime.state.tasks
    record_external_edits(runtime, (n for t in task_ids for n in (*tasks[t].input_ids, *tasks[t].output_ids)))
    written = {n for t in task_ids for n in tasks[t].output_ids}
    read_only = (n for t in task_ids for n in tasks[t].input_ids if n not in written)
    record_server_changes(runtime, current.backends, read_only)
    order = _run_order(tasks, task_ids)
    forced = set(order) if force is True else {t for t in order if force and tasks[t].config_id in force}
    new_id = new_id or submission_id()
    with acting_as(correlation_id=new_id), runtime.lock:
        resume = bool(properties.get("resume"))
        skipped = skipped_at_submission(runtime.state, [tasks[t] for t in order], forced, resume, datetime.now())
        left = claim is not None and len(skipped) < len(order)  # jobs to run: claimed, judged
        judged = _first_statuses(runtime.state, tasks, order, skipped) if left else {}
        jobs = [
            JobAggregate.submitted(
                id=job_id(tasks[t].config_id),
                task_id=t,
                submission_id=new_id,
                submit_entity_id=entity.id,
                force=t in forced,
                version=current.version.name,
                skipped=skipped.get(t),
                judged=judged.get(t),
            )
            for t in order
        ]
        submission = SubmissionAggregate(
            id=new_id,
            entity_id=entity.id,
            entity_type=entity_type,
            entity_config_id=_config_id(entity),
            job_ids=[j.id for j in jobs],
            properties=properties,
            version=current.version.name,
        )
        if skipped or judged:
            submission.update_status(aggregate_status(job.status for job in jobs))
        if left and claim is not None:
            claim()  # before it is recorded: no other process may start it
        runtime.record(submission, *jobs, reason="submit")
    return [job.id for job in jobs if job.status is not Status.SUBMITTED]


def submit(
    entity: EntityHandle,
    force: bool | Collection[str] = False,
    wait: bool = False,
    timeout: float | None = None,
    callbacks: Iterable[Callback] | None = None,
    resume: bool = False,
    only_tasks: Collection[str] | None = None,
    **properties: Any,
) -> Submission:
    """Run ``entity``'s tasks in dependency order; skippable tasks with valid outputs are skipped.

    ``force``: True, or the config ids of the tasks to run whatever their outputs. ``resume``: judge
    every task (skippable or not) by its outputs, so after a failure only the failed, abandoned and
    stale tasks run again (recorded as the submission's ``resume`` property). ``only_tasks``: the
    ids of the tasks to run, when not all of the entity's (a workflow's targets and their upstream).
    """
    if resume:
        properties["resume"] = True
    check_before_submit(session.for_writing().runtime.state, _tasks_of(entity, only_tasks)[1])
    service = session.running_service()
    new_id = submission_id()
    claim = None if service is None else partial(service.claim, new_id)
    try:
        judged = create_submission(entity, force, dict(properties), new_id, only_tasks, claim)
    except BaseException:
        if service is not None:
            service.claimed.discard(new_id)
            service.claims.release(new_id)
        raise
    submission = Submission(new_id, entity._source)
    hooks = list(callbacks or [])
    if service is None:
        _announce(entity._source, new_id, judged, hooks)
        log.warning(
            "The orchestrator is not running: submission %s is recorded and its jobs will run when "
            "Orchestrator().run() is called.",
            new_id,
        )
        return submission
    if hooks:

        def relay(sub_id: str, changed_job: str) -> None:
            if sub_id == new_id:
                _call(entity._source, hooks, changed_job)
                if not service.synchronous and all(j.is_finished() for j in submission.jobs):
                    service.listeners.remove(relay)

        service.listeners.append(relay)
    run_progress.follow(service, new_id)
    try:
        for job in judged:  # their first status change is in their creation
            service.notify(new_id, job)
        service.dispatch(new_id)
        if wait and not service.synchronous:
            submission.wait(timeout)
        if wait or service.synchronous:
            run_progress.drawn(new_id)
            report_if_failed(service.runtime.state, new_id)
    finally:
        if hooks and service.synchronous:
            service.listeners.remove(relay)
    return submission


def _announce(source: Source, new_id: str, skipped: list[str], hooks: list[Callback]) -> None:
    """Tell subscribers and ``callbacks`` of the jobs skipped at submission (no orchestrator to do it)."""
    for job in skipped:
        notify_subscribers(source, new_id, job)
        _call(source, hooks, job)


def _call(source: Source, hooks: list[Callback], job_id: str) -> None:
    for hook in hooks:
        hook(Job(job_id, source))


async def asubmit(
    entity: EntityHandle,
    force: bool = False,
    timeout: float | None = None,
    callbacks: Iterable[Callback] | None = None,
    **properties: Any,
) -> Submission:
    """Submit from async code and await the end of the submission without blocking the loop."""

    def run() -> Submission:
        return submit(entity, force=force, wait=True, timeout=timeout, callbacks=callbacks, **properties)

    return await anyio.to_thread.run_sync(run)
