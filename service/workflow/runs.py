"""What every workflow run shares: d6tflow's error when a task failed, and taking turns between processes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ledgerflow.domain.config import Config
from ledgerflow.domain.enums import Status
from ledgerflow.service import session
from ledgerflow.service.entities.job import Submission
from ledgerflow.storage.turns import turn

FAILED = "Exception found running flow, check trace"

_held = threading.local()


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
    writes to the same data nodes would conflict. The turn is taken before this process opens its
    session when it has none yet, so two first starts on a new store do not each create a
    development version. A process already holding the turn (a verb inside another) goes on.
    """
    if getattr(_held, "turn", False):
        yield
        return
    folder = session.current().runtime.storage_folder if session.is_open() else Config.core.storage_folder
    with turn(folder, "workflow-runs"):
        _held.turn = True
        try:
            session.current().runtime.catch_up()
            yield
        finally:
            _held.turn = False
