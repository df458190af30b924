"""Reading a data node value exactly as a write recorded it: by its content hash.

A user-pathed file holds only the latest value, so recorded values are read from the
content-addressed blob store instead, which verifies each payload against its hash. Storage
types without a content store (``in_memory``, ``generic``) keep only their current value: it is
returned only when its hash is the recorded one.
"""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.errors import NoData
from ledgerflow.projections.views import DataNodeView, Edit
from ledgerflow.runtime.datanodes import node_spec
from ledgerflow.service.entities.base import ReadOnlyViewError
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.datanodes import Backend, Backends, BytesBackend, NodeSpec, Payload, _hash_of

_USER_PATHS = ("path", "default_path")


def archived_spec(spec: NodeSpec) -> NodeSpec:
    """The node without its user path: reads and writes go to the content store only."""
    properties = {k: v for k, v in spec.properties.items() if k not in _USER_PATHS}
    return NodeSpec(spec.id, spec.config_id, spec.storage_type, properties)


def is_archived(backend: Backend) -> bool:
    """Whether the backend keeps every value in the content-addressed store."""
    return isinstance(backend, BytesBackend)


def read_by_hash(backends: Backends, spec: NodeSpec, content_hash: str, when: str = "") -> Any:
    """The value whose content hash is ``content_hash``; ``NoData`` when it is no longer kept."""
    return read_from(backends.of(spec.storage_type), spec, content_hash, when)


def read_from(backend: Backend, spec: NodeSpec, content_hash: str, when: str = "") -> Any:
    """What ``read_by_hash`` does, with the backend already chosen."""
    if is_archived(backend):
        return backend.read(archived_spec(spec), content_hash)
    value = backend.read(spec, content_hash)
    if _hash_of(value)[0] != content_hash:
        raise NoData(
            f'DataNode "{spec.config_id}" ({spec.id}) is stored as {spec.storage_type}, which keeps only its '
            f"current value: the value written{when} is gone. Use a pickle or json node to keep every value."
        )
    return value


def read_recorded(backends: Backends, view: DataNodeView, edit: Edit) -> Any:
    """The value ``edit`` recorded, verified against its hash."""
    return read_by_hash(
        backends, node_spec(view), edit.content_hash, f" at {edit.timestamp.astimezone():%Y-%m-%d %H:%M:%S}"
    )


class RecordedValues(Backends):
    """Backends that read recorded values by hash, never a user file's newer content.

    Writes are refused (a read-only view), or with ``results=True`` (a re-run) stored in the
    content store only: a node's file and an in-memory value are left as they are.
    """

    def __init__(self, blobs: BlobStore, *, results: bool = False) -> None:
        super().__init__(blobs)
        self._results = results

    def of(self, storage_type: str) -> Backend:
        """The by-hash reader of a storage type."""
        return _RecordedBackend(super().of(storage_type), self._results)


class _RecordedBackend:
    def __init__(self, backend: Backend, results: bool) -> None:
        self._backend = backend
        self._results = results

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        return read_from(self._backend, spec, content_hash)

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        if not self._results:
            raise ReadOnlyViewError(f'DataNode "{spec.config_id}" is shown by a read-only view: it cannot be written.')
        if is_archived(self._backend):
            return self._backend.write(archived_spec(spec), value)
        content_hash, size = _hash_of(value)
        return Payload(content_hash, size, "not kept")
