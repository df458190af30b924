"""Runs one submission: jobs in DAG order, BLOCKED until their inputs are ready.

Each status change is recorded through the Job aggregate (illegal changes are refused) in
one command together with the submission's new status and, on completion, the outputs'
writes — so a job is never half-recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import anyio

from ledgerflow.domain.dag import TaskNode, downstream_closure, upstream_tasks
from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.jobspec import InputSpec, JobOutcome, JobSpec
from ledgerflow.executor.runners import Runner
from ledgerflow.executor.skip import decide
from ledgerflow.service.context import acting_as
from ledgerflow.service.datanodes import node_spec
from ledgerflow.service.runtime import Runtime

log = logging.getLogger("ledgerflow")

JobCallback = Callable[[str], None]
_OK = (Status.COMPLETED, Status.SKIPPED)


class Change(NamedTuple):
    """One job status change to record."""

    job_id: str
    status: Status
    reason: str | None = None
    stacktrace: list[str] | None = None
    fingerprint: str | None = None


class SubmissionRun:
    """The execution of one submission's jobs."""

    def __init__(self, runtime: Runtime, runner: Runner, submission_id: str, on_change: JobCallback) -> None:
        self.runtime = runtime
        self.runner = runner
        self.submission_id = submission_id
        self.on_change = on_change
        state = runtime.state
        self.job_ids: list[str] = list(state.submissions[submission_id].job_ids)
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
        self.launched: set[str] = set()
        self.finished = anyio.Event()
        self._group: anyio.abc.TaskGroup | None = None

    # -- recording ----------------------------------------------------------------------
    def _record(
        self,
        changes: Sequence[Change],
        extra: Sequence[Entity] = (),
        reason: str | None = None,
    ) -> None:
        runtime = self.runtime
        with runtime.lock:
            jobs = []
            for job_id, status, why, stacktrace, fingerprint in changes:
                job = runtime.aggregate(JobAggregate, job_id)
                job.change_status(status, why, stacktrace, fingerprint=fingerprint)
                self.statuses[job_id] = status
                if status is Status.PENDING:
                    self.pending.append(job_id)
                jobs.append(job)
            submission = runtime.aggregate(SubmissionAggregate, self.submission_id)
            submission.update_status(aggregate_status(self.statuses.values()))
            runtime.record(*extra, *jobs, submission, reason=reason)
        for job_id, *_ in changes:
            self.on_change(job_id)

    def _inputs_ready(self, job_id: str) -> bool:
        state = self.runtime.state
        if any(self.statuses[u] not in _OK for u in self.upstream.get(job_id, ())):
            return False
        for dn_id in state.tasks[self.task_of[job_id]].input_ids:
            node = state.data_nodes.get(dn_id)
            if node is None or not node.edits or node.locked:
                return False
        return True

    def _unblocked(self, candidates: list[str] | None = None) -> list[Change]:
        """Status changes for waiting jobs (all, or only ``candidates``) whose inputs are now ready."""
        pool = self.job_ids if candidates is None else candidates
        waiting = [j for j in pool if self.statuses[j] in (Status.SUBMITTED, Status.BLOCKED)]
        changes: list[Change] = []
        for job_id in waiting:
            if self._inputs_ready(job_id):
                changes.append(Change(job_id, Status.PENDING))
            elif self.statuses[job_id] is Status.SUBMITTED:
                changes.append(Change(job_id, Status.BLOCKED, "inputs not ready"))
        return changes

    def _abandoned(self, failed_job: str) -> list[Change]:
        downstream = downstream_closure(failed_job, self.upstream)
        return [
            Change(j, Status.ABANDONED, f"upstream job {failed_job} did not complete")
            for j in self.job_ids
            if j in downstream and self.statuses[j] in (Status.SUBMITTED, Status.BLOCKED, Status.PENDING)
        ]

    # -- running ------------------------------------------------------------------------
    async def run(self) -> None:
        """Run every job that can run; returns when none is left running."""
        with acting_as("orchestrator", self.submission_id):
            changes = self._unblocked()
            if changes:
                self._record(changes, reason="submitted")
            async with anyio.create_task_group() as group:
                self._group = group
                self._launch_ready()
        self.finished.set()

    def _launch_ready(self) -> None:
        assert self._group is not None
        waiting, self.pending = self.pending, []
        for job_id in waiting:
            if self.statuses[job_id] is Status.PENDING and job_id not in self.launched:
                self.launched.add(job_id)
                self._group.start_soon(self._run_job, job_id)

    def _spec(self, job_id: str) -> JobSpec:
        state = self.runtime.state
        task = state.tasks[self.task_of[job_id]]
        inputs = []
        for dn_id in task.input_ids:
            view = state.data_nodes[dn_id]
            inputs.append(InputSpec(node_spec(view), view.edits[-1].content_hash))
        outputs = [node_spec(state.data_nodes[dn_id]) for dn_id in task.output_ids]
        from ledgerflow.domain.config import Config

        config = Config.tasks.get(task.config_id)
        function: Any = config.function if config is not None else task.function
        return JobSpec(job_id, task.config_id, function, inputs, outputs)

    async def _run_job(self, job_id: str) -> None:
        state = self.runtime.state
        job = state.jobs[job_id]
        task = state.tasks[self.task_of[job_id]]
        decision = decide(state, task, job.force, datetime.now())
        if not decision.run:
            self._record([Change(job_id, Status.SKIPPED, decision.reason)])
        else:
            self._record([Change(job_id, Status.RUNNING, decision.reason)])
            outcome = await self.runner.run(self._spec(job_id))
            self._finish(job_id, task.output_ids, outcome, decision.fingerprint)
        self._after(job_id)

    def _finish(self, job_id: str, output_ids: list[str], outcome: JobOutcome, fingerprint: str | None) -> None:
        if outcome.failed:
            self._record([Change(job_id, Status.FAILED, outcome.error, outcome.stacktrace)], reason="job failed")
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
            self._record([completed], extra=writes, reason="job completed")

    def _after(self, job_id: str) -> None:
        ok = self.statuses[job_id] in _OK
        changes = self._unblocked(self.children[job_id]) if ok else self._abandoned(job_id)
        if changes:
            self._record(changes)
        self._launch_ready()
