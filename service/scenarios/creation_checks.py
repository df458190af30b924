"""What Taipy refuses when an entity is created, before anything is recorded: a data node config
missing a property its storage type requires (``MissingRequiredProperty``), a configured sequence
naming a task its scenario config lacks (``SequenceTaskConfigDoesNotExistInSameScenarioConfig``)."""

from __future__ import annotations

from collections.abc import Iterable

from ledgerflow.domain.config import DataNodeConfig, ScenarioConfig
from ledgerflow.domain.config.storage_types import missing_required
from ledgerflow.domain.errors import MissingRequiredProperty, SequenceTaskConfigDoesNotExistInSameScenarioConfig


def check_data_nodes(configs: Iterable[DataNodeConfig]) -> None:
    """Refuse a data node config without a property its storage type requires."""
    for dn in configs:
        missing = missing_required(dn.storage_type, dn.raw_properties)
        if missing:
            raise MissingRequiredProperty(
                f"DataNodeConfig `{dn.id}` is missing the required property `{missing[0]}` for type "
                f"`{dn.storage_type}`."
            )


def check_scenario(config: ScenarioConfig) -> None:
    """Refuse a scenario config whose data nodes or sequences cannot be created."""
    check_data_nodes(config.data_node_configs)
    own = {task.id for task in config.task_configs}
    for name, tasks in config.sequences.items():
        strangers = [task.id for task in tasks if task.id not in own]
        if strangers:
            raise SequenceTaskConfigDoesNotExistInSameScenarioConfig(
                f"TaskConfig {strangers} of sequence {name!r} are not tasks of ScenarioConfig `{config.id}`."
            )
