"""Whether a job must run: its outputs' validity and the fingerprint they were produced under.

A job runs when it is forced, when its task is not skippable (unless its submission resumes, see
``submit(resume=True)``), or when its task's outputs are stale: never written, past their
``validity_period``, never produced by a recorded run, reset, or produced under another fingerprint
(config, code or an input's content changed). With ``settings.check_dependencies`` a job also runs
when an upstream job of the same submission ran. An output a user overwrote by hand is kept, as in
Taipy, until an input or the code changes. The same rules drive ``Workflow.preview()``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerflow.domain.fingerprint import Fingerprint, changes
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import DataNodeView, JobView, TaskView
from ledgerflow.runtime.fingerprints import current_fingerprint
from ledgerflow.runtime.settings import settings

UP_TO_DATE = "outputs are up to date"
NEVER_RAN = "never ran"


def expired(node: DataNodeView, now: datetime) -> bool:
    """Whether the node's last value is older than its validity period."""
    if not node.edits or node.validity_period is None:
        return False
    last = node.edits[-1].timestamp
    moment = now.astimezone(last.tzinfo) if last.tzinfo is not None else now
    return moment > last + timedelta(seconds=node.validity_period)


def output_problem(state: CurrentState, task: TaskView, now: datetime) -> str | None:
    """Why the task's outputs cannot be reused as they are, judged on the outputs alone."""
    if not task.output_ids:
        return "task has no outputs"
    for node_id in task.output_ids:
        node = state.data_nodes[node_id]
        if not node.edits:
            return f"output {node.config_id} was never written"
        if expired(node, now):
            return f"output {node.config_id} expired"
    return None


def stale_reason(state: CurrentState, task: TaskView, current: Fingerprint | None, now: datetime) -> str | None:
    """Why the task must run again, or None when its outputs were made under ``current`` and are valid."""
    problem = output_problem(state, task, now)
    if problem is not None:
        return problem
    produced = state.cache.produced.get(task.id)
    if produced is None:
        requested = state.cache.reset.get(task.id)
        if requested is None:
            return NEVER_RAN
        return "reset" if requested == task.config_id else f"upstream {requested} was reset"
    if current is None:
        return "an input has no value"
    if produced.fingerprint == str(current):
        return None
    recorded = Fingerprint.parse(produced.fingerprint)
    if recorded is None:
        return "fingerprint changed"
    names = [state.data_nodes[i].config_id for i in task.input_ids]
    return "; ".join(changes(recorded, current, task.config_id, names)) or "fingerprint changed"


def upstream_that_ran(state: CurrentState, task: TaskView, job: JobView) -> str | None:
    """The config id of an upstream task whose job in ``job``'s submission wrote one of its inputs."""
    for node_id in task.input_ids:
        node = state.data_nodes[node_id]
        writer_id = node.edits[-1].job_id if node.edits else None
        if writer_id is None or writer_id == job.id:
            continue
        writer = state.jobs.get(writer_id)
        if writer is not None and writer.submission_id == job.submission_id:
            return state.tasks[writer.task_id].config_id if writer.task_id in state.tasks else writer.task_id
    return None


def resumes(state: CurrentState, job: JobView) -> bool:
    """Whether the job's submission reuses every valid output (``submit(resume=True)``, workflows)."""
    submission = state.submissions.get(job.submission_id)
    return bool(submission is not None and submission.properties.get("resume"))


@dataclass(frozen=True)
class Decision:
    """Run or skip a job, why, and the cache key its outputs will be recorded under."""

    run: bool
    reason: str
    fingerprint: str | None = None


def decide(state: CurrentState, task: TaskView, job: JobView, now: datetime) -> Decision:
    """The decision for ``job`` of ``task``, taken when the job is picked (its inputs are written)."""
    decision = _judge(state, task, now, force=job.force, resume=resumes(state, job))
    if not decision.run and settings.check_dependencies:
        upstream = upstream_that_ran(state, task, job)
        if upstream is not None:
            return Decision(True, f"upstream {upstream} ran", decision.fingerprint)
    return decision


def _judge(state: CurrentState, task: TaskView, now: datetime, *, force: bool, resume: bool) -> Decision:
    current = current_fingerprint(state, task)
    fingerprint = None if current is None else str(current)
    if force:
        return Decision(True, "forced", fingerprint)
    if not task.skippable and not resume:
        return Decision(True, "task is not skippable", fingerprint)
    reason = stale_reason(state, task, current, now)
    return Decision(reason is not None, reason or UP_TO_DATE, fingerprint)


def skipped_at_submission(
    state: CurrentState, tasks: Sequence[TaskView], forced: Collection[str], resume: bool, now: datetime
) -> dict[str, str]:
    """The tasks of a new submission whose jobs are created SKIPPED, each with why.

    ``tasks`` in run order; ``forced``: the ids of the forced ones. A task qualifies when its
    inputs have values, none is locked, each one the submission itself produces comes from a task
    skipped too (so nothing in the submission can change them), and the decision a job would get
    when picked is to skip: so such a job need not wait, BLOCKED then PENDING, for anything.
    """
    producer: dict[str, str] = {}  # data node id -> the task of this submission writing it
    skipped: dict[str, str] = {}
    for task in tasks:
        maybe = resume or task.skippable  # else the decision is to run: no fingerprint to compute
        if (
            maybe
            and task.id not in forced
            and all(_final(state, node_id, producer, skipped) for node_id in task.input_ids)
        ):
            decision = _judge(state, task, now, force=False, resume=resume)
            if not decision.run:
                skipped[task.id] = decision.reason
        for node_id in task.output_ids:
            producer[node_id] = task.id
    return skipped


def _final(state: CurrentState, node_id: str, producer: dict[str, str], skipped: dict[str, str]) -> bool:
    """Whether a data node has a value nothing in the submission will change before it is read."""
    writer = producer.get(node_id)
    if writer is not None and writer not in skipped:
        return False
    node = state.data_nodes.get(node_id)
    return node is not None and bool(node.edits) and not node.locked
