"""The read models of the current state, one small dataclass per entity kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.projections.edit_history import Edit, EditHistory

__all__ = [
    "CycleView",
    "DataNodeView",
    "Edit",
    "EditHistory",
    "JobView",
    "ScenarioView",
    "SequenceView",
    "StatusChange",
    "SubmissionView",
    "Subscriber",
    "TaskView",
    "VersionView",
]


@dataclass(slots=True)
class DataNodeView:
    id: str
    config_id: str
    scope: int
    storage_type: str
    owner_id: str | None
    properties: dict[str, Any]
    validity_period: float | None
    version: str
    key: str
    created_at: datetime
    # every write: the count and the last ones in memory, older ones read back from the log
    edits: EditHistory = field(default_factory=EditHistory)
    locked: bool = False
    editor_id: str | None = None
    editor_expiration: datetime | None = None

    def __post_init__(self) -> None:
        self.edits.node_id = self.id


@dataclass(slots=True)
class TaskView:
    id: str
    config_id: str
    owner_id: str | None
    input_ids: list[str]
    output_ids: list[str]
    function: str
    skippable: bool
    properties: dict[str, Any]
    version: str
    key: str


@dataclass(slots=True)
class ScenarioView:
    id: str
    config_id: str
    name: str | None
    creation_date: datetime
    cycle_id: str | None
    task_ids: list[str]
    additional_data_node_ids: list[str]
    properties: dict[str, Any]
    is_primary: bool
    version: str
    tags: set[str] = field(default_factory=set)
    sequence_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SequenceView:
    id: str
    scenario_id: str
    name: str
    task_ids: list[str]
    properties: dict[str, Any]
    version: str


@dataclass(slots=True)
class CycleView:
    id: str
    frequency: int
    name: str
    start: datetime
    end: datetime
    creation_date: datetime
    properties: dict[str, Any]
    version: str
    key: str


@dataclass(slots=True)
class StatusChange:
    """One status a job went through, when and why."""

    status: Status
    timestamp: datetime
    reason: str | None


@dataclass(slots=True)
class JobView:
    id: str
    task_id: str
    submission_id: str
    submit_entity_id: str
    force: bool
    version: str
    creation_date: datetime
    status: Status = Status.SUBMITTED
    history: list[StatusChange] = field(default_factory=list)
    stacktrace: list[str] = field(default_factory=list)
    fingerprint: str | None = None


@dataclass(slots=True)
class SubmissionView:
    id: str
    entity_id: str
    entity_type: str
    entity_config_id: str
    job_ids: list[str]
    properties: dict[str, Any]
    version: str
    creation_date: datetime
    status: SubmissionStatus = SubmissionStatus.SUBMITTED


@dataclass(slots=True)
class VersionView:
    name: str
    mode: str
    config: dict[str, Any]
    creation_date: datetime
    updated_at: datetime
    # the last run started under the version (the latest version has the greatest), and when it
    # became a production version (production versions are ordered by it; None if not production)
    started_at: datetime | None = None
    promoted_at: datetime | None = None


@dataclass(slots=True)
class Subscriber:
    """A callback (import path) and its parameters; it sees the jobs created from ``since`` on."""

    callback: str
    params: list[Any]
    since: datetime
