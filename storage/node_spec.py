"""What every data node backend shares: the node it is given, the payload it returns, and its files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["NodeSpec", "Payload", "atomic_write", "user_path"]


@dataclass(frozen=True)
class Payload:
    """What a write recorded: the content hash, its size and where it lives."""

    content_hash: str
    size: int
    location: str
    #: What else the write event records (a file's own sha256, a table's row count...).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeSpec:
    """What a backend needs to know of a data node."""

    id: str
    config_id: str
    storage_type: str
    properties: dict[str, Any]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` at once: a temporary file in the same folder, renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only for a node with a file of its own

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def user_path(spec: NodeSpec) -> Path | None:
    """The file a user configured for the node, if any."""
    path = spec.properties.get("path") or spec.properties.get("default_path")
    return Path(path) if path else None
