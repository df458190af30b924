"""A worker's side of one job: the log decides whether it runs, the worker records what happened.

A message is only a hint. The worker reads the job in the log and

- drops it when the job is finished, canceled, already started by a live worker, or when the
  message is older than the job's latest attempt (a redelivery, a duplicate);
- takes a job over when the worker that started it is gone (its process ended, or its heartbeat
  is older than the lease): the lost attempt is recorded as a retry or a failure, as in standalone mode;
- fails the job when its application config differs from the submitter's, naming both;
- otherwise records RUNNING as a command that refuses a second start (two deliveries racing: one
  wins, the other finds the job RUNNING and drops its message), runs it, and records COMPLETED
  with the outputs' writes — or FAILED, or PENDING for a retry — unless the job was canceled or
  taken over meanwhile.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import FrameType
from typing import Any

from ledgerflow.domain.config import resolve_function
from ledgerflow.domain.datanode import DataNode as DataNodeAggregate
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.domain.job import Job as JobAggregate
from ledgerflow.executor.cluster.broker import JobMessage
from ledgerflow.executor.cluster.leases import Heartbeat, Leases
from ledgerflow.executor.cluster.settings import ClusterSettings
from ledgerflow.executor.execution import execute_blocking
from ledgerflow.executor.jobspec import JobOutcome, failure
from ledgerflow.executor.retries import after_failure
from ledgerflow.executor.specs import job_spec
from ledgerflow.projections.views import JobView
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.datanodes import Backends

log = logging.getLogger("ledgerflow")

STARTED_BY = "started by worker "


def attempts(job: JobView) -> int:
    """How many times the job was started."""
    return sum(1 for change in job.history if change.status is Status.RUNNING)


def running_owner(job: JobView) -> str | None:
    """The worker process (``host:pid``) that recorded the job's latest start."""
    for change in reversed(job.history):
        if change.status is Status.RUNNING:
            reason = change.reason or ""
            return reason.removeprefix(STARTED_BY) if reason.startswith(STARTED_BY) else None
    return None


def lost_outcome(owner: str | None) -> JobOutcome:
    reason = f"worker lost: the worker process {owner or '(unknown)'} stopped answering while it ran the job"
    return JobOutcome(error=reason, stacktrace=[reason], lost=True)


class _Dropped(Exception):
    """The log says this message must not start the job."""


