"""Cancelling a job, whichever process runs its submission.

Taipy's rules, plus running jobs: a waiting job (SUBMITTED, BLOCKED, PENDING) becomes CANCELED
and the jobs downstream of it in its submission ABANDONED. A RUNNING job is canceled too — its
worker process is killed and replaced, the job is CANCELED with the reason, and its outputs keep
their previous values. A job already CANCELED, ABANDONED or FAILED is left alone; canceling a
COMPLETED or SKIPPED one still abandons its waiting downstream jobs.
"""

from __future__ import annotations

import time

from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.executor.claims import SubmissionClaims, claims_of
from ledgerflow.executor.dispatcher import SubmissionRun
from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.runtime.metadata import acting_as
from ledgerflow.runtime.runtime import Runtime


def cancel(runtime: Runtime, service: OrchestratorService | None, job_id: str, reason: str) -> None:
    """Cancel a job; returns once its new status (and its downstream jobs') is durable.

    ``service``: this process's orchestrator, if it runs: it cancels the jobs of the submissions it runs.
    """
    claims = claims_of(runtime)
    try:
        if service is None or not _canceled_by(service, claims, job_id, reason):
            _cancel_here(runtime, service, claims, job_id, reason)
    finally:
        claims.close()
    runtime.flush()


def _cancel_here(
    runtime: Runtime, service: OrchestratorService | None, claims: SubmissionClaims, job_id: str, reason: str
) -> None:
    """Record the cancel of a job no orchestrator runs (holding its submission meanwhile)."""
    submission_id = runtime.state.jobs[job_id].submission_id
    if not claims.take(submission_id):
        raise LedgerflowError(
            f"Job {job_id} is being run by another process (it holds submission {submission_id}): "
            "cancel it from that process."
        )
    try:
        notify = (lambda changed: service.notify(submission_id, changed)) if service is not None else _ignore
        run = SubmissionRun(runtime, None, submission_id, notify)
        with acting_as(correlation_id=submission_id):
            run.request_cancel(job_id, reason)
    finally:
        claims.release(submission_id)


def _canceled_by(service: OrchestratorService, claims: SubmissionClaims, job_id: str, reason: str) -> bool:
    """Let this process's orchestrator cancel the job if it runs (or is starting) its submission."""
    deadline = time.monotonic() + 5.0
    submission_id = service.runtime.state.jobs[job_id].submission_id
    while not service.cancel(job_id, reason):
        if not claims.holds(submission_id) or time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # claimed here but its run has not started (or just ended)
    return True


def _ignore(job_id: str) -> None:
    return None
