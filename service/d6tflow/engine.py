"""Each (task class, parameter values) as a task config of the engine, its outputs as data nodes.

A task of class ``TaskTrain`` with ``do_preprocess=True`` becomes the task config
``TaskTrain_<digest>``: its first input is a data node holding the class and the parameter values,
then the output nodes of the tasks it requires, then one node per watched file; its outputs are
one node per ``persist`` key plus one for its metadata, each a file under ``settings.dir``
(``data/TaskTrain/TaskTrain_<digest>-model.pkl``), as in d6tflow; earlier values stay in the
content store. Every node is GLOBAL, so the same task is
one entity whichever workflow reaches it, and its outputs for every parameter set stay cached.
The digest covers the parameters and what the task reads and writes, so a changed ``requires`` or
``persist`` makes a new task; the code of the class's methods is the task's ``code_version``, so a
changed ``run`` re-runs it (and, through its outputs, what is downstream).
"""

from __future__ import annotations

import hashlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.config import Config, DataNodeConfig, TaskConfig, function_reference, resolve_function
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.fingerprint import digest, normalized_source
from ledgerflow.service.d6tflow.settings import settings
from ledgerflow.service.d6tflow.structure import flatten, map_tasks

if TYPE_CHECKING:
    from ledgerflow.service.d6tflow.tasks import TaskData

META = "__meta"
PARAMS = "__params"
WATCH = "__watch"
DISPLAY = "d6tflow_task"
EXTENSIONS = {"pickle": "pkl", "json": "json"}  # the task property holding ``TaskTrain(do_preprocess=True)``

_configs: dict[tuple[type, str, str], TaskConfig] = {}
_codes: dict[type, str] = {}
_classes: dict[str, type] = {}  # by reference: classes defined in a function or a notebook run too


def _key(name: str) -> str:
    return re.sub(r"\W", "_", name)


def code_of(cls: type) -> str:
    """The code digest of a task class (computed once per class object)."""
    known = _codes.get(cls)
    if known is None:
        known = _codes[cls] = _code_digest(cls)
    return known


def _code_digest(cls: type) -> str:
    """A digest of the methods of ``cls`` and of its user-defined bases (docstrings and comments aside).

    A ``code_version`` attribute is part of it: bump it when only a helper the task calls changed.
    """
    parts = [f"code_version:{getattr(cls, 'code_version', None)}"]
    for klass in cls.__mro__:
        if klass.__module__.partition(".")[0] == "ledgerflow" or klass is object:
            continue
        for name, value in sorted(vars(klass).items()):
            function = getattr(value, "__func__", value)
            if inspect.isfunction(function):
                try:
                    parts.append(f"{name}:{normalized_source(inspect.getsource(function))}")
                except (OSError, TypeError):
                    parts.append(f"{name}:{function.__code__.co_code.hex()}")
    return digest("\n".join(parts).encode())


def task_config(task: TaskData) -> TaskConfig:
    """The task config of ``task`` (registered, with those of the tasks it requires, on first use)."""
    code = code_of(type(task))
    memo = (type(task), repr(sorted(task.param_kwargs.items())), code)
    known = _configs.get(memo)
    if known is not None and Config.tasks.get(known.id) is known:
        return known
    upstream = [task_config(t) for t in flatten(task.requires())]
    inputs = [dn for config in upstream for dn in config.output_configs if not dn.id.endswith(META)]
    watched = [str(Path(p).resolve()) for p in type(task).watch]
    reference = function_reference(type(task))
    _classes[reference] = type(task)
    identity = repr(
        (reference, sorted(task.to_str_params().items()), [d.id for d in inputs], task.persist, task.storage_type)
    )
    config_id = f"{type(task).__name__}_{hashlib.sha256((identity + repr(watched)).encode()).hexdigest()[:10]}"
    existing = Config.tasks.get(config_id)
    if existing is not None and existing.properties.get("code_version") == code:
        _configs[memo] = existing
        return existing
    spec = {"task": reference, "params": dict(task.param_kwargs)}
    params = Config.configure_data_node(
        config_id + PARAMS, "pickle", Scope.GLOBAL, default_data=spec, d6tflow_params=task.to_str_params()
    )
    watches = [
        Config.configure_data_node(
            f"{config_id}{WATCH}{i}", "generic", Scope.GLOBAL, read_fct=file_digest, read_fct_args=[path]
        )
        for i, path in enumerate(watched)
    ]
    folder = settings.dirpath / type(task).__name__
    outputs: list[DataNodeConfig] = [
        Config.configure_data_node(
            f"{config_id}_{_key(k)}",
            task.storage_type,
            Scope.GLOBAL,
            path=str(folder / f"{config_id}-{k}.{EXTENSIONS.get(task.storage_type, 'pkl')}"),
        )
        for k in task.persist
    ]
    meta = folder / f"{config_id}-meta.pkl"
    outputs.append(Config.configure_data_node(config_id + META, "pickle", Scope.GLOBAL, path=str(meta)))
    config = Config.configure_task(
        config_id,
        run_task,
        [params, *inputs, *watches],
        outputs,
        skippable=True,
        code_version=code,
        **{DISPLAY: repr(task)},
    )
    _configs[memo] = config
    return config


