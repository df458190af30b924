"""Writing ``configure_*`` calls into the code layer of the live registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, cast

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.ids import validate_id
from ledgerflow.domain.config.layer import (
    DATA_NODE,
    DEFAULT_ID,
    KEYED_SECTIONS,
    SCENARIO,
    TASK,
    Layer,
)
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.section import Section, to_raw
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.enums import Scope


def as_list(value: Any) -> list[Any] | None:
    """One item or an iterable of items as a list (None stays None)."""
    if value is None:
        return None
    if isinstance(value, Section | str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def task_settings(
    function: Any, input: Any, output: Any, skippable: bool, properties: dict[str, Any]
) -> dict[str, Any]:
    """The layer settings of a ``configure_task``-style call."""
    return {
        "function": function,
        "inputs": as_list(input),
        "outputs": as_list(output),
        "skippable": skippable,
        **properties,
    }


def scenario_settings(
    task_configs: Any,
    additional_data_node_configs: Any,
    frequency: Any,
    comparators: Mapping[Any, Any] | None,
    sequences: Mapping[str, Any] | None,
    properties: dict[str, Any],
) -> dict[str, Any]:
    """The layer settings of a ``configure_scenario``-style call."""
    return {
        "tasks": as_list(task_configs),
        "additional_data_nodes": as_list(additional_data_node_configs),
        "frequency": frequency,
        "comparators": None
        if comparators is None
        else {to_raw(dn_id): as_list(fns) for dn_id, fns in comparators.items()},
        "sequences": None if sequences is None else dict(sequences),
        **properties,
    }


def _adopt(layer: Layer, known: set[tuple[str, str]], configs: Iterable[Any], adopted: list[tuple[str, str]]) -> None:
    """Register the given config objects this registry does not know (built elsewhere)."""
    for config in configs:
        key = (config.section_name, config.id) if isinstance(config, Section) else None
        if key is None or key in known:
            continue
        if isinstance(config, TaskConfig):
            _adopt(layer, known, (*config.input_configs, *config.output_configs), adopted)
        layer.sections[config.section_name][config.id] = config.settings()
        known.add(key)
        adopted.append(key)


def register(kind: str, config_id: str, settings: dict[str, Any], *, referenced: Iterable[Any] = ()) -> Section:
    """Merge ``settings`` (None values are "not set") into the code-layer section ``config_id``."""
    validate_id(kind, config_id)
    return _register(kind, config_id, settings, referenced)


def register_default(kind: str, settings: dict[str, Any]) -> Section:
    """Replace the code-layer default entry of ``kind`` (the ``set_default_*`` calls)."""
    return _register(kind, DEFAULT_ID, settings, ())


def _register(kind: str, config_id: str, settings: dict[str, Any], referenced: Iterable[Any]) -> Section:
    registry = current_registry()
    registry.ensure_unblocked()
    applied = registry.applied()
    known = {(k, cid) for k in KEYED_SECTIONS for cid in applied.keyed(k)}
    explicit = {key: to_raw(value) for key, value in settings.items() if value is not None}

    touched: list[tuple[str, str]] = []

    def edit(layer: Layer) -> None:
        _adopt(layer, known, referenced, touched)
        if config_id == DEFAULT_ID:
            layer.sections[kind][config_id] = explicit
        else:
            layer.sections[kind].setdefault(config_id, {}).update(explicit)
            touched.append((kind, config_id))

    result = registry.change(edit, touched=None if config_id == DEFAULT_ID else touched)
    return result.defaults[kind] if config_id == DEFAULT_ID else result.keyed(kind)[config_id]


def register_data_node(
    config_id: str,
    storage_type: str | None,
    scope: Scope | None,
    validity_period: timedelta | None,
    properties: dict[str, Any],
) -> DataNodeConfig:
    """Register a data node config (the ``configure_*_data_node`` calls)."""
    settings = {"storage_type": storage_type, "scope": scope, "validity_period": validity_period}
    return cast(DataNodeConfig, register(DATA_NODE, config_id, {**properties, **settings}))


def register_task(config_id: str, settings: dict[str, Any]) -> TaskConfig:
    """Register a task config; its data node configs are adopted if unknown."""
    referenced = [*(settings["inputs"] or []), *(settings["outputs"] or [])]
    return cast(TaskConfig, register(TASK, config_id, settings, referenced=referenced))


def register_scenario(config_id: str, settings: dict[str, Any]) -> ScenarioConfig:
    """Register a scenario config; its task and data node configs are adopted if unknown."""
    referenced = [*(settings["tasks"] or []), *(settings["additional_data_nodes"] or [])]
    return cast(ScenarioConfig, register(SCENARIO, config_id, settings, referenced=referenced))
