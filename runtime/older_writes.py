"""Writes of data nodes that left the in-memory projection, read back from the log.

``projections/edit_history.py`` keeps the count and the last writes of each node; the older ones
are its first ``DataNode.Written`` events, read here with one query (the first ``count`` of them)
when ``DataNode.edits``, ``read(version=...)``, ``read(as_of=...)`` or a viewer page asks; the
history checks they are all there (``IncompleteLog`` if the log lost some).
"""

from __future__ import annotations

from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.projections.edit_history import Edit, edit_of
from ledgerflow.storage.eventstore import EventStore


def read_writes(store: EventStore, node_id: str, count: int) -> list[Edit]:
    """The first ``count`` writes of a data node, oldest first (fewer if the log has fewer)."""
    records = store.events_of(node_id, topic=DataNodeTopics.WRITTEN, limit=count)
    return [edit_of(record) for record in records]
