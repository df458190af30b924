"""A layer of settings: the values one source (defaults, code, a file) sets explicitly.

Settings are stored as written, keyed as in TOML (``inputs``, ``tasks``...). References to other
sections are stored as ids, and ``ENV[...]`` templates are kept unresolved. ``None`` never
appears: a missing key means "not set here", so a lower layer or the default entry decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledgerflow.domain.enums import Scope

DATA_NODE, TASK, SCENARIO = "DATA_NODE", "TASK", "SCENARIO"
GLOBAL_APP, JOB, CORE = "GLOBAL_APP", "JOB", "CORE"
VERSION_MIGRATION = "VERSION_MIGRATION"
KEYED_SECTIONS = (DATA_NODE, TASK, SCENARIO)
UNIQUE_SECTIONS = (GLOBAL_APP, JOB, CORE)
DEFAULT_ID = "default"

# Keys whose values name other sections, and the kind of section they name.
REFERENCE_KEYS: dict[str, dict[str, str]] = {
    TASK: {"inputs": DATA_NODE, "outputs": DATA_NODE},
    SCENARIO: {"tasks": TASK, "additional_data_nodes": DATA_NODE, "sequences": TASK},
}
# Keys that come before the free properties of a section, in this order.
STRUCTURE_KEYS: dict[str, tuple[str, ...]] = {
    DATA_NODE: ("storage_type", "scope", "validity_period"),
    TASK: ("function", "inputs", "outputs", "skippable"),
    SCENARIO: ("tasks", "additional_data_nodes", "frequency", "comparators", "sequences"),
    GLOBAL_APP: (),
    JOB: ("mode", "max_nb_of_workers"),
    CORE: ("storage_folder", "event_store", "mode", "version_number", "force"),
}
# Table-valued keys merged entry by entry across layers rather than replaced.
MERGED_TABLE_KEYS = frozenset({"comparators", "sequences"})


@dataclass
class Layer:
    """Explicit settings of one source: keyed sections, unique sections, migration functions."""

    sections: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {kind: {} for kind in KEYED_SECTIONS}
    )
    unique: dict[str, dict[str, Any]] = field(default_factory=lambda: {kind: {} for kind in UNIQUE_SECTIONS})
    migrations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> Layer:
        """A copy whose tables can be changed without touching this layer (values are shared)."""
        return Layer(
            sections={
                kind: {cid: dict(settings) for cid, settings in entries.items()}
                for kind, entries in self.sections.items()
            },
            unique={kind: dict(settings) for kind, settings in self.unique.items()},
            migrations={version: dict(fns) for version, fns in self.migrations.items()},
        )


def merge_settings(lower: dict[str, Any], upper: dict[str, Any]) -> dict[str, Any]:
    """``upper`` over ``lower``; comparators and sequences are merged entry by entry."""
    merged = dict(lower)
    for key, value in upper.items():
        if key in MERGED_TABLE_KEYS and isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def merge_layers(*layers: Layer) -> Layer:
    """The layers merged in order: each one overrides the ones before it."""
    result = Layer()
    for layer in layers:
        for kind, entries in layer.sections.items():
            target = result.sections[kind]
            for cid, settings in entries.items():
                target[cid] = merge_settings(target.get(cid, {}), settings)
        for kind, settings in layer.unique.items():
            result.unique[kind] = merge_settings(result.unique[kind], settings)
        for version, fns in layer.migrations.items():
            result.migrations[version] = {**result.migrations.get(version, {}), **fns}
    return result


def builtin_defaults() -> Layer:
    """The lowest layer: Taipy's defaults (with ledgerflow's storage folder)."""
    layer = Layer()
    layer.sections[DATA_NODE][DEFAULT_ID] = {"storage_type": "pickle", "scope": Scope.SCENARIO}
    layer.sections[TASK][DEFAULT_ID] = {"inputs": [], "outputs": [], "skippable": False}
    layer.sections[SCENARIO][DEFAULT_ID] = {
        "tasks": [],
        "additional_data_nodes": [],
        "comparators": {},
        "sequences": {},
    }
    layer.unique[JOB] = {"mode": "development", "max_nb_of_workers": 2}
    layer.unique[CORE] = {
        "storage_folder": ".ledgerflow/",
        "mode": "development",
        "version_number": "",
        "force": False,
    }
    return layer
