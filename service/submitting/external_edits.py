"""Files edited outside ledgerflow: noticed by size and mtime, confirmed by hash, recorded as writes.

A pickle or json data node with a user ``path`` holds its value in that file, and anyone may edit
it. Before a submission is recorded (and when a workflow is previewed), the files of its nodes are
checked: a file whose size differs from the last recorded write, or whose mtime is not clearly older than it,
is hashed; a new content hash is archived in the blob store and recorded as a write of kind
``"external"``, so skip decisions and the edit history see it. A locked node is checked once its
editor releases it; a deleted file is ignored (the last value stays readable from the blob store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ledgerflow.domain.datanode import DataNode
from ledgerflow.projections.views import DataNodeView
from ledgerflow.runtime.datanodes import record_external_write
from ledgerflow.runtime.runtime import Runtime

#: A file modified less than this before its recorded write is hashed anyway (coarse file clocks).
CLOCK_SLACK_S = 2.0
#: Storage types whose recorded content hash is the sha256 of the file's bytes (add new ones here).
FILE_HASHED_TYPES = frozenset({"pickle", "json"})
_MEMO_LIMIT = 1024
_hashes: dict[tuple[str, int, int], str] = {}


def _file_of(view: DataNodeView) -> Path | None:
    path = view.properties.get("path") or view.properties.get("default_path")
    if not path or view.locked or view.storage_type not in FILE_HASHED_TYPES:
        return None
    file = Path(path)
    if view.edits and view.edits[-1].location != str(path) and Path(view.edits[-1].location) != file:
        return None  # the value does not live in the file (a backend that keeps it elsewhere)
    return file


def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    key = (str(path), size, mtime_ns)
    known = _hashes.get(key)
    if known is None:
        hasher = hashlib.sha256()
        with path.open("rb") as reader:
            for chunk in iter(lambda: reader.read(1 << 20), b""):
                hasher.update(chunk)
        if len(_hashes) >= _MEMO_LIMIT:
            _hashes.clear()
        known = _hashes[key] = hasher.hexdigest()
    return known


def edited_outside(view: DataNodeView) -> str | None:
    """The content hash of the node's file when it differs from the last recorded write."""
    path = _file_of(view)
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    last = view.edits[-1] if view.edits else None
    if last is not None and stat.st_size == last.size and stat.st_mtime < last.timestamp.timestamp() - CLOCK_SLACK_S:
        return None
    try:
        content_hash = _sha256(path, stat.st_size, stat.st_mtime_ns)
    except OSError:
        return None
    return None if last is not None and content_hash == last.content_hash else content_hash


def record_external_edits(runtime: Runtime, node_ids: Iterable[str]) -> list[str]:
    """Record a write of kind ``"external"`` for each node whose file changed; their ids.

    Files are looked at first without the log; only when one changed is the edit recorded, on the
    log's latest state (another process may have recorded the same edit already).
    """
    candidates = list(dict.fromkeys(node_ids))
    if not _changed(runtime, candidates):
        return []
    recorded: list[str] = []

    def record() -> list[DataNode]:
        now = datetime.now()
        aggregates = []
        recorded.clear()
        for node_id, path in _changed(runtime, candidates):
            node = runtime.aggregate(DataNode, node_id)
            comment = "Edited outside ledgerflow (size or mtime changed, content hash differs)."
            record_external_write(runtime, node, path, now, comment)
            aggregates.append(node)
            recorded.append(node_id)
        return aggregates

    runtime.command(record, reason="external edit detected")
    return recorded


def _changed(runtime: Runtime, node_ids: list[str]) -> list[tuple[str, Path]]:
    """The nodes whose file was edited outside ledgerflow, with their paths."""
    state = runtime.state
    changed: list[tuple[str, Path]] = []
    for node_id in node_ids:
        view = state.data_nodes.get(node_id)
        path = _file_of(view) if view is not None else None
        if view is not None and path is not None and edited_outside(view) is not None:
            changed.append((view.id, path))
    return changed
