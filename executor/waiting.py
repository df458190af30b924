"""Waiting for a submission to finish, in this process or in another one sharing the store."""

from __future__ import annotations

import threading
import time

from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import NonExistingEntity
from ledgerflow.domain.submission import aggregate_status
from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.projections.views import SubmissionView
from ledgerflow.runtime.runtime import Runtime

#: How often a wait reads the events of other processes (when this process does not run the submission).
CATCH_UP_SECONDS = 0.05


def wait_for(
    runtime: Runtime, service: OrchestratorService | None, submission_id: str, timeout: float | None = None
) -> bool:
    """Block until every job of the submission has finished or ``timeout`` seconds pass; True if it finished.

    ``service``: this process's orchestrator, if it runs (a submission it runs needs no reading of
    the log). When it returns True, the submission's events are durable in the log.
    """
    changed = threading.Event()

    def on_change(changed_submission: str, job_id: str) -> None:
        # Woken when one of its jobs finishes: a job starting cannot end the wait (a wake-up and a
        # GIL hand-over of the waiting thread per job fewer).
        if changed_submission == submission_id:
            view = runtime.state.jobs.get(job_id)
            if view is None or view.status.is_finished:
                changed.set()

    if service is not None:  # woken by this process's runs at each change, not by a timer
        service.listeners.append(on_change)
    try:
        return _wait(runtime, service, submission_id, timeout, changed)
    finally:
        if service is not None:
            service.listeners.remove(on_change)


def _wait(
    runtime: Runtime,
    service: OrchestratorService | None,
    submission_id: str,
    timeout: float | None,
    changed: threading.Event,
) -> bool:
    deadline = None if timeout is None else time.monotonic() + timeout
    delay, last_catch_up = 0.001, time.monotonic()
    while True:
        changed.clear()
        view = runtime.state.submissions.get(submission_id)
        if view is None:
            raise NonExistingEntity(f"{submission_id} does not exist (it may have been deleted).")
        jobs = runtime.state.jobs
        statuses = [jobs[j].status for j in view.job_ids if j in jobs]
        if all(status.is_finished for status in statuses) and _settled(view, statuses, service):
            # Not urgent: a program waiting for each of many submissions would force a commit per wait.
            runtime.flush(urgent=False)
            return True
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return False
        if (service is None or submission_id not in service.runs) and now - last_catch_up >= CATCH_UP_SECONDS:
            runtime.catch_up()
            last_catch_up = now
        changed.wait(delay if deadline is None else max(0.0, min(delay, deadline - now)))
        delay = min(delay * 2, 0.05)


def _settled(view: SubmissionView, statuses: list[Status], service: OrchestratorService | None) -> bool:
    """Whether the submission's own status follows its finished jobs, or no run of this process will record it.

    In cluster mode workers record the jobs' ends and the run records the submission's status just after:
    a wait returns once both are in.
    """
    running_here = service is not None and view.id in service.runs
    return not running_here or view.status is aggregate_status(statuses)
