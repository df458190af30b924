"""The orchestrator service: its event loop, its runner and the submissions it is running."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import LedgerflowError, OrchestratorServiceIsAlreadyRunning
from ledgerflow.executor.dispatcher import SubmissionRun
from ledgerflow.executor.loop import LoopThread
from ledgerflow.executor.runners import InLoopRunner, Runner
from ledgerflow.service import session as sessions
from ledgerflow.service.session import Session

log = logging.getLogger("ledgerflow")

JobListener = Callable[[str, str], None]


def make_runner(current: Session) -> Runner:
    """The runner for the configured job execution mode."""
    mode = Config.job_config.mode
    if mode == "development":
        return InLoopRunner(current.backends)
    raise LedgerflowError(f'Job execution mode "{mode}" is not available yet: use mode="development".')


class OrchestratorService:
    """Runs submissions in its own event loop thread."""

    def __init__(self, current: Session) -> None:
        self.session = current
        self.runner = make_runner(current)
        self.loop = LoopThread()
        self.runs: dict[str, SubmissionRun] = {}
        self.listeners: list[JobListener] = []

    @property
    def synchronous(self) -> bool:
        """Whether submit() waits for the jobs (development mode)."""
        return Config.job_config.mode == "development"

    def _notify(self, submission_id: str, job_id: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(submission_id, job_id)
            except Exception:
                log.exception("A job status callback failed for job %s", job_id)

    async def _run(self, submission_id: str) -> None:
        run = SubmissionRun(
            self.session.runtime, self.runner, submission_id, lambda job_id: self._notify(submission_id, job_id)
        )
        self.runs[submission_id] = run
        try:
            await run.run()
        finally:
            self.runs.pop(submission_id, None)

    def dispatch(self, submission_id: str) -> None:
        """Start a submission's jobs; in development mode, return when they are done."""
        if self.synchronous:
            self.loop.call(self._run, submission_id)
            self.session.runtime.flush()  # when submit() returns, its results are in the log
        else:
            self.loop.portal.start_task_soon(self._run, submission_id)

    def resume_unfinished(self) -> None:
        """Run the submissions the log shows as not finished (queued before a stop or crash)."""
        state = self.session.runtime.state
        for view in list(state.submissions.values()):
            if not view.status.is_finished and self.session.visible(view.version) and view.id not in self.runs:
                log.info("Resuming submission %s", view.id)
                self.dispatch(view.id)

    def stop(self) -> None:
        """Let running jobs finish and stop the loop."""
        self.loop.stop()
        self.session.runtime.flush()


class Orchestrator:
    """Starts and stops job execution (``ledgerflow.Core`` is the same class)."""

    def run(self, force_restart: bool = False) -> None:
        """Check and lock the config, pick the version, and start executing jobs."""
        current = sessions.current()
        if current.orchestrator is not None:
            if not force_restart:
                raise OrchestratorServiceIsAlreadyRunning(
                    "The orchestrator is already running: call Orchestrator().stop() first."
                )
            current.orchestrator.stop()
        Config.block_update()
        current.orchestrator = OrchestratorService(current)
        current.orchestrator.resume_unfinished()

    def stop(self, wait: bool = True, timeout: float | None = None) -> None:
        """Stop executing jobs and unlock the config."""
        if sessions.is_open():
            current = sessions.current()
            if current.orchestrator is not None:
                current.orchestrator.stop()
                current.orchestrator = None
            current.runtime.save_checkpoint()
        Config.unblock_update()


def running_service() -> OrchestratorService | None:
    """The orchestrator service of this process, if it runs."""
    return sessions.current().orchestrator if sessions.is_open() else None


def add_job_listener(listener: JobListener) -> None:
    """Be told ``(submission_id, job_id)`` after every job status change."""
    service = running_service()
    if service is None:
        raise LedgerflowError("The orchestrator is not running: call Orchestrator().run() first.")
    service.listeners.append(listener)


__all__: list[Any] = ["Orchestrator", "OrchestratorService"]
