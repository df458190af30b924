"""The current-state projection: every live entity, folded from the log.

This module holds the fold steps of entities and imports those of versions and subscriptions,
so importing ``CurrentState`` from here gives a complete fold (the state itself is in
``projections/state.py``).
"""

from __future__ import annotations

import bisect
from typing import Any

from ledgerflow.domain.cycle import CycleTopics
from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.enums import Status, status_of, submission_status_of
from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.scenario import ScenarioTopics
from ledgerflow.domain.sequence import SequenceTopics
from ledgerflow.domain.submission import SubmissionTopics
from ledgerflow.domain.task import TaskTopics
from ledgerflow.projections import edits as _edits
from ledgerflow.projections import horizon
from ledgerflow.projections import subscribers as _subscribers
from ledgerflow.projections import versions as _versions
from ledgerflow.projections.edit_history import edit_of
from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.state import CurrentState, ReplayGapError, handles
from ledgerflow.projections.views import (
    CycleView,
    DataNodeView,
    JobView,
    ScenarioView,
    SequenceView,
    StatusChange,
    SubmissionView,
    TaskView,
)

__all__ = ["CurrentState", "ReplayGapError"]
#: The fold steps registered by importing these modules.
FOLDS = (_edits, _subscribers, _versions)


def _fields(record: RecordLike, *names: str) -> dict[str, Any]:
    payload = record.payload
    return {name: payload[name] for name in names}


def _creation_order(entity_id: str) -> str:
    """The time-ordered (UUIDv7) end of a scenario, job or submission id."""
    return entity_id.rsplit("_", 1)[-1]


def _insert_in_creation_order(ids: list[str], entity_id: str) -> None:
    """Keep an index list in the order its entities were created, whatever order their events are folded in.

    A process folds its own events as it records them, possibly before another process's events
    committed earlier: sorting by the ids' time part makes every fold give the same list.
    """
    order = _creation_order(entity_id)
    if len(order) == 36 and order[14] == "7":
        if ids and _creation_order(ids[-1]) > order:
            bisect.insort(ids, entity_id, key=_creation_order)
        else:  # the usual case: created after every entity listed
            ids.append(entity_id)
    else:  # ids of older logs are random (UUIDv4): kept in the order their events come
        ids.append(entity_id)


@handles(DataNodeTopics.CREATED)
def _dn_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "config_id", "scope", "storage_type", "owner_id", "properties", "validity_period")
    dn = DataNodeView(
        id=r.originator_id, version=r.payload["version"], key=r.payload["key"], created_at=r.timestamp, **fields
    )
    state.data_nodes[dn.id] = dn
    state.by_key[dn.key] = dn.id


