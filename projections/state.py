"""The current state's tables and its fold: ``CurrentState.apply(record)``, driven by a table of fold steps.

The fold is idempotent per aggregate (an event whose version was already applied is ignored),
so a process can apply its own events as it records them and later read the same events back
from the log without harm. The fold steps register with ``handles(topic)``; import
``projections.current``, which registers all of them, rather than this module.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.submission import SubmissionTopics
from ledgerflow.projections import archive
from ledgerflow.projections.archive import Packed
from ledgerflow.projections.cache_validity import CacheValidity
from ledgerflow.projections.edit_history import KEEP_WRITES, EditHistory, OlderWrites
from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.views import (
    CycleView,
    DataNodeView,
    JobView,
    ScenarioView,
    SequenceView,
    SubmissionView,
    Subscriber,
    TaskView,
    VersionView,
)

Handler = Callable[["CurrentState", RecordLike], None]
_HANDLERS: dict[str, Handler] = {}
_DELETIONS = (JobTopics.DELETED, SubmissionTopics.DELETED)


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
    # callbacks subscribed to each scenario and sequence (fold steps in projections/subscribers.py)
    subscribers: dict[str, list[Subscriber]] = field(default_factory=dict)
    # finished submissions still in memory, oldest first; past ``keep_finished`` of them, the oldest
    # and its jobs leave memory (read back from the log on demand: ``archived`` below)
    finished: list[str] = field(default_factory=list)
    # ids of what left memory: jobs under their task, submissions under their entity (archive.py),
    # the greatest creation order among them, and the versions renamed since (old name -> new)
    archived_jobs: Packed = field(default_factory=dict)
    archived_submissions: Packed = field(default_factory=dict)
    archived_through: str = field(default_factory=str)  # no class attribute: restored when first used
    # ids among those that were deleted since, until they leave the packed ids (``remove_deleted``)
    archived_deleted: set[str] = field(default_factory=set)
    version_renames: dict[str, str] = field(default_factory=dict)

    #: Finished submissions kept in memory with their jobs (None: all); set by the runtime.
    keep_finished: ClassVar[int | None] = None
    #: Writes of each data node kept in memory (None: all; older ones are read back from the log).
    keep_writes: ClassVar[int | None] = None

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
                if name in ("jobs", "submissions") and "_log" in self.__dict__:
                    value = archive.ReadBackTable(value, self.__dict__["_log"])
                if name == "data_nodes":
                    for view in value.values():
                        self.reads_older_writes(view.edits)
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
            if seen == 0 and record.originator_version > 1 and self.was_archived(record.originator_id):
                if record.topic in _DELETIONS:  # read-backs fold it; listings and counts leave the id out
                    self.archived_was_deleted(record.originator_id)
                return False  # folded before it left memory, or its deletion: read-backs fold the log
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

    def was_archived(self, entity_id: str) -> bool:
        """Whether this job or submission may have left memory (it then has no revision any more).

        A later event of it without a revision is one folded before, or its deletion: read-backs fold
        the log. Its first event is folded again if read again (the fold is idempotent per entity).
        """
        return (
            bool(self.archived_through)
            and entity_id.startswith(("JOB_", "SUBMISSION_"))
            and archive.is_time_ordered(entity_id)
            and archive.creation_order(entity_id) <= self.archived_through
        )

    def set_horizon(self, keep_finished: int | None) -> None:
        """Keep at most ``keep_finished`` finished submissions (and their jobs) in memory, and the last
        ``keep_finished`` writes of each data node, at most ``KEEP_WRITES`` (at least one)."""
        self.__dict__["keep_finished"] = keep_finished
        self.__dict__["keep_writes"] = None if keep_finished is None else max(1, min(keep_finished, KEEP_WRITES))

    def older_writes(self) -> OlderWrites:
        """Where this state's data nodes read the writes that left memory."""
        holder: OlderWrites | None = self.__dict__.get("_older_writes")
        if holder is None:
            holder = self.__dict__["_older_writes"] = OlderWrites()
        return holder

    def reads_older_writes(self, history: EditHistory) -> None:
        """Let a node's history read its writes that left memory from this state's log."""
        if history.older is None and not history.in_memory:
            history.older = self.older_writes()

    def set_read_back(self, log: archive.ReadsLog) -> None:
        """Read what left memory back from ``log``: ids missing from ``jobs`` and ``submissions``, and the
        older writes of data nodes."""
        self.__dict__["_log"] = log
        self.older_writes().read = log.writes
        for name in ("jobs", "submissions"):
            if name in self.__dict__:
                self.__dict__[name] = archive.ReadBackTable(self.__dict__[name], log)

    def _unpacked(self, packed: archive.Packed, owner: str) -> list[str]:
        ids = archive.unpack(packed, owner)
        deleted = self.archived_deleted
        return [i for i in ids if i not in deleted] if deleted else ids

    def jobs_of(self, task_id: str) -> list[str]:
        """Every job of a task, in creation order, those that left memory included."""
        return archive.merged(self._unpacked(self.archived_jobs, task_id), self.task_jobs.get(task_id, []))

    def submissions_of(self, entity_id: str) -> list[str]:
        """Every submission of an entity, in creation order, those that left memory included."""
        found = self._unpacked(self.archived_submissions, entity_id)
        return archive.merged(found, self.entity_submissions.get(entity_id, []))

    def archived_ids(self, table: str) -> list[str]:
        """The ids of every job (``table`` "jobs") or submission ("submissions") that left memory (and lives)."""
        packed = self.archived_jobs if table == "jobs" else self.archived_submissions
        in_memory = getattr(self, table)  # in memory only: ``in`` would read back
        return [
            i for owner in list(packed) for i in self._unpacked(packed, owner) if not dict.__contains__(in_memory, i)
        ]

    def archived_count(self, table: str) -> int:
        """How many jobs (``table`` "jobs") or submissions ("submissions") left memory and were not deleted."""
        packed = self.archived_jobs if table == "jobs" else self.archived_submissions
        prefix = "JOB_" if table == "jobs" else "SUBMISSION_"
        packed_count = sum(len(ids) // 16 for prefixes in packed.values() for ids in prefixes.values())
        return packed_count - sum(1 for i in self.archived_deleted if i.startswith(prefix))

    def archived_was_deleted(self, entity_id: str) -> None:
        """A job or submission that left memory was deleted: its id leaves the packed ids, a batch at a time
        (where an id is packed takes a pass over all of them to find: the deletion names no task or entity)."""
        self.archived_deleted.add(entity_id)
        if len(self.archived_deleted) >= archive.REMOVE_AFTER:
            self.remove_deleted()

    def remove_deleted(self) -> None:
        """Take the deleted ids waiting in ``archived_deleted`` out of the packed ids."""
        if self.archived_deleted:
            archive.remove(self.archived_jobs, self.archived_deleted)
            archive.remove(self.archived_submissions, self.archived_deleted)
            self.archived_deleted.clear()

    def take_archived(self) -> list[str]:
        """The ids that left memory since the last call (the runtime drops their cached aggregates)."""
        left: list[str] = self.__dict__.pop("_left", [])
        return left

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
