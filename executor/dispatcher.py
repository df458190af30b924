"""Runs one submission: jobs in DAG order, BLOCKED until their inputs are ready.

Each status change is recorded through the Job aggregate (illegal changes are refused) in
one command together with the submission's new status and, on completion, the outputs'
writes — so a job is never half-recorded. A job is recorded RUNNING only once the runner has a
worker for it, so the RUNNING jobs in the log never outnumber the workers.

A run also recovers what a dead orchestrator left behind: jobs it shows RUNNING are lost — retried
when their task allows ``retries``, else FAILED — and PENDING ones are launched again. Cancelling
a waiting job records it CANCELED and its downstream jobs ABANDONED; cancelling a running one
kills its worker first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import anyio
import anyio.lowlevel

from ledgerflow.domain.dag import TaskNode, downstream_closure, upstream_tasks
from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.jobspec import JobOutcome, JobSpec, failure
from ledgerflow.executor.retries import Change, after_failure
from ledgerflow.executor.runners import Runner
from ledgerflow.executor.specs import job_spec
from ledgerflow.service.context import acting_as
from ledgerflow.service.runtime import Runtime
from ledgerflow.service.skip import Decision, decide

log = logging.getLogger("ledgerflow")

JobCallback = Callable[[str], None]
_OK = (Status.COMPLETED, Status.SKIPPED)
#: What a sequential run collects into one command: a cascade of skips costs one write, not one each.
_COLLECTED = (Status.BLOCKED, Status.PENDING, Status.SKIPPED)
_WAITING = (Status.SUBMITTED, Status.BLOCKED, Status.PENDING)
#: A sequential run gives the loop's other tasks a turn this often (seconds), not after every job:
#: each turn lets the writer thread hold the GIL for up to a switch interval.
YIELD_EVERY = 0.1
ORCHESTRATOR_LOST = "orchestrator lost: the process running the submission stopped while the job was running"


class SubmissionRun:
    """The execution of one submission's jobs."""

    def __init__(self, runtime: Runtime, runner: Runner | None, submission_id: str, on_change: JobCallback) -> None:
        self.runtime = runtime
        self.runner = runner
        self.submission_id = submission_id
        self.on_change = on_change
        state = runtime.state
        self.job_ids: list[str] = [j for j in state.submissions[submission_id].job_ids if j in state.jobs]
        self.statuses: dict[str, Status] = {j: state.jobs[j].status for j in self.job_ids}
        self.task_of = {j: state.jobs[j].task_id for j in self.job_ids}
        job_of_task = {t: j for j, t in self.task_of.items()}
        tasks = state.tasks
        graph = [TaskNode(t, tasks[t].input_ids, tasks[t].output_ids) for t in self.task_of.values()]
        self.upstream = {job_of_task[t]: {job_of_task[u] for u in ups} for t, ups in upstream_tasks(graph).items()}
        self.children: dict[str, list[str]] = {j: [] for j in self.job_ids}
        for job_id in self.job_ids:
            for parent in self.upstream.get(job_id, ()):
                self.children[parent].append(job_id)
        self.pending: list[str] = []  # PENDING jobs not launched yet, in run order
        self.launched: set[str] = set()  # jobs with a live task (waiting for the runner, or running)
        self.waiting: dict[str, anyio.CancelScope] = {}  # launched jobs the runner has not started
        self.cancels: dict[str, str] = {}  # running jobs being canceled, and why
        self.ended: dict[str, anyio.Event] = {}
        self.concluded: set[str] = set()  # finished jobs whose follow-ups were recorded with them
        self.collected: list[Change] = []  # status changes not recorded yet (sequential runs only)
        self.stopping = False
        self._in_order = False
        self._group: anyio.abc.TaskGroup | None = None

    # -- recording ----------------------------------------------------------------------
    def _record(
        self, changes: Sequence[Change], extra: Sequence[Entity] = (), reason: str | None = None, settle: bool = True
    ) -> None:
        if self.collecting and not extra and all(c.status in _COLLECTED for c in changes):
            for change in changes:  # recorded with the next command that needs recording (_flush)
                self.statuses[change.job_id] = change.status
                if change.status is Status.PENDING:
                    self.pending.append(change.job_id)
            self.collected.extend(changes)
            return
        self._flush()
        self._write(changes, extra, reason, settle=settle)

    def _flush(self) -> None:
        """Record the collected status changes (one command) before anything else is recorded."""
        if self.collected:
            collected, self.collected = self.collected, []
            self._write(collected, (), _reason_of(collected), queued=True)

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
            jobs = []
            for change in changes:
                job = runtime.aggregate(JobAggregate, change.job_id)
                job.change_status(
                    change.status, change.reason, change.stacktrace, retry=change.retry, fingerprint=change.fingerprint
                )
                self.statuses[change.job_id] = change.status
                if change.status is Status.PENDING and not queued:
                    self.pending.append(change.job_id)
                jobs.append(job)
            submission = runtime.aggregate(SubmissionAggregate, self.submission_id)
            if settle:
                submission.update_status(aggregate_status(self.statuses.values()))
            runtime.record(*extra, *{j.id: j for j in jobs}.values(), submission, reason=reason)
        for change in changes:
            self.on_change(change.job_id)

    def _conclude(
        self, final: Change, extra: Sequence[Entity] = (), written: Sequence[str] = (), reason: str | None = None
    ) -> None:
        """Record a job's end together with what it unblocks: one command, one submission status."""
        previous = self.statuses[final.job_id]
        self.statuses[final.job_id] = final.status  # provisionally, to judge the children
        try:
            follow = self._unblocked(self.children[final.job_id], written=frozenset(written))
        finally:
            self.statuses[final.job_id] = previous
        # In a sequential run the next job starts at once: the submission stays RUNNING meanwhile
        # instead of recording PENDING and RUNNING again for every job of a chain.
        next_starts = self.collecting and any(c.status is Status.PENDING for c in follow)
        self._record([final, *follow], extra, reason, settle=not next_starts)
        self.concluded.add(final.job_id)

    def _inputs_ready(self, job_id: str, written: frozenset[str] = frozenset()) -> bool:
        state = self.runtime.state
        if any(self.statuses[u] not in _OK for u in self.upstream.get(job_id, ())):
            return False
        for dn_id in state.tasks[self.task_of[job_id]].input_ids:
            if dn_id in written:
                continue
            node = state.data_nodes.get(dn_id)
            if node is None or not node.edits or node.locked:
                return False
        return True

    def _unblocked(self, candidates: list[str] | None = None, written: frozenset[str] = frozenset()) -> list[Change]:
        """Status changes for waiting jobs (all, or only ``candidates``) whose inputs are now ready.

        ``written``: data nodes about to be written in the same command.
        """
        pool = self.job_ids if candidates is None else candidates
        waiting = [j for j in pool if self.statuses[j] in (Status.SUBMITTED, Status.BLOCKED)]
        changes: list[Change] = []
        for job_id in waiting:
            if self._inputs_ready(job_id, written):
                changes.append(Change(job_id, Status.PENDING))
            elif self.statuses[job_id] is Status.SUBMITTED:
                changes.append(Change(job_id, Status.BLOCKED, "inputs not ready"))
        return changes

    def _abandoned(self, failed_job: str) -> list[Change]:
        downstream = downstream_closure(failed_job, self.upstream)
        return [
            Change(j, Status.ABANDONED, f"upstream job {failed_job} did not complete")
            for j in self.job_ids
            if j in downstream and self.statuses[j] in _WAITING
        ]

    def _after_failure(self, job_id: str, outcome: JobOutcome) -> list[Change]:
        task = self.runtime.state.tasks[self.task_of[job_id]]
        history = self.runtime.state.jobs[job_id].history
        change = after_failure(job_id, task.config_id, task.properties, history, outcome)
        return [change] if change.status is Status.PENDING else [change, *self._abandoned(job_id)]

    # -- running ------------------------------------------------------------------------
    async def run(self) -> None:
        """Run every job that can run; returns when none is left running."""
        with acting_as("orchestrator", self.submission_id):
            self.pending = [j for j in self.job_ids if self.statuses[j] is Status.PENDING]
            lost = [j for j in self.job_ids if self.statuses[j] is Status.RUNNING]
            changes = [c for j in lost for c in self._after_failure(j, _lost(ORCHESTRATOR_LOST))]
            if changes:
                self._record(changes, reason="orchestrator lost")
            if self.sequential:
                await self._run_in_order()
                return
            changes = self._unblocked()
            if changes:
                self._record(changes, reason="submitted")
            async with anyio.create_task_group() as group:
                self._group = group
                self._launch_ready()

    @property
    def sequential(self) -> bool:
        """Whether jobs run one after the other in this loop (development mode): no task per job."""
        return getattr(self.runner, "sequential", False) is True

    @property
    def collecting(self) -> bool:
        """Whether status changes are collected before recording (a sequential run is going on)."""
        return self.sequential and self._in_order

    async def _run_in_order(self) -> None:
        self._in_order = True
        try:
            changes = self._unblocked()
            if changes:
                self._record(changes, reason="submitted")
            yielded = time.monotonic()
            while self.pending and not self.stopping:
                job_id = self.pending.pop(0)
                if self.statuses[job_id] is Status.PENDING and job_id not in self.launched:
                    self.launched.add(job_id)
                    await self._run_job(job_id)
                if time.monotonic() - yielded > YIELD_EVERY:  # let cancellations and other tasks in
                    await anyio.lowlevel.checkpoint()
                    yielded = time.monotonic()
        finally:
            self._in_order = False
            self._flush()
            self._write([], (), None)  # the submission's status, if the last command left it behind

    def _launch_ready(self) -> None:
        if self.stopping or self.sequential:  # sequential: _run_in_order picks up self.pending
            return
        assert self._group is not None
        waiting, self.pending = self.pending, []
        for job_id in waiting:
            if self.statuses[job_id] is Status.PENDING and job_id not in self.launched:
                self.launched.add(job_id)
                self._group.start_soon(self._run_job, job_id)

    def _start(self, job_id: str, reason: str) -> JobSpec | None:
        """The runner has a worker for the job: record RUNNING, unless it was canceled meanwhile."""
        self.waiting.pop(job_id, None)
        if self.stopping or self.statuses[job_id] is not Status.PENDING:
            return None
        spec = job_spec(self.runtime.state, job_id)
        self._record([Change(job_id, Status.RUNNING, reason)])
        return spec

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
            self._record([*steps, *self._abandoned(job_id)], reason="job failed")
        except Exception:
            log.exception("The failure of job %s could not be recorded", job_id)

    def _finish(self, job_id: str, output_ids: list[str], outcome: JobOutcome, fingerprint: str | None) -> None:
        canceled = self.cancels.pop(job_id, None)
        if outcome.lost and canceled is not None:
            self._record([Change(job_id, Status.CANCELED, canceled), *self._abandoned(job_id)], reason="job canceled")
            return
        if outcome.failed:
            self._record(self._after_failure(job_id, outcome), reason="job failed")
            return
        runtime = self.runtime
        now = datetime.now()
        with runtime.lock:
            writes = []
            for dn_id, payload in zip(output_ids, outcome.payloads, strict=True):
                node = runtime.aggregate(DataNodeAggregate, dn_id)
                node.record_write(payload.content_hash, payload.size, payload.location, "write", now, job_id=job_id)
                writes.append(node)
            completed = Change(job_id, Status.COMPLETED, fingerprint=fingerprint)
            self._conclude(completed, extra=writes, written=output_ids, reason="job completed")

    def _after(self, job_id: str) -> None:
        status = self.statuses[job_id]
        if job_id in self.concluded:
            self.concluded.discard(job_id)
            changes = []
        elif status in _OK:
            changes = self._unblocked(self.children[job_id])
        elif status.is_finished:
            changes = self._abandoned(job_id)
        else:
            changes = []  # PENDING again (a retry), or left waiting by a stop
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
        if status in _OK:  # too late for the job itself; its waiting downstream jobs are abandoned
            changes = self._abandoned(job_id)
        else:
            changes = [Change(job_id, Status.CANCELED, reason), *self._abandoned(job_id)]
        for change in changes:
            scope = self.waiting.pop(change.job_id, None)
            if scope is not None:
                scope.cancel()
        if changes:
            self._record(changes, reason="job canceled")
        return None

    def stop(self, kill: bool) -> None:
        """Launch nothing more; jobs still waiting for a worker stay PENDING (resumed at the next start).

        ``kill``: also kill the running jobs (they end lost: retried at the next start or FAILED).
        """
        self.stopping = True
        for scope in list(self.waiting.values()):
            scope.cancel()
        if kill and self.runner is not None:
            for job_id in self.job_ids:
                if self.statuses[job_id] is Status.RUNNING:
                    self.runner.cancel(job_id, "because the orchestrator stopped without waiting")


def _lost(reason: str) -> JobOutcome:
    return JobOutcome(error=reason, stacktrace=[reason], lost=True)


def _reason_of(changes: Sequence[Change]) -> str:
    """The reason of a command recording collected status changes: what they are ("jobs blocked and pending")."""
    found = {c.status for c in changes}
    return "jobs " + " and ".join(s.name.lower() for s in _COLLECTED if s in found)
