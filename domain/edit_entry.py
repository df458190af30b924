"""Taipy's ``Edit``: the type of one entry of ``DataNode.edits`` (a plain dict at run time; the
keyword arguments given to ``write``/``track_edit`` are further keys)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict


class Edit(TypedDict, total=False):
    """One write of a data node: when, by which job or editor, why, and where its value lives."""

    timestamp: datetime
    job_id: str | None
    editor: str | None
    comment: str | None
    hash: str
    size: int
    location: str
    kind: str
