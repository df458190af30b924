"""Application versions: which one this run uses, and which entities it can see.

development (default): one development version whose entities are replaced at every start
(their events stay in the log); experiment [V]: a named (or generated) version whose entities
persist and are isolated; production [V] (default: the latest version): the version becomes a
production version, the entities of older production versions are migrated to it (see
``service/versions/migrations.py``), and the run sees the entities of every production version.

Re-running an existing version with a config that conflicts with the recorded one refuses to
start (``ConflictedConfigurationError``: the differences are logged as an ERROR, one per line,
then the hint ends the program without a traceback); ``force`` records the new config instead.
Nothing is recorded before every check passed; then one command records the version's
creation or promotion, config, run start and migrations.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.diff import config_diff
from ledgerflow.domain.errors import (
    ConflictedConfigurationError,
    LedgerflowError,
    VersionAlreadyExistsAsDevelopment,
    VersionRefused,
)
from ledgerflow.domain.ids import version_aggregate_id
from ledgerflow.domain.version import DEVELOPMENT, EXPERIMENT, MODES, PRODUCTION, Version
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import VersionView
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service.scenarios.deletion import delete_version_entities
from ledgerflow.service.versions.migrations import plan_migrations, record_plan
from ledgerflow.storage.datanodes import Backends

log = logging.getLogger("ledgerflow")

MODE_ENV = "LEDGERFLOW_MODE"
VERSION_ENV = "LEDGERFLOW_VERSION"
FORCE_ENV = "LEDGERFLOW_FORCE"

__all__ = ["ActiveVersion", "ConflictedConfigurationError", "activate", "latest_version", "production_versions"]


@dataclass(frozen=True)
class ActiveVersion:
    """The version this run records entities under, and the versions whose entities it sees."""

    name: str
    mode: str
    visible: frozenset[str]


def _requested() -> tuple[str, str | None, bool]:
    core = Config.core
    mode = os.environ.get(MODE_ENV) or core.mode or DEVELOPMENT
    if mode not in MODES:
        raise LedgerflowError(f'Unknown version mode "{mode}": use one of {", ".join(MODES)}.')
    version = os.environ.get(VERSION_ENV) or core.version_number or None
    force_env = os.environ.get(FORCE_ENV)
    force = force_env.lower() in ("1", "true", "yes") if force_env else bool(core.force)
    return mode, version, force


def latest_version(state: CurrentState) -> str | None:
    """The version of the most recent run (development included), as Taipy's ``latest``."""
    if not state.versions:
        return None
    return max(state.versions.values(), key=_started).name


def _started(view: VersionView) -> tuple[datetime, datetime]:
    return (view.started_at or view.updated_at, view.updated_at)


def development_version(state: CurrentState) -> str | None:
    """The development version, if there is one."""
    return next((v.name for v in state.versions.values() if v.mode == DEVELOPMENT), None)


def production_versions(state: CurrentState) -> list[str]:
    """The production versions, in the order they became production versions."""
    production = [v for v in state.versions.values() if v.mode == PRODUCTION]
    return [v.name for v in sorted(production, key=lambda v: v.promoted_at or v.updated_at)]


def _check_conflicts(
    name: str, mode: str, recorded: dict[str, Any], current: dict[str, Any], force: bool
) -> tuple[bool, bool]:
    """(changed, forced): whether the config changed, and whether ``force`` overrode a conflict.

    Raises ``ConflictedConfigurationError`` on a conflict unless ``force``."""
    differences = config_diff(recorded, current)
    conflicts = [d for d in differences if d.is_conflict]
    others = [d for d in differences if not d.is_conflict]
    if others:
        lines = "".join(f"\n\t{d}" for d in others)
        log.info(
            "There are non-conflicting changes between the configuration for version %s and the current "
            "configuration:%s",
            name,
            lines,
        )
    if not conflicts:
        return bool(differences), False
    lines = "".join(f"\n\t{d}" for d in conflicts)
    message = f"The configuration for version {name} conflicts with the current configuration:{lines}"
    log.error(message)
    if not force:
        hint = (
            "Please add a new production version with migration functions.\n"
            "If old entities remain compatible with the new configuration, you can also run your "
            f"application with --force option to override the production configuration of version {name}."
            if mode == PRODUCTION
            else "Please add a new experiment version or run your application with --force option "
            f"to override the Config of experiment {name}."
        )
        raise ConflictedConfigurationError(f"{message}\n\n{hint}", f"\n{hint}")
    log.warning("Option --force is detected, overriding the configuration of version %s ...", name)
    return True, True


