"""The current-state projection: every live entity, folded from the log.

``CurrentState.apply(record)`` is the fold. It is idempotent per aggregate (an event whose
version was already applied is ignored), so a process can apply its own events as it
records them and later read the same events back from the log without harm.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.projections.cache_validity import CacheValidity
from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.views import (
    CycleView,
    DataNodeView,
    Edit,
    JobView,
    ScenarioView,
    SequenceView,
    StatusChange,
    SubmissionView,
    TaskView,
    VersionView,
)

if TYPE_CHECKING:
    from ledgerflow.projections.subscribers import Subscriber

Handler = Callable[["CurrentState", RecordLike], None]
_HANDLERS: dict[str, Handler] = {}


def handles(topic: str) -> Callable[[Handler], Handler]:
    """Register a fold step for an event topic."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[topic] = fn
        return fn

    return register


class ReplayGapError(RuntimeError):
    """An event arrived before an earlier event of the same aggregate."""


@dataclass
class CurrentState:
    """Live entities of every version, with the indexes queries need."""

    position: int = 0
    revisions: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, ScenarioView] = field(default_factory=dict)
    data_nodes: dict[str, DataNodeView] = field(default_factory=dict)
    tasks: dict[str, TaskView] = field(default_factory=dict)
    sequences: dict[str, SequenceView] = field(default_factory=dict)
    cycles: dict[str, CycleView] = field(default_factory=dict)
    jobs: dict[str, JobView] = field(default_factory=dict)
    submissions: dict[str, SubmissionView] = field(default_factory=dict)
    versions: dict[str, VersionView] = field(default_factory=dict)
    # natural key -> id of the live shared entity, and how often each key was deleted
    by_key: dict[str, str] = field(default_factory=dict)
    incarnations: dict[str, int] = field(default_factory=dict)
    # parent ids of data nodes and tasks; jobs of each task; scenarios of each cycle
    parents: dict[str, set[str]] = field(default_factory=dict)
    task_jobs: dict[str, list[str]] = field(default_factory=dict)
    entity_submissions: dict[str, list[str]] = field(default_factory=dict)
    cycle_scenarios: dict[str, list[str]] = field(default_factory=dict)
    # per task, the run that produced its outputs (projections/cache_validity.py)
    cache: CacheValidity = field(default_factory=CacheValidity)
    # callbacks subscribed to each scenario and sequence (projections/subscribers.py)
    subscribers: dict[str, list[Subscriber]] = field(default_factory=dict)

    def defer(self, names: set[str], load: Callable[[str], Any]) -> None:
        """Fields to restore from a checkpoint only when first used (listing scenarios needs few)."""
        self.__dict__["_deferred"] = (names, load, threading.Lock())

    if not TYPE_CHECKING:  # mypy keeps checking attribute names

        def __getattr__(self, name: str) -> Any:
            deferred = self.__dict__.get("_deferred")
            if deferred is None:
                raise AttributeError(name)
            names, load, loading = deferred
            with loading:  # one thread loads; another must not replace the table the first one changes
                if name in self.__dict__:
                    return self.__dict__[name]
                if name not in names:
                    raise AttributeError(name)
                value = load(name)
                if name == "revisions":
                    value.update(self.__dict__.pop("_new_revisions", {}))
                setattr(self, name, value)
                names.discard(name)
                return value

    def apply(self, record: RecordLike, new: bool = False) -> bool:
        """Fold one event in; returns False when it was already applied.

        ``new`` vouches that the event was never applied here (the log's tail after a checkpoint, or
        an event this process just recorded): its revision is noted without reading the others.
        """
        if record.position > self.position:
            self.position = record.position
        if new:
            self._note_revision(record.originator_id, record.originator_version)
        else:
            seen = self.revisions.get(record.originator_id, 0)
            if record.originator_version <= seen:
                return False
            if record.originator_version != seen + 1:
                raise ReplayGapError(
                    f"Event {record.originator_version} of {record.originator_id} arrived after "
                    f"event {seen}: the log is incomplete or out of order."
                )
            self.revisions[record.originator_id] = record.originator_version
        handler = _HANDLERS.get(record.topic)
        if handler is not None:
            handler(self, record)
        if CacheValidity.folds(record.topic):
            self.cache.apply(record)
        return True

    def _note_revision(self, originator_id: str, version: int) -> None:
        """Record a revision; while the checkpoint's revisions are not loaded, aside (merged on load)."""
        if "revisions" not in self.__dict__:
            with self.__dict__["_deferred"][2]:  # not while another thread loads and merges them
                if "revisions" not in self.__dict__:
                    self.__dict__.setdefault("_new_revisions", {})[originator_id] = version
                    return
        self.revisions[originator_id] = version

    def apply_all(self, records: Iterable[RecordLike], new: bool = False) -> int:
        """Fold many events in log order (``new`` as in ``apply``); returns how many were read.

        Cyclic garbage collection pauses meanwhile: its full passes over a state growing by
        millions of objects would cost more than the fold itself.
        """
        count = 0
        collecting = gc.isenabled()
        gc.disable()
        try:
            for record in records:
                self.apply(record, new)
                count += 1
        finally:
            if collecting:
                gc.enable()
        return count

    def next_key(self, key: str) -> str:
        """The natural key of the next incarnation of a shared entity."""
        return f"{key}#{self.incarnations.get(key, 0)}"

    def _link(self, child: str, parent: str) -> None:
        self.parents.setdefault(child, set()).add(parent)

    def _unlink(self, child: str, parent: str) -> None:
        linked = self.parents.get(child)
        if linked is not None:
            linked.discard(parent)
            if not linked:
                del self.parents[child]

    def _forget_key(self, key: str, entity_id: str) -> None:
        if self.by_key.get(key) == entity_id:
            del self.by_key[key]
            self.incarnations[key] = self.incarnations.get(key, 0) + 1


