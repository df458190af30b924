"""The execution summary ``Workflow.run()`` prints: what ran, was skipped, failed or abandoned."""

from __future__ import annotations

from ledgerflow.domain.enums import Status
from ledgerflow.service.entities.job import Job, Submission

RULE = "===== ledgerflow execution summary ====="
_GROUPS = (
    (Status.COMPLETED, "ran"),
    (Status.SKIPPED, "skipped"),
    (Status.FAILED, "failed"),
    (Status.ABANDONED, "abandoned"),
    (Status.CANCELED, "canceled"),
)


def duration(seconds: float | None) -> str:
    """A duration for people: milliseconds under a second."""
    seconds = seconds or 0.0
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _reason(job: Job) -> str:
    records = job.status_change_records
    return (records[-1][2] or "") if records else ""


def _line(job: Job) -> list[str]:
    name = job.task.config_id
    if job.status is Status.COMPLETED:
        return [f"    - {name} ({duration(job.execution_duration)})"]
    if job.status is Status.FAILED:
        lines = [f"    - {name} ({duration(job.execution_duration)}): {_reason(job)}"]
        trace = job.stacktrace
        if trace:
            lines.append(f"        {trace[0].strip()}")  # the user's own frame comes first
        return lines
    return [f"    - {name} ({_reason(job)})"]


def execution_summary(submission: Submission) -> str:
    """A d6tflow-style summary of a submission: counts per outcome, durations, the failing frame."""
    jobs = submission.jobs
    finished = [j.finished_at for j in jobs if j.finished_at is not None]
    elapsed = (max(finished) - submission.creation_date).total_seconds() if finished else 0.0
    lines = [
        RULE,
        f"Submission {submission.id} of {submission.entity_type.lower()} {submission.entity_config_id}: "
        f"{submission.submission_status.name}, {len(jobs)} tasks in {duration(elapsed)}",
    ]
    for status, label in _GROUPS:
        group = [j for j in jobs if j.status is status]
        if group:
            lines.append(f"* {len(group)} {label}:")
            lines.extend(line for job in group for line in _line(job))
    waiting = [j for j in jobs if not j.is_finished()]
    if waiting:
        lines.append(f"* {len(waiting)} not finished: {', '.join(j.task.config_id for j in waiting)}")
    if any(j.status is Status.FAILED for j in jobs):
        lines.append("Fix the failing code and run again: only failed, abandoned and stale tasks will run.")
    lines.append(RULE)
    return "\n".join(lines)
