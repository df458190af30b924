"""Task parameters, named as in d6tflow (luigi's): a default, and the text form shown in trees and summaries.

A parameter is declared on a task class (``do_preprocess = d6tflow.BoolParameter(default=True)``);
each instance of the class holds one value per parameter. Two instances with the same values are
the same task of the engine. ``serialize`` gives the text d6tflow prints (``'True'``, ``'3'``,
``'2024-01-31'``, JSON for lists and dicts).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping
from typing import Any

_order = itertools.count()


class _NoDefault:
    def __repr__(self) -> str:
        return "(no default)"


NO_DEFAULT: Any = _NoDefault()


class MissingParameterException(TypeError):
    """A task was built without a value for a parameter that has no default."""


class Parameter:
    """A task parameter (a string unless a subclass says otherwise)."""

    def __init__(self, default: Any = NO_DEFAULT, description: str | None = None, significant: bool = True) -> None:
        self.default = default
        self.description = description
        self.significant = significant
        self.order = next(_order)  # parameters are shown in the order they were declared

    def has_default(self) -> bool:
        """Whether the parameter has a default value."""
        return self.default is not NO_DEFAULT

    def normalize(self, value: Any) -> Any:
        """The value as the task holds it (lists become tuples, so a task stays hashable)."""
        return value

    def serialize(self, value: Any) -> str:
        """The text d6tflow shows for ``value``."""
        return str(value)


class IntParameter(Parameter):
    """An integer."""

    def normalize(self, value: Any) -> Any:
        return int(value)


class FloatParameter(Parameter):
    """A float."""

    def normalize(self, value: Any) -> Any:
        return float(value)


class BoolParameter(Parameter):
    """True or False (the strings ``"true"`` / ``"false"`` are accepted)."""

    def __init__(self, default: Any = False, description: str | None = None, significant: bool = True) -> None:
        super().__init__(default, description, significant)

    def normalize(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)


class DateParameter(Parameter):
    """A date (``datetime.date`` or ``"YYYY-MM-DD"``)."""

    def normalize(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value

    def serialize(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return FrozenDict({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict parameter's value: usable as part of a task's identity."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((str(k), repr(v)) for k, v in self.items())))


class ListParameter(Parameter):
    """A list (held as a tuple)."""

    def normalize(self, value: Any) -> Any:
        return _frozen(json.loads(value) if isinstance(value, str) else list(value))

    def serialize(self, value: Any) -> str:
        return json.dumps(_thawed(value), default=str)


class TupleParameter(ListParameter):
    """A tuple."""


class DictParameter(Parameter):
    """A dict (read-only once given to a task)."""

    def normalize(self, value: Any) -> Any:
        return _frozen(json.loads(value) if isinstance(value, str) else dict(value))

    def serialize(self, value: Any) -> str:
        return json.dumps(_thawed(value), default=str, sort_keys=True)


__all__ = [
    "BoolParameter",
    "DateParameter",
    "DictParameter",
    "FloatParameter",
    "FrozenDict",
    "IntParameter",
    "ListParameter",
    "MissingParameterException",
    "Parameter",
    "TupleParameter",
]
