"""``DataNode.filter``: the rows of a value that meet conditions ``(key, value, Operator)``.

Works on pandas DataFrames (a boolean mask: rows are never duplicated, unlike Taipy's AND which
merges per-condition results), numpy structured arrays, lists of dicts or objects, and dicts of
those (Excel sheets: filtered sheet by sheet).
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.operators import JoinOperator, Operator

Condition = tuple[str, Any, Operator]

_COMPARE: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.EQUAL: op.eq,
    Operator.NOT_EQUAL: op.ne,
    Operator.LESS_THAN: op.lt,
    Operator.LESS_OR_EQUAL: op.le,
    Operator.GREATER_THAN: op.gt,
    Operator.GREATER_OR_EQUAL: op.ge,
}


def conditions(operators: Condition | list[Condition]) -> list[Condition]:
    """One condition or a list of them, as a list."""
    return [operators] if isinstance(operators, tuple) else list(operators)


def filter_value(data: Any, operators: Condition | list[Condition], join: JoinOperator = JoinOperator.AND) -> Any:
    """The part of ``data`` meeting the conditions, of the same kind as ``data``."""
    wanted = conditions(operators)
    if data is None or not wanted:
        return data
    if isinstance(data, dict):
        return {name: filter_value(part, wanted, join) for name, part in data.items()}
    if hasattr(data, "loc") and hasattr(data, "columns"):  # a pandas DataFrame
        masks = [_COMPARE[o](data[key], value) for key, value, o in wanted]
        mask = masks[0]
        for more in masks[1:]:
            mask = (mask & more) if join is JoinOperator.AND else (mask | more)
        return data[mask]
    if hasattr(data, "dtype") and getattr(data.dtype, "names", None):  # a numpy structured array
        masks = [_COMPARE[o](data[key], value) for key, value, o in wanted]
        mask = masks[0]
        for more in masks[1:]:
            mask = (mask & more) if join is JoinOperator.AND else (mask | more)
        return data[mask]
    combine = all if join is JoinOperator.AND else any
    return [row for row in data if combine(_COMPARE[o](_field(row, key), value) for key, value, o in wanted)]


def _field(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key, None)
