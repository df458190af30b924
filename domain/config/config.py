"""``Config``: the process-wide configuration, used through class methods (Taipy's API).

Settings come from four layers, each overriding the one before: built-in defaults, the code
(``configure_*`` calls), ``Config.override(path)``, and the TOML file named by the environment
variable ``LEDGERFLOW_CONFIG_PATH``. A parameter left to None is not set: a lower layer or the
``set_default_*`` values decide. Re-configuring an id merges into that section. While the
orchestrator runs (``block_update``), every change raises ``ConfigurationUpdateBlocked``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, cast

from ledgerflow.domain.config.accessors import ConfigAccessors
from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.checker import run_checks
from ledgerflow.domain.config.codec import document_to_layer
from ledgerflow.domain.config.compiler import compile_config
from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.data_node_helpers import DataNodeHelpers
from ledgerflow.domain.config.data_node_helpers_remote import RemoteDataNodeHelpers
from ledgerflow.domain.config.issues import ConfigCheckError, IssueCollector
from ledgerflow.domain.config.layer import (
    DATA_NODE,
    SCENARIO,
    TASK,
    Layer,
    builtin_defaults,
    merge_layers,
)
from ledgerflow.domain.config.registration import (
    register,
    register_data_node,
    register_default,
    register_scenario,
    register_task,
    scenario_settings,
    task_settings,
)
from ledgerflow.domain.config.registry import current_registry, reset_registry
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.section import Section, to_raw
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.toml_file import read_layer, write_layer
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig
from ledgerflow.domain.enums import Frequency, Scope

Path = str | os.PathLike[str]


class Config(DataNodeHelpers, RemoteDataNodeHelpers, metaclass=ConfigAccessors):
    """The configuration of the application (see the module docstring)."""

    @classmethod
    def configure_data_node(
        cls,
        id: str,
        storage_type: str | None = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node config; storage_type defaults to "pickle" and scope to SCENARIO."""
        return register_data_node(id, storage_type, scope, validity_period, properties)

    @classmethod
    def configure_data_node_from(
        cls, source_configuration: DataNodeConfig, id: str, **properties: Any
    ) -> DataNodeConfig:
        """A copy of ``source_configuration`` under a new id, with ``properties`` overridden."""
        settings = {**source_configuration.settings(), **properties}
        return cast(DataNodeConfig, register(DATA_NODE, id, settings))

    @classmethod
    def configure_task(
        cls,
        id: str,
        function: Callable[..., Any] | None = None,
        input: Any = None,
        output: Any = None,
        skippable: bool = False,
        **properties: Any,
    ) -> TaskConfig:
        """A task config; ``input`` (in argument order) and ``output``: one config or a list."""
        return register_task(id, task_settings(function, input, output, skippable, properties))

    @classmethod
    def configure_scenario(
        cls,
        id: str,
        task_configs: list[TaskConfig] | None = None,
        additional_data_node_configs: list[DataNodeConfig] | None = None,
        frequency: Frequency | None = None,
        comparators: Mapping[str, Callable[..., Any] | list[Callable[..., Any]]] | None = None,
        sequences: Mapping[str, list[TaskConfig]] | None = None,
        **properties: Any,
    ) -> ScenarioConfig:
        """A scenario config: tasks, extra data nodes, cycle frequency, comparators, sequences."""
        settings = scenario_settings(
            task_configs,
            additional_data_node_configs,
            frequency,
            comparators,
            sequences,
            properties,
        )
        return register_scenario(id, settings)

    @classmethod
    def configure_job_executions(
        cls, mode: str | None = None, max_nb_of_workers: int | str | None = None, **properties: Any
    ) -> JobConfig:
        """How jobs run: development (default), standalone (2 workers by default) or cluster."""
        settings = {"mode": mode, "max_nb_of_workers": max_nb_of_workers, **properties}
        return cls._configure_unique("JOB", settings).job_config

    @classmethod
    def configure_core(
        cls,
        storage_folder: Path | None = None,
        event_store: str | None = None,
        mode: str | None = None,
        version_number: str | None = None,
        force: bool | str | None = None,
        **properties: Any,
    ) -> CoreConfig:
        """Storage folder (".ledgerflow/"), event store URL, version mode/number and force."""
        settings = {
            "storage_folder": storage_folder,
            "event_store": event_store,
            "mode": mode,
            "version_number": version_number,
            "force": force,
            **properties,
        }
        return cls._configure_unique("CORE", settings).core

    @classmethod
    def configure_global_app(cls, **properties: Any) -> GlobalAppConfig:
        """Free application-wide properties (the ``[GLOBAL_APP]`` table)."""
        return cls._configure_unique("GLOBAL_APP", properties).global_config

    @classmethod
    def _configure_unique(cls, kind: str, settings: dict[str, Any]) -> AppliedConfig:
        explicit = {key: to_raw(value) for key, value in settings.items() if value is not None}
        return current_registry().change(lambda layer: layer.unique[kind].update(explicit))

    @classmethod
    def set_default_data_node_configuration(
        cls,
        storage_type: str,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """Replace the defaults of data node configs (scope and properties apply only to nodes
        of this storage type)."""
        settings = {
            "storage_type": storage_type,
            "scope": scope,
            "validity_period": validity_period,
            **properties,
        }
        return cast(DataNodeConfig, register_default(DATA_NODE, settings))

    @classmethod
    def set_default_task_configuration(
        cls,
        function: Callable[..., Any] | None = None,
        input: Any = None,
        output: Any = None,
        skippable: bool = False,
        **properties: Any,
    ) -> TaskConfig:
        """Replace the defaults of task configs."""
        settings = task_settings(function, input, output, skippable, properties)
        return cast(TaskConfig, register_default(TASK, settings))

    @classmethod
    def set_default_scenario_configuration(
        cls,
        task_configs: list[TaskConfig] | None = None,
        additional_data_node_configs: list[DataNodeConfig] | None = None,
        frequency: Frequency | None = None,
        comparators: Mapping[str, Any] | None = None,
        sequences: Mapping[str, list[TaskConfig]] | None = None,
        **properties: Any,
    ) -> ScenarioConfig:
        """Replace the defaults of scenario configs."""
        settings = scenario_settings(
            task_configs,
            additional_data_node_configs,
            frequency,
            comparators,
            sequences,
            properties,
        )
        return cast(ScenarioConfig, register_default(SCENARIO, settings))

    @classmethod
    def add_migration_function(
        cls, target_version: str, config: Section | str, migration_fct: Callable[..., Any]
    ) -> None:
        """Register ``migration_fct(entity) -> entity`` for entities of ``config`` (or its id)
        migrated to the production version ``target_version``."""
        config_id = config.id if isinstance(config, Section) else str(config)

        def edit(layer: Layer) -> None:
            layer.migrations.setdefault(str(target_version), {})[config_id] = migration_fct

        current_registry().change(edit)

    # --- files -------------------------------------------------------------------------------

    @classmethod
    def load(cls, filename: Path) -> None:
        """Replace the code layer by the TOML file's content."""
        current_registry().replace_layer("code", read_layer(filename, lazy=False))

    @classmethod
    def override(cls, filename: Path) -> None:
        """Set the file layer, which overrides the code."""
        current_registry().replace_layer("file", read_layer(filename, lazy=False))

    @classmethod
    def export(cls, filename: Path) -> None:
        """Write the code layer (what ``configure_*`` calls set) to a TOML file."""
        write_layer(filename, current_registry().code)

    @classmethod
    def backup(cls, filename: Path) -> None:
        """Write the merged configuration, defaults included, to a TOML file."""
        write_layer(filename, current_registry().applied().to_layer(with_defaults=True))

    @classmethod
    def restore(cls, filename: Path) -> None:
        """Make a backup the whole configuration: it replaces the code layer, and the
        override file is dropped."""
        registry = current_registry()
        registry.replace_layer("code", read_layer(filename, lazy=False))
        registry.replace_layer("file", Layer())

    # --- state -------------------------------------------------------------------------------

    @classmethod
    def block_update(cls) -> None:
        """Refuse every change until ``unblock_update`` (the orchestrator is running)."""
        current_registry().blocked = True

    @classmethod
    def unblock_update(cls) -> None:
        """Accept changes again."""
        current_registry().blocked = False

    @classmethod
    def check(cls, *, main_guarded: bool = False) -> IssueCollector:
        """Check the merged configuration; raise ``ConfigCheckError`` listing every error.

        ``main_guarded``: the caller verified the ``__main__`` script guards its entry point.
        """
        issues = run_checks(current_registry().applied(), main_guarded=main_guarded)
        if issues.errors:
            raise ConfigCheckError(issues)
        return issues

    @classmethod
    def serialize(cls) -> dict[str, Any]:
        """The merged configuration as a JSON-safe, deterministic document (what the log
        records; ``ENV[...]`` templates stay unresolved)."""
        return current_registry().applied().serialize()

    @classmethod
    def deserialize(cls, document: Mapping[str, Any]) -> AppliedConfig:
        """A read-only config rebuilt from ``serialize()``'s document; functions are not imported
        (they are ``ImportReference``s, imported only when called)."""
        recorded = document_to_layer(document, lazy=True, source="recorded config")
        return compile_config(merge_layers(builtin_defaults(), recorded))

    @classmethod
    def _reset(cls) -> None:
        """Forget every setting and unblock (test fixtures only)."""
        reset_registry()
