"""The pipes between ``ledgerflow run`` and the application it started, when the command draws progress.

When ``ledgerflow run`` shows progress (its stderr is a terminal, no ``--quiet``), it hands this
process two pipes, named in ``LEDGERFLOW_RUN_PROGRESS`` (``WRITE_FD:ACK_FD:ITS_PID``), and draws
the JSON lines written to the first (``commands/run_progress.py``; what they say:
``run_progress.py``). ``{"sync": K}`` asks it to take its bar off the screen and answer ``K`` on the
second pipe: sent before this process writes to the terminal while a bar may be shown (its
``sys.stdout``/``sys.stderr`` and ledgerflow's log lines go through ``clear``), so nothing is
written over the bar; the answer is waited for at most ``SYNC_SECONDS``. A line the application
has begun and not ended holds the bar back (``"hold": true``) until it does.

Only the process ``ledgerflow run`` started uses them (another one that inherited the variable
writes nothing); a full pipe drops a line rather than wait; without the variable nothing is written.
"""

from __future__ import annotations

import itertools
import os
import select
import stat
import sys
import threading
import time
from contextlib import suppress
from typing import Any

import orjson

__all__ = ["PROGRESS_ENV", "clear", "is_open", "sync", "tell"]

PROGRESS_ENV = "LEDGERFLOW_RUN_PROGRESS"
SYNC_SECONDS = 1.0
_pipes: dict[tuple[str, int], tuple[int, int] | None] = {}  # (variable, pid) -> (write, ack) file descriptors
_syncs = itertools.count(1)
_acked = 0
_ack_lock = threading.Lock()
_shown = False  # a bar may be on the screen: something was told since the last sync
_mid_line = False  # the application's last write did not end its line: no bar until it does


def _is_pipe(fd: int) -> bool:
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False


def _channel() -> tuple[int, int] | None:
    value = os.environ.get(PROGRESS_ENV)
    if not value:
        return None
    key = (value, os.getpid())  # a process forked from the application is not it
    if key not in _pipes:
        parts = value.split(":")
        write, ack, parent = (int(p) for p in parts) if len(parts) == 3 and all(map(str.isdigit, parts)) else (-1,) * 3
        ours = parent == os.getppid() and _is_pipe(write) and _is_pipe(ack)
        _pipes[key] = (write, ack) if ours else None
        if ours:
            os.set_blocking(write, False)
            sys.stdout, sys.stderr = _on_the_terminal(sys.stdout), _on_the_terminal(sys.stderr)
    return _pipes[key]


def _on_the_terminal(stream: Any) -> Any:
    """``stream``, wrapped in a ``_ClearingStream`` when it writes to the terminal (not to a file or a pipe)."""
    try:
        return _ClearingStream(stream) if stream is not None and stream.isatty() else stream
    except (AttributeError, ValueError):  # no isatty, or closed
        return stream


def is_open() -> bool:
    """Whether ``ledgerflow run`` draws this process's progress."""
    return _channel() is not None


def _write(channel: tuple[int, int], message: dict[str, Any]) -> None:
    with suppress(OSError):  # progress is a courtesy: never the application's failure (nor its wait)
        os.write(channel[0], orjson.dumps(message) + b"\n")


def tell(message: dict[str, Any]) -> None:
    """Send ``message`` to ``ledgerflow run`` (nothing without the pipes)."""
    global _shown
    channel = _channel()
    if channel is not None:
        _shown = True
        _write(channel, {**message, "hold": True} if _mid_line else message)


def clear() -> None:
    """Before writing to the terminal: have ``ledgerflow run`` take its bar off the screen (if it may show one)."""
    if _shown:
        sync()


class _ClearingStream:
    """The application's ``sys.stdout``/``sys.stderr`` while ``ledgerflow run`` draws: ``clear`` before a write."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> Any:
        global _mid_line
        clear()
        if text:
            _mid_line = not text.endswith("\n")  # print() writes the end of the line apart
        return self._stream.write(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def sync() -> None:
    """Wait until ``ledgerflow run`` has drawn everything told so far and taken the bar off the screen
    (at most ``SYNC_SECONDS``)."""
    global _acked, _shown
    channel = _channel()
    if channel is None:
        return
    _shown = False
    wanted = next(_syncs)
    _write(channel, {"sync": wanted})
    deadline = time.monotonic() + SYNC_SECONDS
    with _ack_lock:
        while _acked < wanted and (left := deadline - time.monotonic()) > 0:
            if select.select([channel[1]], [], [], left)[0]:
                answers = os.read(channel[1], 4096).split()
                if not answers:
                    return  # the command is gone
                _acked = max(_acked, *(int(answer) for answer in answers))
