"""ledgerflow: an event-sourced orchestration engine for data-driven Python applications.

A Taipy Core script runs after changing ``import taipy as tp`` to ``import ledgerflow as tp``.
This module only re-exports; names load lazily so ``import ledgerflow`` stays fast.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ledgerflow.domain import ports as _config_ports
from ledgerflow.storage.config_files import TomlFiles as _TomlFiles

# The composition root of the configuration: the domain reads the environment and TOML files only
# through what is installed here, and every process imports this package first.
_config_ports.install(os.environ, _TomlFiles())

_EXPORTS: dict[str, str] = {
    "Config": "ledgerflow.domain.config",
    "Scope": "ledgerflow.domain.enums",
    "Frequency": "ledgerflow.domain.enums",
    "Status": "ledgerflow.domain.enums",
    "SubmissionStatus": "ledgerflow.domain.enums",
    "Orchestrator": "ledgerflow.service.orchestrator",
    "Scenario": "ledgerflow.service.entities.scenario",
    "Sequence": "ledgerflow.service.entities.scenario",
    "Cycle": "ledgerflow.service.entities.scenario",
    "DataNode": "ledgerflow.service.entities.datanode",
    "Task": "ledgerflow.service.entities.task",
    "Job": "ledgerflow.service.entities.job",
    "Submission": "ledgerflow.service.entities.job",
    "exceptions": "ledgerflow.domain",
    "Event": "ledgerflow.service.notifications.events",
    "EventConsumer": "ledgerflow.service.notifications.events",
    "EventEntityType": "ledgerflow.service.notifications.events",
    "EventOperation": "ledgerflow.service.notifications.events",
}
_API = "ledgerflow.service.api"  # every name in its __all__ is re-exported too


def __getattr__(name: str) -> Any:
    value = _load(name)
    globals()[name] = value  # resolved once: later ``lf.<name>`` lookups are plain attribute reads
    return value


def _load(name: str) -> Any:
    if name == "Core":
        name = "Orchestrator"
    if name == "exceptions":
        return import_module("ledgerflow.domain.errors")
    module = _EXPORTS.get(name)
    if module is not None:
        return getattr(import_module(module), name)
    api = import_module(_API)
    if name == "__all__":  # computed on demand (``from ledgerflow import *``), so importing stays fast
        return sorted([*_EXPORTS, "Core", *api.__all__])
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'ledgerflow' has no attribute {name!r}")


if TYPE_CHECKING:
    from ledgerflow.domain.config import Config as Config
    from ledgerflow.domain.enums import Frequency as Frequency
    from ledgerflow.domain.enums import Scope as Scope
    from ledgerflow.domain.enums import Status as Status
    from ledgerflow.domain.enums import SubmissionStatus as SubmissionStatus
    from ledgerflow.service.api import *  # noqa: F403
    from ledgerflow.service.notifications.events import Event as Event
    from ledgerflow.service.notifications.events import EventConsumer as EventConsumer
    from ledgerflow.service.notifications.events import EventEntityType as EventEntityType
    from ledgerflow.service.notifications.events import EventOperation as EventOperation
    from ledgerflow.service.orchestrator import Orchestrator as Core  # noqa: F401
    from ledgerflow.service.orchestrator import Orchestrator as Orchestrator
