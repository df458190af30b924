"""The orchestrator's event loop, running in its own daemon thread.

Synchronous callers reach it through an anyio ``BlockingPortal``. The thread is a daemon so
a script that forgets ``Orchestrator().stop()`` still exits (the session's atexit hook
makes everything durable first). Starting it does not wait for the loop to run (importing the
event loop's backend and starting the thread take tens of milliseconds on a busy machine):
what is ``spawn``-ed meanwhile starts as soon as it runs, and ``call`` waits for it.

Spawned work runs as plain asyncio tasks (anyio's cancel scopes and task groups work inside them),
which the loop waits for before it stops: starting one costs a few microseconds, an anyio task
group's ``start_soon`` about 30 (a task per submission).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
from anyio.from_thread import BlockingPortal

T = TypeVar("T")
log = logging.getLogger("ledgerflow")


class LoopThread:
    """An anyio event loop in a daemon thread, with a portal into it."""

    def __init__(self, name: str = "ledgerflow-orchestrator") -> None:
        self._ready = threading.Event()
        self._portal: BlockingPortal | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # spawned work still running
        self._spawn_lock = threading.Lock()
        self._to_spawn: list[tuple[Callable[..., Awaitable[Any]], tuple[Any, ...]]] = []
        self._stop: anyio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _wait_ready(self) -> None:
        """Wait until the loop runs; raise what stopped it from starting."""
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _main(self) -> None:
        try:
            anyio.run(self._serve)
        except BaseException as error:  # raised by the next call, spawn or stop
            self._error = error
            self._ready.set()

    async def _serve(self) -> None:
        async with BlockingPortal() as portal:
            self._portal = portal
            self._stop = anyio.Event()
            with self._spawn_lock:  # what was spawned before the loop ran starts now
                self._loop = asyncio.get_running_loop()
                if self._to_spawn:
                    self._loop.call_soon(self._start_spawned)
            self._ready.set()
            await self._stop.wait()
            await portal.stop(cancel_remaining=False)
            while self._tasks:  # let spawned work finish, as a task group would
                await asyncio.wait(list(self._tasks))

    @property
    def portal(self) -> BlockingPortal:
        """The portal into the loop (once it runs)."""
        self._wait_ready()
        assert self._portal is not None
        return self._portal

    @property
    def in_loop_thread(self) -> bool:
        """Whether the caller runs in the loop's own thread."""
        return threading.current_thread() is self._thread

    def call(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``fn(*args)`` in the loop and wait for its result."""
        return self.portal.call(fn, *args)

    def spawn(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Start ``fn(*args)`` in the loop without waiting for it, even to start (any thread).

        Calls made while the loop is busy, or before it runs, are started together: one wake-up for many.
        """
        if self._error is not None:
            raise self._error
        with self._spawn_lock:
            self._to_spawn.append((fn, args))
            if len(self._to_spawn) > 1 or self._loop is None:
                return
            loop = self._loop
        loop.call_soon_threadsafe(self._start_spawned)

    def _start_spawned(self) -> None:
        assert self._loop is not None
        with self._spawn_lock:
            spawned, self._to_spawn = self._to_spawn, []
        for fn, args in spawned:
            task = self._loop.create_task(_logged(fn, *args))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def stop(self, timeout: float | None = 10.0) -> None:
        """Let running work finish, then stop the loop."""
        self._wait_ready()
        if self._stop is not None and self._thread.is_alive():
            self.portal.call(self._stop.set)
            self._thread.join(timeout)


async def _logged(fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
    try:
        await fn(*args)
    except Exception:
        log.exception("A task of the orchestrator's loop failed")
