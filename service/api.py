"""The public functions of ``ledgerflow`` (re-exported by the package facade)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerflow.domain.errors import JobNotDeletedException
from ledgerflow.runtime.settings import settings
from ledgerflow.service import queries, session
from ledgerflow.service.audit.history import history
from ledgerflow.service.audit.replay import replay
from ledgerflow.service.audit.rerun import rerun
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.entities.scenario import Cycle, Scenario, Sequence
from ledgerflow.service.entities.task import Task
from ledgerflow.service.live import live_source
from ledgerflow.service.notifications.events import on_event
from ledgerflow.service.notifications.subscriptions import (
    subscribe_scenario,
    subscribe_sequence,
    unsubscribe_scenario,
    unsubscribe_sequence,
)
from ledgerflow.service.scenarios.creation import (
    compare_scenarios,
    create_global_data_node,
    create_scenario,
    set_primary,
)
from ledgerflow.service.scenarios.creation import tag as _tag
from ledgerflow.service.scenarios.creation import untag as _untag
from ledgerflow.service.scenarios.deletion import delete_entity, delete_version_entities
from ledgerflow.service.submitting.cancel import cancel_job
from ledgerflow.service.submitting.submit import asubmit, submit
from ledgerflow.service.timetravel.view import as_of
from ledgerflow.service.workflow.verbs import Workflow, WorkflowMulti

__all__ = [
    "Workflow",
    "WorkflowMulti",
    "as_of",
    "asubmit",
    "cancel_job",
    "clean_all_entities",
    "compare_scenarios",
    "create_global_data_node",
    "create_scenario",
    "delete",
    "delete_job",
    "exists",
    "get",
    "get_cycles",
    "get_cycles_scenarios",
    "get_data_nodes",
    "get_entities_by_config_id",
    "get_jobs",
    "get_latest_job",
    "get_latest_submission",
    "get_parents",
    "get_primary",
    "get_primary_scenarios",
    "get_scenarios",
    "get_sequences",
    "get_submissions",
    "get_tasks",
    "history",
    "on_event",
    "replay",
    "rerun",
    "set_primary",
    "settings",
    "submit",
    "subscribe_scenario",
    "subscribe_sequence",
    "tag",
    "unsubscribe_scenario",
    "unsubscribe_sequence",
    "untag",
]


def get(entity_id: str) -> Any:
    """The entity of ``entity_id`` (scenario, data node, task, job...)."""
    return queries.get(live_source(), entity_id)


def exists(entity_id: str) -> bool:
    """Whether an entity of that id exists in the versions this run sees."""
    return queries.exists(live_source(), entity_id)


def delete(entity_id: str) -> None:
    """Delete an entity and what it owns (shared children stay)."""
    delete_entity(session.current().runtime, entity_id)


def delete_job(job: Job | str, force: bool = False) -> None:
    """Delete a finished job (``force`` deletes an unfinished one)."""
    job_id = job if isinstance(job, str) else job.id
    if not force and not queries.get(live_source(), job_id).is_finished():  # type: ignore[attr-defined]
        raise JobNotDeletedException(f"Job {job_id} has not finished: cancel it first, or pass force=True.")
    delete_entity(session.current().runtime, job_id)


def get_scenarios(
    cycle: Cycle | None = None,
    tag: str | None = None,
    is_sorted: bool = False,
    descending: bool = False,
    created_start_time: datetime | None = None,
    created_end_time: datetime | None = None,
    sort_key: str = "name",
) -> list[Scenario]:
    """Scenarios of the visible versions, filtered and optionally sorted."""
    return queries.get_scenarios(
        live_source(), cycle, tag, is_sorted, descending, created_start_time, created_end_time, sort_key
    )


def get_primary(cycle: Cycle) -> Scenario | None:
    """The primary scenario of ``cycle``."""
    return queries.get_primary(live_source(), cycle)


def get_primary_scenarios(is_sorted: bool = False, descending: bool = False, sort_key: str = "name") -> list[Scenario]:
    """The primary scenarios of all cycles."""
    return queries.get_primary_scenarios(live_source(), is_sorted, descending, sort_key)


def get_data_nodes() -> list[DataNode]:
    """Every data node of the visible versions."""
    return queries.get_data_nodes(live_source())


def get_tasks() -> list[Task]:
    """Every task of the visible versions."""
    return queries.get_tasks(live_source())


def get_sequences() -> list[Sequence]:
    """Every sequence of the visible versions."""
    return queries.get_sequences(live_source())


def get_cycles() -> list[Cycle]:
    """Every cycle of the visible versions."""
    return queries.get_cycles(live_source())


def get_jobs() -> list[Job]:
    """Every job of the visible versions, oldest first."""
    return queries.get_jobs(live_source())


def get_submissions() -> list[Submission]:
    """Every submission of the visible versions, oldest first."""
    return queries.get_submissions(live_source())


def get_cycles_scenarios() -> dict[Cycle | None, list[Scenario]]:
    """Scenarios grouped by cycle."""
    return queries.get_cycles_scenarios(live_source())


def get_latest_job(task: Task) -> Job | None:
    """The latest job of ``task``."""
    return queries.get_latest_job(live_source(), task)


def get_latest_submission(entity: EntityHandle) -> Submission | None:
    """The latest submission of a scenario, sequence or task."""
    return queries.get_latest_submission(live_source(), entity)


def get_parents(entity: EntityHandle | str) -> dict[str, set[EntityHandle]]:
    """The scenarios, sequences and tasks that contain ``entity``."""
    return queries.get_parents(live_source(), entity)


def get_entities_by_config_id(config_id: str) -> list[EntityHandle]:
    """The scenarios (else tasks, else data nodes) of a config id."""
    return queries.get_entities_by_config_id(live_source(), config_id)


def tag(scenario: Scenario, tag: str) -> None:
    """Tag a scenario (``authorized_tags`` is enforced)."""
    _tag(scenario, tag)


def untag(scenario: Scenario, tag: str) -> None:
    """Remove a tag from a scenario."""
    _untag(scenario, tag)


def clean_all_entities(version_number: str) -> bool:
    """Delete every entity of an application version."""
    runtime = session.current().runtime
    if version_number not in runtime.state.versions:
        return False
    delete_version_entities(runtime, version_number)
    return True
