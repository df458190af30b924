"""Runners execute a job's function; the orchestrator records what happened.

The in-loop runner (development mode) calls the function in the orchestrator's event loop:
async functions are awaited, others called directly.
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol

from ledgerflow.domain.config import resolve_function
from ledgerflow.domain.errors import DataNodeWritingError
from ledgerflow.executor.jobspec import JobOutcome, JobSpec, failure
from ledgerflow.storage.datanodes import Backends


class Runner(Protocol):
    """Executes jobs; at most ``capacity`` at once."""

    capacity: int

    async def run(self, spec: JobSpec) -> JobOutcome:
        """Read the inputs, call the function, write the outputs."""
        ...

    async def close(self) -> None:
        """Release workers."""
        ...


def results_as_list(spec: JobSpec, result: Any) -> list[Any]:
    """The function's result as one value per output, checking the count."""
    count = len(spec.outputs)
    if count == 0:
        return []
    if count == 1:
        return [result]
    if not isinstance(result, tuple | list) or len(result) != count:
        raise DataNodeWritingError(
            f'Task "{spec.task_config_id}" has {count} outputs but its function returned '
            f"{type(result).__name__ if not isinstance(result, tuple | list) else len(result)} "
            "value(s): return a tuple with one value per output."
        )
    return list(result)


async def execute(spec: JobSpec, backends: Backends) -> JobOutcome:
    """Run a job in this process: read, call (awaiting coroutines), write."""
    try:
        function = spec.function if callable(spec.function) else resolve_function(spec.function)
        args = [backends.of(i.node.storage_type).read(i.node, i.content_hash) for i in spec.inputs]
        result = function(*args)
        if inspect.isawaitable(result):
            result = await result
        values = results_as_list(spec, result)
        payloads = [
            backends.of(node.storage_type).write(node, value) for node, value in zip(spec.outputs, values, strict=True)
        ]
    except Exception as error:
        return failure(error)
    return JobOutcome(payloads=payloads)


class InLoopRunner:
    """Development mode: one job at a time, in the orchestrator's loop."""

    capacity = 1

    def __init__(self, backends: Backends) -> None:
        self.backends = backends

    async def run(self, spec: JobSpec) -> JobOutcome:
        return await execute(spec, self.backends)

    async def close(self) -> None:
        return None
