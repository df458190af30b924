"""What ``ledgerflow run`` draws while the application works: its submissions' jobs and its start-up's fold.

Sent through the command's pipes (``run_channel.py``), one JSON line per change, drawn by
``commands/run_progress.py``:

- ``{"submission": ID, "kind": "SCENARIO", "name": CONFIG_ID, "total": N, "done": D, "running": [TASK, ...],
  "failed": F, "not_run": A}`` for a submission of several jobs, after every change of one of its jobs
  (the orchestrator's job-change notifications) until all have ended (``not_run``: canceled or abandoned);
  ``submit()`` returns from a submission it waited for once the command has drawn its end (``drawn``);
- ``{"fold": DONE, "total": N}`` while the start-up folds the events recorded since the last checkpoint.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.enums import Status
from ledgerflow.projections.views import SubmissionView
from ledgerflow.runtime.fold_progress import FoldProgress
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service.notifications import run_channel

if TYPE_CHECKING:
    from ledgerflow.executor.orchestrator import OrchestratorService

__all__ = ["drawn", "fold_reporter", "follow"]

_NOT_RUN = (Status.CANCELED, Status.ABANDONED)
_ended: OrderedDict[str, bool] = OrderedDict()  # submissions whose end was told, until drawn()


def fold_reporter() -> FoldProgress | None:
    """The start-up fold's progress callback for ``ledgerflow run``; None when it shows no progress."""
    if not run_channel.is_open():
        return None
    return lambda done, total: run_channel.tell({"fold": done, "total": total})


class _Watch:
    """Counts one submission's jobs by status as they change (each change costs the same, whatever its size)."""

    def __init__(self, runtime: Runtime, view: SubmissionView, listeners: list[Any]) -> None:
        self.runtime = runtime
        self.listeners = listeners
        self.lock = threading.Lock()
        jobs, tasks = runtime.state.jobs, runtime.state.tasks
        self.statuses = {j: jobs[j].status for j in view.job_ids if j in jobs}
        self.names = {j: tasks[jobs[j].task_id].config_id if jobs[j].task_id in tasks else j for j in self.statuses}
        self.head = {"submission": view.id, "kind": view.entity_type, "name": view.entity_config_id}
        self.counts = {"total": len(self.statuses), "done": 0, "failed": 0, "not_run": 0}
        self.running: dict[str, None] = {}  # job ids, in the order they started
        for job_id, status in self.statuses.items():
            self._count(job_id, status, 1)

    def _count(self, job_id: str, status: Status, step: int) -> None:
        self.counts["done"] += step * status.is_finished
        self.counts["failed"] += step * (status is Status.FAILED)
        self.counts["not_run"] += step * (status in _NOT_RUN)
        if status is Status.RUNNING:
            if step > 0:
                self.running[job_id] = None
            else:
                self.running.pop(job_id, None)

    def tell(self) -> bool:
        """Write the counts; True once every job has finished."""
        running = [self.names[j] for j in self.running]
        run_channel.tell({**self.head, **self.counts, "running": running})
        if self.counts["done"] < self.counts["total"]:
            return False
        _ended[str(self.head["submission"])] = True
        if len(_ended) > 1024:  # submissions nobody waited for
            _ended.popitem(last=False)
        return True

    def changed(self, submission_id: str, job_id: str) -> None:
        """A job-change notification: count the job's new status and tell (until all have finished)."""
        if submission_id != self.head["submission"] or job_id not in self.statuses:
            return
        job = self.runtime.state.jobs.get(job_id)
        with self.lock:
            if job is None or job.status is self.statuses[job_id]:
                return
            self._count(job_id, self.statuses[job_id], -1)
            self._count(job_id, job.status, 1)
            self.statuses[job_id] = job.status
            finished = self.tell()
        if finished and self.changed in self.listeners:
            self.listeners.remove(self.changed)


def follow(service: OrchestratorService, submission_id: str) -> None:
    """Tell ``ledgerflow run`` how a submission of several jobs goes (when it shows progress)."""
    if not run_channel.is_open():
        return
    view = service.runtime.state.submissions.get(submission_id)
    if view is None or len(view.job_ids) < 2:
        return
    watch = _Watch(service.runtime, view, service.listeners)
    if not watch.tell():
        service.listeners.append(watch.changed)


def drawn(submission_id: str) -> None:
    """``submit()`` waited for the submission: return once ``ledgerflow run`` has drawn its end."""
    if _ended.pop(submission_id, False):
        run_channel.sync()
