"""The futures the event writer hands out: one lock and one wake-up per batch, not per command.

A ``concurrent.futures.Future`` builds a ``Condition`` (and its lock) when it is created and
takes that lock, and notifies it, on each of its two state changes: about 6 µs per command
here, as much as inserting its event. ``Outcome`` is a ``Future`` whose state changes are made by
the writer for a whole batch at once (``start``, ``settle``), under one condition shared by all
the writer's futures (its *hub*). Waiting on one of them wakes at each batch and checks its own
state again. Cancelling, callbacks, ``concurrent.futures.wait`` and ``as_completed`` behave as on
a plain ``Future``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Future, InvalidStateError
from concurrent.futures._base import (  # the states wait() and as_completed() read
    CANCELLED,
    CANCELLED_AND_NOTIFIED,
    FINISHED,
    PENDING,
    RUNNING,
)
from typing import Any

__all__ = ["Outcome", "settle", "start"]

log = logging.getLogger(__name__)

_DONE = (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED)
_CANCELLED = (CANCELLED, CANCELLED_AND_NOTIFIED)


class Outcome(Future[list[int]]):
    """The future of one command's positions; its state changes under the writer's ``hub``."""

    def __init__(self, hub: threading.Condition) -> None:  # no Future.__init__: no Condition of its own
        self._condition = hub
        self._state = PENDING
        self._result = None
        self._exception: BaseException | None = None
        self._waiters: list[Any] = []
        self._done_callbacks: list[Callable[[Future[list[int]]], object]] = []

    def __repr__(self) -> str:
        return f"<Outcome at {id(self):#x} state={self._state}>"

    def cancel(self) -> bool:
        """Withdraw the command unless the writer has started writing it."""
        with self._condition:
            if self._state in (RUNNING, FINISHED):
                return False
            if self._state in _CANCELLED:
                return True
            self._state = CANCELLED
            self._condition.notify_all()
        self._run_callbacks()
        return True

    def cancelled(self) -> bool:
        """Whether it was cancelled."""
        return self._state in _CANCELLED

    def running(self) -> bool:
        """Whether the writer is writing it."""
        return self._state == RUNNING

    def done(self) -> bool:
        """Whether it was written, failed or was cancelled."""
        return self._state in _DONE

    def result(self, timeout: float | None = None) -> list[int]:
        """The positions of the command's events once durable (raises its error)."""
        if self._state != FINISHED:
            self._wait(timeout)
        if self._exception is not None:
            raise self._exception
        return self._result  # type: ignore[return-value]

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The command's error once done, else None."""
        if self._state != FINISHED:
            self._wait(timeout)
        return self._exception

    def _wait(self, timeout: float | None) -> None:
        with self._condition:
            if not self._condition.wait_for(self.done, timeout):
                raise TimeoutError
        if self._state in _CANCELLED:
            raise CancelledError

    def add_done_callback(self, fn: Callable[[Future[list[int]]], object]) -> None:
        """Call ``fn(self)`` once done (at once if it is); on the writer thread otherwise."""
        if self._state not in _DONE:
            with self._condition:
                if self._state not in _DONE:
                    self._done_callbacks.append(fn)
                    return
        _call(fn, self)

    def set_running_or_notify_cancel(self) -> bool:
        """One future at a time (the writer uses ``start``)."""
        return bool(start([self]))

    def set_result(self, result: list[int]) -> None:
        """One future at a time (the writer uses ``settle``)."""
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        settle([(self, result, None)])

    def set_exception(self, exception: BaseException | None) -> None:
        """One future at a time (the writer uses ``settle``)."""
        if self.done():
            raise InvalidStateError(f"{self._state}: {self!r}")
        settle([(self, None, exception)])

    def _run_callbacks(self) -> None:
        callbacks, self._done_callbacks = self._done_callbacks, []
        for fn in callbacks:
            _call(fn, self)


def start(futures: Iterable[Outcome]) -> list[bool]:
    """Mark pending futures running (True); cancelled ones are told so (False). One lock for all."""
    futures = list(futures)
    if not futures:
        return []
    started = []
    with futures[0]._condition:
        for future in futures:
            state = future._state
            if state == PENDING:
                future._state = RUNNING
                started.append(True)
            elif state == CANCELLED:
                future._state = CANCELLED_AND_NOTIFIED
                for waiter in future._waiters:
                    waiter.add_cancelled(future)
                started.append(False)
            else:
                raise RuntimeError(f"Future in unexpected state: {future!r}")
    return started


def settle(outcomes: Iterable[tuple[Outcome, list[int] | None, BaseException | None]]) -> None:
    """Finish futures with their positions or errors: one lock and one wake-up, then their callbacks.

    A future already done (cancelled meanwhile) is left as it is.
    """
    outcomes = list(outcomes)
    if not outcomes:
        return
    called = []
    hub = outcomes[0][0]._condition
    with hub:
        for future, result, error in outcomes:
            if future._state in _DONE:
                continue
            future._result, future._exception, future._state = result, error, FINISHED
            for waiter in future._waiters:
                if error is None:
                    waiter.add_result(future)
                else:
                    waiter.add_exception(future)
            if future._done_callbacks:
                called.append(future)
        hub.notify_all()
    for future in called:
        future._run_callbacks()


def _call(fn: Callable[[Future[list[int]]], object], future: Outcome) -> None:
    try:
        fn(future)
    except Exception:
        log.exception("exception calling callback for %r", future)
