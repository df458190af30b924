"""What ``ledgerflow run`` learns from the application it runs: the submissions it waited for that failed.

``ledgerflow run`` names a file in ``LEDGERFLOW_RUN_REPORT``; a submission that ``submit()`` waited
for (development mode, or ``wait=True``) and that ended FAILED adds one line to it, so the command
can exit non-zero even when the script itself ends normally.
"""

from __future__ import annotations

import os

from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.projections.current import CurrentState

REPORT_ENV = "LEDGERFLOW_RUN_REPORT"


def report_if_failed(state: CurrentState, submission_id: str) -> None:
    """Add a line for the submission to the run's report when it failed (and a report was asked for)."""
    path = os.environ.get(REPORT_ENV)
    view = state.submissions.get(submission_id)
    if not path or view is None or view.status is not SubmissionStatus.FAILED:
        return
    failed = [state.jobs[j] for j in view.job_ids if j in state.jobs and state.jobs[j].status is Status.FAILED]
    tasks = ", ".join(f'"{state.tasks[j.task_id].config_id}"' for j in failed if j.task_id in state.tasks)
    with open(path, "a", encoding="utf-8") as report:
        report.write(f"{submission_id} failed: task {tasks or '?'}\n")
