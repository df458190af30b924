"""Retention: ``compact`` takes old data payloads out of the blob store; the log stays whole.

The log grows forever by design, and it is small: data values are not in it. What grows is
the payloads (files under ``.ledgerflow/blobs/``, small ones as rows of ``ledgerflow_blobs``).
The policy says which writes stay readable:

- the last ``keep_versions`` writes of every data node that still exists (at least 1: the
  current value is never removed);
- every write of the last ``keep_days`` days, deleted nodes included.

A payload is removed only when no kept write uses it (identical values share one payload).
Removed payloads go into a zip archive first (``blobs/ab/cdef…`` entries and a manifest), kept
unless ``delete``; ``restore`` puts an archive back. The run is recorded in the log as a
``ledgerflow.compaction.done`` event (policy, position, hashes, bytes, archive), and a fresh
projection checkpoint is written. A payload that a write committed *during* the run uses again
is put back before the run ends. The intent is written (``compaction_intent.py``) after the archive
and before anything is removed: a killed run is finished by the next one. The removal runs alone: it
refuses to start while another process on this machine has the store open (a running process
remembers which payloads it already stored), and processes starting meanwhile wait for it
(``storage/presence.py``).
"""

from __future__ import annotations

import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ledgerflow.domain.compaction import Compaction
from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service.audit import compaction_intent
from ledgerflow.service.audit.history import scan
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.eventstore import EventStore
from ledgerflow.storage.inline_blobs import TABLE as INLINE_TABLE

__all__ = ["CompactionReport", "RetentionPolicy", "StoredPayload", "compact", "restore"]

_HASH = re.compile(r"[0-9a-f]{64}")
_DELETE_BATCH = 500


@dataclass(frozen=True)
class RetentionPolicy:
    """Which writes stay readable: the last ``keep_versions`` of each node, and ``keep_days`` of all."""

    keep_days: float = 30.0
    keep_versions: int = 1

    def __post_init__(self) -> None:
        if self.keep_versions < 1:
            raise LedgerflowError(
                f"keep_versions is {self.keep_versions}: it must be at least 1 (the current value is always kept)."
            )
        if self.keep_days < 0:
            raise LedgerflowError(f"keep_days is {self.keep_days}: use 0 or more days.")


@dataclass(frozen=True)
class StoredPayload:
    """A payload the policy no longer keeps: its hash, size, the nodes that wrote it and when last."""

    hash: str
    size: int
    nodes: tuple[str, ...]
    last_written: datetime


@dataclass
class CompactionReport:
    """What ``compact`` removed (or, in a dry run, would remove)."""

    position: int  # the log position the policy was applied at
    writes: int  # writes in the log
    kept_writes: int
    removed: list[StoredPayload] = field(default_factory=list)
    archive: Path | None = None
    dry_run: bool = False
    put_back: list[str] = field(default_factory=list)  # used again by writes during the run
    interrupted: str | None = None  # when the killed run this report finishes (or, dry, would) started

    @property
    def removed_bytes(self) -> int:
        """The size of the removed payloads."""
        return sum(p.size for p in self.removed)


@dataclass
class _Write:
    position: int
    timestamp: datetime
    node: str
    hash: str
    size: int
    location: str


def _writes(store: EventStore, after: int = 0) -> tuple[int, dict[str, list[_Write]], set[str]]:
    """The log's end, each node's writes in order, and the deleted nodes."""
    until = store.max_position()
    writes: dict[str, list[_Write]] = {}
    deleted: set[str] = set()
    for record in scan(store, (DataNodeTopics.WRITTEN, DataNodeTopics.DELETED), after=after, until=until):
        if record.topic == DataNodeTopics.DELETED:
            deleted.add(record.originator_id)
            continue
        p = record.payload
        writes.setdefault(record.originator_id, []).append(
            _Write(record.position, record.timestamp, record.originator_id, p["content_hash"], p["size"], p["location"])
        )
    return until, writes, deleted


def _stored(write: _Write) -> bool:
    """Whether the write's payload is in the blob store (not in memory or a user's own functions)."""
    return write.location not in ("memory", "generic") and bool(_HASH.fullmatch(write.hash))