class JobHandler:
    """Runs the jobs a worker process receives, recording their transitions in the log."""

    def __init__(
        self, runtime: Runtime, leases: Leases, heartbeat: Heartbeat, settings: ClusterSettings, fingerprint: str | None
    ) -> None:
        self.runtime = runtime
        self.leases = leases
        self.heartbeat = heartbeat
        self.settings = settings
        self.fingerprint = fingerprint  # None: a worker without an application (runs what the log names)
        self.owner = heartbeat.owner
        self.backends = Backends(runtime.blobs)

    def handle(self, message: JobMessage) -> str:
        """Run the job if the log says so; what happened, in a few words (for the worker's log)."""
        runtime = self.runtime
        submission_id = message.submission_id
        if not submission_id:  # an older submitter's message: the job's submission is read from the log
            runtime.catch_up()
            found = runtime.state.jobs.get(message.job_id)
            submission_id = found.submission_id if found is not None else ""
        with acting_as(f"worker {self.owner}", submission_id or None):
            if self.fingerprint is not None and message.config_fingerprint != self.fingerprint:
                self._refuse(message)
                return "failed: config mismatch"
            if not self._start(message):  # the command read the log's tail: is it a lost start?
                view = runtime.state.jobs.get(message.job_id)
                if view is None:
                    return "dropped: no such job in the log"
                if view.status is not Status.RUNNING or attempts(view) != message.attempt:
                    return "dropped: the job is not waiting for this attempt"
                if not self._owner_gone(message):
                    return "dropped: the job runs on a live worker"
                if not self._take_over(message):
                    return "dropped: the job was taken over or ended meanwhile"
            log.info("Job %s attempt %d started", message.job_id, message.attempt)
            self.heartbeat.job_id = message.job_id  # told with the next beat: the log says who runs it
            try:
                outcome = self._execute(message.job_id)
                self._finish(message, outcome)
            finally:
                self.heartbeat.job_id = None
            return "failed" if outcome.failed else "completed"

    # -- deciding --------------------------------------------------------------------------
    def _owner_gone(self, message: JobMessage) -> bool:
        """Wait up to a lease for the owner of the job's start to be gone; False if it stays alive or the job moves."""
        deadline = time.monotonic() + self.settings.lease_seconds + 1
        while True:
            self.runtime.catch_up()
            view = self.runtime.state.jobs[message.job_id]
            if view.status is not Status.RUNNING or attempts(view) != message.attempt:
                return False
            owner = running_owner(view)
            if owner is None or not self.leases.alive(owner, self.settings.lease_seconds):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)

    def _command(
        self,
        build: Callable[[JobAggregate, JobView], Sequence[Entity]],
        job_id: str,
        reason: str,
        *,
        read_first: bool = True,
    ) -> bool:
        """Run a racing command on the job; False when ``build`` found the log refusing it (see ``Runtime.command``)."""
        runtime = self.runtime

        def built() -> Sequence[Entity]:
            view = runtime.state.jobs.get(job_id)
            if view is None:  # read after the log's tail: no such job
                raise _Dropped
            return build(runtime.aggregate(JobAggregate, job_id), view)

        try:
            runtime.command(built, reason=reason, read_first=read_first)
        except _Dropped:
            return False
        return True

    def _start(self, message: JobMessage) -> bool:
        def build(job: JobAggregate, view: JobView) -> list[Entity]:
            if job.status is not Status.PENDING or attempts(view) >= message.attempt:
                raise _Dropped
            job.change_status(Status.RUNNING, STARTED_BY + self.owner)
            return [job]

        return self._command(build, message.job_id, "job started")

    def _take_over(self, message: JobMessage) -> bool:
        """The lost attempt becomes a retry (this worker starts it) or a failure (False)."""
        retried: list[bool] = []

        def build(job: JobAggregate, view: JobView) -> list[Entity]:
            if job.status is not Status.RUNNING or attempts(view) != message.attempt:
                raise _Dropped
            task = self.runtime.state.tasks[view.task_id]
            change = after_failure(
                job.id, task.config_id, task.properties, view.history, lost_outcome(running_owner(view))
            )
            job.change_status(change.status, change.reason, change.stacktrace, retry=change.retry)
            retried[:] = [change.status is Status.PENDING]
            if change.status is Status.PENDING:
                job.change_status(Status.RUNNING, STARTED_BY + self.owner)
            return [job]

        return self._command(build, message.job_id, "worker lost") and retried == [True]

    def _refuse(self, message: JobMessage) -> None:
        reason = (
            f"config mismatch: the worker {self.owner} runs the application config {self.fingerprint}, "
            f"the job was submitted under {message.config_fingerprint} (version {message.version})"
        )

        def build(job: JobAggregate, view: JobView) -> list[Entity]:
            if job.status is not Status.PENDING:
                raise _Dropped
            job.change_status(Status.RUNNING, STARTED_BY + self.owner)
            job.change_status(Status.FAILED, reason, [reason])
            return [job]

        self._command(build, message.job_id, "job failed")

    # -- running ---------------------------------------------------------------------------
    def _execute(self, job_id: str) -> JobOutcome:
        state = self.runtime.state
        try:
            spec = job_spec(state, job_id)
            function: Any = spec.function if callable(spec.function) else resolve_function(spec.function)
        except Exception as error:
            return failure(error)
        task = state.tasks[state.jobs[job_id].task_id]
        limit = task.properties.get("timeout") or self.settings.job_timeout
        with _time_limit(float(limit) if limit else None):
            try:
                return execute_blocking(spec, function, self.backends)
            except JobTimeout as error:
                return failure(error)

    def _finish(self, message: JobMessage, outcome: JobOutcome) -> None:
        now = datetime.now()
        started = message.attempt  # a take-over started the next attempt
        runtime = self.runtime

        def build(job: JobAggregate, view: JobView) -> list[Entity]:
            if job.status is not Status.RUNNING or running_owner(view) != self.owner:
                raise _Dropped  # canceled, or taken over: this run's outcome is not the job's
            task = runtime.state.tasks[view.task_id]
            if outcome.failed:
                change = after_failure(job.id, task.config_id, task.properties, view.history, outcome)
                job.change_status(change.status, change.reason, change.stacktrace, retry=change.retry)
                return [job]
            writes: list[Entity] = []
            for dn_id, payload in zip(task.output_ids, outcome.payloads, strict=True):
                node = runtime.aggregate(DataNodeAggregate, dn_id)
                node.record_write(payload.content_hash, payload.size, payload.location, "write", now, job_id=job.id)
                writes.append(node)
            job.change_status(Status.COMPLETED, fingerprint=message.cache_key)
            return [*writes, job]

        # No read of the log's tail first: a cancel or a take-over changes the job, and another writer
        # of an output changes that node, so either makes this a lost race whose retry reads the tail.
        reason = "job failed" if outcome.failed else "job completed"
        if not self._command(build, message.job_id, reason, read_first=False):
            log.info(
                "Job %s (attempt %d) ended, but the log had moved on: its outcome is dropped", message.job_id, started
            )


class JobTimeout(Exception):
    """The job ran longer than its ``timeout``."""


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``JobTimeout`` in the running function after ``seconds`` (main thread only)."""
    if not seconds:
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise JobTimeout(f"the job ran longer than its timeout of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
