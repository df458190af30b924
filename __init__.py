"""ledgerflow: an event-sourced orchestration engine for data-driven Python applications.

A Taipy Core script runs after changing ``import taipy as tp`` to ``import ledgerflow as tp``.
This module only re-exports; names load lazily so ``import ledgerflow`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Config": "ledgerflow.domain.config",
    "Scope": "ledgerflow.domain.enums",
    "Frequency": "ledgerflow.domain.enums",
    "Status": "ledgerflow.domain.enums",
    "SubmissionStatus": "ledgerflow.domain.enums",
    "Orchestrator": "ledgerflow.executor.orchestrator",
    "Scenario": "ledgerflow.service.entities.scenario",
    "Sequence": "ledgerflow.service.entities.scenario",
    "Cycle": "ledgerflow.service.entities.scenario",
    "DataNode": "ledgerflow.service.entities.datanode",
    "Task": "ledgerflow.service.entities.task",
    "Job": "ledgerflow.service.entities.task",
    "Submission": "ledgerflow.service.entities.task",
    "exceptions": "ledgerflow.domain",
    "Event": "ledgerflow.service.events",
    "EventConsumer": "ledgerflow.service.events",
    "EventEntityType": "ledgerflow.service.events",
    "EventOperation": "ledgerflow.service.events",
}
_API = "ledgerflow.service.api"
_API_NAMES = (
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
)
_EXPORTS.update(dict.fromkeys(_API_NAMES, _API))

__all__ = sorted([*_EXPORTS, "Core"])


def __getattr__(name: str) -> Any:
    if name == "Core":
        name = "Orchestrator"
    if name == "exceptions":
        return import_module("ledgerflow.domain.errors")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ledgerflow' has no attribute {name!r}")
    return getattr(import_module(module), name)


if TYPE_CHECKING:
    from ledgerflow.domain.config import Config as Config
    from ledgerflow.domain.enums import Frequency as Frequency
    from ledgerflow.domain.enums import Scope as Scope
    from ledgerflow.domain.enums import Status as Status
    from ledgerflow.domain.enums import SubmissionStatus as SubmissionStatus
    from ledgerflow.executor.orchestrator import Orchestrator as Core  # noqa: F401
    from ledgerflow.executor.orchestrator import Orchestrator as Orchestrator
    from ledgerflow.service.api import *  # noqa: F403
    from ledgerflow.service.events import Event as Event
    from ledgerflow.service.events import EventConsumer as EventConsumer
    from ledgerflow.service.events import EventEntityType as EventEntityType
    from ledgerflow.service.events import EventOperation as EventOperation
