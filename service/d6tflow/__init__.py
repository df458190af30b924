"""d6tflow's API over the engine: task classes, parameters, ``Workflow``, ``WorkflowMulti``, ``settings``.

Users import it as ``import ledgerflow.d6tflow as d6tflow``: the ``ledgerflow/d6tflow/`` package
re-exports this one (and ``ledgerflow.d6tflow.tasks`` its task classes). Each (task class,
parameter values) is a task of the engine with its outputs as data nodes (``engine.py``), so
every run, skip, reset and write is an event in the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledgerflow.service.d6tflow import tasks
from ledgerflow.service.d6tflow.dependencies import inherits, requires
from ledgerflow.service.d6tflow.engine import closure
from ledgerflow.service.d6tflow.flow import FAILED, Workflow, downstream_of
from ledgerflow.service.d6tflow.multi import WorkflowMulti
from ledgerflow.service.d6tflow.outputs import reset_tasks
from ledgerflow.service.d6tflow.parameters import (
    BoolParameter,
    DateParameter,
    DictParameter,
    FloatParameter,
    IntParameter,
    ListParameter,
    MissingParameterException,
    Parameter,
    TupleParameter,
)
from ledgerflow.service.d6tflow.settings import settings
from ledgerflow.service.d6tflow.tasks import TaskData

#: d6tflow's page on workflows spells it so.
WorkflowMult = WorkflowMulti


def preview(tasks: Any, indent: str = "", last: bool = True, **options: Any) -> str:
    """Print the tree of task instances (d6tflow's older verb; ``Workflow.preview`` is preferred)."""
    return Workflow().preview(tasks, indent, last, **options)


def run(tasks: Any, **options: Any) -> Any:
    """Run task instances (d6tflow's older verb; ``Workflow.run`` is preferred)."""
    return Workflow().run(tasks, **options)


def taskflow_upstream(task: TaskData, only_complete: bool = False) -> list[TaskData]:
    """The task and every task upstream of it, the task first."""
    found = list(reversed(closure([task])))
    return [t for t in found if t.complete()] if only_complete else found


def taskflow_downstream(task: TaskData, task_downstream: TaskData, only_complete: bool = False) -> list[TaskData]:
    """The tasks between ``task`` and ``task_downstream`` (both included) that depend on ``task``."""
    found = downstream_of([task], closure([task_downstream]))
    return [t for t in found if t.complete()] if only_complete else found


def invalidate_upstream(task: TaskData, confirm: bool = False) -> list[TaskData]:
    """Reset the task and everything upstream of it."""
    return reset_tasks(closure([task]), task)


def invalidate_downstream(task: TaskData, task_downstream: TaskData, confirm: bool = False) -> list[TaskData]:
    """Reset the task and what depends on it up to ``task_downstream``."""
    return reset_tasks(downstream_of([task], closure([task_downstream])), task)


def set_dir(dir: str | None = None) -> Path:
    """The folder of the output files of tasks configured from now on (default ``data``)."""
    if dir is not None:
        settings.dir, settings.dirpath = dir, Path(dir)
    return settings.dirpath


__all__ = [
    "FAILED",
    "BoolParameter",
    "DateParameter",
    "DictParameter",
    "FloatParameter",
    "IntParameter",
    "ListParameter",
    "MissingParameterException",
    "Parameter",
    "TupleParameter",
    "Workflow",
    "WorkflowMult",
    "WorkflowMulti",
    "inherits",
    "invalidate_downstream",
    "invalidate_upstream",
    "preview",
    "requires",
    "run",
    "set_dir",
    "settings",
    "taskflow_downstream",
    "taskflow_upstream",
    "tasks",
]
