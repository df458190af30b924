"""Deleting entities, respecting sharing: a scenario takes only what it owns with it.

Deleting records ``...deleted`` events; the log keeps everything that happened before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from ledgerflow.domain.cycle import Cycle
from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import (
    DeletingPrimaryScenario,
    JobNotDeletedException,
    LedgerflowError,
    NonExistingEntity,
    SubmissionNotDeletedException,
)
from ledgerflow.domain.ids import entity_kind
from ledgerflow.domain.job import Job
from ledgerflow.domain.scenario import Scenario
from ledgerflow.domain.sequence import Sequence
from ledgerflow.domain.submission import Submission
from ledgerflow.domain.task import Task
from ledgerflow.projections.archive import look_up_many
from ledgerflow.runtime.runtime import Runtime

_AGGREGATE_OF: dict[str, type[Any]] = {
    "SCENARIO": Scenario,
    "SEQUENCE": Sequence,
    "TASK": Task,
    "DATANODE": DataNode,
    "CYCLE": Cycle,
    "JOB": Job,
    "SUBMISSION": Submission,
}


class _Deletion:
    """Collects the entities of one deletion so they are recorded as one command."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.ids: list[str] = []

    def add(self, entity_ids: Iterable[str]) -> None:
        for entity_id in entity_ids:
            if entity_id not in self.ids:
                self.ids.append(entity_id)

    def owned_by(self, owner_ids: set[str], scenario_ids: Iterable[str]) -> list[str]:
        """Tasks and data nodes of ``scenario_ids`` whose owner is one of ``owner_ids``."""
        state = self.runtime.state
        found: list[str] = []
        for scenario_id in scenario_ids:
            scenario = state.scenarios[scenario_id]
            candidates = list(scenario.additional_data_node_ids)
            for task_id in scenario.task_ids:
                task = state.tasks.get(task_id)
                if task is not None:
                    candidates += [task_id, *task.input_ids, *task.output_ids]
            for entity_id in candidates:
                view = state.tasks.get(entity_id) or state.data_nodes.get(entity_id)
                if view is not None and view.owner_id in owner_ids and entity_id not in found:
                    found.append(entity_id)
        return found

    def jobs_and_submissions_of(self, entity_ids: set[str]) -> list[str]:
        state = self.runtime.state
        subs = [s for entity_id in entity_ids for s in state.submissions_of(entity_id) if s in state.submissions]
        jobs = [j for entity_id in entity_ids for j in state.jobs_of(entity_id) if j in state.jobs]
        jobs += [j for s in subs for j in state.submissions[s].job_ids if j in state.jobs and j not in jobs]
        return jobs + subs

    def aggregates(self) -> list[Entity]:
        """The aggregates of the collected entities, each with its deletion applied."""
        aggregates: list[Entity] = []
        for entity_id in self.ids:
            kind = entity_kind(entity_id)
            if kind is None:
                continue
            aggregate: Any = self.runtime.aggregate(_AGGREGATE_OF[kind], entity_id)
            aggregate.delete()
            aggregates.append(aggregate)
        return aggregates


def _scenario_parts(deletion: _Deletion, scenario_id: str) -> None:
    scenario = deletion.runtime.state.scenarios[scenario_id]
    owned = deletion.owned_by({scenario_id}, [scenario_id])
    deletion.add([*scenario.sequence_ids, scenario_id, *owned])
    deletion.add(deletion.jobs_and_submissions_of({scenario_id, *scenario.sequence_ids, *owned}))


def delete_entity(runtime: Runtime, entity_id: str) -> None:
    """Delete an entity and what it owns (cycles: their scenarios; scenarios: their own children).

    Planned on the log's latest state and durable on return; planned again when another process
    changed one of the entities meanwhile.
    """
    runtime.command(lambda: _deletion_of(runtime, entity_id).aggregates(), reason=f"delete {entity_id}")


def deletion_refused(runtime: Runtime, entity_id: str) -> str | None:
    """Why ``entity_id`` cannot be deleted now (None: it can); nothing is changed."""
    try:
        _deletion_of(runtime, entity_id)
    except LedgerflowError as error:
        return str(error)
    return None


def _deletion_of(runtime: Runtime, entity_id: str) -> _Deletion:
    """What deleting ``entity_id`` deletes, by the rules of sharing."""
    state = runtime.state
    kind = entity_kind(entity_id)
    deletion = _Deletion(runtime)
    if kind == "SCENARIO" and entity_id in state.scenarios:
        scenario = state.scenarios[entity_id]
        siblings = [s for s in state.cycle_scenarios.get(scenario.cycle_id or "", []) if s != entity_id]
        if scenario.is_primary and siblings:
            raise DeletingPrimaryScenario(
                f"Scenario {entity_id} is the primary scenario of cycle {scenario.cycle_id}: "
                "make another scenario primary first, or delete the cycle."
            )
        _scenario_parts(deletion, entity_id)
        if scenario.cycle_id is not None and not siblings:
            deletion.add([*deletion.owned_by({scenario.cycle_id}, [entity_id]), scenario.cycle_id])
    elif kind == "CYCLE" and entity_id in state.cycles:
        members = list(state.cycle_scenarios.get(entity_id, []))
        for scenario_id in members:
            _scenario_parts(deletion, scenario_id)
        deletion.add([*deletion.owned_by({entity_id}, members), entity_id])
    elif (kind == "SEQUENCE" and entity_id in state.sequences) or (kind == "TASK" and entity_id in state.tasks):
        deletion.add([entity_id, *deletion.jobs_and_submissions_of({entity_id})])
    elif kind == "DATANODE" and entity_id in state.data_nodes:
        deletion.add([entity_id])
    elif kind == "JOB" and entity_id in state.jobs:
        if not state.jobs[entity_id].status.is_finished:
            raise JobNotDeletedException(f"Job {entity_id} has not finished: cancel it first.")
        deletion.add([entity_id])
    elif kind == "SUBMISSION" and entity_id in state.submissions:
        if not state.submissions[entity_id].status.is_finished:
            raise SubmissionNotDeletedException(f"Submission {entity_id} has not finished: cancel it first.")
        deletion.add([entity_id])
    else:
        raise NonExistingEntity(f"{entity_id} does not exist.")
    return deletion


def delete_version_entities(runtime: Runtime, version: str, keep: Collection[str] = ()) -> None:
    """Delete every entity of an application version but those in ``keep`` (the development clean-up)."""

    def plan() -> list[Entity]:
        state = runtime.state
        deletion = _Deletion(runtime)
        for table in (
            state.jobs,
            state.submissions,
            state.sequences,
            state.scenarios,
            state.tasks,
            state.data_nodes,
            state.cycles,
        ):
            deletion.add([e for e, view in table.items() if view.version == version and e not in keep])
        for name in ("jobs", "submissions"):  # those that left memory, read back from the log
            table = getattr(state, name)
            ids = [e for e in state.archived_ids(name) if e not in keep]
            left = look_up_many(table, ids)  # read back from the log together (deleted ones left out)
            deletion.add([e for e in ids if e in left and left[e].version == version])
        return deletion.aggregates()

    runtime.command(plan, reason=f"clean entities of version {version}")
