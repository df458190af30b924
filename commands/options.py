"""Options every store-reading command shares, and how such a command opens the store (read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ledgerflow.storage.eventstore import EventStore

StorageFolder = Annotated[
    Path, typer.Option("--storage-folder", help="The application's storage folder (its event store and payloads).")
]
StoreUrl = Annotated[
    str | None,
    typer.Option("--event-store", help="The event store URL (default: LEDGERFLOW_EVENT_STORE, else the folder's)."),
]


@contextmanager
def open_store(storage_folder: Path, event_store: str | None) -> Iterator[EventStore]:
    """The existing event store of the application, opened for reading."""
    from ledgerflow.service.stores import reading  # not at the top: ``ledgerflow --help`` stays quick

    with reading(storage_folder, event_store) as reader:
        yield reader.store
