"""Runs one submission: records what its schedule decides, and runs its jobs through a runner.

Each status change is recorded through the Job aggregate (illegal changes are refused) in
one command together with the submission's new status and, on completion, the outputs'
writes — so a job is never half-recorded. A job is recorded RUNNING only once the runner has a
worker for it, so the RUNNING jobs in the log never outnumber the workers. What becomes ready,
blocked or abandoned is decided by the pure ``Schedule`` (``schedule.py``).

The strategies that drive it (``strategies.py``): ``ConcurrentRun`` starts a task per ready job
(standalone workers), ``SequentialRun`` runs the jobs one after the other in the loop
(development mode's in-loop runner).

A run also recovers what a dead orchestrator left behind: jobs it shows RUNNING are lost — retried
when their task allows ``retries``, else FAILED — and PENDING ones are launched again. Cancelling
a waiting job records it CANCELED and its downstream jobs ABANDONED; cancelling a running one
kills its worker first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

import anyio
import anyio.lowlevel

from ledgerflow.domain.dag import TaskNode
from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Scope, Status
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.jobspec import JobOutcome, JobSpec, failure
from ledgerflow.executor.retries import Change, after_failure
from ledgerflow.executor.runners import Runner
from ledgerflow.executor.schedule import Schedule
from ledgerflow.executor.specs import job_spec
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.runtime.skip import Decision, decide

log = logging.getLogger("ledgerflow")

JobCallback = Callable[[str], None]
ORCHESTRATOR_LOST = "orchestrator lost: the process running the submission stopped while the job was running"


def node_ready(state: CurrentState, node_id: str) -> bool:
    """Whether a job can read a data node now: it has data and no editor holds its lock."""
    node = state.data_nodes.get(node_id)
    return node is not None and bool(node.edits) and not node.locked


def schedule_of(runtime: Runtime, submission_id: str) -> Schedule:
    """The schedule of a recorded submission, as the projection has it now."""
    state = runtime.state
    jobs = [state.jobs[j] for j in state.submissions[submission_id].job_ids if j in state.jobs]
    tasks = {job.task_id: state.tasks[job.task_id] for job in jobs}
    nodes = {t: TaskNode(t, task.input_ids, task.output_ids) for t, task in tasks.items()}
    return Schedule.of([(job.id, job.task_id, job.status) for job in jobs], nodes)


class SubmissionRun:
    """The execution of one submission's jobs: the shell around its ``Schedule``."""

    def __init__(self, runtime: Runtime, runner: Runner | None, submission_id: str, on_change: JobCallback) -> None:
        self.runtime = runtime
        self.runner = runner
        self.submission_id = submission_id
        self.on_change = on_change
        self.schedule = schedule_of(runtime, submission_id)
        self.statuses = self.schedule.statuses
        self.task_of = {j: runtime.state.jobs[j].task_id for j in self.schedule.job_ids}
        self.pending: list[str] = []  # PENDING jobs not launched yet, in run order
        self.launched: set[str] = set()  # jobs with a live task (waiting for the runner, or running)
        self.waiting: dict[str, anyio.CancelScope] = {}  # launched jobs the runner has not started
        self.cancels: dict[str, str] = {}  # running jobs being canceled, and why
        self.timed_out: dict[str, str] = {}  # running jobs stopped for running too long, and why
        self.ended: dict[str, anyio.Event] = {}
        self.concluded: set[str] = set()  # finished jobs whose follow-ups were recorded with them
        self.stopping = False

    # -- what the schedule needs from the projection -----------------------------------------
    def _node_ready(self, node_id: str) -> bool:
        return node_ready(self.runtime.state, node_id)

    def _unblocked(self, candidates: list[str] | None = None, written: Sequence[str] = ()) -> list[Change]:
        return self.schedule.unblocked(self._node_ready, candidates, written)

    # -- recording ----------------------------------------------------------------------
    @property
    def collecting(self) -> bool:
        """Whether status changes are collected before recording (a sequential run is going on)."""
        return False

    def _record(
        self, changes: Sequence[Change], extra: Sequence[Entity] = (), reason: str | None = None, settle: bool = True
    ) -> None:
        self._write(changes, extra, reason, settle=settle)

    def _write(
        self,
        changes: Sequence[Change],
        extra: Sequence[Entity],
        reason: str | None,
        queued: bool = False,
        settle: bool = True,
    ) -> None:
        """Record ``changes`` (``queued``: their PENDING jobs are already in ``self.pending``).

        ``settle``: also the submission's status; else it is left for a later command (see ``_conclude``).
        """
        runtime = self.runtime
        with runtime.lock:
            runtime.record(*extra, *self._changed(changes, settle), reason=reason)
        self._applied(changes, queued)

    def _changed(self, changes: Sequence[Change], settle: bool) -> list[Entity]:
        """The job aggregates with ``changes`` applied (the statuses too), and the submission's."""
        runtime = self.runtime
        jobs: dict[str, Entity] = {}
        for change in changes:
            job = runtime.aggregate(JobAggregate, change.job_id)
            job.change_status(
                change.status, change.reason, change.stacktrace, retry=change.retry, fingerprint=change.fingerprint
            )
            self.statuses[change.job_id] = change.status
            jobs[job.id] = job
        submission = runtime.aggregate(SubmissionAggregate, self.submission_id)
        if settle:
            submission.update_status(aggregate_status(self.statuses.values()))
        return [*jobs.values(), submission]

    def _applied(self, changes: Sequence[Change], queued: bool) -> None:
        """After ``changes`` were recorded: queue the PENDING jobs, tell the listeners."""
        if not queued:
            self.pending.extend(c.job_id for c in changes if c.status is Status.PENDING)
        for change in changes:
            self.on_change(change.job_id)

    def _flush(self) -> None:
        """Record what the strategy held back (nothing here; see ``SequentialRun``)."""

    def _unwatch(self, job_id: str) -> None:
        """The job ended: stop watching its time (see ``ConcurrentRun``)."""

    def _conclude(
        self, final: Change, extra: Sequence[Entity] = (), written: Sequence[str] = (), reason: str | None = None
    ) -> None:
        """Record a job's end together with what it unblocks: one command, one submission status."""
        previous = self.statuses[final.job_id]
        self.statuses[final.job_id] = final.status  # provisionally, to judge the children
        try:
            follow = self._unblocked(self.schedule.children[final.job_id], written)
        finally:
            self.statuses[final.job_id] = previous
        # In a sequential run the next job starts at once: the submission stays RUNNING meanwhile
        # instead of recording PENDING and RUNNING again for every job of a chain.
        next_starts = self.collecting and any(c.status is Status.PENDING for c in follow)
        self._record([final, *follow], extra, reason, settle=not next_starts)
        self.concluded.add(final.job_id)

    def _after_failure(self, job_id: str, outcome: JobOutcome) -> list[Change]:
        task = self.runtime.state.tasks[self.task_of[job_id]]
        history = self.runtime.state.jobs[job_id].history
        change = after_failure(job_id, task.config_id, task.properties, history, outcome)
        where = f"\n  {outcome.stacktrace[0]}" if outcome.stacktrace and outcome.stacktrace[0] != outcome.error else ""
        if change.status is Status.PENDING:
            log.warning('Task "%s" failed (job %s), trying again: %s%s', task.config_id, job_id, outcome.error, where)
            return [change]
        log.error('Task "%s" failed (job %s): %s%s', task.config_id, job_id, outcome.error, where)
        return [change, *self.schedule.abandoned(job_id)]

    # -- running ------------------------------------------------------------------------
    async def run(self) -> None:
        """Run every job that can run; returns when none is left running."""
        with acting_as("orchestrator", self.submission_id):
            self.pending = self.schedule.in_status(Status.PENDING)
            lost = self.schedule.in_status(Status.RUNNING)
            changes = [c for j in lost for c in self._after_failure(j, _lost(ORCHESTRATOR_LOST))]
            if changes:
                self._record(changes, reason="orchestrator lost")
            await self._run_ready()

    async def _run_ready(self) -> None:
        """Judge the waiting jobs, then run what becomes ready until nothing is left (the strategy)."""
        raise NotImplementedError

    def _launch_ready(self, keep_first: bool = False) -> str | None:
        """Start the PENDING jobs not launched yet (the strategy); ``keep_first``: all but the first, returned."""
        return None

    def _start(self, job_id: str, reason: str) -> JobSpec | None:
        """The runner has a worker for the job: record RUNNING, unless it was canceled meanwhile."""
        self.waiting.pop(job_id, None)
        if self.stopping or self.statuses[job_id] is not Status.PENDING:
            return None
        spec = job_spec(self.runtime.state, job_id)
        self._record([Change(job_id, Status.RUNNING, reason)])
        if spec.timeout is not None:
            self._watch(job_id, spec.timeout)
        return spec

    def _watch(self, job_id: str, seconds: float) -> None:
        """Stop the job if it still runs after ``seconds`` (runners that cannot do it themselves)."""

    async def _run_job(self, job_id: str) -> None:
        try:
            state = self.runtime.state
            task = state.tasks[self.task_of[job_id]]
            decision = decide(state, task, state.jobs[job_id], datetime.now())
            if not decision.run:
                self._conclude(Change(job_id, Status.SKIPPED, decision.reason))
            else:
                with anyio.CancelScope() as scope:
                    self.waiting[job_id] = scope
                    await self._run(job_id, task.output_ids, decision)
        except Exception as error:  # a broken entity must not stop the other jobs
            log.exception("Job %s could not be run", job_id)
            self._fail_broken(job_id, error)
        finally:
            self.waiting.pop(job_id, None)
            self.launched.discard(job_id)
            self._unwatch(job_id)
            ended = self.ended.pop(job_id, None)
            if ended is not None:
                ended.set()
        try:
            self._after(job_id)
        except Exception:
            log.exception("The jobs after job %s could not be updated", job_id)

    async def _run(self, job_id: str, output_ids: list[str], decision: Decision) -> None:
        assert self.runner is not None
        outcome = await self.runner.run(job_id, lambda: self._start(job_id, decision.reason))
        if outcome is not None:
            self._finish(job_id, output_ids, outcome, decision.fingerprint)

    def _fail_broken(self, job_id: str, error: Exception) -> None:
        status = self.statuses[job_id]
        if status.is_finished:
            return
        outcome = failure(error)
        steps = [Change(job_id, Status.RUNNING, "started to record a failure")] if status is Status.PENDING else []
        if status in (Status.PENDING, Status.RUNNING):
            steps.append(Change(job_id, Status.FAILED, outcome.error, outcome.stacktrace))
        else:
            steps.append(Change(job_id, Status.CANCELED, f"could not be run: {outcome.error}"))
        try:
            self._record([*steps, *self.schedule.abandoned(job_id)], reason="job failed")
        except Exception:
            log.exception("The failure of job %s could not be recorded", job_id)

    def _finish(self, job_id: str, output_ids: list[str], outcome: JobOutcome, fingerprint: str | None) -> None:
        timed = self.timed_out.pop(job_id, None)
        if outcome.lost and timed is not None:  # its worker was killed for running too long
            outcome = JobOutcome(error=timed, stacktrace=[timed])
        canceled = self.cancels.pop(job_id, None)
        if outcome.lost and canceled is not None:
            changes = [Change(job_id, Status.CANCELED, canceled), *self.schedule.abandoned(job_id)]
            self._record(changes, reason="job canceled")
            return
        if outcome.failed:
            self._record(self._after_failure(job_id, outcome), reason="job failed")
            return
        runtime = self.runtime
        now = datetime.now()
        completed = Change(job_id, Status.COMPLETED, fingerprint=fingerprint)
        nodes = runtime.state.data_nodes
        if any(nodes[n].scope != Scope.SCENARIO for n in output_ids if n in nodes):
            self._conclude_shared(completed, output_ids, outcome, now)
            return
        with runtime.lock:
            writes = []
            for dn_id, payload in zip(output_ids, outcome.payloads, strict=True):
                node = runtime.aggregate(DataNodeAggregate, dn_id)
                node.record_write(
                    payload.content_hash,
                    payload.size,
                    payload.location,
                    "write",
                    now,
                    job_id=job_id,
                    extra=payload.extra,
                )
                writes.append(node)
            self._conclude(completed, extra=writes, written=output_ids, reason="job completed")

    def _conclude_shared(self, final: Change, output_ids: list[str], outcome: JobOutcome, now: datetime) -> None:
        """A job's end that writes nodes other processes may write too (GLOBAL or CYCLE scope).

        Recorded as one command on the log's latest state, retried when another process wrote one of
        the nodes meanwhile, and durable before the next job starts.
        """
        self._flush()
        before = dict(self.statuses)
        changes: list[Change] = []

        def build() -> list[Entity]:
            self.statuses.update(before)
            writes: list[Entity] = []
            for dn_id, payload in zip(output_ids, outcome.payloads, strict=True):
                node = self.runtime.aggregate(DataNodeAggregate, dn_id)
                node.record_write(
                    payload.content_hash, payload.size, payload.location, "write", now, job_id=final.job_id
                )
                writes.append(node)
            self.statuses[final.job_id] = final.status  # provisionally, to judge the children
            follow = self._unblocked(self.schedule.children[final.job_id], output_ids)
            self.statuses[final.job_id] = before[final.job_id]
            changes[:] = [final, *follow]
            return [*writes, *self._changed(changes, settle=True)]

        try:
            self.runtime.command(build, reason="job completed")
        except BaseException:
            self.statuses.update(before)
            raise
        self._applied(changes, queued=False)
        self.concluded.add(final.job_id)

    def _after(self, job_id: str) -> None:
        if job_id in self.concluded:
            self.concluded.discard(job_id)
            changes = []
        else:
            changes = self.schedule.after_end(job_id, self._node_ready)
        if changes:
            self._record(changes)
        self._launch_ready()

    # -- canceling and stopping -----------------------------------------------------------
    def request_cancel(self, job_id: str, reason: str) -> anyio.Event | None:
        """Cancel a job (Taipy's rules); an event set once a running job's end is recorded."""
        status = self.statuses[job_id]
        if status in (Status.CANCELED, Status.ABANDONED, Status.FAILED):
            return None
        if status is Status.RUNNING and self.runner is not None and self.runner.cancel(job_id):
            self.cancels[job_id] = reason
            return self.ended.setdefault(job_id, anyio.Event())
        changes = self.schedule.canceled(job_id, reason)
        for change in changes:
            scope = self.waiting.pop(change.job_id, None)
            if scope is not None:
                scope.cancel()
        if changes:
            self._record(changes, reason="job canceled")
        return None

    def fail_running(self, reason: str) -> list[str]:
        """Record the running jobs FAILED with ``reason`` and the jobs waiting on them ABANDONED; their ids.

        For a process being interrupted, whose own run of the jobs cannot be relied on any more.
        """
        running = self.schedule.in_status(Status.RUNNING)
        changes = {job_id: Change(job_id, Status.FAILED, reason, [reason]) for job_id in running}
        for job_id in running:
            changes.update((c.job_id, c) for c in self.schedule.abandoned(job_id) if c.job_id not in changes)
        if changes:
            self._write(list(changes.values()), (), "interrupted")
        return running

    def stop(self, kill: bool) -> None:
        """Launch nothing more; jobs still waiting for a worker stay PENDING (resumed at the next start).

        ``kill``: also kill the running jobs (they end lost: retried at the next start or FAILED).
        """
        self.stopping = True
        for scope in list(self.waiting.values()):
            scope.cancel()
        if kill and self.runner is not None:
            for job_id in self.schedule.in_status(Status.RUNNING):
                self.runner.cancel(job_id, "because the orchestrator stopped without waiting")


def _lost(reason: str) -> JobOutcome:
    return JobOutcome(error=reason, stacktrace=[reason], lost=True)
