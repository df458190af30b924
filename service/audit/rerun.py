"""Re-running a past submission on the exact input values its jobs read.

``lf.rerun(submission_id)`` takes every job of the submission that ran, finds the value each of its
inputs held when the job started (the input's last write before the job's RUNNING event), reads
it from the content store (verified by its hash), calls the task's function again and compares the
content hash of each result with the one the job recorded. Results go to the content store only:
data nodes keep their current values.

The re-run is a new submission of the same entity with the property ``rerun_of``; its jobs go
SUBMITTED, PENDING, RUNNING, then COMPLETED or FAILED. Everything is recorded in one command once
every job has run, so an interrupted re-run records nothing. Missing input values are reported
before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ledgerflow.domain.config import resolve_function
from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.domain.ids import job_id, submission_id
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.execution import execute_blocking
from ledgerflow.executor.jobspec import InputSpec, JobOutcome, JobSpec
from ledgerflow.runtime.datanodes import node_spec
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service import session
from ledgerflow.service.entities.job import Submission
from ledgerflow.service.live import live_source
from ledgerflow.service.timetravel.recorded_values import RecordedValues, read_by_hash
from ledgerflow.service.timetravel.view import PastView
from ledgerflow.storage.datanodes import Backends

_RUNNING = int(Status.RUNNING)


@dataclass(frozen=True)
class OutputCheck:
    """One output of a re-run job: the hash its original job recorded and the one the re-run produced."""

    job_id: str
    task_config_id: str
    data_node_id: str
    data_node_config_id: str
    recorded_hash: str | None
    new_hash: str | None

    @property
    def reproduced(self) -> bool:
        """Whether the re-run produced exactly the recorded content."""
        return self.recorded_hash is not None and self.recorded_hash == self.new_hash


@dataclass(frozen=True)
class JobRerun:
    """What became of one job of the original submission."""

    original_job_id: str
    task_config_id: str
    original_status: Status
    new_job_id: str | None = None
    new_status: Status | None = None
    error: str | None = None
    outputs: tuple[OutputCheck, ...] = ()

    @property
    def verdict(self) -> str:
        """reproduced, differs, failed, failed again, or not run (SKIPPED...)."""
        if self.new_status is None:
            return f"not run ({self.original_status.name} originally)"
        if self.new_status is Status.FAILED:
            return "failed again" if self.original_status is Status.FAILED else "failed"
        if self.original_status is Status.FAILED:
            return "completed (failed originally)"
        return "reproduced" if all(o.reproduced for o in self.outputs) else "differs"


@dataclass
class RerunReport:
    """The re-run of a submission: the new submission and, per job and output, whether it reproduced."""

    rerun_of: str
    submission_id: str | None = None  # None when no job of the original ran
    jobs: list[JobRerun] = field(default_factory=list)

    @property
    def submission(self) -> Submission | None:
        """The new submission (marked ``rerun_of`` the original)."""
        return Submission(self.submission_id, live_source()) if self.submission_id else None

    @property
    def outputs(self) -> list[OutputCheck]:
        """Every output of every re-run job."""
        return [check for job in self.jobs for check in job.outputs]

    @property
    def reproduced(self) -> bool:
        """True when every re-run job ended as it did and every output has its recorded hash."""
        return all(job.verdict in ("reproduced", "failed again") or job.new_status is None for job in self.jobs)

    def __str__(self) -> str:
        rerun = [job for job in self.jobs if job.new_status is not None]
        same = sum(job.verdict in ("reproduced", "failed again") for job in rerun)
        new = self.submission_id or "nothing (no job of it ran)"
        lines = [f"Re-ran {self.rerun_of} as {new}: {same} of {len(rerun)} job(s) reproduced."]
        for job in self.jobs:
            lines.append(f"  {job.task_config_id} ({job.original_job_id}): {job.verdict}")
            for check in job.outputs:
                mark = "same" if check.reproduced else "DIFFERENT"
                lines.append(
                    f"    {check.data_node_config_id}: recorded {_short(check.recorded_hash)}, "
                    f"re-run {_short(check.new_hash)} ({mark})"
                )
            if job.error:
                lines.append(f"    error: {job.error}")
        return "\n".join(lines)


def _short(digest: str | None) -> str:
    return digest[:12] if digest else "-"


@dataclass
class _Plan:
    """A job to re-run: its original, the task, its recorded inputs and outputs."""

    original: str
    task_id: str
    task_config_id: str
    original_status: Status
    spec: JobSpec | None = None
    recorded: dict[str, str | None] = field(default_factory=dict)  # output node id -> hash
    output_config_ids: list[str] = field(default_factory=list)


def _positions(runtime: Runtime, job: str) -> tuple[int | None, int | None]:
    """The positions of a job's last RUNNING event and of its last status change."""
    running, last = None, None
    for record in runtime.store.events_of(job):
        if record.topic == JobTopics.STATUS_CHANGED:
            last = record.position
            if record.payload["status"] == _RUNNING:
                running = record.position
    return running, last


