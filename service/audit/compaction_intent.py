"""The intent of a compaction, written before anything is removed, so a killed run can be finished.

``ledgerflow compact`` archives the payloads it will remove, then writes this file
(``<storage folder>/compaction-intent.json``, atomically and durably): the compaction's id, the
policy, the log position, the archive and every payload to remove. Only then does it remove them,
record the ``ledgerflow.compaction.done`` event and remove the file. A run killed in between leaves
the file; the next ``compact`` finds it and finishes that compaction first (every step is safe to
repeat), so no payload is ever gone without its archive being recorded in the log.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Intent", "clear", "pending", "write"]

FILE = "compaction-intent.json"


@dataclass(frozen=True)
class Intent:
    """A compaction decided and archived, whose removal may not have finished."""

    id: str
    started: str  # ISO time
    position: int
    writes: int
    kept_writes: int
    policy: dict[str, float]
    archive: str
    delete: bool  # drop the archive once the compaction is recorded
    removed: list[dict[str, Any]]  # hash, size, nodes, last_written


def _path(folder: Path) -> Path:
    return folder / FILE


def write(folder: Path, intent: Intent) -> None:
    """Write ``intent`` durably: once this returns, a crash leaves it for the next run."""
    folder.mkdir(parents=True, exist_ok=True)
    target = _path(folder)
    temporary = target.with_name(target.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(asdict(intent), file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, target)
    _fsync_folder(folder)


def pending(folder: Path) -> Intent | None:
    """The intent a killed run left, if any."""
    path = _path(folder)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)  # never complete: nothing was removed for it
    if not path.exists():
        return None
    return Intent(**json.loads(path.read_text(encoding="utf-8")))


def clear(folder: Path) -> None:
    """Forget the intent: the compaction is recorded in the log."""
    _path(folder).unlink(missing_ok=True)
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
