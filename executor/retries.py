"""What happens to a job that failed or was lost: another attempt, if its task allows ``retries``.

``Config.configure_task(..., retries=N)`` lets a job run up to N more times after a failure —
an exception in the function, a worker process that died, or an orchestrator that stopped
while the job ran. Each retry is recorded as RUNNING -> PENDING with the reason and the failed
attempt's traceback, so the history shows every attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import ConfigurationError
from ledgerflow.executor.jobspec import JobOutcome
from ledgerflow.projections.views import StatusChange


class Change(NamedTuple):
    """One job status change to record."""

    job_id: str
    status: Status
    reason: str | None = None
    stacktrace: list[str] | None = None
    fingerprint: str | None = None
    retry: bool = False


def allowed_retries(task_config_id: str, properties: Mapping[str, Any]) -> int:
    """The task's ``retries`` property (0 when absent); a clear error when it is not a count."""
    value = properties.get("retries", 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(
            f'Task "{task_config_id}": retries must be a whole number of at least 0, not {value!r}. '
            "Fix it in Config.configure_task(..., retries=N)."
        )
    return value


def after_failure(
    job_id: str,
    task_config_id: str,
    properties: Mapping[str, Any],
    history: Iterable[StatusChange],
    outcome: JobOutcome,
) -> Change:
    """PENDING again (a retry) while retries remain, else FAILED."""
    allowed = allowed_retries(task_config_id, properties)
    used = sum(1 for change in history if change.status is Status.RUNNING) - 1
    if used < allowed:
        reason = f"retry {used + 1} of {allowed} after: {outcome.error}"
        return Change(job_id, Status.PENDING, reason, outcome.stacktrace, retry=True)
    return Change(job_id, Status.FAILED, outcome.error, outcome.stacktrace)
