"""The orchestrator service: its event loop, its runner and the submissions it is running.

Development mode runs jobs in the loop and ``submit()`` returns when they are done; standalone
mode sends them to a pool of worker processes and ``submit()`` returns at once. Either way the
service claims each submission it runs (``claims.py``), resumes at start the unfinished ones no
live process holds, and folds other processes' events into the projection every
``POLL_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import anyio

from ledgerflow.domain.config import Config
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import SubmissionStatus
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.submission import Submission as SubmissionAggregate
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.claims import claims_of
from ledgerflow.executor.dispatcher import SubmissionRun
from ledgerflow.executor.loop import LoopThread
from ledgerflow.executor.runners import FollowsLog, InLoopRunner, Runner
from ledgerflow.executor.standalone import SubprocessRunner
from ledgerflow.executor.strategies import ConcurrentRun, run_for
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.datanodes import Backends

log = logging.getLogger("ledgerflow")

JobListener = Callable[[str, str], None]

INTERRUPTED = "interrupted (Ctrl-C) while it ran"
#: How often the orchestrator folds in the events other processes wrote.
POLL_SECONDS = 0.25


def make_runner(runtime: Runtime, backends: Backends) -> Runner:
    """The runner for the configured job execution mode."""
    mode = Config.job_config.mode
    if mode == "development":
        return InLoopRunner(backends)
    if mode == "standalone":
        return SubprocessRunner(Config.job_config.max_nb_of_workers, runtime.blobs)
    if mode == "cluster":
        from ledgerflow.executor.cluster.runner import ClusterRunner
        from ledgerflow.executor.cluster.settings import ClusterSettings

        return ClusterRunner(ClusterSettings.from_config(), runtime.url)
    raise LedgerflowError(f'Job execution mode "{mode}" is not available yet: use "development" or "standalone".')


def settle(runtime: Runtime, submission_id: str) -> None:
    """Record the submission's status as its jobs' statuses make it (a command: other processes may race)."""

    def build() -> list[Entity]:
        state = runtime.state
        statuses = [state.jobs[j].status for j in state.submissions[submission_id].job_ids if j in state.jobs]
        submission = runtime.aggregate(SubmissionAggregate, submission_id)
        submission.update_status(aggregate_status(statuses))
        return [submission]

    runtime.command(build, reason="submission settled")


def _strategy(runner: Runner, cluster: bool) -> type[SubmissionRun]:
    """How a submission's jobs are run: cluster runs publish and follow the log (``executor/cluster/run.py``)."""
    if cluster:
        from ledgerflow.executor.cluster.run import ClusterRun

        return ClusterRun
    return run_for(runner)


