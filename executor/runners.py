"""Runners execute a job's function; the orchestrator records what happened.

One small protocol, two runners here: the in-loop runner (development mode) calls the function
in the orchestrator's event loop — async functions are awaited — and the subprocess runner
(standalone mode, ``executor/standalone.py``) sends it to a pool of worker processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import anyio

from ledgerflow.domain.config import resolve_function
from ledgerflow.executor import execution
from ledgerflow.executor.execution import TASK_ERRORS, call_blocking, results_as_list
from ledgerflow.executor.jobspec import JobOutcome, JobSpec, failure
from ledgerflow.executor.timeouts import timed_out
from ledgerflow.storage.datanodes import Backends

if TYPE_CHECKING:
    from ledgerflow.runtime.runtime import Runtime

__all__ = ["FollowsLog", "InLoopRunner", "Runner", "Start", "execute", "results_as_list"]

#: Called once the runner can run the job now: records RUNNING and returns what to run,
#: or None to give up (the job was canceled while it waited).
Start = Callable[[], JobSpec | None]


class Runner(Protocol):
    """Executes jobs, at most ``capacity`` at once."""

    capacity: int

    async def run(self, job_id: str, start: Start) -> JobOutcome | None:
        """Wait for capacity, call ``start``, run the job; None if ``start`` gave up."""
        ...

    def cancel(self, job_id: str, why: str = "to cancel the job") -> bool:
        """Stop a running job (its outcome is then ``lost``, ``why`` says why); True if it was running."""
        ...

    async def close(self) -> None:
        """Release the workers."""
        ...


@runtime_checkable
class FollowsLog(Protocol):
    """A runner whose jobs other processes record: it follows the log for them while the orchestrator runs."""

    async def follow(self, runtime: Runtime) -> None:
        """Fold in other processes' events as they are committed, until ``close``."""
        ...


def _function(spec: JobSpec) -> Callable[..., Any]:
    if callable(spec.function):
        return spec.function
    function: Callable[..., Any] = resolve_function(spec.function)
    return function


async def execute(spec: JobSpec, backends: Backends) -> JobOutcome:
    """Run a job in the caller's event loop: read, call (awaiting coroutines), write."""
    try:
        function = _function(spec)
    except Exception as error:
        return failure(error)
    return await execution.execute(spec, function, backends)


class InLoopRunner:
    """Development mode: the function runs in the orchestrator's loop, one job at a time."""

    capacity = 1
    sequential = True  # the dispatcher runs its jobs one after the other, without a task each

    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self._scopes: dict[str, anyio.CancelScope] = {}
        self._why: dict[str, str] = {}
        self._lock = anyio.Lock()

    async def run(self, job_id: str, start: Start) -> JobOutcome | None:
        # Free: take the lock without yielding to the loop (a yield per job lets the writer
        # thread take the GIL for up to a switch interval); the dispatcher yields now and then.
        if self._lock.locked():
            await self._lock.acquire()
        else:
            self._lock.acquire_nowait()
        try:
            return await self._run(job_id, start)
        finally:
            self._lock.release()

    async def _run(self, job_id: str, start: Start) -> JobOutcome | None:
        spec = start()
        if spec is None:
            return None
        with anyio.CancelScope() as scope:
            self._scopes[job_id] = scope
            try:
                if spec.timeout is None:
                    return await execute(spec, self.backends)
                return await self._run_with_timeout(spec, spec.timeout)
            finally:
                del self._scopes[job_id]
        reason = f"the job was stopped {self._why.pop(job_id, 'while it ran')}"
        return JobOutcome(error=reason, stacktrace=[reason], lost=True)

    async def _run_with_timeout(self, spec: JobSpec, seconds: float) -> JobOutcome:
        """Call the function in a thread, so the loop can give up on it after ``seconds``.

        Inputs are read and outputs written here; a plain function cannot be stopped, so past its
        time it is left to finish in the background and what it returns is dropped.
        """
        try:
            function = _function(spec)
            inputs = execution.read_inputs(spec, self.backends)
        except TASK_ERRORS as error:
            return failure(error)
        with anyio.move_on_after(seconds):
            try:
                result = await anyio.to_thread.run_sync(call_blocking, function, inputs, abandon_on_cancel=True)
                return JobOutcome(payloads=execution.write_outputs(spec, self.backends, result))
            except TASK_ERRORS as error:
                return failure(error)
        reason = timed_out(seconds)
        return JobOutcome(error=reason, stacktrace=[reason])

    def cancel(self, job_id: str, why: str = "to cancel the job") -> bool:
        scope = self._scopes.get(job_id)
        if scope is None:
            return False
        self._why[job_id] = why
        scope.cancel()  # an async function stops at its next await; a plain one cannot be interrupted
        return True

    async def close(self) -> None:
        return None
