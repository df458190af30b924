"""The scheduling core of a submission: from job statuses and the DAG, what can run, wait or is abandoned.

Pure: it reads no store and records nothing. ``SubmissionRun`` (``dispatcher.py``) asks it what
changes follow an event (a job ended, a cancel) and records them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ledgerflow.domain.dag import TaskNode, downstream_closure, upstream_tasks
from ledgerflow.domain.enums import Status
from ledgerflow.executor.retries import Change

#: Statuses whose outputs let downstream jobs run.
DONE = (Status.COMPLETED, Status.SKIPPED)
#: Statuses of jobs that have not started.
WAITING = (Status.SUBMITTED, Status.BLOCKED, Status.PENDING)

#: Whether a data node can be read now (written, and not locked by an editor).
NodeReady = Callable[[str], bool]


@dataclass
class Schedule:
    """The jobs of one submission in run order, their statuses and their dependencies."""

    job_ids: list[str]
    statuses: dict[str, Status]
    inputs: dict[str, list[str]]  # job -> the data nodes its task reads
    upstream: dict[str, set[str]]  # job -> the jobs producing its inputs
    children: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.children = {j: [] for j in self.job_ids}
        for job_id in self.job_ids:
            for parent in self.upstream.get(job_id, ()):
                self.children[parent].append(job_id)

    @classmethod
    def of(cls, jobs: Sequence[tuple[str, str, Status]], tasks: Mapping[str, TaskNode]) -> Schedule:
        """The schedule of ``jobs`` (job id, task id, status), in run order, over their ``tasks``."""
        if len(jobs) == 1:
            job_id, task_id, status = jobs[0]
            task = tasks[task_id]
            if not set(task.inputs).intersection(task.outputs):  # one job, nothing upstream: no graph
                return cls([job_id], {job_id: status}, {job_id: list(task.inputs)}, {job_id: set()})
        job_of_task = {task_id: job_id for job_id, task_id, _ in jobs}
        ups = upstream_tasks([tasks[task_id] for _, task_id, _ in jobs])
        return cls(
            job_ids=[job_id for job_id, _, _ in jobs],
            statuses={job_id: status for job_id, _, status in jobs},
            inputs={job_id: list(tasks[task_id].inputs) for job_id, task_id, _ in jobs},
            upstream={job_of_task[t]: {job_of_task[u] for u in us} for t, us in ups.items()},
        )

    def in_status(self, *statuses: Status) -> list[str]:
        """The jobs in one of ``statuses``, in run order."""
        return [j for j in self.job_ids if self.statuses[j] in statuses]

    def inputs_ready(self, job_id: str, node_ready: NodeReady, written: Iterable[str] = ()) -> bool:
        """Whether every upstream job is done and every input readable (``written``: about to be)."""
        if any(self.statuses[u] not in DONE for u in self.upstream.get(job_id, ())):
            return False
        about_to_be = set(written)
        return all(node in about_to_be or node_ready(node) for node in self.inputs[job_id])

    def unblocked(
        self, node_ready: NodeReady, candidates: Iterable[str] | None = None, written: Iterable[str] = ()
    ) -> list[Change]:
        """Waiting jobs (all, or only ``candidates``) that become PENDING, or BLOCKED when first judged."""
        pool = self.job_ids if candidates is None else candidates
        written = frozenset(written)
        changes: list[Change] = []
        for job_id in pool:
            status = self.statuses[job_id]
            if status not in (Status.SUBMITTED, Status.BLOCKED):
                continue
            if self.inputs_ready(job_id, node_ready, written):
                changes.append(Change(job_id, Status.PENDING))
            elif status is Status.SUBMITTED:
                changes.append(Change(job_id, Status.BLOCKED, "inputs not ready"))
        return changes

    def after_end(self, job_id: str, node_ready: NodeReady, written: Iterable[str] = ()) -> list[Change]:
        """What a job's end (its status already set) does to the others: unblocks or abandons them."""
        status = self.statuses[job_id]
        if status in DONE:
            return self.unblocked(node_ready, self.children[job_id], written)
        if status.is_finished:
            return self.abandoned(job_id)
        return []  # PENDING again (a retry), or left waiting by a stop

    def abandoned(self, failed_job: str) -> list[Change]:
        """The waiting jobs downstream of a job that did not complete."""
        downstream = downstream_closure(failed_job, self.upstream)
        return [
            Change(j, Status.ABANDONED, f"upstream job {failed_job} did not complete")
            for j in self.job_ids
            if j in downstream and self.statuses[j] in WAITING
        ]

    def canceled(self, job_id: str, reason: str) -> list[Change]:
        """A cancel of a job that is not running (Taipy's rules): it and its waiting downstream jobs."""
        status = self.statuses[job_id]
        if status in (Status.CANCELED, Status.ABANDONED, Status.FAILED):
            return []
        if status in DONE:  # too late for the job itself; its waiting downstream jobs are abandoned
            return self.abandoned(job_id)
        return [Change(job_id, Status.CANCELED, reason), *self.abandoned(job_id)]
