"""Application versions: which one this run uses, and which entities it can see.

development (default): one development version whose entities are replaced at every start
(their events stay in the log); experiment [V]: a named version whose entities persist;
production [V]: the version becomes a production version and the run sees the entities of
every production version.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.diff import config_diff
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.ids import version_aggregate_id
from ledgerflow.domain.version import DEVELOPMENT, EXPERIMENT, MODES, PRODUCTION, Version
from ledgerflow.service.cleanup import delete_version_entities
from ledgerflow.service.runtime import Runtime

log = logging.getLogger("ledgerflow")

MODE_ENV = "LEDGERFLOW_MODE"
VERSION_ENV = "LEDGERFLOW_VERSION"
FORCE_ENV = "LEDGERFLOW_FORCE"


class ConflictedConfigurationError(LedgerflowError):
    """The config differs from the one recorded for an existing version."""


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


def latest_version(runtime: Runtime) -> str | None:
    """The most recently created or converted version, development excluded."""
    candidates = [v for v in runtime.state.versions.values() if v.mode != DEVELOPMENT]
    if not candidates:
        return None
    return max(candidates, key=lambda v: (v.updated_at, v.creation_date)).name


def _check_conflicts(name: str, mode: str, recorded: dict[str, Any], current: dict[str, Any], force: bool) -> bool:
    """True when the config changed; raises unless ``force``."""
    differences = config_diff(recorded, current)
    conflicts = [d for d in differences if d.is_conflict]
    if differences and not conflicts:
        log.info(
            "There are non-conflicting changes between the configuration for version %s and the current one.", name
        )
    if not conflicts:
        return bool(differences)
    lines = "\n".join(f"\t{d}" for d in conflicts)
    message = f"The configuration for version {name} conflicts with the current configuration:\n{lines}"
    if not force:
        hint = (
            "Please add a new production version with migration functions.\n"
            "If old entities remain compatible with the new configuration, you can also run your "
            f"application with --force option to override the production configuration of version {name}."
            if mode == PRODUCTION
            else f"Please add a new experiment version or run your application with --force option "
            f"to override the Config of experiment {name}."
        )
        raise ConflictedConfigurationError(f"{message}\n\n{hint}")
    log.error(message)
    log.warning("Option --force is detected, overriding the configuration of version %s ...", name)
    return True


def activate(runtime: Runtime) -> ActiveVersion:
    """Pick (and record) the version of this run from the config and the environment."""
    mode, name, force = _requested()
    config = Config.serialize()
    now = datetime.now()
    state = runtime.state
    if mode == DEVELOPMENT:
        existing = next((v for v in state.versions.values() if v.mode == DEVELOPMENT), None)
        if existing is None:
            version = Version(
                id=version_aggregate_id(n := str(uuid.uuid4())), name=n, mode=mode, config=config, creation_date=now
            )
            runtime.record(version, reason="development version created")
            return ActiveVersion(n, mode, frozenset({n}))
        log.info("Development mode: Clean all entities of version %s", existing.name)
        delete_version_entities(runtime, existing.name)
        dev = runtime.aggregate(Version, version_aggregate_id(existing.name))
        dev.record_config(config, forced=False)
        runtime.record(dev, reason="development run started")
        return ActiveVersion(existing.name, mode, frozenset({existing.name}))
    if name is None:
        name = str(uuid.uuid4()) if mode == EXPERIMENT else latest_version(runtime)
        if name is None:
            name = str(uuid.uuid4())
    recorded = state.versions.get(name)
    if recorded is not None and recorded.mode == DEVELOPMENT:
        raise LedgerflowError(f"Version {name} is the development version: choose another name.")
    if recorded is None:
        version = Version(id=version_aggregate_id(name), name=name, mode=mode, config=config, creation_date=now)
        runtime.record(version, reason=f"{mode} version created")
    else:
        version = runtime.aggregate(Version, version_aggregate_id(name))
        if _check_conflicts(name, mode, recorded.config, config, force):
            version.record_config(config, forced=force)
        if mode == PRODUCTION and recorded.mode != PRODUCTION:
            version.change_mode(PRODUCTION)
        elif mode == PRODUCTION:
            log.info("Version %s is already a production version.", name)
        runtime.record(version, reason=f"{mode} run started")
    if mode == PRODUCTION:
        visible = frozenset(v.name for v in state.versions.values() if v.mode == PRODUCTION)
        return ActiveVersion(name, mode, visible | {name})
    return ActiveVersion(name, mode, frozenset({name}))
