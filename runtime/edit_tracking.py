"""``DataNode.track_edit``: an edit recorded without a new value (who and why, the value unchanged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerflow.domain.datanode import DataNode
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import NoData
from ledgerflow.projections.views import DataNodeView
from ledgerflow.runtime.runtime import Runtime


def record_edit(
    runtime: Runtime,
    view: DataNodeView,
    *,
    job_id: str | None = None,
    editor_id: str | None = None,
    comment: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Record an edit of the node's current value (same content, so caching sees it as written now)."""
    if not view.edits:
        raise NoData(f'DataNode "{view.config_id}" ({view.id}) has no value to track an edit of: write it first.')
    last = view.edits[-1]
    now = datetime.now()

    def build() -> list[Entity]:
        node = runtime.aggregate(DataNode, view.id)
        node.record_write(
            last.content_hash,
            last.size,
            last.location,
            "track_edit",
            now,
            job_id=job_id,
            editor_id=editor_id,
            comment=comment,
            extra=extra,
        )
        return [node]

    runtime.command(build, reason="track edit")
