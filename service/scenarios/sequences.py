"""A scenario's sequences changed after its creation, with Taipy's rules: add, update, rename, remove.

Every change is one command on the log's latest state (retried when another process races it),
recorded as sequence events: created (or recreated, for a name used before), updated, deleted.
A sequence's tasks must be tasks of its scenario (``SequenceTaskDoesNotExistInScenario``); a name
is unique in its scenario (``SequenceAlreadyExists``); an unknown name is ``NonExistingSequence``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import (
    NonExistingSequence,
    SequenceAlreadyExists,
    SequenceTaskDoesNotExistInScenario,
)
from ledgerflow.domain.ids import sequence_id
from ledgerflow.domain.sequence import Sequence
from ledgerflow.runtime.datanodes import recordable
from ledgerflow.runtime.runtime import Runtime

#: A task given to a sequence: its handle (anything with an ``id``) or its id.
TaskLike = Any


def _task_ids(tasks: Iterable[TaskLike]) -> list[str]:
    return [t if isinstance(t, str) else str(t.id) for t in tasks]


def _names(runtime: Runtime, scenario_id: str) -> dict[str, str]:
    """The scenario's sequences: name -> id."""
    state = runtime.state
    ids = state.scenarios[scenario_id].sequence_ids
    return {state.sequences[i].name: i for i in ids if i in state.sequences}


def _check_tasks(runtime: Runtime, scenario_id: str, name: str, task_ids: list[str]) -> None:
    own = set(runtime.state.scenarios[scenario_id].task_ids)
    missing = [t for t in task_ids if t not in own]
    if missing:
        raise SequenceTaskDoesNotExistInScenario(
            f"Tasks {missing} of sequence {name!r} are not tasks of scenario {scenario_id}: "
            "a sequence is made of its scenario's tasks."
        )


def _define(runtime: Runtime, scenario_id: str, name: str, task_ids: list[str], properties: dict[str, Any]) -> Entity:
    """A new sequence, or a deleted one of the same name defined again (the id is the name's)."""
    new_id = sequence_id(name, scenario_id)
    version = runtime.state.scenarios[scenario_id].version
    if _was_recorded(runtime, new_id):
        aggregate: Any = runtime.aggregate(Sequence, new_id)
        aggregate.recreate(scenario_id, name, task_ids, properties, version)
        return aggregate  # type: ignore[no-any-return]
    return Sequence(
        id=new_id, scenario_id=scenario_id, name=name, task_ids=task_ids, properties=properties, version=version
    )


def _was_recorded(runtime: Runtime, entity_id: str) -> bool:
    try:
        runtime.aggregate(Sequence, entity_id)
    except Exception:
        return False
    return True


def add_sequences(
    runtime: Runtime, scenario_id: str, sequences: dict[str, tuple[list[TaskLike], dict[str, Any]]]
) -> None:
    """Add sequences ``{name: (tasks, properties)}`` to a scenario, all or none."""

    def build() -> list[Entity]:
        existing = _names(runtime, scenario_id)
        changed = []
        for name, (tasks, properties) in sequences.items():
            if name in existing:
                raise SequenceAlreadyExists(f"Scenario {scenario_id} already has a sequence named {name!r}.")
            task_ids = _task_ids(tasks)
            _check_tasks(runtime, scenario_id, name, task_ids)
            changed.append(_define(runtime, scenario_id, name, task_ids, _plain(properties)))
        return changed

    runtime.command(build, reason="add sequences")


def update_sequence(
    runtime: Runtime, scenario_id: str, name: str, tasks: list[TaskLike], properties: dict[str, Any] | None
) -> None:
    """Replace the tasks (and, when given, the properties) of a sequence."""

    def build() -> list[Entity]:
        existing = _names(runtime, scenario_id)
        if name not in existing:
            raise NonExistingSequence(f"Scenario {scenario_id} has no sequence named {name!r}.")
        task_ids = _task_ids(tasks)
        _check_tasks(runtime, scenario_id, name, task_ids)
        aggregate: Any = runtime.aggregate(Sequence, existing[name])
        current = runtime.state.sequences[existing[name]].properties
        aggregate.update(task_ids, _plain(properties) if properties is not None else dict(current))
        return [aggregate]

    runtime.command(build, reason=f"update sequence {name}")


def rename_sequence(runtime: Runtime, scenario_id: str, old_name: str, new_name: str) -> None:
    """Give a sequence a new name (and so a new id, as in Taipy); its tasks and properties stay."""

    def build() -> list[Entity]:
        existing = _names(runtime, scenario_id)
        if old_name not in existing:
            raise NonExistingSequence(f"Scenario {scenario_id} has no sequence named {old_name!r}.")
        if new_name in existing:
            raise SequenceAlreadyExists(f"Scenario {scenario_id} already has a sequence named {new_name!r}.")
        view = runtime.state.sequences[existing[old_name]]
        old: Any = runtime.aggregate(Sequence, view.id)
        old.delete()
        return [old, _define(runtime, scenario_id, new_name, list(view.task_ids), dict(view.properties))]

    runtime.command(build, reason=f"rename sequence {old_name}")


def remove_sequences(runtime: Runtime, scenario_id: str, names: list[str]) -> None:
    """Remove sequences by name (their tasks stay); an unknown name removes nothing."""

    def build() -> list[Entity]:
        existing = _names(runtime, scenario_id)
        unknown = [n for n in names if n not in existing]
        if unknown:
            raise NonExistingSequence(f"Scenario {scenario_id} has no sequence named {unknown[0]!r}.")
        removed = []
        for name in names:
            aggregate: Any = runtime.aggregate(Sequence, existing[name])
            aggregate.delete()
            removed.append(aggregate)
        return removed

    runtime.command(build, reason="remove sequences")


def _plain(properties: dict[str, Any] | None) -> dict[str, Any]:
    return {str(k): recordable(v) for k, v in (properties or {}).items()}
