"""The Job aggregate: one execution of a task inside a submission."""

from __future__ import annotations

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.domain.job_rules import check_transition


class Job(Entity):
    """A job records every status it goes through; illegal changes are refused."""

    TOPIC = "ledgerflow.job"

    @event("Created", topic="ledgerflow.job.created")
    def __init__(
        self,
        id: str,
        task_id: str,
        submission_id: str,
        submit_entity_id: str,
        force: bool,
        version: str,
    ) -> None:
        self.task_id = task_id
        self.submission_id = submission_id
        self.status = Status.SUBMITTED

    def change_status(
        self,
        status: Status,
        reason: str | None = None,
        stacktrace: list[str] | None = None,
        retry: bool = False,
        fingerprint: str | None = None,
    ) -> None:
        """Move to ``status`` if the transition rules allow it.

        ``fingerprint``: on COMPLETED, the cache key the outputs were produced under.
        """
        check_transition(self.id, self.status, status, retry=retry)
        self._status_changed(int(status), reason, stacktrace, fingerprint)

    @event("StatusChanged", topic="ledgerflow.job.status_changed")
    def _status_changed(
        self, status: int, reason: str | None, stacktrace: list[str] | None, fingerprint: str | None
    ) -> None:
        self.status = Status(status)

    def delete(self) -> None:
        """Forget a finished job."""
        self._deleted()

    @event("Deleted", topic="ledgerflow.job.deleted")
    def _deleted(self) -> None:
        pass
