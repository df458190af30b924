"""Cancelling jobs: ``lf.cancel_job(job)`` and ``submission.cancel()``.

Taipy's rules, plus running jobs: a waiting job (SUBMITTED, BLOCKED, PENDING) becomes CANCELED
and the jobs downstream of it in its submission ABANDONED. A RUNNING job is canceled too — its
worker process is killed and replaced, the job is CANCELED with the reason, and its outputs keep
their previous values. A job already CANCELED, ABANDONED or FAILED is left alone; canceling a
COMPLETED or SKIPPED one still abandons its waiting downstream jobs.
"""

from __future__ import annotations

import logging
import time

from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.executor.claims import Claims
from ledgerflow.executor.dispatcher import SubmissionRun
from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.runtime.metadata import acting_as, process_actor
from ledgerflow.service import session
from ledgerflow.service.entities.task import Job

log = logging.getLogger("ledgerflow")

_LEFT_ALONE = (Status.CANCELED, Status.ABANDONED, Status.FAILED)


def cancel_job(job: Job | str, reason: str | None = None) -> None:
    """Cancel a job; returns once its new status (and its downstream jobs') is recorded."""
    current = session.current()
    runtime = current.runtime
    job_id = job if isinstance(job, str) else job.id
    view = runtime.state.jobs.get(job_id)
    if view is None or not current.visible(view.version):
        raise NonExistingEntity(f"{job_id} does not exist: lf.get_jobs() lists the jobs that can be canceled.")
    if view.status in _LEFT_ALONE:
        log.info("Job %s is already %s: nothing to cancel.", job_id, view.status.name)
        return
    reason = reason or f"canceled by {process_actor()}"
    claims = Claims(runtime.storage_folder)
    service = current.orchestrator
    try:
        if service is None or not _canceled_by(service, claims, job_id, reason):
            _cancel_here(claims, job_id, reason)
    finally:
        claims.close()
    runtime.flush()


def _cancel_here(claims: Claims, job_id: str, reason: str) -> None:
    """Record the cancel of a job no orchestrator runs (holding its submission meanwhile)."""
    current = session.current()
    submission_id = current.runtime.state.jobs[job_id].submission_id
    if not claims.take(submission_id):
        raise LedgerflowError(
            f"Job {job_id} is being run by another process (it holds submission {submission_id}): "
            "cancel it from that process."
        )
    try:
        service = current.orchestrator
        notify = (lambda changed: service.notify(submission_id, changed)) if service is not None else _ignore
        run = SubmissionRun(current.runtime, None, submission_id, notify)
        with acting_as(correlation_id=submission_id):
            run.request_cancel(job_id, reason)
    finally:
        claims.release(submission_id)


def _canceled_by(service: OrchestratorService, claims: Claims, job_id: str, reason: str) -> bool:
    """Let this process's orchestrator cancel the job if it runs (or is starting) its submission."""
    deadline = time.monotonic() + 5.0
    submission_id = service.session.runtime.state.jobs[job_id].submission_id
    while not service.cancel(job_id, reason):
        if not claims.holds(submission_id) or time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # claimed here but its run has not started (or just ended)
    return True


def cancel_submission(submission_id: str, reason: str | None = None) -> None:
    """Cancel every unfinished job of a submission, in run order."""
    state = session.current().runtime.state
    view = state.submissions.get(submission_id)
    if view is None:
        raise NonExistingEntity(f"{submission_id} does not exist (it may have been deleted).")
    for job_id in view.job_ids:
        job = state.jobs.get(job_id)
        if job is not None and not job.status.is_finished:
            cancel_job(job_id, reason)


def _ignore(job_id: str) -> None:
    return None
