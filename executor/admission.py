"""What is checked before a submission is recorded, so a mistake never leaves half a submission.

Every task's ``retries`` must be a count; in standalone (and cluster) mode every task function
must be importable by worker processes — one defined in an unguarded ``__main__`` script, inside
its ``if __name__ == "__main__":`` block, or in a notebook is refused with what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.accessors import configured
from ledgerflow.domain.config.layer import TASK
from ledgerflow.executor.mainscript import check_for_workers
from ledgerflow.executor.retries import allowed_retries
from ledgerflow.projections.current import CurrentState


def check_before_submit(state: CurrentState, task_ids: Iterable[str]) -> None:
    """Raise a clear error for a task that could not run as configured."""
    in_workers = Config.job_config.mode != "development"
    for task_id in task_ids:
        task = state.tasks[task_id]
        allowed_retries(task.config_id, task.properties)
        if in_workers:
            config = configured(TASK, task.config_id)  # this task's config only (``Config.tasks`` copies all)
            function: Any = config.function if config is not None and config.function is not None else task.function
            check_for_workers(function, f'Task "{task.config_id}"')