def _plan(runtime: Runtime, backends: Backends, job: str) -> _Plan:
    view = runtime.state.jobs[job]
    task = runtime.state.tasks.get(view.task_id)
    running, last = _positions(runtime, job)
    before = PastView(runtime.store, runtime.blobs, running or 0)
    task_view = before.state.tasks.get(view.task_id) if running else task
    config_id = task_view.config_id if task_view is not None else view.task_id
    plan = _Plan(job, view.task_id, config_id, view.status)
    if running is None or task_view is None or last is None:
        return plan
    inputs = []
    for node_id in task_view.input_ids:
        node = before.state.data_nodes[node_id]
        if not node.edits:
            raise LedgerflowError(f"Job {job} ran before its input {node.config_id} was written: it cannot be re-run.")
        spec = node_spec(node)
        read_by_hash(backends, spec, node.edits[-1].content_hash, f" for job {job}")  # still kept?
        edit = node.edits[-1]
        inputs.append(InputSpec(spec, edit.content_hash, edit.location))
    after = PastView(runtime.store, runtime.blobs, last).state
    outputs = []
    for node_id in task_view.output_ids:
        node = after.data_nodes[node_id]
        written = node.edits.last_where(lambda e: e.job_id == job)
        plan.recorded[node_id] = written.content_hash if written is not None else None
        plan.output_config_ids.append(node.config_id)
        outputs.append(node_spec(node))
    function = before.get(view.task_id).function
    plan.spec = JobSpec(job, config_id, function, inputs, outputs)
    return plan


def _execute(spec: JobSpec, backends: Backends) -> JobOutcome:
    function = spec.function if callable(spec.function) else resolve_function(spec.function)
    return execute_blocking(spec, function, backends)


def _run(plan: _Plan, job: JobAggregate, backends: Backends) -> JobRerun:
    assert plan.spec is not None
    job.change_status(Status.PENDING)
    job.change_status(Status.RUNNING, f"re-run of {plan.original} on its recorded inputs")
    outcome = _execute(plan.spec, backends)
    if outcome.failed:
        job.change_status(Status.FAILED, outcome.error, outcome.stacktrace)
        return JobRerun(plan.original, plan.task_config_id, plan.original_status, job.id, Status.FAILED, outcome.error)
    checks = tuple(
        OutputCheck(
            plan.original, plan.task_config_id, node_id, config_id, plan.recorded[node_id], payload.content_hash
        )
        for (node_id, config_id, payload) in zip(plan.recorded, plan.output_config_ids, outcome.payloads, strict=True)
    )
    same = sum(c.reproduced for c in checks)
    job.change_status(Status.COMPLETED, f"re-run of {plan.original}: {same} of {len(checks)} output(s) reproduced")
    return JobRerun(plan.original, plan.task_config_id, plan.original_status, job.id, Status.COMPLETED, None, checks)


def rerun(submission: str | Submission) -> RerunReport:
    """Re-execute a finished submission's jobs on their recorded inputs; report what reproduced."""
    current = session.for_writing()
    original_id = submission if isinstance(submission, str) else submission.id
    return rerun_in(current.runtime, original_id, current.visible, current.backends)


def rerun_in(
    runtime: Runtime,
    original_id: str,
    visible: Callable[[str], bool] | None = None,
    backends: Backends | None = None,
) -> RerunReport:
    """``rerun`` on a given runtime (the CLI opens one without starting an application version).

    The re-run is recorded in the original submission's application version. ``visible`` limits
    which submissions can be re-run (None: any); ``backends``: the session's, else the runtime's.
    """
    backends = backends or Backends(runtime.blobs)
    runtime.flush()
    original = runtime.state.submissions.get(original_id)
    if original is None or (visible is not None and not visible(original.version)):
        raise NonExistingEntity(
            f"Submission {original_id} does not exist (in the versions this run sees): "
            "lf.get_submissions() or `ledgerflow events --type submission.created` lists those that can be re-run."
        )
    unfinished = [j for j in original.job_ids if not runtime.state.jobs[j].status.is_finished]
    if unfinished:
        raise LedgerflowError(f"Submission {original_id} has unfinished jobs ({', '.join(unfinished)}): wait for it.")
    plans = [_plan(runtime, backends, j) for j in original.job_ids]
    report = RerunReport(original_id)
    todo = [p for p in plans if p.spec is not None]
    if not todo:
        report.jobs = [JobRerun(p.original, p.task_config_id, p.original_status) for p in plans]
        return report
    new_id = submission_id()
    jobs = {
        p.original: JobAggregate.submitted(
            id=job_id(p.task_config_id),
            task_id=p.task_id,
            submission_id=new_id,
            submit_entity_id=original.entity_id,
            force=True,
            version=original.version,
        )
        for p in todo
    }
    record = SubmissionAggregate(
        id=new_id,
        entity_id=original.entity_id,
        entity_type=original.entity_type,
        entity_config_id=original.entity_config_id,
        job_ids=[j.id for j in jobs.values()],
        properties={"rerun_of": original_id},
        version=original.version,
    )
    results = RecordedValues(runtime.blobs, results=True)
    for plan in plans:
        job = jobs.get(plan.original)
        if job is None:
            report.jobs.append(JobRerun(plan.original, plan.task_config_id, plan.original_status))
        else:
            report.jobs.append(_run(plan, job, results))
    record.update_status(aggregate_status(j.status for j in jobs.values()))
    with acting_as(correlation_id=new_id):
        runtime.record(record, *jobs.values(), reason=f"re-run of {original_id}")
    runtime.flush()
    report.submission_id = new_id
    return report
