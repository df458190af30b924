"""Filters: in memory for any value, and as parameterized SQL or a Mongo query document for pushdown.

A value never becomes query text: SQL filters bind it as a parameter and Mongo filters compare
it with ``$eq``/``$ne``/..., so a value can neither inject SQL nor a query operator.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.filters import Condition, JoinOperator, Operator

_PYTHON: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.EQUAL: op.eq,
    Operator.NOT_EQUAL: op.ne,
    Operator.LESS_THAN: op.lt,
    Operator.LESS_OR_EQUAL: op.le,
    Operator.GREATER_THAN: op.gt,
    Operator.GREATER_OR_EQUAL: op.ge,
}
_SQL = {
    Operator.EQUAL: "=",
    Operator.NOT_EQUAL: "<>",
    Operator.LESS_THAN: "<",
    Operator.LESS_OR_EQUAL: "<=",
    Operator.GREATER_THAN: ">",
    Operator.GREATER_OR_EQUAL: ">=",
}
_MONGO = {
    Operator.EQUAL: "$eq",
    Operator.NOT_EQUAL: "$ne",
    Operator.LESS_THAN: "$lt",
    Operator.LESS_OR_EQUAL: "$lte",
    Operator.GREATER_THAN: "$gt",
    Operator.GREATER_OR_EQUAL: "$gte",
}


def filter_value(value: Any, conditions: list[Condition], join: JoinOperator) -> Any:
    """The rows of ``value`` that meet the conditions (a frame, an array, a list, or a dict of sheets)."""
    if not conditions:
        return value
    if isinstance(value, dict):
        return {name: filter_value(sheet, conditions, join) for name, sheet in value.items()}
    if hasattr(value, "loc") and hasattr(value, "columns"):  # a DataFrame: one mask, no merges
        masks = [_PYTHON[o](value[c], v) for c, v, o in conditions]
        mask = masks[0]
        for other in masks[1:]:
            mask = (mask & other) if join is JoinOperator.AND else (mask | other)
        rows = value[mask]
        # row positions are not kept (as a database or a Parquet filter returns them); a real index is
        return rows.reset_index(drop=True) if type(value.index).__name__ == "RangeIndex" else rows
    if hasattr(value, "ndim") and value.ndim == 2:  # a numpy array: columns by position
        masks = [_PYTHON[o](value[:, c], v) for c, v, o in conditions]
        mask = masks[0]
        for other in masks[1:]:
            mask = (mask & other) if join is JoinOperator.AND else (mask | other)
        return value[mask]
    if isinstance(value, list):
        combine = all if join is JoinOperator.AND else any
        return [row for row in value if combine(_PYTHON[o](_field(row, c), v) for c, v, o in conditions)]
    raise TypeError(f"A {type(value).__name__} cannot be filtered: filter DataFrames, arrays or lists of rows.")


def _field(row: Any, column: Any) -> Any:
    if isinstance(row, dict):
        return row.get(column)
    return getattr(row, str(column), None)


def sql_where(
    conditions: list[Condition], join: JoinOperator, quote: Callable[[str], str]
) -> tuple[str, dict[str, Any]]:
    """A WHERE clause with named parameters ``:p0, :p1...`` and their values (columns quoted by ``quote``)."""
    parts, params = [], {}
    for index, (column, value, operator) in enumerate(conditions):
        name = f"p{index}"
        parts.append(f"q.{quote(str(column))} {_SQL[operator]} :{name}")
        params[name] = value
    return f" {join.name} ".join(parts), params


def mongo_query(conditions: list[Condition], join: JoinOperator) -> dict[str, Any]:
    """A query document comparing each field with its value through an explicit operator."""
    if not conditions:
        return {}
    clauses = []
    for column, value, operator in conditions:
        field = str(column)
        if field.startswith("$") or "\0" in field:
            raise ValueError(f"{field!r} is not a field name a filter can use.")
        clauses.append({field: {_MONGO[operator]: value}})
    return {"$and" if join is JoinOperator.AND else "$or": clauses}