def _fields(record: RecordLike, *names: str) -> dict[str, Any]:
    payload = record.payload
    return {name: payload[name] for name in names}


@handles("ledgerflow.datanode.created")
def _dn_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "config_id", "scope", "storage_type", "owner_id", "properties", "validity_period")
    dn = DataNodeView(
        id=r.originator_id, version=r.payload["version"], key=r.payload["key"], created_at=r.timestamp, **fields
    )
    state.data_nodes[dn.id] = dn
    state.by_key[dn.key] = dn.id


@handles("ledgerflow.datanode.written")
def _dn_written(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    p = r.payload
    dn.edits.append(
        Edit(
            r.timestamp,
            p["content_hash"],
            p["size"],
            p["location"],
            p["kind"],
            p["job_id"],
            p["editor_id"],
            p["comment"],
            p["extra"],
        )
    )
    dn.locked, dn.editor_id, dn.editor_expiration = False, None, None


@handles("ledgerflow.datanode.locked")
def _dn_locked(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    dn.locked, dn.editor_id, dn.editor_expiration = True, r.payload["editor_id"], r.payload["expires_at"]


@handles("ledgerflow.datanode.unlocked")
def _dn_unlocked(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes[r.originator_id]
    dn.locked, dn.editor_id, dn.editor_expiration = False, None, None


@handles("ledgerflow.datanode.deleted")
def _dn_deleted(state: CurrentState, r: RecordLike) -> None:
    dn = state.data_nodes.pop(r.originator_id)
    state._forget_key(dn.key, dn.id)
    state.parents.pop(dn.id, None)


@handles("ledgerflow.task.created")
def _task_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "config_id", "owner_id", "input_ids", "output_ids", "function", "skippable", "properties")
    task = TaskView(id=r.originator_id, version=r.payload["version"], key=r.payload["key"], **fields)
    state.tasks[task.id] = task
    state.by_key[task.key] = task.id
    for dn_id in (*task.input_ids, *task.output_ids):
        state._link(dn_id, task.id)


@handles("ledgerflow.task.deleted")
def _task_deleted(state: CurrentState, r: RecordLike) -> None:
    task = state.tasks.pop(r.originator_id)
    state._forget_key(task.key, task.id)
    for dn_id in (*task.input_ids, *task.output_ids):
        state._unlink(dn_id, task.id)
    state.parents.pop(task.id, None)
    state.task_jobs.pop(task.id, None)


@handles("ledgerflow.scenario.created")
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
        state.cycle_scenarios.setdefault(scenario.cycle_id, []).append(scenario.id)


@handles("ledgerflow.scenario.tagged")
def _scenario_tagged(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].tags.add(r.payload["tag"])


@handles("ledgerflow.scenario.untagged")
def _scenario_untagged(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].tags.discard(r.payload["tag"])


@handles("ledgerflow.scenario.primary_changed")
def _scenario_primary(state: CurrentState, r: RecordLike) -> None:
    state.scenarios[r.originator_id].is_primary = r.payload["is_primary"]


@handles("ledgerflow.scenario.deleted")
def _scenario_deleted(state: CurrentState, r: RecordLike) -> None:
    scenario = state.scenarios.pop(r.originator_id)
    for child in (*scenario.task_ids, *scenario.additional_data_node_ids):
        state._unlink(child, scenario.id)
    if scenario.cycle_id is not None:
        members = state.cycle_scenarios.get(scenario.cycle_id, [])
        if scenario.id in members:
            members.remove(scenario.id)


@handles("ledgerflow.sequence.created")
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


@handles("ledgerflow.sequence.deleted")
def _sequence_deleted(state: CurrentState, r: RecordLike) -> None:
    sequence = state.sequences.pop(r.originator_id)
    scenario = state.scenarios.get(sequence.scenario_id)
    if scenario is not None and sequence.id in scenario.sequence_ids:
        scenario.sequence_ids.remove(sequence.id)
    for task_id in sequence.task_ids:
        state._unlink(task_id, sequence.id)


@handles("ledgerflow.cycle.created")
def _cycle_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "frequency", "name", "start", "end", "creation_date", "properties", "version", "key")
    cycle = CycleView(id=r.originator_id, **fields)
    state.cycles[cycle.id] = cycle
    state.by_key[cycle.key] = cycle.id


@handles("ledgerflow.cycle.deleted")
def _cycle_deleted(state: CurrentState, r: RecordLike) -> None:
    cycle = state.cycles.pop(r.originator_id)
    state._forget_key(cycle.key, cycle.id)
    state.cycle_scenarios.pop(cycle.id, None)


@handles("ledgerflow.submission.created")
def _submission_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "entity_id", "entity_type", "entity_config_id", "job_ids", "properties", "version")
    state.submissions[r.originator_id] = SubmissionView(id=r.originator_id, creation_date=r.timestamp, **fields)
    state.entity_submissions.setdefault(fields["entity_id"], []).append(r.originator_id)


