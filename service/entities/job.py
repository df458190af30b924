"""The Job and Submission entities: one execution of a task, and one submit and its jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.executor.cancel import cancel
from ledgerflow.executor.waiting import wait_for
from ledgerflow.projections.views import JobView, SubmissionView
from ledgerflow.runtime.metadata import process_actor
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.datanode import _naive
from ledgerflow.service.entities.scenario import Scenario
from ledgerflow.service.entities.task import Task


class Job(EntityHandle):
    """One execution of a task."""

    __slots__ = ()
    _table = "jobs"

    def _view(self) -> JobView:
        view: JobView = super()._view()
        return view

    status = property(lambda self: self._view().status, doc="The job's Status.")
    force = property(lambda self: self._view().force, doc="Whether the run was forced.")
    submit_id = property(lambda self: self._view().submission_id, doc="The submission that created the job.")
    submit_entity_id = property(lambda self: self._view().submit_entity_id, doc="What was submitted.")

    @property
    def task(self) -> Task:
        """The task the job runs."""
        return Task(self._view().task_id, self._source)

    @property
    def owner_id(self) -> str:
        """The task id (Taipy's name)."""
        return self._view().task_id

    @property
    def creation_date(self) -> datetime:
        """When the job was created."""
        return _naive(self._view().creation_date)

    @property
    def stacktrace(self) -> list[str]:
        """The traceback lines of a failed job, the user's own frame first."""
        return list(self._view().stacktrace)

    @property
    def status_change_records(self) -> list[tuple[Status, datetime, str | None]]:
        """Every status the job went through, with when and why."""
        return [(c.status, _naive(c.timestamp), c.reason) for c in self._view().history]

    def _when(self, status: Status) -> datetime | None:
        times = [c.timestamp for c in self._view().history if c.status is status]
        return _naive(times[-1]) if times else None

    @property
    def submitted_at(self) -> datetime:
        """When the job was submitted."""
        return self.creation_date

    run_at = property(lambda self: self._when(Status.RUNNING), doc="When the job started running.")

    @property
    def finished_at(self) -> datetime | None:
        """When the job finished (None while it has not)."""
        view = self._view()
        return _naive(view.history[-1].timestamp) if view.status.is_finished else None

    @property
    def execution_duration(self) -> float | None:
        """Seconds from RUNNING to the end (None if it did not run or has not finished)."""
        start, end = self.run_at, self.finished_at
        return (end - start).total_seconds() if start and end else None

    def is_finished(self) -> bool:
        """Completed, failed, canceled, skipped or abandoned."""
        return self._view().status.is_finished

    def __getattr__(self, name: str) -> Any:
        if name.startswith("is_"):
            wanted = Status.__members__.get(name[3:].upper())
            if wanted is not None:
                return lambda: self.status is wanted
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class Submission(EntityHandle):
    """One submit of a scenario, sequence or task, and its jobs."""

    __slots__ = ()
    _table = "submissions"

    def _view(self) -> SubmissionView:
        view: SubmissionView = super()._view()
        return view

    entity_id = property(lambda self: self._view().entity_id, doc="The submitted entity's id.")
    entity_type = property(lambda self: self._view().entity_type, doc="SCENARIO, SEQUENCE or TASK.")
    entity_config_id = property(lambda self: self._view().entity_config_id, doc="The submitted entity's config id.")

    @property
    def properties(self) -> dict[str, Any]:
        """The properties given to submit()."""
        return dict(self._view().properties)

    @property
    def rerun_of(self) -> str | None:
        """The submission this one re-ran (``lf.rerun``), if any."""
        original = self._view().properties.get("rerun_of")
        return str(original) if original else None

    @property
    def creation_date(self) -> datetime:
        """When the submission was made."""
        return _naive(self._view().creation_date)

    @property
    def jobs(self) -> list[Job]:
        """The jobs of the submission, in run order."""
        return [Job(i, self._source) for i in self._view().job_ids]

    @property
    def submission_status(self) -> SubmissionStatus:
        """The status aggregated from the jobs."""
        return self._view().status

    status = submission_status

    def is_finished(self) -> bool:
        """Completed, failed or canceled."""
        return self.submission_status.is_finished

    def is_completed(self) -> bool:
        """Every job completed or skipped."""
        return self.submission_status is SubmissionStatus.COMPLETED

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every job has finished or ``timeout`` seconds pass; True if they finished.

        Works for a submission run by another process too (its events are read from the log).
        """
        runtime = self._writable()  # a time-travel view does not change
        return wait_for(runtime, self._source.orchestrator, self.id, timeout)

    def cancel(self, reason: str | None = None) -> None:
        """Cancel every unfinished job: queued ones are CANCELED (their downstream jobs ABANDONED), running
        ones are killed first."""
        runtime = self._writable()
        reason = reason or f"canceled by {process_actor()}"
        for job_id in self._view().job_ids:
            job = runtime.state.jobs.get(job_id)
            if job is not None and not job.status.is_finished:
                cancel(runtime, self._source.orchestrator, job_id, reason)

    @property
    def scenario(self) -> Scenario | None:
        """The submitted scenario, when a scenario was submitted."""
        view = self._view()
        return Scenario(view.entity_id, self._source) if view.entity_type == "SCENARIO" else None
