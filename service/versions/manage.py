"""Managing application versions (``ledgerflow manage-versions``): list, rename, compare, delete.

These work on the log alone: no application runs and no version is activated. A version's
recorded config is only compared as data, so configs naming functions of a ``__main__`` script
(or of modules that are not importable here) are fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ledgerflow.domain.config.diff import ConfigDifference, config_diff
from ledgerflow.domain.errors import LedgerflowError, NonExistingVersion
from ledgerflow.domain.ids import version_aggregate_id
from ledgerflow.domain.version import Version
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import VersionView
from ledgerflow.runtime.fold_progress import FoldProgress
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service.scenarios.deletion import delete_version_entities
from ledgerflow.service.stores import maintaining, store_exists
from ledgerflow.service.versions.activation import latest_version


@dataclass(frozen=True)
class VersionRow:
    """One line of the version listing."""

    name: str
    mode: str  # "Development", "Experiment" or "Production"
    creation_date: datetime
    latest: bool


@contextmanager
def open_versions(
    storage_folder: Path | str, event_store: str | None = None, on_fold: FoldProgress | None = None
) -> Iterator[Runtime | None]:
    """The runtime of an application's log, or None when it has no log yet (``on_fold``: see ``open_runtime``)."""
    if not store_exists(storage_folder, event_store):
        yield None
        return
    with maintaining(storage_folder, event_store, on_fold) as runtime:
        yield runtime


def list_versions(state: CurrentState) -> list[VersionRow]:
    """Every version, newest first; the latest (the one of the most recent run) is marked."""
    latest = latest_version(state)
    views = sorted(state.versions.values(), key=lambda v: _naive(v.creation_date), reverse=True)
    return [VersionRow(v.name, v.mode.capitalize(), _naive(v.creation_date), v.name == latest) for v in views]


def _naive(moment: datetime) -> datetime:
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def _existing(state: CurrentState, name: str) -> VersionView:
    view = state.versions.get(name)
    if view is None:
        raise NonExistingVersion(f"Version '{name}' does not exist.")
    return view


def rename_version(runtime: Runtime, old: str, new: str) -> None:
    """Rename a version; its entities (and their history) move to the new name."""
    with runtime.lock:
        state = runtime.state
        if new in state.versions:
            raise LedgerflowError(f"Version name '{new}' is already used.")
        view = _existing(state, old)
        renamed = runtime.aggregate(Version, version_aggregate_id(old))
        renamed.rename(new)
        try:
            successor = runtime.aggregate(Version, version_aggregate_id(new))
        except LedgerflowError:
            successor = Version(
                id=version_aggregate_id(new),
                name=new,
                mode=view.mode,
                config=view.config,
                creation_date=view.creation_date,
            )
        else:
            successor.revive(view.mode, view.config, view.creation_date)
        runtime.record(renamed, successor, reason=f"rename version {old} to {new}")


def compare_configs(state: CurrentState, first: str, second: str) -> list[ConfigDifference]:
    """Every difference from the config of version ``first`` to that of ``second``."""
    return config_diff(_existing(state, first).config, _existing(state, second).config)


def delete_version(runtime: Runtime, name: str) -> None:
    """Delete a version and all its entities (their events stay in the log)."""
    with runtime.lock:
        _existing(runtime.state, name)
        delete_version_entities(runtime, name)
        version = runtime.aggregate(Version, version_aggregate_id(name))
        version.delete()
        runtime.record(version, reason=f"delete version {name}")


def delete_production(runtime: Runtime, name: str) -> None:
    """Remove a version from the production versions: it becomes an experiment version again."""
    with runtime.lock:
        _existing(runtime.state, name)
        version = runtime.aggregate(Version, version_aggregate_id(name))
        version.demote()
        runtime.record(version, reason=f"delete version {name} from production")