class OrchestratorService:
    """Runs submissions in its own event loop thread.

    ``visible(version)`` tells which versions' submissions this run may resume; ``on_job_change``
    is called with (submission id, job id) after each recorded change of a job's status (the
    service layer hands down its subscribers' notification).
    """

    def __init__(
        self, runtime: Runtime, backends: Backends, visible: Callable[[str], bool], on_job_change: JobListener
    ) -> None:
        self.runtime = runtime
        self.visible = visible
        self.on_job_change = on_job_change
        self.runner = make_runner(runtime, backends)
        #: The mode the runner was made for, read once: the config is locked while the orchestrator runs
        #: (reading it takes the config's lock, which the submitting threads take too).
        self.cluster = Config.job_config.is_cluster
        self.strategy = _strategy(self.runner, self.cluster)
        self.claims = claims_of(runtime)
        self.claimed: set[str] = set()
        self.loop = LoopThread()
        self.runs: dict[str, SubmissionRun] = {}
        self.listeners: list[JobListener] = []
        self.interrupted: list[str] = []  # jobs recorded FAILED by a Ctrl-C
        self._poll_scope: anyio.CancelScope | None = None
        self._polling = True
        if isinstance(self.runner, FollowsLog):  # cluster mode: it reads the log as workers commit
            self.loop.spawn(self.runner.follow, runtime)
        else:
            self.loop.spawn(self._poll_log)

    @property
    def synchronous(self) -> bool:
        """Whether submit() waits for the jobs (development mode)."""
        return isinstance(self.runner, InLoopRunner)

    def notify(self, submission_id: str, job_id: str) -> None:
        """Call the subscribers and status listeners about a job's new status."""
        self.on_job_change(submission_id, job_id)
        for listener in list(self.listeners):
            try:
                listener(submission_id, job_id)
            except Exception:
                log.exception("A job status callback failed for job %s", job_id)

    async def _poll_log(self) -> None:
        with anyio.CancelScope() as self._poll_scope:
            while self._polling:
                await anyio.sleep(POLL_SECONDS)
                try:
                    self.runtime.catch_up()
                except Exception:
                    log.exception("Reading other processes' events failed")

    async def _run(self, submission_id: str) -> None:
        try:
            run = self.strategy(
                self.runtime, self.runner, submission_id, lambda job_id: self.notify(submission_id, job_id)
            )
            self.runs[submission_id] = run
            await run.run()
        finally:
            self.runs.pop(submission_id, None)
            self._release(submission_id)

    def _release(self, submission_id: str) -> None:
        self.claimed.discard(submission_id)
        self.claims.release(submission_id)

    def claim(self, submission_id: str) -> bool:
        """Claim a submission for this process (before it is recorded, so no other process starts it)."""
        if submission_id in self.claimed:
            return True
        if not self.claims.take(submission_id):
            return False
        self.claimed.add(submission_id)
        return True

    def dispatch(self, submission_id: str) -> bool:
        """Start a claimed (or claimable) submission's jobs; in development mode, return when they are done.

        False when another process runs the submission.
        """
        if not self.cluster and self._all_finished(submission_id):  # e.g. every job skipped at submission:
            self._release(submission_id)  # nothing to run, so no claim to take (two system calls)
            if self.synchronous:
                self.runtime.flush()
            return True
        if not self.claim(submission_id):
            return False
        if self._all_finished(submission_id):
            settle(self.runtime, submission_id)  # workers may have ended the jobs after this submission's process died
            self._release(submission_id)
            return True
        if self.synchronous:
            try:
                self.loop.call(self._run, submission_id)
            except KeyboardInterrupt:
                self._interrupted(submission_id)
                raise
            self.runtime.flush()  # when submit() returns, its results are in the log
        else:
            self.loop.spawn(self._run, submission_id)
        return True

    def _interrupted(self, submission_id: str) -> None:
        """Ctrl-C while a development-mode submission ran: its running jobs FAIL with the reason, the jobs
        waiting on them are abandoned, and nothing more starts. The log says so before the interrupt goes on."""
        live = self.runs.get(submission_id)
        if live is not None:
            live.stopping = True
        run = ConcurrentRun(self.runtime, None, submission_id, lambda job_id: None)
        try:
            with acting_as("orchestrator", submission_id):
                running = run.fail_running(INTERRUPTED)
            self.runtime.flush()
        except Exception:
            log.exception("The interrupt of submission %s could not be recorded", submission_id)
            return
        self.interrupted.extend(running)

    def _all_finished(self, submission_id: str) -> bool:
        state = self.runtime.state
        view = state.submissions.get(submission_id)
        return view is not None and all(state.jobs[j].status.is_finished for j in view.job_ids if j in state.jobs)

    def resume_unfinished(self) -> None:
        """Run the submissions with unfinished jobs (a FAILED one may have some) that no live process runs."""
        state = self.runtime.state
        for view in list(state.submissions.values()):
            if view.status is SubmissionStatus.COMPLETED or not self.visible(view.version):
                continue
            jobs = [state.jobs[j] for j in view.job_ids if j in state.jobs]
            unsettled = self.cluster and view.status is not aggregate_status(j.status for j in jobs)
            if view.id not in self.runs and (unsettled or any(not job.status.is_finished for job in jobs)):
                if self.dispatch(view.id):
                    log.info("Resuming submission %s", view.id)
                else:
                    log.info("Submission %s is run by another process", view.id)

    def cancel(self, job_id: str, reason: str) -> bool:
        """Cancel a job of a submission this service runs (waiting until it is recorded); False if none."""
        view = self.runtime.state.jobs.get(job_id)
        run = self.runs.get(view.submission_id) if view is not None else None
        if run is None:
            return False
        if self.loop.in_loop_thread:  # from a job callback: cannot wait for the job's end here
            run.request_cancel(job_id, reason)
        else:
            self.loop.call(_cancel_and_wait, run, job_id, reason)
        return True

    def stop(self, wait: bool = True, timeout: float | None = None) -> None:
        """Launch no more jobs, let running ones finish (``wait``) or kill them, and stop the loop.

        Jobs still queued stay PENDING or BLOCKED in the log and resume at the next start; jobs
        killed by ``wait=False`` (or still running after ``timeout``) end lost: retried then, or FAILED.
        """
        self.loop.call(self._stop_runs, not wait)
        if not self._runs_ended(timeout if wait else 10.0):
            self.loop.call(self._stop_runs, True)
            self._runs_ended(10.0)
        self.loop.call(self.runner.close)
        self.loop.call(self._stop_polling)
        self.loop.stop()
        self.claims.release_all(list(self.claimed))
        self.claimed.clear()
        self.claims.close()
        self.runtime.flush()

    async def _stop_polling(self) -> None:
        self._polling = False
        if self._poll_scope is not None:
            self._poll_scope.cancel()

    async def _stop_runs(self, kill: bool) -> None:
        for run in list(self.runs.values()):
            run.stop(kill)

    def _runs_ended(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.runs:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True


async def _cancel_and_wait(run: SubmissionRun, job_id: str, reason: str) -> None:
    ended = run.request_cancel(job_id, reason)
    if ended is not None:
        await ended.wait()
