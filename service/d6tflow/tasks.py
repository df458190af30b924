"""d6tflow's task classes: parameters, ``requires``, ``run``, ``save`` and ``input``/``output`` targets.

A task class declares its parameters, what it requires, and a ``run`` method that loads its inputs
(``self.inputLoad()``) and saves its outputs (``self.save(...)``, one value per ``persist`` key).
The engine runs ``run`` as the function of a task of its own (``engine.py``): inputs arrive as the
values of the upstream tasks' output data nodes, and what ``run`` saves is written to this task's.
Outside a run — ``TaskTrain().run()`` or ``task.output().load()`` — targets read and write the
same data nodes directly, each write an event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ledgerflow.service.d6tflow import engine, outputs
from ledgerflow.service.d6tflow.engine import InputTarget, RunContext
from ledgerflow.service.d6tflow.parameters import MissingParameterException, Parameter
from ledgerflow.service.d6tflow.structure import flatten, map_tasks

NOT_COMPLETE = "Cannot load, task not complete, run flow first"


class Target:
    """One output of a task: ``load()``, ``exists()``, ``path`` (the file of its latest value)."""

    def __init__(self, task: TaskData, key: str) -> None:
        self.task, self.key = task, key

    def __repr__(self) -> str:
        return f"Target({self.task!r}, {self.key!r})"

    @property
    def path(self) -> Path | None:
        """Where the latest value is stored (None before it is written)."""
        return outputs.location(self.task, self.key)

    def exists(self) -> bool:
        """Whether the output has a value."""
        return outputs.location(self.task, self.key) is not None

    def load(self, cached: bool = False) -> Any:
        """The latest value of the output."""
        return outputs.read_output(self.task, self.key)

    def save(self, value: Any, **kwargs: Any) -> None:
        """Write ``value`` to the output (a user write, recorded as an event)."""
        outputs.write_output(self.task, self.key, value)

    def invalidate(self) -> None:
        """Reset the task the output belongs to."""
        outputs.reset_tasks([self.task])


class TaskData:
    """A task whose outputs are data: the base of every d6tflow task class.

    ``persist``: the names of its outputs (default one, ``data``); ``storage_type``: how they are
    stored; ``watch``: files the task reads, so a change to one re-runs it.
    """

    persist: list[str] = ["data"]
    storage_type: ClassVar[str] = "pickle"
    target_ext: ClassVar[str] = "pkl"
    watch: ClassVar[list[str]] = []
    metadata: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        params = self.get_params()
        if len(args) > len(params):
            raise TypeError(f"{type(self).__name__} takes {len(params)} parameters, {len(args)} were given.")
        given = {name: value for (name, _), value in zip(params, args, strict=False)}
        given.update({k: v for k, v in kwargs.items() if any(k == name for name, _ in params)})  # others: ignored
        self.param_kwargs: dict[str, Any] = {}
        for name, parameter in params:
            if name not in given and not parameter.has_default():
                raise MissingParameterException(f"{type(self).__name__}: requires the '{name}' parameter to be set")
            value = parameter.normalize(given.get(name, parameter.default))
            self.param_kwargs[name] = value
            setattr(self, name, value)
        self.persist = list(getattr(self, "persists", type(self).persist))
        self._run: RunContext | None = None

    # -- identity --------------------------------------------------------------------------
    @classmethod
    def get_params(cls) -> list[tuple[str, Parameter]]:
        """The class's parameters, in declaration order."""
        found: dict[str, Parameter] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Parameter):
                    found[name] = value
        return sorted(found.items(), key=lambda item: item[1].order)

    @classmethod
    def get_param_names(cls, include_significant: bool = False) -> list[str]:
        """The names of the class's parameters."""
        return [name for name, _ in cls.get_params()]

    @classmethod
    def get_task_family(cls) -> str:
        """The task's name as d6tflow shows it."""
        return cls.__name__

    @property
    def task_family(self) -> str:
        """The task's name as d6tflow shows it."""
        return type(self).__name__

    @property
    def task_id(self) -> str:
        """The id of this (task class, parameter values) as a task of the engine."""
        return engine.task_config(self).id

    def to_str_params(self, only_significant: bool = False) -> dict[str, str]:
        """Parameter values as text, as in the preview tree."""
        params = dict(self.get_params())
        return {
            name: params[name].serialize(value)
            for name, value in self.param_kwargs.items()
            if params[name].significant or not only_significant
        }

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.to_str_params(only_significant=True).items())
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaskData) and type(other) is type(self) and other.param_kwargs == self.param_kwargs

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted((k, repr(v)) for k, v in self.param_kwargs.items()))))

    def clone(self, cls: type[TaskData] | None = None, **kwargs: Any) -> TaskData:
        """A task of ``cls`` (default: this class) with this task's parameters it accepts, then ``kwargs``."""
        target = cls or type(self)
        names = target.get_param_names()
        values = {k: v for k, v in self.param_kwargs.items() if k in names}
        values.update(kwargs)
        return target(**values)

    # -- dependencies and run -------------------------------------------------------------------
    def requires(self) -> Any:
        """The tasks this one needs: a task, a list or a dict of tasks (none by default)."""
        return []

    def run(self) -> None:
        """Compute and ``save`` the outputs."""
        raise NotImplementedError(f"{type(self).__name__} needs a run(self) method that saves its outputs.")

    def input(self) -> Any:
        """The targets of the required tasks, in the shape ``requires()`` returns."""
        if self._run is not None:
            return self._run.inputs
        return map_tasks(self.requires(), lambda task: task.output())

    def output(self) -> Any:
        """This task's target, or a dict of targets by ``persist`` key."""
        targets = {key: Target(self, key) for key in self.persist}
        return targets["data"] if self.persist == ["data"] else targets

    def save(self, data: Any, **kwargs: Any) -> None:
        """Save the output (``persist = ['data']``), or a dict with one value per ``persist`` key."""
        if self.persist == ["data"]:
            values = {"data": data}
        elif not isinstance(data, dict) or set(data) != set(self.persist):
            raise ValueError(f"Save dictionary needs to consistent with Task.persist: {self.persist}")
        else:
            values = dict(data)
        for key, value in values.items():
            if self._run is not None:
                self._run.saved[key] = value
            else:
                outputs.write_output(self, key, value)

    def metaSave(self, data: Any) -> None:
        """Save metadata beside the outputs (``outputLoadMeta`` reads it)."""
        self.metadata = data
        if self._run is not None:
            self._run.meta = data
        else:
            outputs.write_output(self, engine.META, data)

    def saveMeta(self, data: Any) -> None:
        """Same as ``metaSave``."""
        self.metaSave(data)

    # -- loading --------------------------------------------------------------------------------
    def inputLoad(self, keys: Any = None, task: Any = None, cached: bool = False, as_dict: bool = False) -> Any:
        """The values of the inputs: one value, a list, or a dict (as d6tflow shapes them)."""
        inputs = self.input() if task is None else self.input()[task]
        return _load_inputs(inputs, keys, as_dict, by_name=isinstance(self.requires(), dict) and task is None)

    def outputLoad(self, keys: Any = None, as_dict: bool = False, cached: bool = False) -> Any:
        """The values of this task's outputs (it must be complete)."""
        if not self.complete():
            raise RuntimeError(NOT_COMPLETE)
        wanted = list(self.persist) if keys is None else ([keys] if isinstance(keys, str) else list(keys))
        unknown = [k for k in wanted if k not in self.persist]
        if unknown:
            raise IndexError(f"Key name does not match: {unknown} not in {self.persist}")
        if self.persist == ["data"]:
            return outputs.read_output(self, "data")
        values = {k: outputs.read_output(self, k) for k in wanted}
        if as_dict:
            return values
        return values[wanted[0]] if isinstance(keys, str) else list(values.values())

    def outputLoadMeta(self) -> Any:
        """The metadata this task saved."""
        if not self.complete(cascade=False):
            raise RuntimeError(NOT_COMPLETE)
        meta = outputs.read_output(self, engine.META)
        if meta is None:
            raise RuntimeError(f"No metadata to load for task {self.task_family}")
        return meta

    def metaLoad(self) -> Any:
        """The metadata of the required tasks, in the shape ``requires()`` returns."""
        return map_tasks(self.requires(), lambda task: task.outputLoadMeta())

    # -- state ----------------------------------------------------------------------------------
    def complete(self, cascade: bool = True) -> bool:
        """Whether the outputs are current (and, with ``settings.check_dependencies``, the upstream's)."""
        return outputs.is_complete(self, cascade)

    def reset(self, confirm: bool = True) -> bool:
        """Invalidate this task: it runs at the next run (an event; nothing is deleted, so nothing is asked)."""
        outputs.reset_tasks([self])
        return True

    def invalidate(self, confirm: bool = True) -> bool:
        """Same as ``reset``."""
        return self.reset(confirm)


