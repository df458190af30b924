"""Differences between two states of the current-state projection, one readable line each.

Replay uses it to compare the state rebuilt from the log with the live one: an entity present in
one only, a field whose values differ (lists by length, then by first differing item), an index
entry that differs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any

from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.edit_history import EditHistory

_TABLES = {
    "versions": "version",
    "scenarios": "scenario",
    "sequences": "sequence",
    "tasks": "task",
    "data_nodes": "data node",
    "cycles": "cycle",
    "submissions": "submission",
    "jobs": "job",
}
_INDEXES = {
    "revisions": "events applied",
    "by_key": "natural key",
    "incarnations": "deletions of natural key",
    "parents": "parents",
    "task_jobs": "jobs of task",
    "cycle_scenarios": "scenarios of cycle",
    "archived_jobs": "jobs that left memory, of task",
    "archived_submissions": "submissions that left memory, of entity",
    "version_renames": "renamed version",
}
_SHOWN = 80


def _short(value: Any) -> str:
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, set | frozenset):  # in a stable order
        text = "{" + ", ".join(sorted(map(repr, value))) + "}" if value else "set()"
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _differences(name: str, expected: Any, found: Any, labels: tuple[str, str]) -> list[str]:
    """Where two values differ: fields of dataclasses, items of lists and dicts, down to plain values."""
    first, second = labels
    if dataclasses.is_dataclass(expected) and type(expected) is type(found):
        lines = []
        for field in dataclasses.fields(expected):
            a, b = getattr(expected, field.name), getattr(found, field.name)
            if a != b:
                lines += _differences(f"{name}.{field.name}" if name else field.name, a, b, labels)
        return lines
    if isinstance(expected, EditHistory) and isinstance(found, EditHistory):  # the writes both hold in memory
        if len(expected) != len(found):
            return [f"{name}: {first} has {len(expected)}, {second} has {len(found)}"]
        start = len(expected) - min(len(expected.recent), len(found.recent))
        index = next((i for i in range(start, len(expected)) if expected[i] != found[i]), None)
        return [] if index is None else _differences(f"{name}[{index}]", expected[index], found[index], labels)
    if isinstance(expected, list) and isinstance(found, list):
        if len(expected) != len(found):
            return [f"{name}: {first} has {len(expected)}, {second} has {len(found)}"]
        index = next(i for i, (a, b) in enumerate(zip(expected, found, strict=True)) if a != b)
        return _differences(f"{name}[{index}]", expected[index], found[index], labels)
    if isinstance(expected, dict) and isinstance(found, dict) and expected.keys() == found.keys():
        keys = [key for key in expected if expected[key] != found[key]]
        return [line for key in keys for line in _differences(f"{name}[{key!r}]", expected[key], found[key], labels)]
    return [f"{name or 'value'}: {first} {_short(expected)}, {second} {_short(found)}"]


def _mapping_differences(
    what: str, expected: Mapping[str, Any], found: Mapping[str, Any], labels: tuple[str, str]
) -> list[str]:
    first, second = labels
    lines = [f"{what} {key}: only in the {first} state" for key in sorted(expected.keys() - found.keys())]
    lines += [f"{what} {key}: only in the {second} state" for key in sorted(found.keys() - expected.keys())]
    for key in sorted(expected.keys() & found.keys()):
        if expected[key] != found[key]:
            lines += [f"{what} {key}: {line}" for line in _differences("", expected[key], found[key], labels)]
    return lines


def state_differences(
    expected: CurrentState, found: CurrentState, labels: tuple[str, str] = ("live", "replayed")
) -> list[str]:
    """Every difference between two projection states, one line each (empty when equal)."""
    lines = []
    if expected.position != found.position:
        lines.append(f"position: {labels[0]} {expected.position}, {labels[1]} {found.position}")
    for table, what in _TABLES.items():
        lines += _mapping_differences(what, getattr(expected, table), getattr(found, table), labels)
    for index, what in _INDEXES.items():
        lines += _mapping_differences(what, getattr(expected, index), getattr(found, index), labels)
    return lines
