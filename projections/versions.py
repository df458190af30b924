"""Fold steps of application versions, and of the entities that move between versions.

A version's view is keyed by its name. Renaming a version, or migrating an older production
version into a newer one, moves *every* entity of the old name (scenarios, sequences, tasks, data
nodes, cycles, jobs, submissions) to the new one. A shared entity's natural key names its version,
so it is re-keyed too — unless the new version already has its own entity under that key, which
then stays the one new scenarios share.

Registered on ``projections.state``'s handler table when ``projections.current`` loads.
"""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.scenario import ScenarioTopics
from ledgerflow.domain.task import TaskTopics
from ledgerflow.domain.version import VersionTopics
from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.state import CurrentState, handles
from ledgerflow.projections.views import VersionView

_PRODUCTION = "production"


def _version_name(r: RecordLike) -> str:
    return r.originator_id.removeprefix("VERSION_")


@handles(VersionTopics.CREATED)
@handles(VersionTopics.REVIVED)
def _version_created(state: CurrentState, r: RecordLike) -> None:
    p = r.payload
    moved = state.versions.get(p["name"])  # a rename in the same command moved the version here already
    promoted = r.timestamp if p["mode"] == _PRODUCTION else None
    state.versions[p["name"]] = VersionView(
        name=p["name"],
        mode=p["mode"],
        config=p["config"],
        creation_date=p["creation_date"],
        updated_at=r.timestamp,
        started_at=moved.started_at if moved is not None else r.timestamp,
        promoted_at=moved.promoted_at if moved is not None else promoted,
    )


@handles(VersionTopics.CONFIG_RECORDED)
def _version_config(state: CurrentState, r: RecordLike) -> None:
    version = state.versions[_version_name(r)]
    version.config = r.payload["config"]
    version.updated_at = r.timestamp


@handles(VersionTopics.STARTED)
def _version_started(state: CurrentState, r: RecordLike) -> None:
    state.versions[_version_name(r)].started_at = r.timestamp


@handles(VersionTopics.MODE_CHANGED)
def _version_mode(state: CurrentState, r: RecordLike) -> None:
    version = state.versions[_version_name(r)]
    mode = r.payload["mode"]
    if mode == _PRODUCTION and version.mode != _PRODUCTION:
        version.promoted_at = r.timestamp
    elif mode != _PRODUCTION:
        version.promoted_at = None
    version.mode = mode
    version.updated_at = r.timestamp


@handles(VersionTopics.RENAMED)
def _version_renamed(state: CurrentState, r: RecordLike) -> None:
    old, new = _version_name(r), r.payload["new_name"]
    version = state.versions.pop(old)
    version.name = new
    version.updated_at = r.timestamp
    state.versions[new] = version
    move_version_entities(state, old, new)


@handles(VersionTopics.MIGRATED)
def _version_migrated(state: CurrentState, r: RecordLike) -> None:
    move_version_entities(state, r.payload["from_version"], _version_name(r))


@handles(VersionTopics.DELETED)
def _version_deleted(state: CurrentState, r: RecordLike) -> None:
    state.versions.pop(_version_name(r), None)


def move_version_entities(state: CurrentState, old: str, new: str) -> None:
    """Every entity of version ``old`` now belongs to version ``new`` (those read back from the log too)."""
    for name, renamed in state.version_renames.items():
        if renamed == old:
            state.version_renames[name] = new
    state.version_renames[old] = new
    tables: tuple[dict[str, Any], ...] = (
        state.scenarios,
        state.sequences,
        state.tasks,
        state.data_nodes,
        state.cycles,
        state.jobs,
        state.submissions,
    )
    for table in tables:
        for view in table.values():
            if view.version == old:
                _move(state, view, new)


def _move(state: CurrentState, view: Any, new: str) -> None:
    old = view.version
    view.version = new
    key: str | None = getattr(view, "key", None)
    suffix = f"|{old}"
    if key is None or not key.endswith(suffix):
        return
    new_key = f"{key[: -len(suffix)]}|{new}"
    if new_key in state.by_key:
        return
    # the old key is forgotten like a deletion, so a new entity under it gets a fresh id
    state._forget_key(key, view.id)
    state.by_key[new_key] = view.id
    view.key = new_key


# what a migration may change, per entity kind; values are recorded JSON-safe
_SETTABLE = {
    "data_nodes": ("scope", "validity_period", "properties"),
    "tasks": ("skippable", "properties"),
    "scenarios": ("name", "properties", "tags"),
}


def _migrated(table: str, state: CurrentState, r: RecordLike) -> None:
    view = getattr(state, table)[r.originator_id]
    allowed = _SETTABLE[table]
    for attribute, change in r.payload["changes"].items():
        if attribute not in allowed:
            continue
        value = change["new"]
        if isinstance(value, dict | list):
            value = set(value) if attribute == "tags" else dict(value)
        setattr(view, attribute, value)
    if view.version != r.payload["to_version"]:
        _move(state, view, r.payload["to_version"])


@handles(DataNodeTopics.MIGRATED)
def _dn_migrated(state: CurrentState, r: RecordLike) -> None:
    _migrated("data_nodes", state, r)


@handles(TaskTopics.MIGRATED)
def _task_migrated(state: CurrentState, r: RecordLike) -> None:
    _migrated("tasks", state, r)


@handles(ScenarioTopics.MIGRATED)
def _scenario_migrated(state: CurrentState, r: RecordLike) -> None:
    _migrated("scenarios", state, r)
