"""The operators of ``DataNode.filter`` (Taipy's names and values)."""

from __future__ import annotations

from enum import Enum
from typing import Any


class Operator(Enum):
    """How a column is compared with a value."""

    EQUAL = 1
    NOT_EQUAL = 2
    LESS_THAN = 3
    LESS_OR_EQUAL = 4
    GREATER_THAN = 5
    GREATER_OR_EQUAL = 6


class JoinOperator(Enum):
    """How several conditions combine."""

    AND = 1
    OR = 2


#: A condition: (column, value, operator).
Condition = tuple[Any, Any, Operator]


def conditions_of(operators: Any) -> list[Condition]:
    """Conditions given as one tuple or a list of tuples, each checked."""
    if operators is None:
        return []
    items = [operators] if isinstance(operators, tuple) else list(operators)
    conditions: list[Condition] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[2], Operator)):
            raise ValueError(f"A filter condition is a (column, value, Operator) tuple, not {item!r}.")
        conditions.append((item[0], item[1], item[2]))
    return conditions
