"""What ``ledgerflow run`` draws on stderr while its application works (a terminal only, not ``--quiet``).

The application writes its progress into a pipe (``service/notifications/run_channel.py``); a
thread here reads it and draws one row per submission of several jobs in progress
(``scenario "s" ━━━━━━ 2/3 jobs running: second · 1 failed``), and one while the start-up folds a
long log (``commands/progress.py`` says when). A row goes once its work is done; nothing stays on
screen. The application asks for the bar to go before it writes to the terminal (``sync``), so its
own lines and ledgerflow's log lines are never drawn over.
"""

from __future__ import annotations

import os
import select
import threading
import time
from contextlib import suppress
from types import TracebackType
from typing import Any

import orjson
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from ledgerflow.commands.common import errors
from ledgerflow.commands.progress import FOLD_AFTER, FOLD_DESCRIPTION, FOLD_SHOWN_FROM

__all__ = ["RunProgress"]

_FOLD = "fold"


def _detail(message: dict[str, Any]) -> str:
    parts = [f"running: {', '.join(message['running'])}"] if message.get("running") else []
    parts += [
        f"{message[key]} {word}" for key, word in (("failed", "failed"), ("not_run", "not run")) if message.get(key)
    ]
    return " · ".join(parts)


class RunProgress:
    """Draws what the application ``ledgerflow run`` started sends through its pipes, while in the block."""

    def __init__(self) -> None:
        self._read_end, self._child_end = os.pipe()  # the application's progress
        self._child_acks, self._acks = os.pipe()  # our answers to its syncs
        os.set_blocking(self._acks, False)
        columns = (
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}", markup=False),
            TextColumn("{task.fields[detail]}", markup=False),
        )
        self.bar = Progress(*columns, console=errors, transient=True, auto_refresh=False)
        self.rows: dict[str, TaskID] = {}
        self.fold_began: float | None = None
        self._partial = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="ledgerflow-run-progress", daemon=True)

    @property
    def child_fds(self) -> tuple[int, int]:
        """The pipe ends the application gets (``pass_fds``)."""
        return self._child_end, self._child_acks

    @property
    def variable(self) -> str:
        """``LEDGERFLOW_RUN_PROGRESS`` for the application: its pipe ends and this process's id."""
        return f"{self._child_end}:{self._child_acks}:{os.getpid()}"

    def __enter__(self) -> RunProgress:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self.bar.stop()
        for fd in (self._read_end, self._child_end, self._child_acks, self._acks):
            os.close(fd)

    def _follow(self) -> None:
        while not self._stop.is_set():
            if select.select([self._read_end], [], [], 0.1)[0]:
                self._handle(os.read(self._read_end, 65536))
        while select.select([self._read_end], [], [], 0)[0]:  # what the application wrote last
            self._handle(os.read(self._read_end, 65536))

    def _handle(self, data: bytes) -> None:
        """Draw the latest message of each submission (and of the fold) in ``data``, then answer its syncs."""
        *lines, self._partial = (self._partial + data).split(b"\n")
        latest: dict[str, dict[str, Any]] = {}
        syncs = []
        for line in lines:
            try:
                message = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if "sync" in message:
                syncs.append(int(message["sync"]))
            else:
                latest[str(message.get("submission", _FOLD))] = message
        self._draw(latest)
        if syncs:
            self.bar.stop()  # drawn again with the next change
        for sync in syncs:
            with suppress(OSError):
                os.write(self._acks, f"{sync}\n".encode())

    def _draw(self, latest: dict[str, dict[str, Any]]) -> None:
        ended = []
        for key, message in latest.items():
            total, done = int(message.get("total", 0)), int(message.get("fold", message.get("done", 0)))
            if key not in self.rows and not self._shown(key, total):
                continue
            if key not in self.rows:
                name = f'{str(message.get("kind", "")).lower()} "{message.get("name", key)}"'
                description, unit = (FOLD_DESCRIPTION, "events") if key == _FOLD else (name, "jobs")
                self.rows[key] = self.bar.add_task(description, total=total, unit=unit, detail="")
            self.bar.update(self.rows[key], completed=done, total=total, detail=_detail(message))
            if done >= total:
                ended.append(key)
        held = any(message.get("hold") for message in latest.values())  # the application is mid-line
        if latest and self.rows and not held:
            self.bar.start()
            self.bar.refresh()  # every change is drawn once, even the one that ends the work
        for key in ended:
            self.bar.remove_task(self.rows.pop(key))
        if not self.rows:
            self.bar.stop()

    def _shown(self, key: str, total: int) -> bool:
        """Whether a row that is not drawn yet should be: a submission always, a fold when long."""
        if key != _FOLD:
            return True
        self.fold_began = self.fold_began or time.monotonic()
        return total >= FOLD_SHOWN_FROM or time.monotonic() - self.fold_began >= FOLD_AFTER
