"""``ledgerflow compact``: apply the retention policy to data payloads (see ``service/audit/compaction.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledgerflow.commands.common import console, fail, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl

if TYPE_CHECKING:
    from ledgerflow.service.audit.compaction import CompactionReport, RetentionPolicy

__all__ = ["compact"]

_SHOWN = 20


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{count} B"


@handles_errors
def compact(
    keep_days: Annotated[float, typer.Option(help="Keep every value written in the last N days (0: none).")] = 30.0,
    keep_versions: Annotated[int, typer.Option(help="Keep the last N values of every existing data node.")] = 1,
    archive: Annotated[
        Path | None, typer.Option(help="Where to archive removed payloads (a .zip, or a folder for one).")
    ] = None,
    delete: Annotated[bool, typer.Option("--delete", help="Remove payloads for good instead of archiving.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be removed.")] = False,
    restore: Annotated[
        Path | None, typer.Option(help="Put the payloads of an archive back into the blob store, then stop.")
    ] = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """Remove data payloads no kept write uses (the log itself stays whole), and checkpoint."""
    from ledgerflow.commands.progress import progress, reading_log
    from ledgerflow.service.audit import compaction
    from ledgerflow.service.stores import maintaining

    if delete and archive is not None:
        raise fail("Choose --archive PATH or --delete, not both.", 2)
    policy = compaction.RetentionPolicy(keep_days=keep_days, keep_versions=keep_versions)
    with reading_log() as folded, maintaining(storage_folder, event_store, on_fold=folded) as runtime:
        if restore is not None:
            count = compaction.restore(runtime, restore)
            _say(f"Restored {count} payloads from {restore} into {runtime.blobs.folder}.")
            return
        with progress("Archiving payloads") as moved:
            report = compaction.compact(
                runtime, policy, archive=archive, delete=delete, dry_run=dry_run, progress=moved
            )
    _print(report, policy)


def _say(text: str) -> None:
    console.print(text, soft_wrap=True, highlight=False)


def _print(report: CompactionReport, policy: RetentionPolicy) -> None:
    if report.interrupted is not None:
        _print_interrupted(report)
        return
    days = f" and every value written in the last {policy.keep_days:g} days" if policy.keep_days else ""
    plural = "s" if policy.keep_versions > 1 else ""
    _say(f"Policy: keep the last {policy.keep_versions} value{plural} of every data node{days}.")
    _say(
        f"Log position {report.position:,}: {report.writes:,} writes, {report.kept_writes:,} kept; "
        f"{len(report.removed):,} payloads no longer kept ({_size(report.removed_bytes)})."
    )
    if report.dry_run:
        _table(report)
        _say("Dry run: nothing was changed.")
        return
    if not report.removed:
        _say("Nothing to remove.")
    elif report.archive is not None:
        _say(f"Archived them to {report.archive} and removed them from the blob store.")
    else:
        _say("Removed them for good (--delete).")
    if report.put_back:
        _say(f"{len(report.put_back)} were written again during the run and were put back.")
    _say("The compaction is recorded in the log, and a fresh projection checkpoint was written.")


def _print_interrupted(report: CompactionReport) -> None:
    started = f"A compaction started at {report.interrupted} was interrupted"
    if report.dry_run:
        _say(f"{started}: run `ledgerflow compact` without --dry-run to finish it ({len(report.removed):,} payloads).")
        _table(report)
        return
    where = f"archived in {report.archive}" if report.archive is not None else "removed for good (--delete)"
    _say(f"{started}; it is finished now: {len(report.removed):,} payloads {where}.")
    if report.put_back:
        _say(f"{len(report.put_back)} were written again meanwhile and were put back.")
    _say("The compaction is recorded in the log. Run `ledgerflow compact` again to apply the policy anew.")


def _table(report: CompactionReport) -> None:
    from rich.table import Table

    from ledgerflow.commands.audit_render import local_time, shorten_ids

    if not report.removed:
        return
    table = Table("payload", "size", "data nodes", "last written (local)", header_style="bold", pad_edge=False)
    for payload in report.removed[:_SHOWN]:
        nodes = shorten_ids(", ".join(payload.nodes))
        table.add_row(payload.hash[:16], _size(payload.size), nodes, local_time(payload.last_written))
    console.print(table)
    if len(report.removed) > _SHOWN:
        console.print(f"… and {len(report.removed) - _SHOWN:,} more.")


def register(app: typer.Typer) -> None:
    """Add ``compact`` to the ``ledgerflow`` command."""
    app.command()(compact)
