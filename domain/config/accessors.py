"""The class-level read accessors of ``Config`` (``Config.data_nodes``, ``Config.core``...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig


class ConfigAccessors(type):
    """Class-level read accessors of ``Config`` (``Config.data_nodes``...)."""

    @property
    def data_nodes(cls) -> dict[str, DataNodeConfig]:
        """Data node configs by id (the merged layers; the default entry excluded)."""
        return dict(current_registry().applied().data_nodes)

    @property
    def tasks(cls) -> dict[str, TaskConfig]:
        """Task configs by id."""
        return dict(current_registry().applied().tasks)

    @property
    def scenarios(cls) -> dict[str, ScenarioConfig]:
        """Scenario configs by id."""
        return dict(current_registry().applied().scenarios)

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
