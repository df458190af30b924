"""``ledgerflow manage-versions``: list, rename, compare, delete, and leave production.

It reads the application's log (``--storage-folder``, default ``.ledgerflow/``, or
``--event-store URL`` / ``LEDGERFLOW_EVENT_STORE``); no application runs. Every change is an
event of the version (``ledgerflow history VERSION_<name>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ledgerflow.commands.common import console, fail, handles_errors

if TYPE_CHECKING:
    from ledgerflow.service.versions.manage import VersionRow

__all__ = ["register"]

_COLORS = {"Development": "green", "Experiment": "blue", "Production": "magenta"}


def version_table(rows: list[VersionRow]) -> Table:
    """The listing: version number, mode (``(latest)`` marked, in bold) and creation date, newest first."""
    table = Table(box=None, pad_edge=False, padding=(0, 3, 0, 0), header_style="bold")
    table.add_column("Version number", min_width=36, no_wrap=True)
    table.add_column("Mode", min_width=20, no_wrap=True)
    table.add_column("Creation date", min_width=20, no_wrap=True)
    for row in rows:
        style = _COLORS[row.mode] + (" bold" if row.latest else "")
        mode = f"{row.mode} (latest)" if row.latest else row.mode
        date = row.creation_date.strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(Text(row.name, style), Text(mode, style), Text(date, style))
    return table


@handles_errors
def manage_versions(
    list_: Annotated[bool, typer.Option("--list", "-l", help="List every version of the application.")] = False,
    rename: Annotated[
        tuple[str, str] | None,
        typer.Option(metavar="OLD_VERSION NEW_VERSION", help="Rename a version (its entities follow)."),
    ] = None,
    compare_config: Annotated[
        tuple[str, str] | None,
        typer.Option(metavar="VERSION_1 VERSION_2", help="Compare the configs of two versions."),
    ] = None,
    delete: Annotated[
        str | None, typer.Option("--delete", "-d", metavar="VERSION", help="Delete a version and its entities.")
    ] = None,
    delete_production_: Annotated[
        str | None,
        typer.Option(
            "--delete-production",
            "-dp",
            metavar="VERSION",
            help="Remove a version from production; it stays as an experiment version.",
        ),
    ] = None,
    storage_folder: Annotated[
        Path, typer.Option("--storage-folder", help="The application's storage folder (its event store).")
    ] = Path(".ledgerflow"),
    event_store: Annotated[
        str | None,
        typer.Option("--event-store", help="The event store URL (default: LEDGERFLOW_EVENT_STORE, else the folder's)."),
    ] = None,
) -> None:
    """Application versions: --list | --rename OLD NEW | --compare-config V1 V2 | --delete V | --delete-production V."""
    chosen = [list_, rename is not None, compare_config is not None, delete is not None, delete_production_ is not None]
    if sum(chosen) != 1:
        raise fail("Choose one of --list, --rename, --compare-config, --delete and --delete-production.", 2)
    # imported here, so that `ledgerflow run` does not pay for them
    from ledgerflow.commands.progress import reading_log
    from ledgerflow.service.versions.manage import (
        compare_configs,
        delete_production,
        delete_version,
        list_versions,
        open_versions,
        rename_version,
    )

    with reading_log() as folded, open_versions(storage_folder, event_store, folded) as runtime:
        if list_:
            table = version_table(list_versions(runtime.state) if runtime is not None else [])
            wide = Measurement.get(console, console.options.update_width(1000), table).maximum
            console.print(table, width=max(console.width, wide), crop=False)
            return
        if runtime is None:
            name = delete or delete_production_ or (rename or compare_config or ("",))[0]
            raise fail(f"Version '{name}' does not exist: there is no log at {storage_folder} yet.")
        if rename is not None:
            rename_version(runtime, *rename)
            console.print(f"Successfully renamed version '{rename[0]}' to '{rename[1]}'.", highlight=False)
        elif compare_config is not None:
            _print_comparison(*compare_config, [str(d) for d in compare_configs(runtime.state, *compare_config)])
        elif delete is not None:
            if delete not in runtime.state.versions:
                raise fail(f"Version '{delete}' does not exist. Abort cleaning the entities of version '{delete}'.")
            delete_version(runtime, delete)
            console.print(f"Successfully delete version {delete}.", highlight=False)
        elif delete_production_ is not None:
            delete_production(runtime, delete_production_)
            message = f"Successfully delete version {delete_production_} from the production version list."
            console.print(message, highlight=False)


def _print_comparison(first: str, second: str, lines: list[str]) -> None:
    if not lines:
        message = f"There is no difference between version {first} Configuration and version {second} Configuration."
        console.print(message, highlight=False, soft_wrap=True)
        return
    typer.echo(f"Differences between version {first} Configuration and version {second} Configuration:")
    for line in lines:
        typer.echo(f"\t{line}")  # a real tab, as Taipy prints it


def register(app: typer.Typer) -> None:
    """Add ``manage-versions`` to the ``ledgerflow`` command."""
    app.command("manage-versions")(manage_versions)
