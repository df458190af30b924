"""Data node values as the viewer shows them: short previews, tables, and diffs between two writes.

A value is read only by the hash a write recorded, through the view's by-hash readers, and only
for the data node being shown. Listings (a scenario's nodes) preview small values only: a value
recorded larger than ``LISTING_LIMIT`` bytes is not read there, the data node's page reads it.
Everything returned is plain text or cells of text; templates escape it.
"""

from __future__ import annotations

import difflib
import pprint
from dataclasses import dataclass, field
from typing import Any

from ledgerflow.projections.views import DataNodeView, Edit
from ledgerflow.service.timetravel.recorded_values import read_recorded
from ledgerflow.storage.datanodes import Backends

__all__ = ["LISTING_LIMIT", "Diff", "Preview", "diff_values", "preview", "read_edit"]

LISTING_LIMIT = 256 * 1024
_TEXT_LIMIT = 300
_ROWS = 10
_DIFF_LINES = 400


@dataclass
class Preview:
    """A value made presentable: ``kind`` is none, text, table, skipped or error."""

    kind: str
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total_rows: int = 0


@dataclass
class Diff:
    """What changed from one value to another: text lines, or for tables, columns and rows."""

    kind: str  # text, table, same, error
    lines: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    rows_before: int = 0
    rows_after: int = 0
    changed: list[list[str]] = field(default_factory=list)  # index, column, before, after


def _short(text: str, limit: int = _TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_table(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "pandas" and hasattr(value, "columns") and hasattr(value, "iloc")


def read_edit(backends: Backends, view: DataNodeView, edit: Edit) -> Any:
    """The value ``edit`` recorded (by its hash)."""
    return read_recorded(backends, view, edit)


def preview(backends: Backends, view: DataNodeView, number: int | None = None, *, listing: bool = False) -> Preview:
    """The value of write ``number`` (1-based; None: the last) of a node, made presentable."""
    if not view.edits:
        return Preview("none", "no data")
    edit = view.edits[-1] if number is None else view.edits[number - 1]
    if listing and edit.size > LISTING_LIMIT:
        return Preview("skipped", f"{edit.size:,} bytes: open the data node to read it")
    try:
        value = read_edit(backends, view, edit)
    except Exception as error:  # a value that no longer loads is shown, not fatal
        return Preview("error", _short(f"unreadable: {type(error).__name__}: {error}"))
    return present(value, rows=5 if listing else _ROWS)


def present(value: Any, rows: int = _ROWS) -> Preview:
    """A preview of a value already read."""
    if _is_table(value):
        head = value.head(rows)
        columns = [str(c) for c in head.columns]
        rows_of = zip(head.index, head.values, strict=True)
        cells = [[_short(str(i), 40), *(_short(str(c), 60) for c in row)] for i, row in rows_of]
        return Preview("table", columns=["", *columns], rows=cells, total_rows=len(value))
    return Preview("text", _short(repr(value)))


def diff_values(before: Any, after: Any) -> Diff:
    """The difference from ``before`` to ``after``."""
    if _is_table(before) and _is_table(after):
        return _table_diff(before, after)
    old = pprint.pformat(before, width=100).splitlines()
    new = pprint.pformat(after, width=100).splitlines()
    if old == new:
        return Diff("same")
    lines = list(difflib.unified_diff(old, new, "before", "after", lineterm="", n=2))
    return Diff("text", lines[:_DIFF_LINES])


def _same_cell(old: Any, new: Any) -> bool:
    """Equal cells, both missing (NaN) included."""
    try:
        return bool(old == new) or (old != old and new != new)
    except (TypeError, ValueError):
        return repr(old) == repr(new)


def _table_diff(before: Any, after: Any) -> Diff:
    old_columns, new_columns = [str(c) for c in before.columns], [str(c) for c in after.columns]
    result = Diff(
        "table",
        added_columns=[c for c in new_columns if c not in old_columns],
        removed_columns=[c for c in old_columns if c not in new_columns],
        rows_before=len(before),
        rows_after=len(after),
    )
    shared = [c for c in before.columns if c in after.columns]
    for index in [i for i in before.index if i in after.index][:10_000]:
        for column in shared:
            old, new = before.at[index, column], after.at[index, column]
            if not _same_cell(old, new):
                result.changed.append([str(index), str(column), _short(str(old), 80), _short(str(new), 80)])
                if len(result.changed) >= _DIFF_LINES:
                    return result
    if not (result.changed or result.added_columns or result.removed_columns) and len(before) == len(after):
        result.kind = "same"
    return result
