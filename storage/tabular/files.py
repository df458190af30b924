"""File data nodes (csv, excel, parquet): a file the user can open, every value archived by hash.

A write turns the value into a frame (or a dict of frames), hashes it canonically, archives the
file's bytes in the blob store under that hash and replaces the file atomically (a temporary file
renamed into place); without a ``path`` the file goes under the storage folder. A frame rewritten
unchanged is noticed by its hash and writes nothing. The latest value is read from the user's
file (so an edit made outside ledgerflow is seen); earlier ones from the archive.
"""

from __future__ import annotations

import hashlib
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError, LedgerflowError
from ledgerflow.storage.blobs import HEADER_SIZE, BlobStore, keyed_payload_sha256, unframe
from ledgerflow.storage.node_spec import NodeSpec, Payload, atomic_write, user_path
from ledgerflow.storage.tabular.frames import exposed, frame_hash, where

Source = Path | io.BytesIO
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledgerflow-files")


class FileBackend:
    """What csv, excel and parquet share; each format gives ``prepare``, ``encode`` and ``decode``."""

    extension = ""
    archives = True

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        # (path, size, mtime_ns) -> content hash of the files this process wrote
        self._written: dict[tuple[str, int, int], str] = {}

    # --- what each format gives -------------------------------------------------------------
    def prepare(self, spec: NodeSpec, value: Any) -> Any:
        """The frame (or dict of frames) stored for ``value``."""
        raise NotImplementedError

    def encode(self, spec: NodeSpec, stored: Any) -> bytes:
        """The file's bytes."""
        raise NotImplementedError

    def decode(self, spec: NodeSpec, source: Source) -> Any:
        """The frame (or dict of frames) of a file."""
        raise NotImplementedError

    def content_hash(self, stored: Any) -> str:
        """The canonical hash of a stored value."""
        return frame_hash(stored)

    def combine(self, spec: NodeSpec, current: Any, new: Any) -> Any:
        """The value after appending ``new`` to ``current`` (columns must match)."""
        return concat(spec, current, new)

    # --- the backend ------------------------------------------------------------------------
    def path_of(self, spec: NodeSpec) -> Path:
        """The user's path, or one generated under the storage folder."""
        return user_path(spec) or self.blobs.folder.parent / f"{spec.storage_type}s" / f"{spec.id}.{self.extension}"

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        stored = self.prepare(spec, value)
        path = self.path_of(spec)
        key = self.content_hash(stored)
        unchanged = self._unchanged(path, key)
        if unchanged is not None:
            return unchanged
        data = self._encode(spec, stored, value)
        placing = _POOL.submit(self.place, spec, path, stored, data)  # the file, beside the archive
        file_hash = hashlib.sha256(data).hexdigest()
        ref = self.blobs.put_keyed(key, data, file_hash)
        placing.result()
        self._remember(path, key)
        return Payload(key, ref.size, str(path), {"file_sha256": file_hash})

    def _encode(self, spec: NodeSpec, stored: Any, value: Any) -> bytes:
        try:
            return self.encode(spec, stored)
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeWritingError(
                f"{where(spec)} cannot store this {type(value).__name__} as {spec.storage_type}: {error}. "
                "Its previous value is kept."
            ) from error

    def archive(self, spec: NodeSpec, value: Any) -> Payload:
        """Archive a value without touching the node's file (a re-run's results)."""
        stored = self.prepare(spec, value)
        key = self.content_hash(stored)
        data = self.encode(spec, stored)
        ref = self.blobs.put_keyed(key, data)
        return Payload(key, ref.size, "archive")

    def read_archived(self, spec: NodeSpec, content_hash: str) -> Any:
        """The value a write recorded (from the archive, never the file)."""
        properties = {k: v for k, v in spec.properties.items() if k not in ("path", "default_path")}
        bare = NodeSpec(spec.id, spec.config_id, spec.storage_type, properties)
        return exposed_value(spec, self.read_stored(bare, content_hash))

    def place(self, spec: NodeSpec, path: Path, stored: Any, data: bytes) -> None:
        """Put the new file in place, atomically."""
        atomic_write(path, data)

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        return exposed_value(spec, self.read_stored(spec, content_hash))

    def read_stored(self, spec: NodeSpec, content_hash: str) -> Any:
        """The frame (or dict of frames) of the latest file, or of the archived value ``content_hash``."""
        path = user_path(spec)
        if path is not None and path.exists():
            return self._decode(spec, path, str(path))
        try:
            data = self.blobs.get(content_hash)
        except LedgerflowError as error:
            raise DataNodeReadingError(f"{where(spec)}: its value {content_hash[:12]}… is not kept: {error}") from error
        return self._decode(spec, io.BytesIO(unframe(data)), f"the archived value {content_hash[:12]}…")

    def append(self, spec: NodeSpec, value: Any, previous_hash: str | None) -> Payload:
        """Write the current value followed by ``value``'s rows."""
        new = self.prepare(spec, value)
        if previous_hash is None:
            return self.write(spec, new)
        return self.write(spec, self.combine(spec, self.read_stored(spec, previous_hash), new))

    def _decode(self, spec: NodeSpec, source: Source, what: str) -> Any:
        try:
            return self.decode(spec, source)
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeReadingError(f"{where(spec)} cannot read {what} as {spec.storage_type}: {error}") from error

    def _unchanged(self, path: Path, key: str) -> Payload | None:
        """The payload of the last write when the file already holds the value ``key`` (nothing to write)."""
        try:
            stat = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        stamp = (str(path), stat.st_size, stat.st_mtime_ns)
        recorded = self._archived_sha256(key)
        if recorded is None:
            return None
        if self._written.get(stamp) != key and _sha256_file(path) != recorded:
            return None
        self._remember(path, key)
        return Payload(key, stat.st_size + HEADER_SIZE, str(path), {"file_sha256": recorded})

    def _archived_sha256(self, key: str) -> str | None:
        try:
            with self.blobs.path(key).open("rb") as reader:
                return keyed_payload_sha256(reader.read(HEADER_SIZE))
        except OSError:
            return None

    def _remember(self, path: Path, key: str) -> None:
        try:
            stat = path.stat()
        except OSError:
            return
        if len(self._written) > 1024:
            self._written.clear()
        self._written[(str(path), stat.st_size, stat.st_mtime_ns)] = key


def exposed_value(spec: NodeSpec, stored: Any) -> Any:
    """A stored frame, or each sheet of a dict, as the node's exposed type."""
    if isinstance(stored, dict):
        return {name: exposed(spec, frame) for name, frame in stored.items()}
    return exposed(spec, stored)


def concat(spec: NodeSpec, current: Any, new: Any) -> Any:
    """``current`` then ``new``'s rows; an error naming the node when their columns differ."""
    import pandas as pd

    if list(map(str, current.columns)) != list(map(str, new.columns)):
        raise DataNodeWritingError(
            f"{where(spec)}: the appended columns {[str(c) for c in new.columns]} differ from the stored "
            f"columns {[str(c) for c in current.columns]}. Nothing was appended; the previous value is kept."
        )
    new = new.set_axis(current.columns, axis=1)
    return pd.concat([current, new], ignore_index=True)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def replace_folder(target: Path, build: Any) -> None:
    """Build a folder next to ``target`` with ``build(tmp)``, then swap it into place."""
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        build(tmp)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
