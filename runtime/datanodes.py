"""Data node commands: get-or-create by scope, write, append, lock and unlock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from ledgerflow.domain.config import DataNodeConfig
from ledgerflow.domain.config.accessors import configured
from ledgerflow.domain.config.layer import DATA_NODE
from ledgerflow.domain.config.templates import resolve as resolve_template
from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import DataNodeWritingError, LedgerflowError, NoData
from ledgerflow.domain.ids import data_node_id, natural_key
from ledgerflow.projections.views import DataNodeView, Edit
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.datanodes import Backends, NodeSpec, Payload

_NOT_RECORDED = ("default_data",)
log = logging.getLogger("ledgerflow")


def recordable(value: Any) -> Any:
    """A JSON-safe form of a config property for the log (functions and classes by name)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, list | tuple):
        return [recordable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): recordable(v) for k, v in value.items()}
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', repr(value))}"
    return repr(value)


def recorded_properties(config: DataNodeConfig) -> dict[str, Any]:
    """The properties of a node config as recorded in its creation event (``ENV[...]`` unresolved)."""
    return {k: recordable(v) for k, v in config.raw_properties.items() if k not in _NOT_RECORDED}


def node_spec(view: DataNodeView) -> NodeSpec:
    """The backend's view of a node: live config properties (functions included) when known."""
    config = configured(DATA_NODE, view.config_id)
    properties = dict(config.properties) if config is not None else dict(view.properties)
    # the node's own path wins: a node created under another config (an older version) keeps its file
    for key in ("path", "default_path"):
        if view.properties.get(key):
            properties[key] = resolve_template(view.properties[key])  # recorded unresolved
        else:
            properties.pop(key, None)
    return NodeSpec(view.id, view.config_id, view.storage_type, properties)


def owner_of(scope: Scope, scenario_id: str | None, cycle_id: str | None) -> str | None:
    """The owner of a node or task: the scenario, the cycle, or nobody (GLOBAL)."""
    if scope is Scope.SCENARIO:
        return scenario_id
    if scope is Scope.CYCLE:
        return cycle_id
    return None


def ensure_data_node(
    runtime: Runtime, config: DataNodeConfig, owner_id: str | None, version: str, new: list[DataNode]
) -> str:
    """The id of the node of ``config`` for ``owner_id``: the existing one or a new one (added to ``new``)."""
    key = natural_key("DATANODE", config.id, owner_id, version)
    existing = runtime.state.by_key.get(key)
    if existing is not None:
        return existing
    for pending in new:
        if pending.key == key:
            return pending.id
    validity = config.validity_period
    node = DataNode(
        id=data_node_id(config.id, runtime.state.next_key(key)),
        config_id=config.id,
        scope=int(config.scope),
        storage_type=config.storage_type,
        owner_id=owner_id,
        properties=recorded_properties(config),
        validity_period=validity.total_seconds() if validity is not None else None,
        version=version,
        key=key,
    )
    new.append(node)
    return node.id


def initial_writes(runtime: Runtime, nodes: list[DataNode], backends: Backends) -> None:
    """Write default data (or record an existing user file) for freshly created nodes."""
    now = datetime.now()
    for node in nodes:
        config = configured(DATA_NODE, node.config_id)
        if config is None:
            continue
        path = config.properties.get("path") or config.properties.get("default_path")
        spec = NodeSpec(node.id, config.id, config.storage_type, dict(config.properties))
        if path and Path(path).is_file():
            record_external_write(runtime, node, Path(path), now, "Existing file found at creation.")
        elif path and Path(path).is_dir() and hasattr(backends.of(config.storage_type), "adopt"):  # a dataset folder
            backend: Any = backends.of(config.storage_type)
            record_found(node, backend.write(spec, backend.adopt(spec)), now, "Existing folder found at creation.")
        elif hasattr(backends.of(config.storage_type), "snapshot"):  # a table, collection or object
            found = _snapshot(backends, spec)
            if found is not None:
                record_found(node, found, now, "Read from its server at creation.")
        elif config.properties.get("default_data") is not None:
            payload = backends.of(config.storage_type).write(spec, config.properties["default_data"])
            node.record_write(
                payload.content_hash,
                payload.size,
                payload.location,
                "default",
                now,
                editor_id="ledgerflow",
                comment="Default data written.",
                extra=payload.extra,
            )


