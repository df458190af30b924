"""How long a job may run: the task's ``timeout`` property, else the job config's ``job_timeout``.

``Config.configure_task(..., timeout=30)`` or ``Config.configure_job_executions(job_timeout=600)``:
a job still running after that many seconds FAILS with the reason ``timed out after N s`` (or is
retried, if its task allows ``retries``). Standalone workers are killed; in development mode a plain
function cannot be stopped: it is left to finish in a background thread and its result is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import ConfigurationError


def job_timeout(task_config_id: str, task_properties: Mapping[str, Any]) -> float | None:
    """Seconds a job of the task may run (None: no limit); a clear error for a value that is not one."""
    value = task_properties.get("timeout")
    where = f'Task "{task_config_id}": timeout'
    if value is None:
        value = Config.job_config.properties.get("job_timeout")
        where = "Config.configure_job_executions(job_timeout=...)"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigurationError(f"{where} must be a positive number of seconds, not {value!r}.")
    return float(value)


def timed_out(seconds: float) -> str:
    """The reason a job that ran too long is recorded with."""
    return f"timed out after {seconds:g} s"
