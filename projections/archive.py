"""Ids of finished jobs and submissions that left the in-memory projection, packed 16 bytes each.

Past the horizon (``CurrentState.keep_finished``) a finished submission and its jobs are read back
from the log on demand; the projection keeps only their ids, under their task or submitted entity,
so listings stay complete. An id is ``PREFIX_<UUIDv7>`` (``JOB_inc_…``, ``SUBMISSION_…``): per
prefix, the UUIDs' bytes are appended to one ``bytearray``, in the order the entities finished.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

#: owner id (a task, a scenario...) -> id prefix -> the packed UUIDs of the ids under it
Packed = dict[str, dict[str, bytearray]]


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


class ReadBackTable(dict[str, Any]):
    """A table of views whose missing ids are looked up with ``read_back`` (None: no such entity).

    Only lookups read back (``[]``, ``get``, ``in``); iteration, ``len`` and the fold see memory only.
    """

    def __init__(self, views: dict[str, Any], read_back: Callable[[str], Any]) -> None:
        super().__init__(views)
        self.read_back = read_back

    def __missing__(self, key: str) -> Any:
        view = self.read_back(key)
        if view is None:
            raise KeyError(key)
        return view

    def get(self, key: str, default: Any = None) -> Any:
        """The view of ``key``, read back from the log if it left memory."""
        view = dict.get(self, key)
        if view is None:
            view = self.read_back(key)
        return default if view is None else view

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (isinstance(key, str) and self.read_back(key) is not None)
