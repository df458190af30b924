"""Submitting a scenario, sequence or task: record the submission and its jobs, then run them."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import anyio

from ledgerflow.domain.dag import TaskNode, task_order
from ledgerflow.domain.ids import job_id, submission_id
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.projections.views import TaskView
from ledgerflow.service import session
from ledgerflow.service.context import acting_as
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.scenario import Scenario, Sequence
from ledgerflow.service.entities.task import Job, Submission, Task
from ledgerflow.service.external_edits import record_external_edits
from ledgerflow.service.live import live_source

log = logging.getLogger("ledgerflow")

Callback = Callable[[Job], Any]


def _tasks_of(entity: EntityHandle) -> tuple[str, list[str]]:
    state = session.current().runtime.state
    if isinstance(entity, Scenario):
        return "SCENARIO", list(state.scenarios[entity.id].task_ids)
    if isinstance(entity, Sequence):
        return "SEQUENCE", list(state.sequences[entity.id].task_ids)
    if isinstance(entity, Task):
        return "TASK", [entity.id]
    raise TypeError(f"Only scenarios, sequences and tasks can be submitted, not {type(entity).__name__}.")


def _config_id(entity: EntityHandle) -> str:
    if isinstance(entity, Sequence):
        return str(entity.name)
    return str(entity.config_id)  # type: ignore[attr-defined]


_ORDERS: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()


def _run_order(tasks: Mapping[str, TaskView], task_ids: list[str]) -> list[str]:
    """The tasks in run order; remembered, as a task's inputs and outputs never change."""
    key = tuple(task_ids)
    order = _ORDERS.get(key)
    if order is None:
        order = _ORDERS[key] = task_order([TaskNode(t, tasks[t].input_ids, tasks[t].output_ids) for t in task_ids])
        if len(_ORDERS) > 1024:
            _ORDERS.popitem(last=False)
    return order


def create_submission(
    entity: EntityHandle, force: bool | Collection[str], properties: dict[str, Any], new_id: str | None = None
) -> str:
    """Record a submission of ``entity`` and a job per task, in run order.

    ``force``: True for every job, or the config ids of the tasks to force. Files of its data nodes
    edited outside ledgerflow are recorded first, so the jobs' skip decisions see them. ``new_id``:
    the submission's id, when the caller chose (and claimed) it beforehand.
    """
    entity._writable()  # an entity of an as_of view cannot be submitted
    current = session.current()
    runtime = current.runtime
    entity_type, task_ids = _tasks_of(entity)
    tasks = runtime.state.tasks
    record_external_edits(runtime, (n for t in task_ids for n in (*tasks[t].input_ids, *tasks[t].output_ids)))
    order = _run_order(tasks, task_ids)
    new_id = new_id or submission_id()
    with acting_as(correlation_id=new_id), runtime.lock:
        jobs = [
            JobAggregate(
                id=job_id(tasks[t].config_id),
                task_id=t,
                submission_id=new_id,
                submit_entity_id=entity.id,
                force=force if isinstance(force, bool) else tasks[t].config_id in force,
                version=current.version.name,
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
        runtime.record(submission, *jobs, reason="submit")
    return new_id


def submit(
    entity: EntityHandle,
    force: bool | Collection[str] = False,
    wait: bool = False,
    timeout: float | None = None,
    callbacks: Iterable[Callback] | None = None,
    resume: bool = False,
    **properties: Any,
) -> Submission:
    """Run ``entity``'s tasks in dependency order; skippable tasks with valid outputs are skipped.

    ``force``: True, or the config ids of the tasks to run whatever their outputs. ``resume``: judge
    every task (skippable or not) by its outputs, so after a failure only the failed, abandoned and
    stale tasks run again (recorded as the submission's ``resume`` property).
    """
    from ledgerflow.executor.admission import check_before_submit
    from ledgerflow.executor.orchestrator import running_service

    if resume:
        properties["resume"] = True
    check_before_submit(session.current().runtime.state, _tasks_of(entity)[1])
    service = running_service()
    new_id = submission_id()
    if service is not None:
        service.claim(new_id)  # before it is recorded: no other process may start it
    try:
        new_id = create_submission(entity, force, dict(properties), new_id)
    except BaseException:
        if service is not None:
            service.claimed.discard(new_id)
            service.claims.release(new_id)
        raise
    submission = Submission(new_id, live_source())
    if service is None:
        log.warning(
            "The orchestrator is not running: submission %s is recorded and its jobs will run when "
            "Orchestrator().run() is called.",
            new_id,
        )
        return submission
    hooks = list(callbacks or [])
    if hooks:

        def relay(sub_id: str, changed_job: str) -> None:
            if sub_id == new_id:
                for hook in hooks:
                    hook(Job(changed_job, live_source()))
                if not service.synchronous and all(j.is_finished() for j in submission.jobs):
                    service.listeners.remove(relay)

        service.listeners.append(relay)
    try:
        service.dispatch(new_id)
        if wait and not service.synchronous:
            submission.wait(timeout)
    finally:
        if hooks and service.synchronous:
            service.listeners.remove(relay)
    return submission


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