def output_config(task: TaskData, key: str) -> DataNodeConfig:
    """The data node config of one output of ``task`` (``META`` for its metadata)."""
    config = task_config(task)
    wanted = config.id + META if key == META else f"{config.id}_{_key(key)}"
    return next(dn for dn in config.output_configs if dn.id == wanted)


def closure(targets: list[TaskData]) -> list[TaskData]:
    """``targets`` and every task they require, upstream first, each once."""
    ordered: list[TaskData] = []
    seen: set[TaskData] = set()

    def visit(task: TaskData, path: tuple[TaskData, ...]) -> None:
        if task in path:
            raise RuntimeError(f"{task!r} requires itself through {' -> '.join(map(repr, path))}.")
        if task in seen:
            return
        for parent in flatten(task.requires()):
            visit(parent, (*path, task))
        seen.add(task)
        ordered.append(task)

    for target in targets:
        visit(target, ())
    return ordered


def file_digest(path: str) -> str:
    """The sha256 of a watched file's content (``missing`` when it does not exist): its change re-runs the task."""
    file = Path(path)
    return hashlib.sha256(file.read_bytes()).hexdigest() if file.exists() else "missing"


class InputTarget:
    """An input handed to a running task: the value the job read, and the file of that output."""

    def __init__(self, task: TaskData, key: str, value: Any) -> None:
        self.task, self.key, self.value = task, key, value

    def __repr__(self) -> str:
        return f"InputTarget({self.task!r}, {self.key!r})"

    @property
    def path(self) -> Path:
        """The file of the upstream output."""
        return Path(output_config(self.task, self.key).properties["path"])

    def exists(self) -> bool:
        """Always: the job read it."""
        return True

    def load(self, cached: bool = False) -> Any:
        """The value the job read."""
        return self.value


@dataclass
class RunContext:
    """What a task sees while the engine runs it: its inputs, and what it saved."""

    inputs: Any
    saved: dict[str, Any] = field(default_factory=dict)
    meta: Any = None


def run_task(spec: dict[str, Any], *inputs: Any) -> tuple[Any, ...]:
    """The function of every d6tflow task: build the task, hand it its inputs, run it, return what it saved."""
    cls = _classes.get(spec["task"]) or resolve_function(spec["task"])
    task = cls(**spec["params"])
    values = iter(inputs)

    def handed(parent: TaskData) -> Any:
        targets = {key: InputTarget(parent, key, next(values)) for key in parent.persist}
        return targets["data"] if parent.persist == ["data"] else targets

    context = RunContext(map_tasks(task.requires(), handed))
    task._run = context
    try:
        task.run()
    finally:
        task._run = None
    missing = [k for k in task.persist if k not in context.saved]
    if missing:
        raise RuntimeError(f"{task!r}.run() did not save {', '.join(missing)}: call self.save(...) with it.")
    return (*(context.saved[k] for k in task.persist), context.meta)


__all__ = ["META", "closure", "code_of", "file_digest", "output_config", "run_task", "task_config"]
