"""Taking turns: one process (and one thread) at a time inside a block, on one machine.

An exclusive POSIX record lock on a file of the storage folder, held for the block; another
process asking for the same turn waits for it. The operating system drops the lock of a process
that ends, kill -9 included. Without ``fcntl`` (Windows) only the threads of a process take turns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["turn"]

_threads = threading.RLock()


@contextmanager
def turn(storage_folder: str | os.PathLike[str], name: str) -> Iterator[None]:
    """Hold the turn ``name`` of the storage folder for the block, waiting for other processes' turns."""
    path = Path(storage_folder).absolute() / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _threads:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.lockf(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
