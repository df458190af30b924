"""How the hash chain's links are computed and stored: one row per committed run of positions.

Every event has its link (``link_of``). A row of ``ledgerflow_chain(position, link)`` holds the
links of consecutive positions ending at ``position``, 32 bytes each, in order: a batch of 10,000
events committed together is one row of 320,000 bytes instead of 10,000 rows. Stores written
before kept a row per event: a 32-byte row is the same thing, a run of one. ``unpack`` turns any
row back into ``(position, link)`` pairs, so what is stored per event — and what ``verify``
checks and reports — is unchanged.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator, Sequence

from ledgerflow.storage.codec import StoredRow

__all__ = ["GENESIS", "LINK", "last_link_query", "link_of", "links_of", "pack", "unpack"]

GENESIS = bytes(32)
LINK = 32  # bytes per link

_sha256 = hashlib.sha256
_POSITION_AND_LENGTH = struct.Struct(">qI").pack  # 8-byte signed number, then a 4-byte length
_STATE_LENGTH = struct.Struct(">Q").pack


def link_of(previous: bytes, position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The link of one event, chained to the link before it.

    ``sha256(previous ‖ position ‖ len+originator id ‖ version ‖ len+topic ‖ len+state)``.
    """
    oid, name = originator_id.encode(), topic.encode()
    digest = _sha256(previous)
    digest.update(_POSITION_AND_LENGTH(position, len(oid)))
    digest.update(oid)
    digest.update(_POSITION_AND_LENGTH(version, len(name)))
    digest.update(name)
    digest.update(_STATE_LENGTH(len(state)))
    digest.update(state)
    return digest.digest()


def links_of(previous: bytes, rows: Sequence[StoredRow], positions: Sequence[int]) -> list[bytes]:
    """The links of consecutive events of the log, the first chained to ``previous``."""
    links = []
    for (originator_id, version, topic, state), position in zip(rows, positions, strict=True):
        previous = link_of(previous, position, originator_id, version, topic, state)
        links.append(previous)
    return links


def pack(positions: Sequence[int], links: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """The chain rows ``(last position, links)`` of these links: one per run of consecutive positions."""
    rows = []
    start = 0
    for i in range(1, len(positions) + 1):
        if i == len(positions) or positions[i] != positions[i - 1] + 1:
            rows.append((positions[i - 1], b"".join(links[start:i])))
            start = i
    return rows


def unpack(position: int, stored: bytes) -> Iterator[tuple[int, bytes]]:
    """``(position, link)`` of every link in one chain row, in order.

    A row whose length is not a whole number of links (edited behind ledgerflow's back) yields
    its last bytes, short, as the link of its last position: it then matches no event.
    """
    count = max(len(stored) // LINK, 1)
    first = position - count + 1
    for i in range(count - 1):
        yield first + i, stored[i * LINK : (i + 1) * LINK]
    yield position, stored[(count - 1) * LINK :]


def last_link_query(table: str) -> str:
    """The SQL of the chain's last link (a scalar subquery, so it can join another query)."""
    return f"(SELECT substr(link, length(link) - {LINK - 1}) FROM {table} ORDER BY position DESC LIMIT 1)"
