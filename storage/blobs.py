"""A content-addressed blob store: every value is a file named by its sha256.

Blobs live in fan-out folders (``ab/cdef…`` for hash ``abcdef…``). A write goes to a temporary
file in ``.tmp/`` that is fsynced and renamed into place, so a crash never leaves a partial blob;
writing a value that is already stored writes nothing. Reads verify the hash.

With ``inline`` attached, values up to its size limit are not files but rows of the event
store's own database, committed with the events that record them (``inline_blobs.py``);
their recorded location is ``"db"``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ledgerflow.storage.errors import BlobCorrupted, BlobNotFound, BlobStoreError
from ledgerflow.storage.inline_blobs import InlineBlobs

__all__ = ["INLINE_LOCATION", "BlobRef", "BlobStore"]

#: The location recorded for a payload kept in the event store's database.
INLINE_LOCATION = "db"

_CHUNK = 1 << 20
_HASH = re.compile(r"[0-9a-f]{64}")


class BlobRef(NamedTuple):
    """What an event records about a stored value."""

    hash: str
    size: int
    location: str  # relative to the store's folder, e.g. "ab/cdef..."


class BlobStore:
    """Store and fetch immutable byte strings by their sha256."""

    def __init__(
        self, folder: str | os.PathLike[str], *, fsync: bool = True, inline: InlineBlobs | None = None
    ) -> None:
        self.folder = Path(folder).absolute()
        self.fsync = fsync
        self.inline = inline
        self._tmp = self.folder / ".tmp"
        # What this process already stored or found intact: no file system call for those.
        self._known: set[str] = set()
        self._folders: set[str] = set()

    def put(self, data: bytes) -> BlobRef:
        """Store ``data`` (once: an identical value is not written again)."""
        digest = hashlib.sha256(data).hexdigest()
        if self.inline is not None and len(data) <= self.inline.limit:
            if digest not in self._known:
                self.inline.stage(digest, data)
                self._known.add(digest)
            return BlobRef(digest, len(data), INLINE_LOCATION)
        if digest not in self._known and not self._is_intact(digest, len(data)):
            try:
                self._place(self._spool([data]), digest)
            except OSError as error:
                raise BlobStoreError(f"Cannot write blob {digest} in {self.folder}: {error}") from error
        self._known.add(digest)
        return self._ref(digest, len(data))

    def forget(self, digests: Iterable[str]) -> None:
        """Stop trusting that these blobs are stored (they are being removed): the next put stores them."""
        self._known.difference_update(digests)

    def put_file(self, path: str | os.PathLike[str]) -> BlobRef:
        """Archive a file by its content, streaming it (the file itself is left alone)."""
        source = Path(path)
        hasher = hashlib.sha256()
        try:
            with source.open("rb") as reader:
                temp = self._spool(_chunks(reader, hasher.update))
            digest, size = hasher.hexdigest(), temp.stat().st_size
            if self._is_intact(digest, size):
                temp.unlink()
            else:
                self._place(temp, digest)
        except OSError as error:
            raise BlobStoreError(f"Cannot archive {source} in {self.folder}: {error}") from error
        return self._ref(digest, size)

    def get(self, digest: str) -> bytes:
        """The bytes of blob ``digest``; raises if missing or if its content no longer matches."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            inline = self.inline.get(digest) if self.inline is not None else None
            if inline is None:
                raise BlobNotFound(f"Blob {digest} is not in the blob store {self.folder}.") from None
            data = inline
        except OSError as error:
            raise BlobStoreError(f"Cannot read blob {digest} at {path}: {error}") from error
        if hashlib.sha256(data).hexdigest() != digest:
            raise BlobCorrupted(
                f"Blob {digest} at {path} is corrupted: its content no longer matches its hash. "
                "Restore the file from a backup, or write the value again."
            )
        return data

    def path(self, digest: str) -> Path:
        """Where blob ``digest`` is (or would be) stored."""
        if not _HASH.fullmatch(digest):
            raise BlobStoreError(f"{digest!r} is not a sha256 hash (64 lowercase hex digits).")
        return self.folder / digest[:2] / digest[2:]

    def exists(self, digest: str) -> bool:
        """Whether blob ``digest`` is stored (without verifying its content)."""
        return self.path(digest).is_file()

    def _ref(self, digest: str, size: int) -> BlobRef:
        return BlobRef(digest, size, f"{digest[:2]}/{digest[2:]}")

    def _is_intact(self, digest: str, size: int) -> bool:
        try:
            return self.path(digest).stat().st_size == size
        except FileNotFoundError:
            return False

    def _spool(self, chunks: Iterable[bytes]) -> Path:
        """Write chunks to a new temporary file in the store; removed again on any failure."""
        if ".tmp" not in self._folders:
            self._tmp.mkdir(parents=True, exist_ok=True)
            self._folders.add(".tmp")
        fd, name = tempfile.mkstemp(dir=self._tmp)
        try:
            with os.fdopen(fd, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
                file.flush()
                if self.fsync:
                    os.fsync(file.fileno())
        except BaseException:
            os.unlink(name)
            raise
        return Path(name)

    def _place(self, temp: Path, digest: str) -> None:
        """Rename a complete temporary file to its final name (atomic)."""
        target = self.path(digest)
        try:
            if digest[:2] not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(digest[:2])
            try:
                os.replace(temp, target)
            except FileNotFoundError:  # the folder was removed behind our back
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp, target)
            if self.fsync:
                _fsync_folder(target.parent)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise


def _chunks(reader: BinaryIO, update: Callable[[bytes], object]) -> Iterator[bytes]:
    while chunk := reader.read(_CHUNK):
        update(chunk)
        yield chunk


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