def _plan(store: EventStore, policy: RetentionPolicy, now: datetime) -> CompactionReport:
    position, writes, deleted = _writes(store)
    horizon = now - timedelta(days=policy.keep_days)
    kept_hashes: set[str] = set()
    dropped: dict[str, list[_Write]] = {}
    total = kept = 0
    for node, node_writes in writes.items():
        latest = len(node_writes) - (0 if node in deleted else policy.keep_versions)
        for index, write in enumerate(node_writes):
            total += 1
            if index >= latest or (policy.keep_days and write.timestamp >= horizon):
                kept += 1
                kept_hashes.add(write.hash)
            elif _stored(write):
                dropped.setdefault(write.hash, []).append(write)
    removed = [
        StoredPayload(h, ws[-1].size, tuple(dict.fromkeys(w.node for w in ws)), max(w.timestamp for w in ws))
        for h, ws in dropped.items()
        if h not in kept_hashes
    ]
    return CompactionReport(position, total, kept, removed)


def compact(
    runtime: Runtime,
    policy: RetentionPolicy,
    *,
    archive: Path | None = None,
    delete: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CompactionReport:
    """Remove the payloads the policy no longer keeps; archive them unless ``delete``.

    A compaction a killed run left unfinished is finished first, and reported instead (run again
    for a new one); with ``dry_run``, it is only reported (``CompactionReport.interrupted``).
    ``progress``: called with (payloads archived, payloads to archive) as the archive is written.
    """
    runtime.flush()
    left = compaction_intent.pending(runtime.storage_folder)
    if left is not None and dry_run:
        return _report_of(left, dry_run=True)
    if left is None:
        report = _plan(runtime.store, policy, now or datetime.now(UTC))
        report.dry_run = dry_run
        report.removed = [p for p in report.removed if _locate(runtime, p.hash)]
        if dry_run or not report.removed:
            return report
    with runtime.presence.alone("compact the store"):  # others may believe the payloads stored
        _clean_partials(runtime, archive)
        left = compaction_intent.pending(runtime.storage_folder)
        if left is not None:
            return _finish(runtime, left, resumed=True)
        target = _archive_path(runtime, archive)
        _write_archive(runtime, target, report, policy, progress)
        intent = _intent(report, policy, target, delete)
        compaction_intent.write(runtime.storage_folder, intent)  # from here on, a re-run finishes it
        return _finish(runtime, intent, resumed=False)


def _intent(report: CompactionReport, policy: RetentionPolicy, target: Path, delete: bool) -> compaction_intent.Intent:
    return compaction_intent.Intent(
        id=f"COMPACTION_{uuid.uuid4()}",
        started=datetime.now(UTC).isoformat(),
        position=report.position,
        writes=report.writes,
        kept_writes=report.kept_writes,
        policy={"keep_days": policy.keep_days, "keep_versions": policy.keep_versions},
        archive=str(target),
        delete=delete,
        removed=[
            {"hash": p.hash, "size": p.size, "nodes": list(p.nodes), "last_written": p.last_written.isoformat()}
            for p in report.removed
        ],
    )


def _report_of(intent: compaction_intent.Intent, *, dry_run: bool = False, resumed: bool = True) -> CompactionReport:
    removed = [
        StoredPayload(p["hash"], p["size"], tuple(p["nodes"]), datetime.fromisoformat(p["last_written"]))
        for p in intent.removed
    ]
    report = CompactionReport(intent.position, intent.writes, intent.kept_writes, removed, dry_run=dry_run)
    report.interrupted = intent.started if resumed else None
    return report


def _finish(runtime: Runtime, intent: compaction_intent.Intent, *, resumed: bool) -> CompactionReport:
    """Remove, put back what was written again, record, checkpoint: each step safe to repeat."""
    report = _report_of(intent, resumed=resumed)
    target = Path(intent.archive)
    recorded = bool(runtime.store.events_of(intent.id))
    if not recorded:
        if not target.exists():
            raise LedgerflowError(
                f"A compaction was interrupted ({compaction_intent.FILE} in {runtime.storage_folder}) and its "
                f"archive {target} is gone: put the archive back, or remove that file if no value is missing."
            )
        _remove(runtime, [p.hash for p in report.removed])
        report.put_back = _put_back_reused(runtime, report, target)
        reused = set(report.put_back)
        report.removed = [p for p in report.removed if p.hash not in reused]
        record = Compaction(
            id=intent.id,
            policy=dict(intent.policy),
            position=report.position,
            removed=[p.hash for p in report.removed],
            removed_bytes=report.removed_bytes,
            archive=None if intent.delete else str(target),
        )
        runtime.record(record, reason="compact").result()
    runtime.save_checkpoint(force=True)
    if intent.delete:
        target.unlink(missing_ok=True)
    report.archive = None if intent.delete else target
    compaction_intent.clear(runtime.storage_folder)
    return report


def _clean_partials(runtime: Runtime, archive: Path | None) -> None:
    """Remove the unfinished archives of killed runs (nothing was removed for them)."""
    folders = {runtime.storage_folder.absolute() / "archive", _archive_path(runtime, archive).parent}
    for folder in folders:
        if folder.is_dir():
            for partial in folder.glob("*.zip.partial"):
                partial.unlink(missing_ok=True)


def _locate(runtime: Runtime, digest: str) -> bool:
    """Whether a payload is still stored (as a file or a row)."""
    return runtime.blobs.exists(digest) or runtime.store.inline_blobs.get(digest) is not None


def _archive_path(runtime: Runtime, archive: Path | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"compact-{stamp}-{uuid.uuid4().hex[:6]}.zip"
    if archive is None:
        return runtime.storage_folder.absolute() / "archive" / name
    archive = archive.expanduser().absolute()
    return archive / name if archive.is_dir() or not archive.suffix else archive


def _write_archive(
    runtime: Runtime,
    target: Path,
    report: CompactionReport,
    policy: RetentionPolicy,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Every removed payload, and a manifest, in a zip written atomically."""
    if target.exists():
        raise LedgerflowError(f"The archive {target} already exists: choose another path.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    manifest: dict[str, Any] = {
        "position": report.position,
        "created": datetime.now(UTC).isoformat(),
        "policy": {"keep_days": policy.keep_days, "keep_versions": policy.keep_versions},
        "payloads": [],
    }
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for done, payload in enumerate(report.removed, 1):
                if progress is not None:
                    progress(done, len(report.removed))
                zipped.writestr(_entry(payload.hash), runtime.blobs.get(payload.hash))
                manifest["payloads"].append(
                    {
                        "hash": payload.hash,
                        "size": payload.size,
                        "nodes": list(payload.nodes),
                        "last_written": payload.last_written.isoformat(),
                    }
                )
            zipped.writestr("manifest.json", json.dumps(manifest, indent=1))
        with open(partial, "rb+") as written:  # durable before anything is removed
            os.fsync(written.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _entry(digest: str) -> str:
    return f"blobs/{digest[:2]}/{digest[2:]}"


def _remove(runtime: Runtime, hashes: list[str]) -> None:
    runtime.blobs.forget(hashes)
    for digest in hashes:
        runtime.blobs.path(digest).unlink(missing_ok=True)
    table = runtime.store.recorder.qualify(INLINE_TABLE)
    for start in range(0, len(hashes), _DELETE_BATCH):
        batch = hashes[start : start + _DELETE_BATCH]
        marks = ", ".join("?" * len(batch))
        runtime.store.recorder.run(f"DELETE FROM {table} WHERE hash IN ({marks})", batch, commit=True)


def _put_back_reused(runtime: Runtime, report: CompactionReport, archive: Path) -> list[str]:
    """Restore the removed payloads that writes committed since the plan use again."""
    removed = {p.hash for p in report.removed}
    runtime.flush()
    _, writes, _ = _writes(runtime.store, after=report.position)
    reused = sorted({w.hash for ws in writes.values() for w in ws} & removed)
    if reused:
        _extract(BlobStore(runtime.blobs.folder), archive, set(reused))
    return reused


def _extract(blobs: BlobStore, archive: Path, wanted: set[str] | None = None) -> int:
    count = 0
    with zipfile.ZipFile(archive) as zipped:
        for name in _payload_entries(zipped):
            digest = name.removeprefix("blobs/").replace("/", "")
            if wanted is None or digest in wanted:
                stored = blobs.put(zipped.read(name))
                if stored.hash != digest:
                    raise LedgerflowError(f"The archive {archive} is damaged: entry {name} does not match its hash.")
                count += 1
    return count


def _payload_entries(zipped: zipfile.ZipFile) -> Iterator[str]:
    return (n for n in zipped.namelist() if n.startswith("blobs/") and not n.endswith("/"))


def restore(runtime: Runtime, archive: Path) -> int:
    """Put every payload of a compaction archive back into the blob store; how many."""
    if not zipfile.is_zipfile(archive):
        raise LedgerflowError(f"{archive} is not a compaction archive (a zip written by `ledgerflow compact`).")
    return _extract(BlobStore(runtime.blobs.folder), archive)
