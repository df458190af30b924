"""The composition root: every store of an application is opened here, and nowhere else.

- ``open_runtime``: read-write, for an application run (``session``) or a maintenance command
  (``compact``, ``rerun``, ``manage-versions``); it starts no version.
- ``reading``: read-only, for a look (every other CLI command, ``preview``, the viewer, an
  ``EventConsumer``): the log and the blob store, nothing that records; a missing store is an error,
  never created.

Which store: the configured URL, else ``LEDGERFLOW_EVENT_STORE``, else the SQLite file
``events.db`` in the storage folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ledgerflow.projections.checkpoint import checkpoint_name
from ledgerflow.runtime.fold_progress import FoldProgress
from ledgerflow.runtime.read_back import KEEP_FINISHED
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.errors import ChainBroken
from ledgerflow.storage.eventstore import EventStore


def event_store_url(storage_folder: str | Path, event_store: str | None = None) -> str:
    """Where the log lives: the configured URL, ``LEDGERFLOW_EVENT_STORE``, or a SQLite file in the folder."""
    url = event_store or os.environ.get("LEDGERFLOW_EVENT_STORE")
    if url:
        return url
    return f"sqlite:///{Path(storage_folder).resolve() / 'events.db'}"


def store_exists(storage_folder: str | Path, event_store: str | None = None) -> bool:
    """Whether the application has a log yet (a server's database is taken to exist)."""
    url = event_store_url(storage_folder, event_store)
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


def open_runtime(
    storage_folder: str | Path,
    event_store: str | None = None,
    *,
    create: bool = True,
    on_fold: FoldProgress | None = None,
    keep_finished: int | None = KEEP_FINISHED,
) -> Runtime:
    """The log opened read-write (``create=False``: an existing one only; a clear error otherwise).

    ``on_fold(done, total)``: how the start-up's fold of the events since the checkpoint goes.

    The hash chain of the log's tail is checked first: a store edited or cut there is not opened
    for writing (``ChainBroken``); the read-only commands, ``ledgerflow audit verify`` first, still open it.
    """
    url = event_store_url(storage_folder, event_store)
    with EventStore.open(url, create=create) as store:
        saved = store.checkpoints.load(checkpoint_name())
        finding = store.check_tail(after=saved[0] if saved else 0)
    if finding is not None:
        raise ChainBroken(
            f"The event store {store.where} does not match its hash chain ({finding.message}): it is not opened "
            "for writing. Run `ledgerflow audit verify` for details."
        )
    return Runtime(str(storage_folder), url, keep_finished, on_fold=on_fold)


@contextmanager
def maintaining(
    storage_folder: str | Path, event_store: str | None = None, on_fold: FoldProgress | None = None
) -> Iterator[Runtime]:
    """An existing log opened read-write for a maintenance command, closed (and checkpointed) afterwards."""
    runtime = open_runtime(storage_folder, event_store, create=False, on_fold=on_fold)
    try:
        yield runtime
    finally:
        runtime.close()


@dataclass(frozen=True)
class Reader:
    """An application's log and stored values, opened read-only."""

    store: EventStore
    blobs: BlobStore


def open_reader(storage_folder: str | Path, event_store: str | None = None) -> Reader:
    """The existing log and blob store, read-only; the caller closes ``reader.store``."""
    store = EventStore.open(event_store_url(storage_folder, event_store), create=False)
    return Reader(store, BlobStore(Path(storage_folder) / "blobs", fsync=False, inline=store.inline_blobs))


@contextmanager
def reading(storage_folder: str | Path, event_store: str | None = None) -> Iterator[Reader]:
    """The existing log and blob store, read-only, for the duration of the block."""
    reader = open_reader(storage_folder, event_store)
    try:
        yield reader
    finally:
        reader.store.close()
