"""Taipy's ``can_create``, ``is_submittable``, ``is_editable``, ``is_readable``, ``is_deletable`` and
``is_promotable``: each a ``ReasonCollection``, truthy when nothing stands in the way, else falsy
with the reasons (``.reasons``)."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.config import DataNodeConfig, ScenarioConfig
from ledgerflow.domain.enums import Scope
from ledgerflow.service.entities import reasons
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.reasons import ReasonCollection
from ledgerflow.service.live import live_source
from ledgerflow.service.scenarios.deletion import deletion_refused

Entity = EntityHandle | str


def _id(entity: Entity) -> str:
    return entity if isinstance(entity, str) else entity.id


def can_create(config: Any = None) -> ReasonCollection:
    """Whether ``create_scenario`` (a scenario config) or ``create_global_data_node`` (a GLOBAL data
    node config) accepts ``config``."""
    collection = ReasonCollection()
    if config is None or isinstance(config, ScenarioConfig):
        return collection
    if isinstance(config, DataNodeConfig):
        if config.scope is not Scope.GLOBAL:
            collection._add_reason(config.id, f"Data node config {config.id} does not have a GLOBAL scope")
        return collection
    name = getattr(config, "id", repr(config))
    return collection._add_reason(name, f"Object {name} is not a scenario config or a data node config")


def is_submittable(entity: Entity) -> ReasonCollection:
    """Whether the entity can run now: a scenario, sequence or task whose inputs are written and not locked."""
    return reasons.submittable(live_source(), _id(entity))


def is_readable(entity: Entity) -> ReasonCollection:
    """Whether the entity exists in a version this run sees."""
    return reasons.exists(live_source(), _id(entity))


def is_editable(entity: Entity) -> ReasonCollection:
    """Whether the entity can be changed: it exists, and a data node is not locked by an editor."""
    source = live_source()
    entity_id = _id(entity)
    collection = reasons.exists(source, entity_id)
    node = source.state.data_nodes.get(entity_id)
    if collection and node is not None and node.locked and node.editor_id is not None:
        collection._add_reason(entity_id, f"DataNode {entity_id} is being edited by {node.editor_id}")
    return collection


def is_deletable(entity: Entity) -> ReasonCollection:
    """Whether ``delete`` would delete the entity (a primary scenario with siblings, an unfinished
    job or submission cannot be)."""
    source = live_source()
    entity_id = _id(entity)
    collection = reasons.exists(source, entity_id)
    if collection:
        refused = deletion_refused(source, entity_id)  # type: ignore[arg-type] # reads .state only
        if refused is not None:
            collection._add_reason(entity_id, refused)
    return collection


def is_promotable(scenario: Entity) -> ReasonCollection:
    """Whether ``set_primary`` accepts the scenario: it has a cycle and is not primary yet."""
    return reasons.promotable(live_source(), _id(scenario))
