"""A submission run in cluster mode: publishes ready jobs and follows the log for what workers record.

Workers record RUNNING and the outcome; this side records everything else — what a job's end
unblocks (and publishes it) or abandons, the submission's status, cancels — and reports what the
broker cannot: a job no worker took within ``queued_timeout``, and a job whose worker's lease
expired (retried, or FAILED with the reason). Its own commands on jobs a worker may touch go
through ``Runtime.command``: built on the log's latest state, and refused when a worker got there first.

The submitting side, not the worker, publishes the next jobs: the schedule of a submission stays
in one process, workers need no DAG, and a submitter that died only delays the next jobs until
its next start resumes the submission (docs/cluster.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from functools import partial

import anyio

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.executor.cluster.broker import JobMessage
from ledgerflow.executor.cluster.jobs import attempts, lost_outcome, running_owner
from ledgerflow.executor.cluster.runner import ClusterRunner
from ledgerflow.executor.cluster.settings import config_fingerprint
from ledgerflow.executor.dispatcher import JobCallback
from ledgerflow.executor.jobspec import JobSpec
from ledgerflow.executor.retries import Change, after_failure
from ledgerflow.executor.runners import Runner
from ledgerflow.executor.specs import job_spec
from ledgerflow.executor.strategies import ConcurrentRun
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.runtime.skip import Decision

log = logging.getLogger("ledgerflow")

#: How often the run looks at its jobs when nothing woke it (the runner's follower wakes it on each change).
SWEEP_SECONDS = 0.2
#: How often it checks the leases of the workers running its jobs.
LEASE_CHECK_SECONDS = 1.0


class ClusterRun(ConcurrentRun):
    """Publishes each ready job once and follows the log until every job it published ended."""

    def __init__(self, runtime: Runtime, runner: Runner | None, submission_id: str, on_change: JobCallback) -> None:
        super().__init__(runtime, runner, submission_id, on_change)
        assert isinstance(runner, ClusterRunner)
        self.cluster = runner
        self.followed: dict[str, anyio.Event] = {}  # job -> set when its published attempt ended
        self.attempt: dict[str, int] = {}
        self.published: dict[str, float] = {}  # job -> when it was published (monotonic)
        self.seen = {j: len(runtime.state.jobs[j].history) for j in self.schedule.job_ids}
        self._leases_checked = 0.0
        self._moved = False  # a job's status changed since the submission's was last recorded
        self._woken = anyio.Event()  # set when the runner's follower folded an event of one of its jobs

    async def run(self) -> None:
        """Jobs already RUNNING (a resumed submission) are followed, not taken as lost: a worker may run them."""
        for job_id in self.schedule.job_ids:
            self.cluster.followers[job_id] = self._folded
        try:
            with acting_as("orchestrator", self.submission_id):
                self.pending = self.schedule.in_status(Status.PENDING)
                await self._run_ready()
        finally:
            for job_id in self.schedule.job_ids:
                self.cluster.followers.pop(job_id, None)

    def _in_group(self, group: anyio.abc.TaskGroup) -> None:
        for job_id in self.schedule.in_status(Status.RUNNING):
            self.launched.add(job_id)
            group.start_soon(self._follow_started, job_id)
        group.start_soon(self._follow)

    async def _follow_started(self, job_id: str) -> None:
        view = self.runtime.state.jobs[job_id]
        self.attempt[job_id] = attempts(view)
        event = self.followed[job_id] = anyio.Event()
        try:
            with anyio.CancelScope() as scope:
                self.waiting[job_id] = scope
                await event.wait()
        finally:
            self.waiting.pop(job_id, None)
            self.launched.discard(job_id)
        self._requeue_retry(job_id)
        self._after(job_id)

    async def _run(self, job_id: str, output_ids: list[str], decision: Decision) -> None:
        view = self.runtime.state.jobs[job_id]
        attempt = attempts(view) + 1
        message = JobMessage(
            job_id, view.version, attempt, config_fingerprint(), decision.fingerprint, self.submission_id
        )
        await anyio.to_thread.run_sync(self.runtime.flush)  # the worker must find the job PENDING in the log
        event = anyio.Event()
        self.cluster.prepare(message, event)
        self.attempt[job_id] = attempt
        self.followed[job_id] = event
        self.published[job_id] = time.monotonic()
        await self.cluster.run(job_id, lambda: self._publishable(job_id))
        self._requeue_retry(job_id)

    def _publishable(self, job_id: str) -> JobSpec | None:
        """What the job will run, unless it was canceled (or the run stopped) before its publication."""
        if self.stopping or self.statuses[job_id] is not Status.PENDING:
            return None
        return job_spec(self.runtime.state, job_id)

    def _requeue_retry(self, job_id: str) -> None:
        if self.statuses[job_id] is Status.PENDING and not self.stopping and job_id not in self.pending:
            self.pending.append(job_id)  # a retry: published again with the next attempt

    def _applied(self, changes: Sequence[Change], queued: bool) -> None:
        jobs = self.runtime.state.jobs
        for change in changes:
            self.seen[change.job_id] = len(jobs[change.job_id].history)
        super()._applied(changes, queued)

    # -- following the log -------------------------------------------------------------------
    async def _follow(self) -> None:
        while self.launched:
            with anyio.move_on_after(SWEEP_SECONDS):
                await self._woken.wait()
            self._woken = anyio.Event()
            try:
                self._observe()
            except Exception:
                log.exception("Following the log for submission %s failed", self.submission_id)

    def _observe(self) -> None:
        """Tell the listeners of what workers recorded; record the submission's status; report stuck jobs."""
        for job_id in self.schedule.job_ids:  # changes another reader folded in (the orchestrator's poll)
            self._folded(job_id)
        for job_id in list(self.followed):  # judged on the state after the whole batch a worker recorded
            self._end_wait(job_id)
        if self._moved:
            self._moved = False
            self._write([], (), None)  # the submission's status follows its jobs
        self._check_stuck()

    def _folded(self, job_id: str) -> None:
        """A job of this run may have changed in the state: tell its listeners, wake the run.

        Called after each event folded: a worker's take-over (a retry, then its start) passes through
        PENDING, so whether an attempt ended is judged later, by ``_observe``.
        """
        view = self.runtime.state.jobs.get(job_id)
        if view is None or len(view.history) == self.seen[job_id]:
            return
        self.seen[job_id] = len(view.history)
        if view.status is Status.RUNNING and job_id in self.followed:
            self.attempt[job_id] = attempts(view)  # a worker took a lost attempt over: follow the one it started
        self._moved = self._moved or self.statuses[job_id] is not view.status
        self.statuses[job_id] = view.status
        self.on_change(job_id)
        self._woken.set()

    def _end_wait(self, job_id: str) -> None:
        """If the job's published attempt ended (finished, or PENDING for a retry), let its task go on."""
        view = self.runtime.state.jobs[job_id]
        if view.status.is_finished or (view.status is Status.PENDING and attempts(view) >= self.attempt.get(job_id, 0)):
            event = self.followed.pop(job_id, None)
            if event is not None:
                event.set()

    def _check_stuck(self) -> None:
        """Report jobs no worker took within ``queued_timeout``, and jobs whose worker's lease expired."""
        settings = self.cluster.settings
        now = time.monotonic()
        jobs = self.runtime.state.jobs
        if settings.queued_timeout is not None:
            for job_id in list(self.followed):
                since = self.published.get(job_id)
                if (
                    jobs[job_id].status is Status.PENDING
                    and since is not None
                    and now - since > settings.queued_timeout
                ):
                    reason = f"queued_timeout: no worker took the job within {settings.queued_timeout:g} s"
                    self._race(job_id, partial(self._never_started, job_id, reason), "job failed")
        if now - self._leases_checked < LEASE_CHECK_SECONDS:
            return
        self._leases_checked = now
        for job_id in list(self.followed):
            view = jobs[job_id]
            if view.status is Status.RUNNING and not self.cluster.alive(running_owner(view), settings.lease_seconds):
                self._race(job_id, partial(self._lost, job_id), "worker lost")

    def _never_started(self, job_id: str, reason: str) -> list[Change]:
        if self.statuses[job_id] is not Status.PENDING:
            return []
        return [
            Change(job_id, Status.RUNNING, "started to record a failure"),
            Change(job_id, Status.FAILED, reason, [reason]),
            *self.schedule.abandoned(job_id),
        ]

    def _lost(self, job_id: str) -> list[Change]:
        view = self.runtime.state.jobs[job_id]
        if view.status is not Status.RUNNING or attempts(view) != self.attempt.get(job_id):
            return []
        task = self.runtime.state.tasks[view.task_id]
        change = after_failure(job_id, task.config_id, task.properties, view.history, lost_outcome(running_owner(view)))
        return [change] if change.status is Status.PENDING else [change, *self.schedule.abandoned(job_id)]

    def _race(self, job_id: str, decide: Callable[[], list[Change]], reason: str) -> None:
        """Record ``decide``'s changes on the log's latest state (a worker may be changing the job)."""
        chosen: list[Change] = []
        jobs = self.runtime.state.jobs

        def build() -> list[Entity]:
            for j in self.schedule.job_ids:
                self.statuses[j] = jobs[j].status
            chosen[:] = decide()
            return self._changed(chosen, settle=True) if chosen else []

        self.runtime.command(build, reason=reason)
        if chosen:
            self._applied(chosen, queued=True)  # a retry is published again once its wait ends
            for change in chosen:
                self._end_wait(change.job_id)

    # -- canceling ---------------------------------------------------------------------------
    def request_cancel(self, job_id: str, reason: str) -> anyio.Event | None:
        """Cancel through the log: a queued job's message is dropped on arrival, a running job's worker killed."""
        was_running: list[bool] = []

        def decide() -> list[Change]:
            was_running[:] = [self.statuses[job_id] is Status.RUNNING]
            if self.statuses[job_id] is Status.RUNNING:
                return [Change(job_id, Status.CANCELED, reason), *self.schedule.abandoned(job_id)]
            return self.schedule.canceled(job_id, reason)

        self._race(job_id, decide, "job canceled")
        if was_running == [True]:
            self.cluster.cancel(job_id, reason)
        return None
