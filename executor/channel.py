"""Length-prefixed messages over pipes between the orchestrator and a worker process.

The worker's side blocks (it does one thing at a time: ``frames.py``). The orchestrator's side lives in its
asyncio event loop: the read end is registered once with the loop (a protocol collects complete
messages as bytes arrive), so a reply costs one read and no registration; writes go straight to
the non-blocking pipe. An end of file means the other side is gone: ``None`` is received instead
of a message, and ``closed`` turns true at once, even while no job runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque

import anyio

from ledgerflow.executor.frames import HEADER as _HEADER


class ChannelClosed(ConnectionError):
    """The other end of the pipe is gone."""


class _Messages(asyncio.Protocol):
    """Collects complete messages from the read end of a pipe."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.messages: deque[bytes | None] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.ended = False

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= _HEADER.size:
            end = _HEADER.size + _HEADER.unpack_from(buffer)[0]
            if len(buffer) < end:
                break
            self.messages.append(bytes(buffer[_HEADER.size : end]))
            del buffer[:end]
        self._wake()

    def eof_received(self) -> bool:
        self._end()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()

    def _end(self) -> None:
        if not self.ended:
            self.ended = True
            self.messages.append(None)
            self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class AsyncChannel:
    """The orchestrator's end of a worker's two pipes (used from its event loop only)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        os.set_blocking(write_fd, False)
        self._read_file = os.fdopen(read_fd, "rb", buffering=0)
        self.write_fd = write_fd
        self._messages: _Messages | None = None
        self._transport: asyncio.ReadTransport | None = None
        self._write_closed = False

    @property
    def closed(self) -> bool:
        """True once the worker's end is gone (or this end was closed)."""
        return self._write_closed or (self._messages is not None and self._messages.ended)

    async def _reader(self) -> _Messages:
        if self._messages is None:
            loop = asyncio.get_running_loop()
            self._transport, self._messages = await loop.connect_read_pipe(_Messages, self._read_file)
        return self._messages

    async def send(self, data: bytes) -> None:
        """Write one message; raises ``ChannelClosed`` when the worker is gone."""
        if self._messages is None:
            await self._reader()  # watch for the end of file from now on
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            try:
                view = view[os.write(self.write_fd, view) :]
            except BlockingIOError:
                await anyio.wait_writable(self.write_fd)
            except OSError as error:
                raise ChannelClosed(str(error)) from error

    async def receive(self) -> bytes | None:
        """The next message; None when the worker is gone."""
        messages = self._messages if self._messages is not None else await self._reader()
        while not messages.messages:
            messages.waiter = asyncio.get_running_loop().create_future()
            try:
                await messages.waiter
            finally:
                messages.waiter = None
        message = messages.messages[0]
        if message is not None:  # the end of file stays, for every later call
            messages.messages.popleft()
        return message

    def close(self) -> None:
        """Close both pipes (the worker then sees end of file)."""
        if not self._write_closed:
            self._write_closed = True
            with contextlib.suppress(OSError):
                os.close(self.write_fd)
            if self._transport is not None:
                self._transport.close()
            else:
                self._read_file.close()
