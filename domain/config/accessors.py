"""The class-level read accessors of ``Config`` (``Config.data_nodes``, ``Config.core``...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.layer import CORE, DATA_NODE, DEFAULT_ID, JOB, SCENARIO, TASK
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig

S = TypeVar("S", bound=Section)


class ConfigAccessors(type):
    """Class-level read accessors of ``Config`` (``Config.data_nodes``...)."""

    @property
    def data_nodes(cls) -> dict[str, DataNodeConfig]:
        """Data node configs by id, with the ``"default"`` entry first (as Taipy lists them)."""
        return _with_default(DATA_NODE, current_registry().applied().data_nodes)

    @property
    def tasks(cls) -> dict[str, TaskConfig]:
        """Task configs by id, with the ``"default"`` entry first."""
        return _with_default(TASK, current_registry().applied().tasks)

    @property
    def scenarios(cls) -> dict[str, ScenarioConfig]:
        """Scenario configs by id, with the ``"default"`` entry first."""
        return _with_default(SCENARIO, current_registry().applied().scenarios)

    @property
    def sections(cls) -> dict[str, dict[str, Section]]:
        """The keyed sections by kind (``DATA_NODE``, ``TASK``, ``SCENARIO``), defaults included."""
        return {DATA_NODE: cls.data_nodes, TASK: cls.tasks, SCENARIO: cls.scenarios}  # type: ignore[dict-item]

    @property
    def unique_sections(cls) -> dict[str, Section]:
        """The unique sections by name: ``JOB``, ``CORE`` and ``TAIPY``."""
        applied = current_registry().applied()
        return {"TAIPY": applied.global_config, JOB: applied.job_config, CORE: applied.core}

    @property
    def job_config(cls) -> JobConfig:
        """How jobs are executed."""
        return current_registry().applied().job_config

    @property
    def core(cls) -> CoreConfig:
        """Storage and version settings."""
        return current_registry().applied().core

    @property
    def global_config(cls) -> GlobalAppConfig:
        """Free application properties."""
        return current_registry().applied().global_config

    @property
    def migration_functions(cls) -> dict[str, dict[str, Callable[..., Any]]]:
        """``{target_version: {config_id: migration_fct}}``."""
        functions = current_registry().applied().migration_functions
        return {version: dict(fns) for version, fns in functions.items()}

    @property
    def is_blocked(cls) -> bool:
        """True while the orchestrator runs."""
        return current_registry().blocked


def _with_default(kind: str, sections: dict[str, S]) -> dict[str, S]:
    default = current_registry().applied().defaults.get(kind)
    found: dict[str, S] = {DEFAULT_ID: default} if default is not None else {}  # type: ignore[dict-item]
    found.update(sections)
    return found


def configured(kind: str, config_id: str) -> Any:
    """The config of one id of a kind (``DATA_NODE``, ``TASK``, ``SCENARIO``), or None: what
    ``Config.data_nodes.get(config_id)`` gives, without copying every config (a job reads a few)."""
    applied = current_registry().applied()
    by_kind: dict[str, dict[str, Any]] = {
        DATA_NODE: applied.data_nodes,
        TASK: applied.tasks,
        SCENARIO: applied.scenarios,
    }
    found = by_kind[kind].get(config_id)
    return applied.defaults.get(kind) if found is None and config_id == DEFAULT_ID else found
