"""How a submission's jobs are driven: a task per ready job, or one after the other in the loop.

``run_for(runner)`` picks the strategy for a runner; the cluster runner has its own
(``executor/cluster/run.py``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import anyio
import anyio.lowlevel

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.executor.dispatcher import JobCallback, SubmissionRun
from ledgerflow.executor.retries import Change
from ledgerflow.executor.runners import Runner
from ledgerflow.executor.timeouts import timed_out
from ledgerflow.runtime.runtime import Runtime

#: What a sequential run collects into one command: a cascade of skips costs one write, not one each.
_COLLECTED = (Status.BLOCKED, Status.PENDING, Status.SKIPPED)
#: A sequential run gives the loop's other tasks a turn this often (seconds), not after every job:
#: each turn lets the writer thread hold the GIL for up to a switch interval.
YIELD_EVERY = 0.1


class ConcurrentRun(SubmissionRun):
    """Every ready job gets a task of its own; the runner bounds how many run at once."""

    _group: anyio.abc.TaskGroup | None = None

    def __init__(self, runtime: Runtime, runner: Runner | None, submission_id: str, on_change: JobCallback) -> None:
        super().__init__(runtime, runner, submission_id, on_change)
        self.watches: dict[str, anyio.CancelScope] = {}  # timeouts of running jobs

    async def _run_ready(self) -> None:
        changes = self._unblocked()
        if changes:
            self._record(changes, reason="submitted")
        async with anyio.create_task_group() as group:
            self._group = group
            self._in_group(group)
            first = self._launch_ready(keep_first=True)
            if first is not None:  # run by this task: a task fewer per submission (most have one job)
                await self._run_job(first)

    def _in_group(self, group: anyio.abc.TaskGroup) -> None:
        """Start the run's own tasks beside its jobs' (none here)."""

    def _watch(self, job_id: str, seconds: float) -> None:
        if self._group is not None:
            self._group.start_soon(self._stop_after, job_id, seconds)

    def _unwatch(self, job_id: str) -> None:
        scope = self.watches.pop(job_id, None)
        if scope is not None:
            scope.cancel()

    async def _stop_after(self, job_id: str, seconds: float) -> None:
        with anyio.CancelScope() as scope:
            self.watches[job_id] = scope
            await anyio.sleep(seconds)
            if self.statuses[job_id] is Status.RUNNING and self.runner is not None:
                self.timed_out[job_id] = timed_out(seconds)
                self.runner.cancel(job_id, self.timed_out[job_id])
        self.watches.pop(job_id, None)

    def _launch_ready(self, keep_first: bool = False) -> str | None:
        if self.stopping or self._group is None:
            return None
        waiting, self.pending = self.pending, []
        first = None
        for job_id in waiting:
            if self.statuses[job_id] is Status.PENDING and job_id not in self.launched:
                self.launched.add(job_id)
                if keep_first and first is None:
                    first = job_id
                else:
                    self._group.start_soon(self._run_job, job_id)
        return first


class SequentialRun(SubmissionRun):
    """The jobs run one after the other in the loop, without a task each (development mode).

    Status changes that need no write of their own (BLOCKED, PENDING, SKIPPED) ride with the next
    command that needs one, and the run yields to the loop's other tasks every ``YIELD_EVERY``
    seconds rather than after every job.
    """

    def __init__(self, runtime: Runtime, runner: Runner | None, submission_id: str, on_change: JobCallback) -> None:
        super().__init__(runtime, runner, submission_id, on_change)
        self.collected: list[Change] = []  # status changes not recorded yet
        self._in_order = False

    @property
    def collecting(self) -> bool:
        return self._in_order

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
            self._write(collected, (), "jobs skipped" if _skips(collected) else "jobs queued", queued=True)

    async def _run_ready(self) -> None:
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


def run_for(runner: Runner | None) -> type[SubmissionRun]:
    """The strategy a runner's jobs are run with: in order when it runs them in the loop."""
    return SequentialRun if getattr(runner, "sequential", False) is True else ConcurrentRun


def _skips(changes: Sequence[Change]) -> bool:
    return any(change.status is Status.SKIPPED for change in changes)
