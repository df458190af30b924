"""The orchestrator's loop thread: starting it does not wait for the loop, and nothing spawned early is lost."""

from __future__ import annotations

import threading
from typing import Any

import anyio
import pytest

from ledgerflow.executor import loop as loop_module
from ledgerflow.executor.loop import LoopThread


def test_work_spawned_before_the_loop_runs_starts_once_it_does_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    go = threading.Event()
    real_run = anyio.run

    def held_run(*args: Any, **kwargs: Any) -> Any:  # the loop starts only once the test says so
        go.wait(10)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(loop_module.anyio, "run", held_run)
    loop = LoopThread(name="test-loop")  # returns while the loop is not running yet
    ran: list[int] = []
    finished = threading.Event()

    async def note(i: int) -> None:
        ran.append(i)

    async def last() -> None:
        finished.set()

    for i in range(3):
        loop.spawn(note, i)
    loop.spawn(last)
    assert ran == [] and not finished.is_set()
    go.set()
    assert finished.wait(10)
    assert ran == [0, 1, 2]

    async def answer() -> int:
        return 42

    assert loop.call(answer) == 42  # and later work still reaches it
    loop.spawn(note, 3)
    assert loop.call(answer) == 42
    loop.stop()
    assert ran == [0, 1, 2, 3]


def test_a_loop_that_could_not_start_says_why_at_the_next_use(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_run(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("no event loop here")

    monkeypatch.setattr(loop_module.anyio, "run", broken_run)
    loop = LoopThread(name="test-loop")

    async def nothing() -> None:
        return None

    with pytest.raises(RuntimeError, match="no event loop here"):
        loop.call(nothing)
    with pytest.raises(RuntimeError, match="no event loop here"):
        loop.spawn(nothing)
