"""``@d6tflow.inherits`` and ``@d6tflow.requires``: take an upstream task's parameters, and require it.

``@requires(TaskPreprocess)`` gives the decorated class every parameter of ``TaskPreprocess`` it
does not declare itself, and a ``requires`` method passing them upstream; several classes give a
list of upstream tasks, a dict ``{"name": Task}`` a dict of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ledgerflow.service.d6tflow.tasks import TaskData

T = TypeVar("T", bound=type[TaskData])


def _classes(tasks: tuple[Any, ...]) -> tuple[list[type[TaskData]], Mapping[str, type[TaskData]] | None]:
    if not tasks:
        raise TypeError("Name at least one task class: @d6tflow.requires(TaskGetData).")
    named = tasks[0] if len(tasks) == 1 and isinstance(tasks[0], Mapping) else None
    classes = list(named.values()) if named is not None else list(tasks)
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, TaskData)):
            raise TypeError(f"{cls!r} is not a d6tflow task class (a subclass of d6tflow.tasks.TaskData).")
    return classes, named


def inherits(*tasks: Any) -> Callable[[T], T]:
    """Copy the parameters of ``tasks`` (classes, or one dict of them) the decorated class lacks."""
    classes, _ = _classes(tasks)

    def decorate(cls: T) -> T:
        for parent in classes:
            for name, parameter in parent.get_params():
                if not any(name in vars(k) for k in cls.__mro__):
                    setattr(cls, name, parameter)
        return cls

    return decorate


def requires(*tasks: Any) -> Callable[[T], T]:
    """Inherit the parameters of ``tasks`` and require them: one task, a list, or a dict by name."""
    classes, named = _classes(tasks)

    def decorate(cls: T) -> T:
        cls = inherits(*tasks)(cls)

        def required(self: TaskData) -> Any:
            if named is not None:
                return {name: self.clone(parent) for name, parent in named.items()}
            upstream = [self.clone(parent) for parent in classes]
            return upstream[0] if len(upstream) == 1 else upstream

        required.__qualname__ = f"{cls.__qualname__}.requires"
        cls.requires = required  # type: ignore[method-assign]
        return cls

    return decorate


__all__ = ["inherits", "requires"]