def _start_development(runtime: Runtime, config: dict[str, Any], now: datetime) -> ActiveVersion:
    name = development_version(runtime.state)
    if name is None:
        name = str(uuid.uuid4())
        version = _new_version(runtime, name, DEVELOPMENT, config, now)
    else:
        log.info("Development mode: Clean all entities of version %s", name)
        delete_version_entities(runtime, name)
        version = runtime.aggregate(Version, version_aggregate_id(name))
        if config_diff(runtime.state.versions[name].config, config):
            version.record_config(config, forced=False)
    version.start()
    runtime.record(version, reason="development run started")
    return ActiveVersion(name, DEVELOPMENT, frozenset({name}))


def _new_version(runtime: Runtime, name: str, mode: str, config: dict[str, Any], now: datetime) -> Version:
    """A version record for ``name``: a new aggregate, or the retired one of a deleted or renamed version."""
    try:
        retired = runtime.aggregate(Version, version_aggregate_id(name))
    except LedgerflowError:
        return Version(id=version_aggregate_id(name), name=name, mode=mode, config=config, creation_date=now)
    if not retired.retired:  # another process created it since this one read the log: read again
        raise IntegrityError(f"Version {name} was just created by another process.")
    retired.revive(mode, config, now)
    return retired


def _refuse_reserved(state: CurrentState, name: str, mode: str) -> None:
    if mode != EXPERIMENT:
        return
    recorded = state.versions.get(name)
    if recorded is not None and recorded.mode == DEVELOPMENT:
        raise VersionAlreadyExistsAsDevelopment(
            f"Version number {name} is the development version. Please choose a different name for this experiment."
        )
    if recorded is not None and recorded.mode == PRODUCTION:
        raise VersionRefused(
            f"Version number {name} is already a production version. Please choose a different name for this "
            "experiment."
        )


def activate(runtime: Runtime, backends: Backends) -> ActiveVersion:
    """Pick (and record) the version of this run from the config and the environment."""
    mode, name, force = _requested()
    config = Config.serialize()
    now = datetime.now()
    with runtime.lock:
        runtime.catch_up()  # what other processes recorded since the projection was loaded
        state = runtime.state
        if mode == DEVELOPMENT:
            return _start_development(runtime, config, now)
        if name is None:
            name = (latest_version(state) if mode == PRODUCTION else None) or str(uuid.uuid4())
        _refuse_reserved(state, name, mode)
        recorded = state.versions.get(name)
        if recorded is None:
            version = _new_version(runtime, name, mode, config, now)
        else:
            version = runtime.aggregate(Version, version_aggregate_id(name))
            changed, forced = _check_conflicts(name, mode, recorded.config, config, force)
            if changed:
                version.record_config(config, forced=forced)
            if mode == PRODUCTION and recorded.mode == PRODUCTION:
                log.info("Version %s is already a production version.", name)
            elif mode == PRODUCTION:
                version.promote()
        version.start()
        migrated: list[Any] = []
        if mode == PRODUCTION:
            already = recorded is not None and recorded.mode == PRODUCTION
            order = production_versions(state) if already else [*production_versions(state), name]
            plan = plan_migrations(state, backends, order, name, Config.migration_functions)
            migrated = record_plan(runtime, plan, version)
        runtime.record(version, *migrated, reason=f"{mode} run of version {name} started")
        if mode == PRODUCTION:
            return ActiveVersion(name, mode, frozenset(production_versions(runtime.state)))
        return ActiveVersion(name, mode, frozenset({name}))
