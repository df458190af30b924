"""Ids of finished jobs and submissions that left the in-memory projection, packed 16 bytes each.

Past the horizon (``CurrentState.keep_finished``) a finished submission and its jobs are read back
from the log on demand; the projection keeps only their ids, under their task or submitted entity,
so listings stay complete. An id is ``PREFIX_<UUIDv7>`` (``JOB_inc_…``, ``SUBMISSION_…``): per
prefix, the UUIDs' bytes are appended to one ``bytearray``, in the order the entities finished.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from ledgerflow.projections.edit_history import Edit

#: owner id (a task, a scenario...) -> id prefix -> the packed UUIDs of the ids under it
Packed = dict[str, dict[str, bytearray]]
#: Deleted ids wait (``CurrentState.archived_deleted``) until this many, then leave the packed ids in one pass.
REMOVE_AFTER = 1_000


def creation_order(entity_id: str) -> str:
    """The time-ordered (UUIDv7) end of a scenario, job or submission id."""
    return entity_id.rsplit("_", 1)[-1]


def is_time_ordered(entity_id: str) -> bool:
    """Whether the id ends with a canonical UUIDv7 (ids of older logs end with random UUIDv4s)."""
    order = creation_order(entity_id)
    return len(order) == 36 and order[14] == "7" and order == order.lower()


def pack(archive: Packed, owner: str, entity_id: str) -> None:
    """Add a time-ordered id under ``owner``."""
    prefix, _, tail = entity_id.rpartition("_")
    archive.setdefault(owner, {}).setdefault(prefix, bytearray()).extend(uuid.UUID(tail).bytes)


def remove(archive: Packed, entity_ids: set[str]) -> None:
    """Take ``entity_ids`` out, wherever they are packed (one pass over every packed id)."""
    wanted: dict[str, set[bytes]] = {}
    for entity_id in entity_ids:
        prefix, _, tail = entity_id.rpartition("_")
        wanted.setdefault(prefix, set()).add(uuid.UUID(tail).bytes)
    for owner in list(archive):
        prefixes = archive[owner]
        for prefix in [p for p in prefixes if p in wanted]:
            packed, gone = prefixes[prefix], wanted[prefix]
            kept = [packed[i : i + 16] for i in range(0, len(packed), 16) if bytes(packed[i : i + 16]) not in gone]
            if len(kept) * 16 < len(packed):
                prefixes[prefix] = bytearray(b"".join(kept))
                if not kept:
                    del prefixes[prefix]
        if not prefixes:
            del archive[owner]


def unpack(archive: Packed, owner: str) -> list[str]:
    """The ids under ``owner``, in creation order."""
    ids = []
    for prefix, packed in archive.get(owner, {}).items():
        ids += [f"{prefix}_{uuid.UUID(bytes=bytes(packed[i : i + 16]))}" for i in range(0, len(packed), 16)]
    return sorted(set(ids), key=creation_order)  # an entity read again from the log may be in twice


def merged(archived: list[str], in_memory: list[str]) -> list[str]:
    """An index list with the ids that left memory put back, in creation order."""
    if not archived:
        return list(in_memory)
    known = set(archived)
    rest = [i for i in in_memory if i not in known]
    if all(is_time_ordered(i) for i in rest):
        return sorted([*archived, *rest], key=creation_order)
    return [*archived, *rest]


def look_up_many(table: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """The views of ``keys`` found in ``table``, those that left memory read back together if it can."""
    if isinstance(table, ReadBackTable):
        return table.get_many(keys)
    return {key: view for key in keys if (view := table.get(key)) is not None}


class ReadsLog(Protocol):
    """What a state reads back from its log (``runtime/read_back.py``): views that left memory, and writes."""

    def view(self, entity_id: str) -> Any:
        """The view of a job or submission that left memory (None: no such entity, or deleted)."""
        ...

    def views(self, entity_ids: Sequence[str]) -> dict[str, Any]:
        """The views of many that left memory, read together (the deleted ones left out)."""
        ...

    def writes(self, node_id: str, count: int) -> list[Edit]:
        """The first ``count`` writes of a data node (``projections/edit_history.py``)."""
        ...


class ReadBackTable(dict[str, Any]):
    """A table of views whose missing ids are looked up in the log (None: no such entity).

    Only lookups read back (``[]``, ``get``, ``in``, ``get_many``); iteration, ``len`` and the fold see memory only.
    """

    def __init__(self, views: dict[str, Any], log: ReadsLog) -> None:
        super().__init__(views)
        self.log = log

    def __missing__(self, key: str) -> Any:
        view = self.log.view(key)
        if view is None:
            raise KeyError(key)
        return view

    def get(self, key: str, default: Any = None) -> Any:
        """The view of ``key``, read back from the log if it left memory."""
        view = dict.get(self, key)
        if view is None:
            view = self.log.view(key)
        return default if view is None else view

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """The views of ``keys`` that exist, those that left memory read back together."""
        found = {key: view for key in keys if (view := dict.get(self, key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            found.update(self.log.views(missing))
        return found

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and self.log.view(key) is not None)
