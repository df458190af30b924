"""Migration functions: bring the entities of older production versions up to the one starting.

``Config.add_migration_function(target_version, config, fn)`` registers ``fn(entity) -> entity``
for the entities of ``config`` migrated to the production version ``target_version``. When a
production version starts, the entities (data nodes, tasks, scenarios) of every production version
before it are handed, in order, to the functions registered for each later production version up
to the starting one. All functions run first, on detached copies (``service/entities/detached.py``);
only when every one succeeded is anything recorded: one ``...migrated`` event per function
application (the function, the entity, the old and new values, the versions; an entity without
a function gets one without a function, which only moves it), and one ``version.migrated`` event
per older version on the starting one, which moves the rest of the older version's entities
(sequences, cycles, jobs, submissions) to it.

An older version for which no function is registered up to the starting one is left as it is
(its entities stay visible: it is a production version). Taipy's info line names every pair of
consecutive production versions without functions.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ledgerflow.domain.config import function_reference
from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import MigrationFailed, VersionRefused
from ledgerflow.domain.scenario import Scenario
from ledgerflow.domain.task import Task
from ledgerflow.domain.version import Version
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.datanodes import recordable
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service.entities.detached import DETACHED, SETTABLE, DetachedSource
from ledgerflow.storage.datanodes import Backends

log = logging.getLogger("ledgerflow")

Functions = dict[str, dict[str, Callable[..., Any]]]
_AGGREGATES: dict[str, type[Any]] = {"data_nodes": DataNode, "tasks": Task, "scenarios": Scenario}
_ENTITY_TABLES = ("scenarios", "sequences", "tasks", "data_nodes", "cycles", "jobs", "submissions")


@dataclass(frozen=True)
class Step:
    """One application of a migration function to one entity."""

    table: str
    entity_id: str
    function: str | None  # None: the entity only moves to the new version
    registered_for: str | None
    changes: dict[str, dict[str, Any]]
    from_version: str


@dataclass
class MigrationPlan:
    """What starting production version ``target`` will record."""

    target: str
    steps: list[Step] = field(default_factory=list)
    # older version -> (config id -> functions applied, how many entities move)
    sources: dict[str, tuple[dict[str, list[str]], int]] = field(default_factory=dict)


def plan_migrations(
    state: CurrentState, backends: Backends, order: list[str], target: str, functions: Functions
) -> MigrationPlan:
    """Run the migration functions on detached copies; raises ``MigrationFailed`` (nothing recorded).

    ``order``: the production versions, oldest first, ``target`` included.
    """
    unknown = sorted(set(functions) - set(order))
    if unknown:
        raise VersionRefused(
            f'Migration functions target version "{unknown[0]}", which is not a production version: '
            f"run it with --production {unknown[0]} first, or remove its migration functions."
        )
    for source, later in pairwise(order):
        if not functions.get(later):
            log.info('There is no migration function from production version "%s" to version "%s".', source, later)
    plan = MigrationPlan(target)
    detached = DetachedSource(state, backends)
    position = order.index(target)
    for index, version in enumerate(order[:position]):
        chain = [(later, functions[later]) for later in order[index + 1 : position + 1] if functions.get(later)]
        if not chain:
            continue
        applied: dict[str, list[str]] = {}
        for table in SETTABLE:
            for view in list(getattr(state, table).values()):
                if view.version != version:
                    continue
                steps = [
                    _apply(detached, table, view.id, by_config[view.config_id], registered_for, version, target)
                    for registered_for, by_config in chain
                    if view.config_id in by_config
                ]
                for step in steps:
                    applied.setdefault(view.config_id, []).append(str(step.function))
                plan.steps.extend(steps or [Step(table, view.id, None, None, {}, version)])
        moved = sum(1 for table in _ENTITY_TABLES for v in getattr(state, table).values() if v.version == version)
        plan.sources[version] = (applied, moved)
    return plan


def record_plan(runtime: Runtime, plan: MigrationPlan, version: Version) -> list[Entity]:
    """Put the plan's events on the entities' aggregates and on ``version`` (the production version
    starting, already promoted); returns the entity aggregates to record with it."""
    aggregates: dict[str, Any] = {}
    for step in plan.steps:
        aggregate = aggregates.get(step.entity_id)
        if aggregate is None:
            aggregate = aggregates[step.entity_id] = runtime.aggregate(_AGGREGATES[step.table], step.entity_id)
        aggregate.migrate(step.function, step.registered_for, step.changes, step.from_version, plan.target)
    for source, (applied, moved) in plan.sources.items():
        version.record_migration(source, applied, moved)
        calls = sum(len(functions) for functions in applied.values())
        log.info(
            'Migrated %d entities of production version "%s" to version "%s" (%d migration function calls).',
            moved,
            source,
            plan.target,
            calls,
        )
    return list(aggregates.values())


def _apply(
    detached: DetachedSource,
    table: str,
    entity_id: str,
    fn: Callable[..., Any],
    registered_for: str,
    from_version: str,
    target: str,
) -> Step:
    name = function_reference(fn)
    entity = DETACHED[table](entity_id, detached)
    before = _snapshot(table, detached.copy_of(table, entity_id))
    where = f'on {entity_id} (production version "{from_version}" -> "{target}")'
    try:
        returned = fn(entity)
    except Exception as error:
        raise MigrationFailed(
            f'Migration function "{name}" failed {where}: {type(error).__name__}: {error}{_origin(error)}. '
            "Nothing was recorded: fix the function and start the application again."
        ) from error
    if not (isinstance(returned, DETACHED[table]) and returned.id == entity_id):
        raise MigrationFailed(
            f'Migration function "{name}" returned {returned!r} {where}: return the entity it received '
            "(after changing its attributes). Nothing was recorded."
        )
    after = _snapshot(table, detached.copy_of(table, entity_id))
    changes = {a: {"old": before[a], "new": after[a]} for a in SETTABLE[table] if before[a] != after[a]}
    return Step(table, entity_id, name, registered_for, changes, from_version)


def _snapshot(table: str, view: Any) -> dict[str, Any]:
    values = {attribute: recordable(getattr(view, attribute)) for attribute in SETTABLE[table]}
    if "tags" in values:
        values["tags"] = sorted(view.tags)
    return values


def _origin(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    return f" (at {frame.filename}:{frame.lineno})"
