"""Running one job where it lands (the orchestrator's loop or a worker process).

Read the inputs, call the function, check the result count, write the outputs; any exception
becomes a failed ``JobOutcome`` whose traceback starts with the user's own frame. Kept free of
the config package, so a worker process starts quickly.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.errors import DataNodeWritingError
from ledgerflow.executor.jobspec import JobOutcome, JobSpec, failure
from ledgerflow.storage.datanodes import Backends, Payload

#: What a task function may raise that is its job's failure, not the engine's: ``sys.exit()`` too.
TASK_ERRORS = (Exception, SystemExit, KeyboardInterrupt)


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


def read_inputs(spec: JobSpec, backends: Backends) -> list[Any]:
    """The values of the job's inputs, in argument order."""
    return [backends.of(i.node.storage_type).read(i.node, i.content_hash) for i in spec.inputs]


def write_outputs(spec: JobSpec, backends: Backends, result: Any) -> list[Payload]:
    """Store the result, one value per output; what was stored."""
    values = results_as_list(spec, result)
    return [backends.of(node.storage_type).write(node, value) for node, value in zip(spec.outputs, values, strict=True)]


async def execute(spec: JobSpec, function: Callable[..., Any], backends: Backends) -> JobOutcome:
    """Run a job in the caller's event loop (coroutines are awaited there)."""
    try:
        result = function(*read_inputs(spec, backends))
        if inspect.isawaitable(result):
            result = await result
        return JobOutcome(payloads=write_outputs(spec, backends, result))
    except TASK_ERRORS as error:
        return failure(error)


def call_blocking(function: Callable[..., Any], args: list[Any]) -> Any:
    """Call ``function`` in a thread without an event loop (a coroutine gets one of its own)."""
    result = function(*args)
    if inspect.isawaitable(result):
        import asyncio  # only for a coroutine: a worker process starts without an event loop

        result = asyncio.run(_awaited(result))
    return result


def execute_blocking(spec: JobSpec, function: Callable[..., Any], backends: Backends) -> JobOutcome:
    """Run a job in a thread without an event loop (coroutines get one of their own)."""
    try:
        result = call_blocking(function, read_inputs(spec, backends))
        return JobOutcome(payloads=write_outputs(spec, backends, result))
    except TASK_ERRORS as error:
        return failure(error)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
