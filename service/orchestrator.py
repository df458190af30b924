"""``Orchestrator().run()`` / ``stop()``: the public switch of job execution (``ledgerflow.Core`` too)."""

from __future__ import annotations

from functools import partial

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import OrchestratorServiceIsAlreadyRunning
from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.service import session as sessions
from ledgerflow.service.live import live_source
from ledgerflow.service.notifications.subscriptions import notify_subscribers


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
        current.orchestrator = OrchestratorService(
            current.runtime, current.backends, current.visible, on_job_change=partial(notify_subscribers, live_source())
        )
        current.orchestrator.resume_unfinished()

    def stop(self, wait: bool = True, timeout: float | None = None) -> None:
        """Stop executing jobs and unlock the config.

        ``wait``: let running jobs finish (at most ``timeout`` seconds); else kill them.
        """
        if sessions.is_open():
            current = sessions.current()
            if current.orchestrator is not None:
                current.orchestrator.stop(wait, timeout)
                current.orchestrator = None
            current.runtime.save_checkpoint()
        Config.unblock_update()
