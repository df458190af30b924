"""Where data node values live: one backend per storage type.

A write turns the value into bytes, stores them in the content-addressed blob store (so
every earlier value stays readable) and, for a node with a user path, also writes that
file atomically. A read returns a fresh object each time.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, cast

from ledgerflow.domain.errors import DataNodeWritingError, NoData
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.node_spec import NodeSpec as NodeSpec  # re-exported: backends' shared types
from ledgerflow.storage.node_spec import Payload as Payload
from ledgerflow.storage.node_spec import atomic_write as _atomic_write
from ledgerflow.storage.node_spec import user_path as user_path

_MEMORY: dict[str, Any] = {}
_RECENT: OrderedDict[str, bytes] = OrderedDict()
_RECENT_LIMIT = 256


def _remember(content_hash: str, data: bytes) -> None:
    _RECENT[content_hash] = data
    _RECENT.move_to_end(content_hash)
    while len(_RECENT) > _RECENT_LIMIT:
        _RECENT.popitem(last=False)


class Backend(Protocol):
    """Stores and loads the values of one storage type."""

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        """Store ``value``; what was stored and where."""
        ...

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        """The value of the write whose content hash is given."""
        ...


class BytesBackend:
    """A backend whose values serialise to bytes (pickle, json)."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def encode(self, spec: NodeSpec, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, spec: NodeSpec, data: bytes) -> Any:
        raise NotImplementedError

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        try:
            data = self.encode(spec, value)
        except Exception as error:
            raise DataNodeWritingError(
                f'DataNode "{spec.config_id}" ({spec.id}) cannot store this {type(value).__name__} '
                f"as {spec.storage_type}: {error}. Its previous value is kept."
            ) from error
        ref = self.blobs.put(data)
        _remember(ref.hash, data)
        path = user_path(spec)
        if path is not None:
            _atomic_write(path, data)
            return Payload(ref.hash, ref.size, str(path))
        return Payload(ref.hash, ref.size, str(ref.location))

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        path = user_path(spec)
        if path is not None and path.exists():
            return self.decode(spec, path.read_bytes())
        data = _RECENT.get(content_hash)
        if data is None:
            data = self.blobs.get(content_hash)
            _remember(content_hash, data)
        return self.decode(spec, data)


class PickleBackend(BytesBackend):
    """Values pickled (protocol 5)."""

    def encode(self, spec: NodeSpec, value: Any) -> bytes:
        return pickle.dumps(value, protocol=5)

    def decode(self, spec: NodeSpec, data: bytes) -> Any:
        return pickle.loads(data)


class JsonBackend(BytesBackend):
    """Values as JSON, with the node's optional encoder/decoder classes."""

    def encode(self, spec: NodeSpec, value: Any) -> bytes:
        encoder = spec.properties.get("encoder")
        return json.dumps(value, cls=encoder if callable(encoder) else None).encode(
            spec.properties.get("encoding") or "utf-8"
        )

    def decode(self, spec: NodeSpec, data: bytes) -> Any:
        decoder = spec.properties.get("decoder")
        text = data.decode(spec.properties.get("encoding") or "utf-8")
        return json.loads(text, cls=decoder if callable(decoder) else None)


def _hash_of(value: Any) -> tuple[str, int]:
    """A content hash of an in-process value (unique when it cannot be pickled)."""
    try:
        data = pickle.dumps(value, protocol=5)
    except Exception:
        import uuid

        return f"unhashable-{uuid.uuid4().hex}", 0
    return hashlib.sha256(data).hexdigest(), len(data)


class InMemoryBackend:
    """Values kept in this process only (development mode)."""

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        content_hash, size = _hash_of(value)
        _MEMORY[spec.id] = value
        return Payload(content_hash, size, "memory")

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        if spec.id not in _MEMORY:
            raise NoData(f'DataNode "{spec.config_id}" ({spec.id}) has no value in this process.')
        return _MEMORY[spec.id]


class GenericBackend:
    """Values read and written by the user's own functions."""

    def _fn(self, spec: NodeSpec, name: str) -> Callable[..., Any]:
        fn = spec.properties.get(name)
        if not callable(fn):
            raise DataNodeWritingError(f'DataNode "{spec.config_id}" has no callable {name}.')
        return cast(Callable[..., Any], fn)

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        self._fn(spec, "write_fct")(value, *_args(spec, "write_fct_args"))
        content_hash, size = _hash_of(value)
        return Payload(content_hash, size, "generic")

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        return self._fn(spec, "read_fct")(*_args(spec, "read_fct_args"))


def _args(spec: NodeSpec, name: str) -> list[Any]:
    """A generic node's function arguments: a list, or one value (Taipy wraps it)."""
    args = spec.properties.get(name)
    if args is None:
        return []
    return list(args) if isinstance(args, list | tuple) else [args]


class Backends:
    """The backend of each storage type."""

    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs
        self._by_type: dict[str, Backend] = {
            "pickle": PickleBackend(blobs),
            "json": JsonBackend(blobs),
            "in_memory": InMemoryBackend(),
            "generic": GenericBackend(),
        }
        self._tabular = False  # their modules load on first use (a worker process starts without them)

    def of(self, storage_type: str) -> Backend:
        """The backend for a storage type; a clear error for types not supported yet."""
        found = self._by_type.get(storage_type)
        if found is not None:
            return found
        if not self._tabular:
            from ledgerflow.storage.tabular.backends import tabular_backends  # pandas is imported on first use

            self._by_type.update(tabular_backends(self._blobs))
            self._tabular = True
        try:
            return self._by_type[storage_type]
        except KeyError:
            raise DataNodeWritingError(
                f'Storage type "{storage_type}" has no backend: use one of {", ".join(sorted(self._by_type))}.'
            ) from None
