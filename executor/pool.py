"""A pool of at most ``size`` long-lived worker processes (standalone mode).

Workers are fresh interpreters (``executor/worker.py``) started when the pool starts and kept
for the pool's life. A job borrows an idle worker — first come, first served — so no more than
``size`` jobs ever run at once. A worker that dies (kill -9, a crash in native code) or that is
killed to cancel its job is replaced by a new process at once; the job it ran ends ``lost``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import anyio

from ledgerflow.executor.channel import AsyncChannel, ChannelClosed
from ledgerflow.executor.jobspec import JobOutcome
from ledgerflow.executor.worker import BOOT, Reply, Request

log = logging.getLogger("ledgerflow")


class WorkerProcess:
    """One worker process and the pipes to it."""

    def __init__(self, setup: dict[str, Any]) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", BOOT, str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                close_fds=True,
                stdin=subprocess.DEVNULL,  # output goes where the application's goes
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.channel = AsyncChannel(from_child_r, to_child_w)
        self.job_id: str | None = None
        self.killed: str | None = None  # why it was killed on purpose
        self._setup = pickle.dumps(setup, protocol=5)

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.process.pid

    @property
    def alive(self) -> bool:
        """Whether the worker can take a job (known from its pipe, without a system call)."""
        return self.killed is None and not self.channel.closed

    def why_lost(self) -> str:
        """What happened to a worker that stopped answering."""
        if self.killed is not None:
            return f"worker process {self.pid} was killed {self.killed}"
        code = self.process.poll()
        how = f"exit code {code}" if code is None or code >= 0 else f"signal {-code}"
        return f"worker lost: worker process {self.pid} died while running the job ({how})"

    async def run(self, job_id: str, request: Request) -> Reply | None:
        """Send a job and wait for its reply; None when the worker died or was killed first.

        Raises ``ChannelClosed`` when the job could not even be sent (the worker was already gone).
        """
        self.job_id = job_id
        try:
            if self._setup:
                await self.channel.send(self._setup)
                self._setup = b""
            await self.channel.send(pickle.dumps(request, protocol=5))
        except ChannelClosed:
            self.job_id = None
            raise
        try:
            data = await self.channel.receive()
        finally:
            self.job_id = None
        if data is None:
            await self._reap()
            return None
        reply: Reply = pickle.loads(data)
        return reply

    def kill(self, why: str = "to stop it") -> None:
        """Kill the process now (its pipe then reads as closed)."""
        self.killed = why
        with suppress(ProcessLookupError):
            self.process.kill()

    async def _reap(self) -> None:
        with anyio.move_on_after(5):
            while self.process.poll() is None:
                await anyio.sleep(0.01)

    async def stop(self, timeout: float = 5.0) -> None:
        """Close the pipes (the worker exits after its current job); kill it after ``timeout``."""
        self.channel.close()
        with anyio.move_on_after(timeout):
            while self.process.poll() is None:
                await anyio.sleep(0.02)
        if self.process.poll() is None:
            self.kill()
            await self._reap()


@dataclass
class Slot:
    """A borrowed worker (replaced in place when it dies)."""

    worker: WorkerProcess


class WorkerPool:
    """At most ``size`` worker processes; jobs wait for an idle one in arrival order.

    A worker given back goes straight to the job that waited longest (a future of the loop each:
    no stream, no task in between), else to the idle ones.
    """

    def __init__(self, size: int, setup: dict[str, Any]) -> None:
        self.size = size
        self.setup = setup
        self._idle: deque[WorkerProcess] = deque()
        self._waiters: deque[asyncio.Future[WorkerProcess]] = deque()
        self.workers: list[WorkerProcess] = []
        self.closed = False

    def start(self) -> None:
        """Start every worker process (they boot in parallel, in the background)."""
        for _ in range(self.size):
            worker = WorkerProcess(self.setup)
            self.workers.append(worker)
            self._idle.append(worker)

    async def _borrow(self) -> WorkerProcess:
        """An idle worker, or the next one given back (first come, first served)."""
        if self._idle and not self._waiters:
            return self._idle.popleft()
        waiter: asyncio.Future[WorkerProcess] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except BaseException:  # canceled while waiting: a worker handed over meanwhile goes to the next job
            if waiter.done() and not waiter.cancelled():
                self._give_back(waiter.result())
            else:
                waiter.cancel()
            raise

    def _give_back(self, worker: WorkerProcess) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a canceled waiter is skipped
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _replace(self, worker: WorkerProcess) -> WorkerProcess:
        worker.channel.close()
        fresh = WorkerProcess(self.setup)
        self.workers[self.workers.index(worker)] = fresh
        log.info("Worker process %s replaced by %s", worker.pid, fresh.pid)
        return fresh

    async def borrow(self) -> Slot:
        """An idle, live worker (waiting for one); ``give_back`` it after."""
        slot = Slot(await self._borrow())
        if not slot.worker.alive and not self.closed:
            try:
                slot.worker = self._replace(slot.worker)
            except BaseException:
                self._give_back(slot.worker)
                raise
        return slot

    def give_back(self, slot: Slot) -> None:
        """Return a borrowed worker to the pool (a dead one is replaced first)."""
        if not slot.worker.alive and not self.closed:
            slot.worker = self._replace(slot.worker)
        self._give_back(slot.worker)

    async def run(self, slot: Slot, job_id: str, request: Request) -> Reply | None:
        """Run a job on the slot's worker; a worker found dead before the job reached it is replaced first."""
        try:
            return await slot.worker.run(job_id, request)
        except ChannelClosed:  # died while idle: nothing ran, so the job goes to a fresh worker
            slot.worker = self._replace(slot.worker)
            try:
                return await slot.worker.run(job_id, request)
            except ChannelClosed:
                return None

    def kill_job(self, job_id: str, why: str) -> bool:
        """Kill the worker running ``job_id`` (``why`` completes "worker process N was killed ..."); True if one was."""
        for worker in self.workers:
            if worker.job_id == job_id:
                worker.kill(why)
                return True
        return False

    async def close(self) -> None:
        """Stop every worker process."""
        self.closed = True
        async with anyio.create_task_group() as group:
            for worker in self.workers:
                group.start_soon(worker.stop)


def lost_outcome(worker: WorkerProcess) -> JobOutcome:
    """The outcome of a job whose worker stopped answering."""
    reason = worker.why_lost()
    return JobOutcome(error=reason, stacktrace=[reason], lost=True)
