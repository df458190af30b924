"""The cache-validity read model: for each task, the fingerprint that produced its outputs.

A fold over the log, like ``current.py`` (which calls it for every event it applies, after its own
idempotency check): a COMPLETED job records its task's fingerprint; a reset of the task
(``ledgerflow.task.reset``) invalidates it until the next completion; deleting the task forgets it.
A skipped, failed or abandoned job changes nothing — the outputs of the last completion stand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ledgerflow.domain.enums import FINISHED_STATUSES, Status, status_of
from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.task import TaskTopics
from ledgerflow.projections.records import RecordLike

Step = Callable[["CacheValidity", RecordLike], None]
_STEPS: dict[str, Step] = {}


def _folds(topic: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        _STEPS[topic] = fn
        return fn

    return register


@dataclass(frozen=True, slots=True)
class ProducedBy:
    """The run whose outputs a task's data nodes hold: its job, fingerprint and end."""

    job_id: str
    fingerprint: str
    completed_at: datetime


@dataclass
class CacheValidity:
    """Per task: the run that produced its outputs, or why there is none to trust."""

    produced: dict[str, ProducedBy] = field(default_factory=dict)
    # task id -> config id of the task the user reset (itself, or the upstream task it follows)
    reset: dict[str, str] = field(default_factory=dict)
    # unfinished job -> its task (a status change names only the job)
    unfinished_jobs: dict[str, str] = field(default_factory=dict)

    def apply(self, record: RecordLike) -> None:
        """Fold one event in (the caller guarantees each event is applied once, in order)."""
        step = _STEPS.get(record.topic)
        if step is not None:
            step(self, record)

    @staticmethod
    def folds(topic: str) -> bool:
        """Whether events of ``topic`` change this model (others need not even load it)."""
        return topic in _STEPS


@_folds(JobTopics.CREATED)
def _job_created(cache: CacheValidity, r: RecordLike) -> None:
    if status_of(r.payload["status"]) not in FINISHED_STATUSES:  # a job skipped at submission changes nothing
        cache.unfinished_jobs[r.originator_id] = r.payload["task_id"]


@_folds(JobTopics.STATUS_CHANGED)
def _job_status(cache: CacheValidity, r: RecordLike) -> None:
    status = status_of(r.payload["status"])
    if status not in FINISHED_STATUSES:
        return
    task_id = cache.unfinished_jobs.pop(r.originator_id, None)
    fingerprint = r.payload.get("fingerprint")
    if status is Status.COMPLETED and task_id is not None and fingerprint:
        cache.produced[task_id] = ProducedBy(r.originator_id, fingerprint, r.timestamp)
        cache.reset.pop(task_id, None)


@_folds(JobTopics.DELETED)
def _job_deleted(cache: CacheValidity, r: RecordLike) -> None:
    cache.unfinished_jobs.pop(r.originator_id, None)


@_folds(TaskTopics.RESET)
def _task_reset(cache: CacheValidity, r: RecordLike) -> None:
    cache.produced.pop(r.originator_id, None)
    cache.reset[r.originator_id] = r.payload["requested"]


@_folds(TaskTopics.DELETED)
def _task_deleted(cache: CacheValidity, r: RecordLike) -> None:
    cache.produced.pop(r.originator_id, None)
    cache.reset.pop(r.originator_id, None)
