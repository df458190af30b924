"""The enumerations users see: scopes, frequencies, job and submission statuses."""

from __future__ import annotations

from enum import IntEnum


class _NamedIntEnum(IntEnum):
    """An ``IntEnum`` printed as Taipy prints its enums (``Status.COMPLETED``), compared as its integer."""

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(self.value, spec)


class Scope(_NamedIntEnum):
    """How widely a data node is shared: by one scenario, a cycle, or everyone."""

    SCENARIO = 1
    CYCLE = 2
    GLOBAL = 3


class Frequency(_NamedIntEnum):
    """How often a new cycle starts."""

    DAILY = 1
    WEEKLY = 2
    MONTHLY = 3
    QUARTERLY = 4
    YEARLY = 5


class Status(_NamedIntEnum):
    """The status of a job (Taipy's names and values)."""

    SUBMITTED = 1
    BLOCKED = 2
    PENDING = 3
    RUNNING = 4
    CANCELED = 5
    FAILED = 6
    COMPLETED = 7
    SKIPPED = 8
    ABANDONED = 9

    @property
    def is_finished(self) -> bool:
        """True once the job can no longer change."""
        return self in FINISHED_STATUSES


FINISHED_STATUSES = frozenset({Status.CANCELED, Status.FAILED, Status.COMPLETED, Status.SKIPPED, Status.ABANDONED})

#: ``Status(value)`` as a dict lookup, for folds that make millions (the enum call is ten times slower).
status_of = {status.value: status for status in Status}.__getitem__


class SubmissionStatus(_NamedIntEnum):
    """The status of a submission, aggregated from its jobs (Taipy's names and values)."""

    SUBMITTED = 0
    UNDEFINED = 1
    BLOCKED = 2
    PENDING = 3
    RUNNING = 4
    CANCELED = 5
    FAILED = 6
    COMPLETED = 7

    @property
    def is_finished(self) -> bool:
        """True once every job of the submission has finished."""
        return self in (SubmissionStatus.COMPLETED, SubmissionStatus.FAILED, SubmissionStatus.CANCELED)


#: ``SubmissionStatus(value)`` as a dict lookup (see ``status_of``).
submission_status_of = {status.value: status for status in SubmissionStatus}.__getitem__
