"""What every workflow run shares: d6tflow's error when a task failed, and taking turns between processes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ledgerflow.domain.enums import Status
from ledgerflow.service import session
from ledgerflow.service.entities.job import Submission
from ledgerflow.storage.turns import turn

FAILED = "Exception found running flow, check trace"


def flow_failed(submission: Submission) -> RuntimeError:
    """d6tflow's ``RuntimeError('Exception found running flow, check trace')``; ``.submission`` tells more."""
    error = RuntimeError(FAILED)
    error.submission = submission  # type: ignore[attr-defined]
    return error


def failed(submission: Submission) -> bool:
    """Whether a task of the submission failed (or was abandoned because an upstream one did)."""
    return any(j.status in (Status.FAILED, Status.ABANDONED) for j in submission.jobs)


@contextmanager
def one_run_at_a_time() -> Iterator[None]:
    """Workflow runs of processes sharing a store take turns, each seeing what the one before recorded.

    Two scripts started at once would otherwise both run the tasks they share, and their jobs'
    writes to the same data nodes would conflict.
    """
    runtime = session.current().runtime
    with turn(runtime.storage_folder, "workflow-runs"):
        runtime.catch_up()
        yield