@handles(DataNodeTopics.WRITTEN)
def _dn_written(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    dn.edits.append(edit_of(r), state.keep_writes)
    state.reads_older_writes(dn.edits)
    dn.locked, dn.editor_id, dn.editor_expiration = False, None, None


@handles(DataNodeTopics.LOCKED)
def _dn_locked(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    dn.locked, dn.editor_id, dn.editor_expiration = True, r.payload["editor_id"], r.payload["expires_at"]


@handles(DataNodeTopics.UNLOCKED)
def _dn_unlocked(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    dn.locked, dn.editor_id, dn.editor_expiration = False, None, None


@handles(DataNodeTopics.DELETED)
def _dn_deleted(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes.pop(r.originator_id)
    state._forget_key(dn.key, dn.id)
    state.parents.pop(dn.id, None)


@handles(TaskTopics.CREATED)
def _task_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "config_id", "owner_id", "input_ids", "output_ids", "function", "skippable", "properties")
    task = TaskView(id=r.originator_id, version=r.payload["version"], key=r.payload["key"], **fields)
    state.tasks[task.id] = task
    state.by_key[task.key] = task.id
    for dn_id in (*task.input_ids, *task.output_ids):
        state._link(dn_id, task.id)


@handles(TaskTopics.DELETED)
def _task_deleted(state: CurrentState, r: RecordLike) -> None:
    task = state.tasks.pop(r.originator_id)
    state._forget_key(task.key, task.id)
    for dn_id in (*task.input_ids, *task.output_ids):
        state._unlink(dn_id, task.id)
    state.parents.pop(task.id, None)
    state.task_jobs.pop(task.id, None)
    state.remove_deleted()  # none of the deleted ids waiting may be among those dropped with the task
    state.archived_jobs.pop(task.id, None)


@handles(ScenarioTopics.CREATED)
def _scenario_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(
        r,
        "config_id",
        "name",
        "creation_date",
        "cycle_id",
        "task_ids",
        "additional_data_node_ids",
        "properties",
        "is_primary",
        "version",
    )
    scenario = ScenarioView(id=r.originator_id, **fields)
    state.scenarios[scenario.id] = scenario
    for child in (*scenario.task_ids, *scenario.additional_data_node_ids):
        state._link(child, scenario.id)
    if scenario.cycle_id is not None:
        _insert_in_creation_order(state.cycle_scenarios.setdefault(scenario.cycle_id, []), scenario.id)


@handles(ScenarioTopics.TAGGED)
def _scenario_tagged(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].tags.add(r.payload["tag"])


@handles(ScenarioTopics.UNTAGGED)
def _scenario_untagged(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].tags.discard(r.payload["tag"])


@handles(ScenarioTopics.PRIMARY_CHANGED)
def _scenario_primary(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].is_primary = r.payload["is_primary"]


@handles(ScenarioTopics.DELETED)
def _scenario_deleted(state: CurrentState, r: RecordLike) -> None:
    scenario = state.scenarios.pop(r.originator_id)
    state.remove_deleted()  # none of the deleted ids waiting may be among those dropped with the scenario
    state.archived_submissions.pop(scenario.id, None)
    for child in (*scenario.task_ids, *scenario.additional_data_node_ids):
        state._unlink(child, scenario.id)
    if scenario.cycle_id is not None:
        members = state.cycle_scenarios.get(scenario.cycle_id, [])
        if scenario.id in members:
            members.remove(scenario.id)


@handles(SequenceTopics.CREATED)
def _sequence_created(state: CurrentState, r: RecordLike) -> None:
    sequence = SequenceView(
        id=r.originator_id, **_fields(r, "scenario_id", "name", "task_ids", "properties", "version")
    )
    state.sequences[sequence.id] = sequence
    scenario = state.scenarios.get(sequence.scenario_id)
    if scenario is not None:
        scenario.sequence_ids.append(sequence.id)
    for task_id in sequence.task_ids:
        state._link(task_id, sequence.id)


@handles(SequenceTopics.DELETED)
def _sequence_deleted(state: CurrentState, r: RecordLike) -> None:
    sequence = state.sequences.pop(r.originator_id)
    scenario = state.scenarios.get(sequence.scenario_id)
    if scenario is not None and sequence.id in scenario.sequence_ids:
        scenario.sequence_ids.remove(sequence.id)
    for task_id in sequence.task_ids:
        state._unlink(task_id, sequence.id)


@handles(CycleTopics.CREATED)
def _cycle_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "frequency", "name", "start", "end", "creation_date", "properties", "version", "key")
    cycle = CycleView(id=r.originator_id, **fields)
    state.cycles[cycle.id] = cycle
    state.by_key[cycle.key] = cycle.id


@handles(CycleTopics.DELETED)
def _cycle_deleted(state: CurrentState, r: RecordLike) -> None:
    cycle = state.cycles.pop(r.originator_id)
    state._forget_key(cycle.key, cycle.id)
    state.cycle_scenarios.pop(cycle.id, None)


@handles(SubmissionTopics.CREATED)
def _submission_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "entity_id", "entity_type", "entity_config_id", "job_ids", "properties", "version")
    state.submissions[r.originator_id] = SubmissionView(id=r.originator_id, creation_date=r.timestamp, **fields)
    _insert_in_creation_order(state.entity_submissions.setdefault(fields["entity_id"], []), r.originator_id)


@handles(SubmissionTopics.STATUS_CHANGED)
def _submission_status(state: CurrentState, r: RecordLike) -> None:
    submission = state.submissions[r.originator_id]
    submission.status = submission_status_of(r.payload["status"])
    if submission.status.is_finished:
        horizon.submission_finished(state, submission.id)


@handles(SubmissionTopics.DELETED)
def _submission_deleted(state: CurrentState, r: RecordLike) -> None:
    submission = state.submissions.pop(r.originator_id, None)
    if submission is None and state.was_archived(r.originator_id):  # it had left memory
        state.archived_was_deleted(r.originator_id)
    if submission is not None:
        siblings = state.entity_submissions.get(submission.entity_id, [])
        if submission.id in siblings:
            siblings.remove(submission.id)


@handles(JobTopics.CREATED)
def _job_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "task_id", "submission_id", "submit_entity_id", "force", "version")
    job = JobView(id=r.originator_id, creation_date=r.timestamp, **fields)
    job.history.append(StatusChange(Status.SUBMITTED, r.timestamp, None))
    status = status_of(r.payload["status"])
    if status is not Status.SUBMITTED:  # skipped at submission: one event for both steps
        job.status = status
        job.history.append(StatusChange(status, r.timestamp, r.payload["reason"]))
    state.jobs[job.id] = job
    _insert_in_creation_order(state.task_jobs.setdefault(job.task_id, []), job.id)


@handles(JobTopics.STATUS_CHANGED)
def _job_status(state: CurrentState, r: RecordLike) -> None:
    job = state.jobs[r.originator_id]
    job.status = status_of(r.payload["status"])
    job.history.append(StatusChange(job.status, r.timestamp, r.payload["reason"]))
    if r.payload["stacktrace"]:
        job.stacktrace = list(r.payload["stacktrace"])
    if r.payload.get("fingerprint"):
        job.fingerprint = r.payload["fingerprint"]


@handles(JobTopics.DELETED)
def _job_deleted(state: CurrentState, r: RecordLike) -> None:
    job = state.jobs.pop(r.originator_id, None)
    if job is None:  # it had left memory (projections/horizon.py)
        if state.was_archived(r.originator_id):
            state.archived_was_deleted(r.originator_id)
        return
    jobs = state.task_jobs.get(job.task_id, [])
    if job.id in jobs:
        jobs.remove(job.id)
