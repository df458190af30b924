"""``ledgerflow run-worker`` and ``ledgerflow workers``: cluster mode's worker processes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledgerflow.commands.common import console, fail, handles_errors
from ledgerflow.commands.options import StoreUrl

__all__ = ["register"]


@handles_errors
def run_worker(
    application_path: Annotated[
        Path | None,
        typer.Option(help="The application's Python file: its configs and task functions, not its __main__ block."),
    ] = None,
    concurrency: Annotated[int, typer.Option(help="Jobs this worker runs at once (one process each).")] = 1,
    queues: Annotated[
        str | None, typer.Option(help="The queue to take jobs from (default: the configured one).")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="Celery's log level.")] = "INFO",
) -> None:
    """Run jobs of cluster-mode applications, taken from the broker; record their outcome in the log."""
    from ledgerflow.executor.cluster.worker_main import run_worker as start

    if concurrency < 1:
        raise fail("--concurrency must be at least 1.", 2)
    start(str(application_path) if application_path else None, concurrency, queues, loglevel)


@handles_errors
def workers(
    application_path: Annotated[
        Path | None, typer.Option(help="The application's Python file (for its event store and lease).")
    ] = None,
    event_store: StoreUrl = None,
) -> None:
    """List the live worker processes and the job each runs."""
    from ledgerflow.executor.cluster.leases import Leases
    from ledgerflow.executor.cluster.settings import ClusterSettings
    from ledgerflow.executor.cluster.worker_main import cluster_store_url, load_application

    if application_path is not None:
        load_application(application_path)
    url = event_store or cluster_store_url()
    lease = ClusterSettings.from_config().lease_seconds
    leases = Leases(url)
    try:
        rows = [row for row in leases.rows() if row.age <= lease]
    finally:
        leases.close()
    if not rows:
        console.print(f"No live worker (none beat in the last {lease:g} s).")
        return
    for row in rows:
        doing = f"running {row.job_id}" if row.job_id else "idle"
        console.print(f"{row.worker}  {row.owner}  queue {row.queues}  {doing}  (beat {row.age:.1f} s ago)")
    console.print(f"{len(rows)} live worker process(es).")


def register(app: typer.Typer) -> None:
    app.command(name="run-worker")(run_worker)
    app.command(name="workers")(workers)
