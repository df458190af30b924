"""Multi-row INSERTs: one statement per chunk of rows instead of one per row.

``executemany`` runs one SQLite step per row, and every step lets go of the GIL and takes it
back; while another thread is busy (the orchestrator running jobs), each take-back waits for
that thread, so 400 rows could take half a second. A ``VALUES (…), (…), …`` list is one step.
Chunks are 256 rows, then powers of two for the rest down to ``EXACT`` rows, which go in one
statement of their size: few distinct statements, all of them kept prepared by the driver's
statement cache, and one statement for the small batches of a busy process (each statement
hands the GIL over and back, which costs up to a switch interval while another thread computes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["CHUNK", "EXACT", "insert_values"]

CHUNK = 256
EXACT = 32


class Cursor(Protocol):
    """The DB-API cursor of the transaction doing the insert."""

    def execute(self, statement: Any, params: Any = ...) -> Any: ...


def chunk_sizes(count: int) -> list[int]:
    """How ``count`` rows are split: full chunks, then the binary digits of the rest down to ``EXACT``."""
    sizes = [CHUNK] * (count // CHUNK)
    rest = count % CHUNK
    bit = CHUNK // 2
    while rest:
        if rest <= EXACT:
            sizes.append(rest)
            break
        if rest >= bit:
            sizes.append(bit)
            rest -= bit
        bit //= 2
    return sizes


def insert_values(cursor: Cursor, head: str, rows: Sequence[Sequence[Any]], placeholder: str = "?") -> None:
    """Run ``head VALUES (row), (row), …`` over ``rows`` (all of one width), in order."""
    if not rows:
        return
    group = "(" + ",".join([placeholder] * len(rows[0])) + ")"
    start = 0
    for size in chunk_sizes(len(rows)):
        chunk = rows[start : start + size]
        cursor.execute(f"{head} VALUES {','.join([group] * size)}", [value for row in chunk for value in row])
        start += size
