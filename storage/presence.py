"""Which processes have a storage folder open: a shared lock on ``<folder>/open.lock`` while they do.

Every ``Runtime`` holds a shared POSIX record lock on the first byte of that file. A process that
must be alone — ``compact`` removes payloads the others may believe stored — asks for it
exclusively (``Presence.alone()``), which fails at once while another process holds its shared
lock. The operating system drops the locks of a process when it ends, kill -9 included.

POSIX locks belong to the process and vanish when it closes any descriptor of the file, so the
descriptor is shared by every ``Presence`` of a process and closed with the last one. Locks are
local to a machine: processes on other machines sharing a PostgreSQL store are not seen. Without
``fcntl`` (Windows) nothing is locked.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledgerflow.domain.errors import LedgerflowError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["Presence", "StoreInUse"]

_lock = threading.Lock()
_open: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, Presence objects using it)


class StoreInUse(LedgerflowError):
    """Another process has the store open, and the operation must run alone."""


class Presence:
    """This process's shared lock on a storage folder, held until ``close()``."""

    def __init__(self, storage_folder: str | os.PathLike[str]) -> None:
        self.path = Path(storage_folder).absolute() / "open.lock"
        self.closed = False
        with _lock:
            fd, users = _open.get(self.path, (-1, 0))
            if fd < 0:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: values, the log
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                if fcntl is not None:
                    fcntl.lockf(fd, fcntl.LOCK_SH)  # waits only while a process runs alone
            _open[self.path] = (fd, users + 1)
        self._fd = fd

    @contextmanager
    def alone(self, doing: str) -> Iterator[None]:
        """Hold the folder exclusively while ``doing``; ``StoreInUse`` if another process has it open."""
        if fcntl is None:
            yield
            return
        with _lock:
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreInUse(
                    f"Cannot {doing}: another process on this machine has the store in {self.path.parent} open "
                    "(an application, an orchestrator or a worker). Stop it first, then run this again."
                ) from None
        try:
            yield
        finally:
            with _lock:
                fcntl.lockf(self._fd, fcntl.LOCK_SH)

    def close(self) -> None:
        """Let go of this process's share (the lock goes with the last ``Presence`` of the folder)."""
        with _lock:
            if self.closed:
                return
            self.closed = True
            fd, users = _open[self.path]
            if users > 1:
                _open[self.path] = (fd, users - 1)
                return
            del _open[self.path]
            os.close(fd)