def _load_inputs(inputs: Any, keys: Any, as_dict: bool, by_name: bool) -> Any:
    """d6tflow's shapes: a dict of named inputs stays a dict, one task's outputs become a list."""

    def load_outputs(value: Any) -> Any:
        if isinstance(value, dict):
            loaded = {k: t.load() for k, t in value.items()}
            return loaded if as_dict else list(loaded.values())
        return value.load()

    if isinstance(inputs, dict):
        wanted = list(inputs) if keys is None else ([keys] if isinstance(keys, str) else list(keys))
        data = {k: load_outputs(v) for k, v in inputs.items() if k in wanted}
        if isinstance(keys, str) and not as_dict:
            return data[keys]
        return data if (by_name or as_dict) else list(data.values())
    if isinstance(inputs, list):
        return [load_outputs(v) for v in inputs]
    return inputs.load()


class TaskPickle(TaskData):
    """Outputs stored as pickle files."""


class TaskJson(TaskData):
    """Outputs stored as JSON."""

    storage_type = "json"
    target_ext = "json"


class TaskPqPandas(TaskData):
    """DataFrames (stored with pickle until the parquet storage type lands)."""

    target_ext = "parquet"


class TaskCSVPandas(TaskData):
    """DataFrames (stored with pickle until the csv storage type lands)."""

    target_ext = "csv"


class TaskCache(TaskData):
    """d6tflow keeps these in memory; here they are stored like the others, so they persist."""


class TaskCachePandas(TaskCache):
    """DataFrames d6tflow keeps in memory; stored like the others here."""


__all__ = [
    "InputTarget",
    "RunContext",
    "Target",
    "TaskCSVPandas",
    "TaskCache",
    "TaskCachePandas",
    "TaskData",
    "TaskJson",
    "TaskPickle",
    "TaskPqPandas",
    "flatten",
    "map_tasks",
]
