"""The Task, Job and Submission entities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.config import Config, resolve_function
from ledgerflow.domain.enums import Scope, Status, SubmissionStatus
from ledgerflow.projections.views import JobView, SubmissionView, TaskView
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.datanode import DataNode, _naive

if TYPE_CHECKING:
    from ledgerflow.service.entities.scenario import Scenario


class Submittable(EntityHandle):
    """A scenario, sequence or task: something ``submit`` runs."""

    __slots__ = ()

    def submit(
        self,
        callbacks: Any = None,
        force: bool = False,
        wait: bool = False,
        timeout: float | None = None,
        **properties: Any,
    ) -> Submission:
        """Run its tasks in dependency order (see ``ledgerflow.submit``)."""
        from ledgerflow.service.submit import submit

        return submit(self, force=force, wait=wait, timeout=timeout, callbacks=callbacks, **properties)


class Task(Submittable):
    """A task: a function from its input data nodes to its output data nodes."""

    __slots__ = ()
    _table = "tasks"

    def _view(self) -> TaskView:
        view: TaskView = super()._view()
        return view

    config_id = property(lambda self: self._view().config_id, doc="The id of the task's config.")
    owner_id = property(lambda self: self._view().owner_id, doc="The owning scenario or cycle id (None if GLOBAL).")
    skippable = property(
        lambda self: self._view().skippable, doc="Whether a run can be skipped when outputs are valid."
    )

    @property
    def properties(self) -> dict[str, Any]:
        """The task's properties (a copy)."""
        return dict(self._view().properties)

    @property
    def function(self) -> Callable[..., Any]:
        """The task's function (from the config, or imported by its recorded name)."""
        config = Config.tasks.get(self.config_id)
        if config is not None and config.function is not None:
            return config.function
        function: Callable[..., Any] = resolve_function(self._view().function)
        return function

    @property
    def input(self) -> dict[str, DataNode]:
        """Input data nodes by config id, in argument order."""
        return self._nodes(self._view().input_ids)

    @property
    def output(self) -> dict[str, DataNode]:
        """Output data nodes by config id, in result order."""
        return self._nodes(self._view().output_ids)

    @property
    def data_nodes(self) -> dict[str, DataNode]:
        """Inputs and outputs by config id."""
        return {**self.input, **self.output}

    @property
    def scope(self) -> Scope:
        """The narrowest scope of its data nodes (GLOBAL when it has none)."""
        nodes = self._source.state.data_nodes
        view = self._view()
        scopes = [nodes[i].scope for i in (*view.input_ids, *view.output_ids) if i in nodes]
        return Scope(min(scopes)) if scopes else Scope.GLOBAL

    @property
    def parent_ids(self) -> set[str]:
        """Ids of the scenarios and sequences that contain the task."""
        return set(self._source.state.parents.get(self.id, ()))

    def _nodes(self, ids: list[str]) -> dict[str, DataNode]:
        nodes = self._source.state.data_nodes
        return {nodes[i].config_id: DataNode(i, self._source) for i in ids if i in nodes}


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
            wanted = Status[name[3:].upper()]
            return lambda: self.status is wanted
        raise AttributeError(name)


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
        from ledgerflow.executor.waiting import wait_for

        self._writable()  # a time-travel view does not change
        return wait_for(self.id, timeout)

    def cancel(self, reason: str | None = None) -> None:
        """Cancel every unfinished job: queued ones are CANCELED (their downstream jobs ABANDONED), running
        ones are killed first."""
        from ledgerflow.executor.cancel import cancel_submission

        self._writable()
        cancel_submission(self.id, reason)

    @property
    def scenario(self) -> Scenario | None:
        """The submitted scenario, when a scenario was submitted."""
        from ledgerflow.service.entities.scenario import Scenario

        view = self._view()
        return Scenario(view.entity_id, self._source) if view.entity_type == "SCENARIO" else None