def _snapshot(backends: Backends, spec: NodeSpec) -> Payload | None:
    """What a server-backed node holds now; None when it cannot be read yet (no table, server down)."""
    try:
        backend: Any = backends.of(spec.storage_type)
        return cast(Payload, backend.snapshot(spec))
    except LedgerflowError as error:
        log.debug('DataNode "%s" has no value yet: %s', spec.config_id, error)
        return None


def record_found(node: DataNode, payload: Payload, now: datetime, comment: str) -> None:
    """Record a value found outside ledgerflow (a folder, a server's content) as an ``external`` write."""
    node.record_write(
        payload.content_hash,
        payload.size,
        payload.location,
        "external",
        now,
        editor_id="ledgerflow",
        comment=comment,
        extra=payload.extra,
    )


def record_external_write(runtime: Runtime, node: DataNode, path: Path, now: datetime, comment: str) -> None:
    """Archive a user file by its content and record it as a write made outside ledgerflow."""
    ref = runtime.blobs.put_file(path)
    node.record_write(ref.hash, ref.size, str(path), "external", now, editor_id="ledgerflow", comment=comment)


def write_value(
    runtime: Runtime,
    backends: Backends,
    view: DataNodeView,
    value: Any,
    *,
    kind: str = "write",
    job_id: str | None = None,
    editor_id: str | None = None,
    comment: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Payload:
    """Store ``value`` and record the write, durably; the lock of another editor is refused first."""
    now = datetime.now()
    if job_id is None:  # before the value reaches its file: with the locks other processes took
        runtime.catch_up()
        runtime.aggregate(DataNode, view.id).check_writable(editor_id, now)
    backend: Any = backends.of(view.storage_type)
    payload: Payload
    if kind == "append" and hasattr(backend, "append"):  # the backend appends (a file's rows, a table's)
        previous = view.edits[-1].content_hash if view.edits else None
        payload = backend.append(node_spec(view), value, previous)
    else:
        payload = backend.write(node_spec(view), value)

    def record_write() -> list[Entity]:
        node = runtime.aggregate(DataNode, view.id)
        if job_id is None:
            node.check_writable(editor_id, now)  # again: another process may have taken the lock
        node.record_write(
            payload.content_hash,
            payload.size,
            payload.location,
            kind,
            now,
            job_id=job_id,
            editor_id=editor_id,
            comment=comment,
            extra={**payload.extra, **(extra or {})},
        )
        return [node]

    runtime.command(record_write, reason=f"data {kind}")
    return payload


def read_value(backends: Backends, view: DataNodeView, edit: Edit | None = None) -> Any:
    """The value of a node: its latest write, or the given earlier one."""
    if edit is None:
        if not view.edits:
            raise NoData(f'DataNode "{view.config_id}" ({view.id}) has no data yet: write it or give it default_data.')
        edit = view.edits[-1]
    spec = node_spec(view)
    if edit is not view.edits[-1]:
        spec = NodeSpec(
            spec.id,
            spec.config_id,
            spec.storage_type,
            {k: v for k, v in spec.properties.items() if k not in ("path", "default_path")},
        )
    return backends.of(view.storage_type).read(spec, edit.content_hash)


def appended(current: Any, data: Any, view: DataNodeView) -> Any:
    """The value after appending ``data`` to ``current`` (a list; tabular nodes come with their backends)."""
    if current is None:
        return list(data) if isinstance(data, list | tuple) else data
    if isinstance(current, list):
        return current + (list(data) if isinstance(data, list | tuple) else [data])
    if isinstance(current, dict) and isinstance(data, dict):  # a JSON object: Taipy updates it
        return {**current, **data}
    raise DataNodeWritingError(
        f'DataNode "{view.config_id}" holds a {type(current).__name__}, which cannot be appended to: '
        "use write() instead."
    )


def lock(runtime: Runtime, view: DataNodeView, editor_id: str | None) -> None:
    """Take the edit lock of a node."""
    _edit_lock(runtime, view, editor_id, take=True)


def unlock(runtime: Runtime, view: DataNodeView, editor_id: str | None) -> None:
    """Release the edit lock of a node."""
    _edit_lock(runtime, view, editor_id, take=False)


def _edit_lock(runtime: Runtime, view: DataNodeView, editor_id: str | None, take: bool) -> None:
    def change() -> list[Entity]:
        node = runtime.aggregate(DataNode, view.id)
        (node.lock_edit if take else node.unlock_edit)(editor_id, datetime.now())
        return [node]

    runtime.command(change, reason="edit lock taken" if take else "edit lock released")
