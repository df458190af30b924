"""A content-addressed blob store: every value is a file named by its sha256.

Blobs live in fan-out folders (``ab/cdef…`` for hash ``abcdef…``). A write goes to a temporary
file in ``.tmp/`` that is fsynced and renamed into place, so a crash never leaves a partial blob;
writing a value that is already stored writes nothing. Reads verify the hash.

With ``inline`` attached, values up to its size limit are not files but rows of the event
store's own database, committed with the events that record them (``inline_blobs.py``);
their recorded location is ``"db"``.

A *keyed* blob (``put_keyed``) is stored under a key of the caller's choosing rather than its
sha256: tabular values are archived under the canonical hash of their content (schema and
``hash_pandas_object``), which stays the same when a library writes the same table as other
bytes. Its bytes are framed (``KEYED_MAGIC``, the key, the payload's sha256, the payload), so
the frame still verifies on every read and ``put`` of a framed blob stores it under its key.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ledgerflow.storage.errors import BlobCorrupted, BlobNotFound, BlobStoreError
from ledgerflow.storage.inline_blobs import InlineBlobs

__all__ = ["HEADER_SIZE", "INLINE_LOCATION", "KEYED_MAGIC", "BlobRef", "BlobStore", "keyed_payload_sha256", "unframe"]

#: The location recorded for a payload kept in the event store's database.
INLINE_LOCATION = "db"

#: The first bytes of a keyed blob.
KEYED_MAGIC = b"ledgerflow-keyed-blob-v1\n"

_CHUNK = 1 << 20
_HASH = re.compile(r"[0-9a-f]{64}")
_HEADER = len(KEYED_MAGIC) + 2 * 65
#: The size of a keyed blob's header.
HEADER_SIZE = _HEADER


def _frame_header(key: str, payload: bytes | memoryview, payload_sha256: str | None = None) -> bytes:
    digest = payload_sha256 or hashlib.sha256(payload).hexdigest()
    return KEYED_MAGIC + key.encode() + b"\n" + digest.encode() + b"\n"


def keyed_payload_sha256(head: bytes) -> str | None:
    """The payload sha256 that a keyed blob's first bytes record (None for a plain blob)."""
    if not head.startswith(KEYED_MAGIC) or len(head) < _HEADER:
        return None
    return head[len(KEYED_MAGIC) + 65 : _HEADER - 1].decode("ascii", "replace")


def _framed_key(data: bytes) -> str | None:
    """The key of a framed blob whose payload is intact; None when ``data`` is not a valid frame."""
    if not data.startswith(KEYED_MAGIC) or len(data) < _HEADER:
        return None
    view = memoryview(data)
    key = bytes(view[len(KEYED_MAGIC) : len(KEYED_MAGIC) + 64]).decode("ascii", "replace")
    digest = bytes(view[len(KEYED_MAGIC) + 65 : _HEADER - 1]).decode("ascii", "replace")
    if not _HASH.fullmatch(key) or hashlib.sha256(view[_HEADER:]).hexdigest() != digest:
        return None
    return key


def unframe(data: bytes) -> memoryview:
    """The payload of a blob: the bytes after a keyed blob's header, or all of a plain blob (no copy)."""
    view = memoryview(data)
    return view[_HEADER:] if data.startswith(KEYED_MAGIC) else view


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
        """Store ``data`` (once: an identical value is not written again); a keyed blob under its key."""
        digest = _framed_key(data) or hashlib.sha256(data).hexdigest()
        return self._put_as(digest, [data], len(data))

    def put_keyed(self, key: str, payload: bytes | memoryview, payload_sha256: str | None = None) -> BlobRef:
        """Store ``payload`` under ``key`` (a sha256-like hex key of the caller's), unless already stored.

        ``payload_sha256``: the payload's sha256 when the caller already computed it.
        """
        if not _HASH.fullmatch(key):
            raise BlobStoreError(f"{key!r} is not a blob key (64 lowercase hex digits).")
        if key in self._known:
            return self._ref(key, _HEADER + len(payload))
        header = _frame_header(key, payload, payload_sha256)
        if self.inline is not None and _HEADER + len(payload) <= self.inline.limit:
            return self._put_as(key, [header + bytes(payload)], _HEADER + len(payload))
        if self.exists(key):
            self._known.add(key)
            return self._ref(key, _HEADER + len(payload))
        return self._put_as(key, [header, payload], _HEADER + len(payload))

    def _put_as(self, digest: str, parts: list[bytes | memoryview], size: int) -> BlobRef:
        data = parts[0] if len(parts) == 1 else b""
        if self.inline is not None and size <= self.inline.limit and len(parts) == 1:
            if digest not in self._known:
                self.inline.stage(digest, bytes(data))
                self._known.add(digest)
            return BlobRef(digest, size, INLINE_LOCATION)
        if digest not in self._known and not self._is_intact(digest, size):
            try:
                self._place(self._spool(parts), digest)
            except OSError as error:
                raise BlobStoreError(f"Cannot write blob {digest} in {self.folder}: {error}") from error
        self._known.add(digest)
        return self._ref(digest, size)

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
        intact = _framed_key(data) == digest if data.startswith(KEYED_MAGIC) else None
        if intact is False or (intact is None and hashlib.sha256(data).hexdigest() != digest):
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

    def _spool(self, chunks: Iterable[bytes | memoryview]) -> Path:
        """Write chunks to a new temporary file in the store; removed again on any failure."""
        if ".tmp" not in self._folders:
            self._tmp.mkdir(parents=True, exist_ok=True)
            self._folders.add(".tmp")
        import tempfile  # only for a value stored as a file (small ones are rows)

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
