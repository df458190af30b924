"""The shapes ``requires()`` returns (a task, a list or a dict of tasks), walked without knowing task classes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def map_tasks(structure: Any, fn: Callable[[Any], Any]) -> Any:
    """``structure`` with ``fn`` applied to each task, in the same shape (None: an empty list)."""
    if isinstance(structure, dict):
        return {k: map_tasks(v, fn) for k, v in structure.items()}
    if isinstance(structure, list | tuple):
        return [map_tasks(v, fn) for v in structure]
    if structure is None:
        return []
    return fn(structure)


def flatten(structure: Any) -> Iterator[Any]:
    """The tasks of a ``requires()`` structure, in order."""
    if isinstance(structure, dict):
        for value in structure.values():
            yield from flatten(value)
    elif isinstance(structure, list | tuple):
        for value in structure:
            yield from flatten(value)
    elif structure is not None:
        yield structure
