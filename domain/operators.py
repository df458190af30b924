"""Taipy's filter operators of ``DataNode.filter``: comparisons, and how several combine."""

from __future__ import annotations

from enum import Enum


class Operator(Enum):
    """A comparison of one column (or attribute, or key) with a value."""

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
