"""``AppliedConfig``: the merged configuration, section objects by id.

The live registry keeps one (``Config.data_nodes``... read from it); ``Config.deserialize`` builds
a detached, read-only one from a recorded ``Config.serialize()`` document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledgerflow.domain.config.codec import serialize_layer
from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.layer import (
    CORE,
    DATA_NODE,
    DEFAULT_ID,
    GLOBAL_APP,
    JOB,
    SCENARIO,
    TASK,
    Layer,
)
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig


@dataclass
class AppliedConfig:
    """The merged sections. ``data_nodes``, ``tasks`` and ``scenarios`` exclude the defaults."""

    data_nodes: dict[str, DataNodeConfig]
    tasks: dict[str, TaskConfig]
    scenarios: dict[str, ScenarioConfig]
    job_config: JobConfig
    core: CoreConfig
    global_config: GlobalAppConfig
    defaults: dict[str, Section] = field(default_factory=dict)
    migration_functions: dict[str, dict[str, Callable[..., Any]]] = field(default_factory=dict)

    def keyed(self, kind: str) -> dict[str, Section]:
        """The sections of kind DATA_NODE, TASK or SCENARIO, by id (defaults excluded)."""
        sections: dict[str, dict[str, Any]] = {
            DATA_NODE: self.data_nodes,
            TASK: self.tasks,
            SCENARIO: self.scenarios,
        }
        return dict(sections[kind])

    def unique(self, kind: str) -> Section:
        """The section JOB, CORE or GLOBAL_APP."""
        sections: dict[str, Section] = {
            JOB: self.job_config,
            CORE: self.core,
            GLOBAL_APP: self.global_config,
        }
        return sections[kind]

    def find(self, kind: str, config_id: str) -> Section | None:
        """The section ``config_id`` of ``kind`` (a default or a unique section too), or None."""
        if config_id == DEFAULT_ID:
            return self.defaults.get(kind)
        if kind in (GLOBAL_APP, JOB, CORE):
            return self.unique(kind)
        keyed: dict[str, dict[str, Any]] = {
            DATA_NODE: self.data_nodes,
            TASK: self.tasks,
            SCENARIO: self.scenarios,
        }
        return keyed[kind].get(config_id)

    def to_layer(self, *, with_defaults: bool = False) -> Layer:
        """These sections as one layer (what ``Config.backup`` and ``serialize`` write)."""
        layer = Layer()
        for kind in (DATA_NODE, TASK, SCENARIO):
            if with_defaults and kind in self.defaults:
                layer.sections[kind][DEFAULT_ID] = self.defaults[kind].settings()
            for cid, section in self.keyed(kind).items():
                layer.sections[kind][cid] = section.settings()
        for kind in (GLOBAL_APP, JOB, CORE):
            layer.unique[kind] = self.unique(kind).settings()
        layer.migrations = {version: dict(fns) for version, fns in self.migration_functions.items()}
        return layer

    def serialize(self) -> dict[str, Any]:
        """The JSON-safe, deterministic document of this config (templates unresolved)."""
        return serialize_layer(self.to_layer())
