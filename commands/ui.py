"""``ledgerflow ui`` (the web viewer) and ``ledgerflow report SUBMISSION_ID -o report.html``.

Both read the event store directly, as ``show`` and ``history`` do (``--storage-folder``, default
``.ledgerflow/``, or ``--event-store URL`` / ``LEDGERFLOW_EVENT_STORE``): no application runs,
no version is activated, nothing is written. They need the ``ui`` extra:
``pip install 'ledgerflow[ui]'``.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledgerflow.commands.common import console, fail, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl, open_store
from ledgerflow.commands.timetravel import use_working_directory_imports

if TYPE_CHECKING:
    from ledgerflow.service.viewer.reading import Reader
    from ledgerflow.storage.eventstore import EventStore

__all__ = ["open_for_viewing", "register"]

_EXTRA = "The viewer needs the ui extra: pip install 'ledgerflow[ui]'."


@contextmanager
def open_for_viewing(storage_folder: Path, event_store: str | None, *, audit: bool = True) -> Iterator[Reader]:
    """The application's store opened for reading only, as the viewer reads it (the one place it is opened)."""
    from ledgerflow.service.stores import reading
    from ledgerflow.service.viewer.reading import Reader

    use_working_directory_imports()

    def open_again() -> AbstractContextManager[EventStore]:
        return open_store(storage_folder, event_store)  # the audit's own connection, for its thread

    with reading(storage_folder, event_store) as opened:
        yield Reader(opened.store, opened.blobs, open_again if audit else None)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@handles_errors
def ui(
    host: Annotated[str, typer.Option(help="The address to listen on (others than 127.0.0.1 need a token).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(help="The access token (default: LEDGERFLOW_UI_TOKEN; made up when listening beyond this host)."),
    ] = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """A read-only web viewer of runs, DAGs, data, versions and the log, at any earlier point."""
    try:
        import uvicorn

        from ledgerflow.service.viewer.app import create_app
    except ImportError:
        raise fail(_EXTRA) from None
    token = token or os.environ.get("LEDGERFLOW_UI_TOKEN") or None
    if token is None and not _loopback(host):
        token = secrets.token_urlsafe(24)
    with open_for_viewing(storage_folder, event_store) as reader:
        reader.load()
        address = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
        console.print(f"ledgerflow viewer of {reader.store.where}: [bold]{address}[/bold]", highlight=False)
        app = create_app(reader, token=token)
        # open event streams (a browser's events page) must not hold the server when it is stopped
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)


@handles_errors
def report(
    submission_id: Annotated[str, typer.Argument(help="The id of a submission (SUBMISSION_...).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("report.html"),
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """One submission as a self-contained HTML file: timeline, DAG, jobs, inputs and outputs with hashes, audit."""
    try:
        from ledgerflow.service.viewer.report import report_html
    except ImportError:
        raise fail(_EXTRA) from None
    with open_for_viewing(storage_folder, event_store, audit=False) as reader:
        page = report_html(reader, submission_id)
    output.write_text(page, encoding="utf-8")
    console.print(f"Wrote the report of {submission_id} to {output} ({len(page):,} bytes).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``ui`` and ``report`` to the ``ledgerflow`` command."""
    app.command()(ui)
    app.command()(report)