@handles("ledgerflow.submission.status_changed")
def _submission_status(state: CurrentState, r: RecordLike) -> None:
    state.submissions[r.originator_id].status = SubmissionStatus(r.payload["status"])


@handles("ledgerflow.submission.deleted")
def _submission_deleted(state: CurrentState, r: RecordLike) -> None:
    submission = state.submissions.pop(r.originator_id, None)
    if submission is not None:
        siblings = state.entity_submissions.get(submission.entity_id, [])
        if submission.id in siblings:
            siblings.remove(submission.id)


@handles("ledgerflow.job.created")
def _job_created(state: CurrentState, r: RecordLike) -> None:
    fields = _fields(r, "task_id", "submission_id", "submit_entity_id", "force", "version")
    job = JobView(id=r.originator_id, creation_date=r.timestamp, **fields)
    job.history.append(StatusChange(Status.SUBMITTED, r.timestamp, None))
    status = Status(r.payload["status"])
    if status is not Status.SUBMITTED:  # skipped at submission: one event for both steps
        job.status = status
        job.history.append(StatusChange(status, r.timestamp, r.payload["reason"]))
    state.jobs[job.id] = job
    state.task_jobs.setdefault(job.task_id, []).append(job.id)


@handles("ledgerflow.job.status_changed")
def _job_status(state: CurrentState, r: RecordLike) -> None:
    job = state.jobs[r.originator_id]
    job.status = Status(r.payload["status"])
    job.history.append(StatusChange(job.status, r.timestamp, r.payload["reason"]))
    if r.payload["stacktrace"]:
        job.stacktrace = list(r.payload["stacktrace"])
    if r.payload.get("fingerprint"):
        job.fingerprint = r.payload["fingerprint"]


@handles("ledgerflow.job.deleted")
def _job_deleted(state: CurrentState, r: RecordLike) -> None:
    job = state.jobs.pop(r.originator_id)
    jobs = state.task_jobs.get(job.task_id, [])
    if job.id in jobs:
        jobs.remove(job.id)


# the fold steps of versions, of entities moving between versions, and of subscriptions (register on import)
from ledgerflow.projections import subscribers as _subscribers  # noqa: E402, F401
from ledgerflow.projections import versions as _versions  # noqa: E402, F401
