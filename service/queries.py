"""Queries: lookups in the projection, filtered to the versions this run can see."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from ledgerflow.domain.errors import NON_EXISTING, ModelNotFound
from ledgerflow.domain.ids import entity_kind
from ledgerflow.projections.archive import look_up_many
from ledgerflow.service.entities.base import EntityHandle, Source
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.entities.scenario import Cycle, Scenario, Sequence
from ledgerflow.service.entities.task import Task

_KINDS: dict[str, tuple[str, type[EntityHandle]]] = {
    "SCENARIO": ("scenarios", Scenario),
    "SEQUENCE": ("sequences", Sequence),
    "TASK": ("tasks", Task),
    "DATANODE": ("data_nodes", DataNode),
    "CYCLE": ("cycles", Cycle),
    "JOB": ("jobs", Job),
    "SUBMISSION": ("submissions", Submission),
}


def _id_of(entity_or_id: EntityHandle | str) -> str:
    return entity_or_id if isinstance(entity_or_id, str) else entity_or_id.id


def get(source: Source, entity_or_id: EntityHandle | str) -> EntityHandle:
    """The entity of an id (any kind); ``ModelNotFound`` for an unknown id."""
    entity_id = _id_of(entity_or_id)
    kind = entity_kind(entity_id)
    if kind is None:
        raise ModelNotFound(f'"{entity_id}" is not an entity id (it should start with one of {", ".join(_KINDS)}).')
    table, cls = _KINDS[kind]
    view = getattr(source.state, table).get(entity_id)
    if view is None or not source.visible(view.version):
        raise NON_EXISTING[table](f"{entity_id} does not exist.")
    return cls(entity_id, source)


def exists(source: Source, entity_or_id: EntityHandle | str) -> bool:
    """Whether the entity exists in a visible version."""
    try:
        get(source, entity_or_id)
    except ModelNotFound:
        return False
    return True


def _all(source: Source, table: str, cls: Callable[[str, Source], Any]) -> list[Any]:
    return [cls(i, source) for i, view in getattr(source.state, table).items() if source.visible(view.version)]


def get_data_nodes(source: Source) -> list[DataNode]:
    """Every visible data node."""
    return _all(source, "data_nodes", DataNode)


def get_tasks(source: Source) -> list[Task]:
    """Every visible task."""
    return _all(source, "tasks", Task)


def get_sequences(source: Source) -> list[Sequence]:
    """Every visible sequence."""
    return _all(source, "sequences", Sequence)


def get_cycles(source: Source) -> list[Cycle]:
    """Every visible cycle."""
    return _all(source, "cycles", Cycle)


def _with_archived(source: Source, table: str, cls: Callable[[str, Source], Any]) -> list[Any]:
    """Every visible job or submission, oldest first, those read back from the log included."""
    views = getattr(source.state, table)
    found = [(view.creation_date, i) for i, view in views.items() if source.visible(view.version)]
    left = look_up_many(views, source.state.archived_ids(table))  # read back from the log (deleted: left out)
    found += [(view.creation_date, i) for i, view in left.items() if source.visible(view.version)]
    found.sort(key=lambda pair: pair[0])
    return [cls(i, source) for _, i in found]


def get_jobs(source: Source) -> list[Job]:
    """Every visible job, oldest first."""
    return _with_archived(source, "jobs", Job)


def get_submissions(source: Source) -> list[Submission]:
    """Every visible submission, oldest first."""
    return _with_archived(source, "submissions", Submission)


_SORT_KEYS: dict[str, Callable[[Scenario], Any]] = {
    "name": lambda s: s.name or "",
    "id": lambda s: s.id,
    "config_id": lambda s: s.config_id,
    "creation_date": lambda s: s.creation_date,
    "tags": lambda s: sorted(s.tags),
}


def _filter_scenarios(
    source: Source, scenario_ids: Iterable[str], tag: str | None, start: datetime | None, end: datetime | None
) -> list[Scenario]:
    scenarios = source.state.scenarios
    chosen = []
    for scenario_id in scenario_ids:
        view = scenarios.get(scenario_id)
        if view is None or not source.visible(view.version):
            continue
        if tag is not None and tag not in view.tags:
            continue
        created = view.creation_date.replace(tzinfo=None) if view.creation_date.tzinfo else view.creation_date
        if (start is not None and created < start) or (end is not None and created >= end):
            continue
        chosen.append(Scenario(scenario_id, source))
    return chosen


def get_scenarios(
    source: Source,
    cycle: Cycle | None = None,
    tag: str | None = None,
    is_sorted: bool = False,
    descending: bool = False,
    created_start_time: datetime | None = None,
    created_end_time: datetime | None = None,
    sort_key: str = "name",
) -> list[Scenario]:
    """Visible scenarios, filtered by cycle, tag and creation window, optionally sorted."""
    if sort_key not in _SORT_KEYS:
        raise ValueError(f'Unknown sort_key "{sort_key}": use one of {", ".join(_SORT_KEYS)}.')
    ids = source.state.cycle_scenarios.get(cycle.id, []) if cycle is not None else source.state.scenarios.keys()
    scenarios = _filter_scenarios(source, list(ids), tag, created_start_time, created_end_time)
    if is_sorted or descending:
        scenarios.sort(key=_SORT_KEYS[sort_key], reverse=descending)
    return scenarios


def get_primary(source: Source, cycle: Cycle) -> Scenario | None:
    """The primary scenario of a cycle."""
    for scenario_id in source.state.cycle_scenarios.get(cycle.id, []):
        if source.state.scenarios[scenario_id].is_primary:
            return Scenario(scenario_id, source)
    return None


def get_primary_scenarios(
    source: Source, is_sorted: bool = False, descending: bool = False, sort_key: str = "name"
) -> list[Scenario]:
    """The primary scenario of every cycle."""
    scenarios = [
        s for s in get_scenarios(source, is_sorted=is_sorted, descending=descending, sort_key=sort_key) if s.is_primary
    ]
    return scenarios


def get_cycles_scenarios(source: Source) -> dict[Cycle | None, list[Scenario]]:
    """Scenarios grouped by cycle (None for scenarios without a cycle)."""
    grouped: dict[Cycle | None, list[Scenario]] = {}
    for scenario in get_scenarios(source):
        grouped.setdefault(scenario.cycle, []).append(scenario)
    return grouped


def get_latest_job(source: Source, task: Task) -> Job | None:
    """The most recent job of a task."""
    job_ids = source.state.task_jobs.get(task.id) or source.state.jobs_of(task.id)
    return Job(job_ids[-1], source) if job_ids else None


def get_latest_submission(source: Source, entity: EntityHandle) -> Submission | None:
    """The most recent submission of an entity."""
    ids = [s for s in source.state.submissions_of(entity.id) if s in source.state.submissions]
    return Submission(ids[-1], source) if ids else None


def get_parents(source: Source, entity_or_id: EntityHandle | str) -> dict[str, set[EntityHandle]]:
    """The scenarios, sequences and tasks containing an entity (transitively)."""
    parents: dict[str, set[EntityHandle]] = {}
    pending = [_id_of(entity_or_id)]
    seen: set[str] = set()
    while pending:
        for parent_id in source.state.parents.get(pending.pop(), ()):
            if parent_id in seen:
                continue
            seen.add(parent_id)
            kind = entity_kind(parent_id)
            if kind is None:
                continue
            parents.setdefault(kind.lower(), set()).add(_KINDS[kind][1](parent_id, source))
            pending.append(parent_id)
    return parents


def get_entities_by_config_id(source: Source, config_id: str) -> list[EntityHandle]:
    """Scenarios, else tasks, else data nodes of a config id."""
    for table, cls in (("scenarios", Scenario), ("tasks", Task), ("data_nodes", DataNode)):
        found = [
            e for e in _all(source, table, cls) if source.state.__getattribute__(table)[e.id].config_id == config_id
        ]
        if found:
            return found
    return []
