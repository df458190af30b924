"""``ScenarioConfig``: the tasks (and extra data nodes) a scenario is made of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field, SkipValidation

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.layer import SCENARIO
from ledgerflow.domain.config.section import Section, to_raw
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.enums import Frequency


class ScenarioConfig(Section):
    """The config of a scenario (``Config.configure_scenario``).

    ``comparators`` maps a data node config id to the functions ``compare_scenarios`` applies to
    it; ``sequences`` maps a sequence name to its tasks. Properties include ``authorized_tags``.
    """

    section_name: ClassVar[str] = SCENARIO
    layer_keys: ClassVar[dict[str, str]] = {
        "task_configs": "tasks",
        "additional_data_node_configs": "additional_data_nodes",
    }

    task_configs: list[TaskConfig] = Field(default_factory=list)
    additional_data_node_configs: list[DataNodeConfig] = Field(default_factory=list)
    frequency: Frequency | None = None
    comparators: SkipValidation[dict[str, list[Callable[..., Any]]]] = Field(default_factory=dict)
    sequences: dict[str, list[TaskConfig]] = Field(default_factory=dict)

    @property
    def data_node_configs(self) -> list[DataNodeConfig]:
        """Inputs and outputs of its tasks, then the additional data nodes, each once, in order."""
        seen: dict[str, DataNodeConfig] = {}
        for task in self.task_configs:
            for dn in (*task.input_configs, *task.output_configs):
                seen.setdefault(dn.id, dn)
        for dn in self.additional_data_node_configs:
            seen.setdefault(dn.id, dn)
        return list(seen.values())

    @property
    def tasks(self) -> list[TaskConfig]:
        """Taipy's alias of ``task_configs``."""
        return list(self.task_configs)

    @property
    def data_nodes(self) -> list[DataNodeConfig]:
        """Taipy's alias of ``data_node_configs``."""
        return self.data_node_configs

    @property
    def additional_data_nodes(self) -> list[DataNodeConfig]:
        """Taipy's alias of ``additional_data_node_configs``."""
        return list(self.additional_data_node_configs)

    def add_comparator(self, dn_config_id: str, comparator: Callable[..., Any]) -> None:
        """Add a comparator for the data node config ``dn_config_id``."""
        comparators = {key: list(fns) for key, fns in self.comparators.items()}
        comparators.setdefault(dn_config_id, []).append(comparator)
        self._write({"comparators": comparators})

    def delete_comparator(self, dn_config_id: str) -> None:
        """Remove the comparators of the data node config ``dn_config_id``."""
        comparators = {key: fns for key, fns in self.comparators.items() if key != dn_config_id}
        self._write({"comparators": comparators})

    def add_sequences(self, sequences: dict[str, list[TaskConfig]]) -> None:
        """Add (or replace) sequences, each a name and its tasks."""
        self._write({"sequences": to_raw({**self.sequences, **sequences})})

    def remove_sequences(self, sequence_names: str | list[str]) -> None:
        """Remove the named sequences."""
        names = {sequence_names} if isinstance(sequence_names, str) else set(sequence_names)
        kept = {name: tasks for name, tasks in self.sequences.items() if name not in names}
        self._write({"sequences": to_raw(kept)})
