"""The Submission aggregate and the rule that derives its status from its jobs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status, SubmissionStatus, submission_status_of

#: The first job status present decides the submission's (Taipy's precedence); else COMPLETED.
_PRECEDENCE = (
    (Status.FAILED, SubmissionStatus.FAILED),
    (Status.CANCELED, SubmissionStatus.CANCELED),
    (Status.ABANDONED, SubmissionStatus.UNDEFINED),
    (Status.RUNNING, SubmissionStatus.RUNNING),
    (Status.PENDING, SubmissionStatus.PENDING),
    (Status.BLOCKED, SubmissionStatus.BLOCKED),
    (Status.SUBMITTED, SubmissionStatus.SUBMITTED),
)


def aggregate_status(statuses: Iterable[Status]) -> SubmissionStatus:
    """A submission's status from its jobs'.

    Precedence: FAILED > CANCELED > ABANDONED > RUNNING > PENDING > BLOCKED > COMPLETED.
    """
    seen = set(statuses)
    if not seen:
        return SubmissionStatus.SUBMITTED
    return next((submission for job, submission in _PRECEDENCE if job in seen), SubmissionStatus.COMPLETED)


class SubmissionTopics:
    """The stored topics of a submission and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.submission"
    CREATED: Final = "ledgerflow.submission.created"
    STATUS_CHANGED: Final = "ledgerflow.submission.status_changed"
    DELETED: Final = "ledgerflow.submission.deleted"


class Submission(Entity):
    """One submit of a scenario, sequence or task, and the jobs it created."""

    TOPIC = SubmissionTopics.AGGREGATE

    @event("Created", topic=SubmissionTopics.CREATED)
    def __init__(
        self,
        id: str,
        entity_id: str,
        entity_type: str,
        entity_config_id: str,
        job_ids: list[str],
        properties: dict[str, Any],
        version: str,
    ) -> None:
        self.job_ids = job_ids
        self.status = SubmissionStatus.SUBMITTED

    def update_status(self, status: SubmissionStatus) -> None:
        """Record a new status; nothing is recorded when it did not change."""
        if status is not self.status:
            self.trigger_event(self.StatusChanged, status=int(status))

    @dataclass(frozen=True)  # an explicit class: recorded with most job changes (no decorator argument matching)
    class StatusChanged(Entity.Event):
        """The submission's status, derived from its jobs', changed."""

        TOPIC = SubmissionTopics.STATUS_CHANGED
        status: int

        def apply(self, aggregate: Submission) -> None:
            aggregate.status = submission_status_of(self.status)

    def delete(self) -> None:
        """Forget a finished submission."""
        self._deleted()

    @event("Deleted", topic=SubmissionTopics.DELETED)
    def _deleted(self) -> None:
        pass
