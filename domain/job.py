"""The Job aggregate: one execution of a task inside a submission.

A job is created SUBMITTED, or in the status its submission already judged it to be in: SKIPPED
when its outputs are up to date and nothing in the submission can change its inputs, PENDING when
its inputs are ready, BLOCKED when it waits for them. Then one event says both that it was
submitted and its first status (with its reason).

Its events are explicit classes rather than ``@event`` methods: a submission creates and moves
many jobs at once, and the decorator's argument matching would cost more than the rest of each
event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from eventsourcing.domain import Aggregate

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status, status_of
from ledgerflow.domain.job_rules import check_transition


class JobTopics:
    """The stored topics of a job and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.job"
    CREATED: Final = "ledgerflow.job.created"
    STATUS_CHANGED: Final = "ledgerflow.job.status_changed"
    DELETED: Final = "ledgerflow.job.deleted"


class Job(Entity):
    """A job records every status it goes through; illegal changes are refused."""

    TOPIC = JobTopics.AGGREGATE

    task_id: str
    submission_id: str
    status: Status

    @dataclass(frozen=True)  # as the metaclass makes it: said again for type checkers
    class Created(Entity.Created):
        """A job was submitted; ``status`` (with its ``reason``) the first one it was judged to be in."""

        TOPIC = JobTopics.CREATED
        class_version = 2
        task_id: str
        submission_id: str
        submit_entity_id: str
        force: bool
        version: str
        status: int
        reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 had no status: every job was created SUBMITTED."""
            state["status"] = int(Status.SUBMITTED)
            state["reason"] = None

        def mutate(self, aggregate: Aggregate | None) -> Job:  # type: ignore[override]
            job = Job.__new__(Job)
            job.__base_init__(self.originator_id, self.originator_version, self.timestamp)
            job.task_id = self.task_id
            job.submission_id = self.submission_id
            job.status = status_of(self.status)
            return job

    @dataclass(frozen=True)
    class StatusChanged(Entity.Event):
        """The job moved to ``status`` (an int: the stored form)."""

        TOPIC = JobTopics.STATUS_CHANGED
        status: int
        reason: str | None
        stacktrace: list[str] | None
        fingerprint: str | None

        def apply(self, aggregate: Job) -> None:
            aggregate.status = status_of(self.status)

    class Deleted(Entity.Event):
        """The job was forgotten (its submission or scenario was deleted)."""

        TOPIC = JobTopics.DELETED

    @classmethod
    def submitted(
        cls,
        id: str,
        task_id: str,
        submission_id: str,
        submit_entity_id: str,
        force: bool,
        version: str,
        skipped: str | None = None,
        judged: tuple[Status, str | None] | None = None,
    ) -> Job:
        """A new job of ``task_id`` in a submission; ``skipped``: why it is SKIPPED from the start.

        ``judged``: the status (PENDING or BLOCKED) and reason it starts in instead of SUBMITTED.
        """
        status, reason = (Status.SKIPPED, skipped) if skipped is not None else judged or (Status.SUBMITTED, None)
        created = cls.Created(
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=cls.Created.create_timestamp(),
            originator_topic=cls.TOPIC,
            task_id=task_id,
            submission_id=submission_id,
            submit_entity_id=submit_entity_id,
            force=force,
            version=version,
            status=int(status),
            reason=reason,
        )
        job = created.mutate(None)
        job.pending_events.append(created)
        return job

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
        self.trigger_event(
            self.StatusChanged, status=int(status), reason=reason, stacktrace=stacktrace, fingerprint=fingerprint
        )

    def delete(self) -> None:
        """Forget a finished job."""
        self.trigger_event(self.Deleted)
