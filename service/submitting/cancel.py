"""``lf.cancel_job(job)`` (the rules are in ``executor/cancel.py``)."""

from __future__ import annotations

import logging

from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import NonExistingEntity
from ledgerflow.executor.cancel import cancel
from ledgerflow.runtime.metadata import process_actor
from ledgerflow.service import session
from ledgerflow.service.entities.job import Job

log = logging.getLogger("ledgerflow")

_LEFT_ALONE = (Status.CANCELED, Status.ABANDONED, Status.FAILED)


def cancel_job(job: Job | str, reason: str | None = None) -> None:
    """Cancel a job; returns once its new status (and its downstream jobs') is recorded."""
    current = session.current()
    job_id = job if isinstance(job, str) else job.id
    view = current.runtime.state.jobs.get(job_id)
    if view is None or not current.visible(view.version):
        raise NonExistingEntity(f"{job_id} does not exist: lf.get_jobs() lists the jobs that can be canceled.")
    if view.status in _LEFT_ALONE:
        log.info("Job %s is already %s: nothing to cancel.", job_id, view.status.name)
        return
    cancel(current.runtime, current.orchestrator, job_id, reason or f"canceled by {process_actor()}")
