"""Detached, mutable copies of entities: what migration functions receive.

A migration function gets a ``DataNode``, ``Task`` or ``Scenario`` that reads like the live one
but whose settable attributes change only a private copy of its view. Nothing is recorded while
the functions run: the migration compares each copy with the original afterwards and records
the differences, so a failing function leaves the log untouched.

Settable: data nodes ``scope``, ``validity_period``, ``properties`` (also through ``path`` and
``name``); tasks ``skippable`` and ``properties``; scenarios ``name``, ``properties`` and ``tags``.
Reads (``read()``, ``scenario.<config_id>``, ``task.input``...) see the copies migrated so far.
Writes and commands (``write``, ``submit``, ``lock_edit``...) are refused.
"""

from __future__ import annotations

import dataclasses
from collections import ChainMap
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn, cast

from ledgerflow.domain.enums import Scope
from ledgerflow.service.entities.base import ReadOnlySource, ReadOnlyViewError
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.scenario import Scenario
from ledgerflow.service.entities.task import Task

if TYPE_CHECKING:
    from ledgerflow.projections.current import CurrentState
    from ledgerflow.storage.datanodes import Backends

#: The tables whose views migrations copy, and the attributes they may change.
SETTABLE = {
    "data_nodes": ("scope", "validity_period", "properties"),
    "tasks": ("skippable", "properties"),
    "scenarios": ("name", "properties", "tags"),
}


class _CopiedState:
    """The current state, with the copies of the entities being migrated in place of the originals."""

    def __init__(self, state: CurrentState) -> None:
        self._state = state
        self.copies: dict[str, dict[str, Any]] = {table: {} for table in SETTABLE}
        for table, copies in self.copies.items():
            setattr(self, table, ChainMap(copies, getattr(state, table)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)


class DetachedSource(ReadOnlySource):
    """The source of detached entities: reads the copied state; refuses every command."""

    def __init__(self, state: CurrentState, backends: Backends) -> None:
        self._copied = _CopiedState(state)
        self._backends = backends

    @property
    def state(self) -> CurrentState:
        return cast("CurrentState", self._copied)

    @property
    def backends(self) -> Backends:
        return self._backends

    def visible(self, version: str) -> bool:
        return True

    def writable(self) -> NoReturn:
        raise ReadOnlyViewError(
            "A migration function cannot write data or run commands: set the entity's attributes "
            "(scope, skippable, properties...) and return it."
        )

    def copy_of(self, table: str, entity_id: str) -> Any:
        """The private copy of an entity's view (made on first use)."""
        copies = self._copied.copies[table]
        if entity_id not in copies:
            original = getattr(self._copied._state, table)[entity_id]
            extra = {"tags": set(original.tags)} if table == "scenarios" else {}
            copies[entity_id] = dataclasses.replace(original, properties=dict(original.properties), **extra)
        return copies[entity_id]


def _copy(entity: Any) -> Any:
    source: DetachedSource = entity._source
    return source.copy_of(entity._table, entity.id)


def _properties(entity: Any) -> dict[str, Any]:
    properties: dict[str, Any] = _copy(entity).properties
    return properties


def _set_properties(entity: Any, value: dict[str, Any]) -> None:
    _copy(entity).properties = dict(value)


class DetachedDataNode(DataNode):
    """A data node handed to a migration function (see the module docstring)."""

    __slots__ = ()

    def _view(self) -> Any:
        return _copy(self)

    @property
    def scope(self) -> Scope:
        """SCENARIO, CYCLE or GLOBAL (settable)."""
        return Scope(self._view().scope)

    @scope.setter
    def scope(self, value: Scope | int) -> None:
        self._view().scope = int(Scope(value))

    @property
    def validity_period(self) -> timedelta | None:
        """How long a written value stays valid (settable; None: forever)."""
        seconds = self._view().validity_period
        return None if seconds is None else timedelta(seconds=seconds)

    @validity_period.setter
    def validity_period(self, value: timedelta | None) -> None:
        self._view().validity_period = None if value is None else value.total_seconds()

    properties = property(_properties, _set_properties, doc="The node's properties (a mutable copy).")

    @property
    def path(self) -> str | None:
        """The node's user path (settable: the ``path`` property)."""
        return DataNode.path.fget(self)  # type: ignore[attr-defined,no-any-return]

    @path.setter
    def path(self, value: str) -> None:
        self._view().properties["path"] = str(value)

    @property
    def name(self) -> str:
        """The ``name`` property, or the config id (settable)."""
        return str(self._view().properties.get("name") or self.config_id)

    @name.setter
    def name(self, value: str | None) -> None:
        self._view().properties["name"] = value


class DetachedTask(Task):
    """A task handed to a migration function (see the module docstring)."""

    __slots__ = ()

    def _view(self) -> Any:
        return _copy(self)

    @property
    def skippable(self) -> bool:
        """Whether a run can be skipped when its outputs are valid (settable)."""
        return bool(self._view().skippable)

    @skippable.setter
    def skippable(self, value: bool) -> None:
        self._view().skippable = bool(value)

    properties = property(_properties, _set_properties, doc="The task's properties (a mutable copy).")


class DetachedScenario(Scenario):
    """A scenario handed to a migration function (see the module docstring)."""

    __slots__ = ()

    def _view(self) -> Any:
        return _copy(self)

    @property
    def name(self) -> str | None:
        """The scenario's name (settable)."""
        name: str | None = self._view().name
        return name

    @name.setter
    def name(self, value: str | None) -> None:
        self._view().name = value

    @property
    def tags(self) -> set[str]:
        """The scenario's tags (settable)."""
        return set(self._view().tags)

    @tags.setter
    def tags(self, value: set[str]) -> None:
        self._view().tags = {str(tag) for tag in value}

    properties = property(_properties, _set_properties, doc="The scenario's properties (a mutable copy).")

    def add_tag(self, tag: str) -> None:
        """Tag the scenario."""
        self._view().tags.add(tag)

    def remove_tag(self, tag: str) -> None:
        """Remove a tag."""
        self._view().tags.discard(tag)


DETACHED = {"data_nodes": DetachedDataNode, "tasks": DetachedTask, "scenarios": DetachedScenario}
