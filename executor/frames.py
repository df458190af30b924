"""Length-prefixed messages over pipes, the blocking side (a worker process reads and writes these).

Kept to ``os`` and ``struct``, so a worker process that imports it starts quickly; the
orchestrator's asynchronous end of the same pipes is ``channel.py``.
"""

from __future__ import annotations

import os
import struct

#: Each message is its length (8 bytes, big-endian) followed by its bytes.
HEADER = struct.Struct("!Q")


def send_blocking(fd: int, data: bytes) -> None:
    """Write one message (blocking)."""
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


def receive_blocking(fd: int) -> bytes | None:
    """Read one message (blocking); None at end of file."""
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    return _read_exactly(fd, HEADER.unpack(header)[0])
