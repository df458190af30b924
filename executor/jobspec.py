"""What a runner receives to execute a job, and what it gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ledgerflow.storage.node_spec import NodeSpec, Payload


@dataclass(frozen=True)
class InputSpec:
    """An input of a job: the node, the content hash of the value to read, and where it is."""

    node: NodeSpec
    content_hash: str
    location: str = ""


@dataclass(frozen=True)
class JobSpec:
    """Everything needed to run one job."""

    job_id: str
    task_config_id: str
    function: Callable[..., Any] | str
    inputs: list[InputSpec]
    outputs: list[NodeSpec]
    timeout: float | None = None  # seconds the function may run; None: no limit


@dataclass(frozen=True)
class JobOutcome:
    """The payloads the job wrote, or why it failed.

    ``lost``: the job did not end by itself — its worker died or was killed (a cancel).
    """

    payloads: list[Payload] = field(default_factory=list)
    error: str | None = None
    stacktrace: list[str] = field(default_factory=list)
    lost: bool = False

    @property
    def failed(self) -> bool:
        """Whether the job failed."""
        return self.error is not None


def failure(error: BaseException) -> JobOutcome:
    """The outcome of a job that raised ``error``, the user's own frames first."""
    import traceback  # only on a failure: a worker process starts without it

    frames = traceback.extract_tb(error.__traceback__)
    user = [
        f for f in frames if "/ledgerflow/" not in f.filename.replace("\\", "/") and "site-packages" not in f.filename
    ]
    lines = [f'File "{f.filename}", line {f.lineno}, in {f.name} => {f.line}' for f in reversed(user)]
    lines += traceback.format_exception(type(error), error, _tb(error))
    return JobOutcome(error=f"{type(error).__name__}: {error}", stacktrace=lines)


def _tb(error: BaseException) -> TracebackType | None:
    return error.__traceback__
