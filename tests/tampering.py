"""Edit an SQLite store behind ledgerflow's back, as an attacker who knows its format would.

Event states and checkpoint parts are stored compressed (``storage/compression.py``), so a text
``replace`` in SQL finds nothing: these helpers decompress, edit, and compress again the same way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ledgerflow.storage.compression import MAGIC, compress_states, pack_part, plain_part, plain_state

__all__ = ["edit_events", "edit_part", "part_of"]


def edit_events(db: Path, old: str, new: str, topic: str | None = None) -> int:
    """Replace ``old`` by ``new`` in the JSON of every event (of ``topic``) holding it; how many."""
    edited = 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT rowid, originator_id, originator_version, topic, state FROM stored_events")
        for position, originator_id, version, stored_topic, state in rows.fetchall():
            plain = plain_state(bytes(state))
            if (topic is not None and stored_topic != topic) or old.encode() not in plain:
                continue
            changed = plain.replace(old.encode(), new.encode())
            if bytes(state)[:4] == MAGIC:
                changed = compress_states([(originator_id, version, stored_topic, changed)])[0][3]
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", [changed, position])
            edited += 1
    conn.close()
    return edited


def part_of(db: Path, part: str) -> dict[tuple[str, int], bytes]:
    """Part ``part`` of every saved checkpoint, as written (decompressed), by (name, position)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT name, position, data FROM ledgerflow_checkpoint_parts WHERE part = ?", [part]
        ).fetchall()
    conn.close()
    return {(name, position): plain_part(bytes(data)) for name, position, data in rows}


def edit_part(db: Path, part: str, data: bytes, *, name: str | None = None, position: int | None = None) -> None:
    """Store ``data`` as part ``part`` of the saved checkpoints (or of one), compressed as ledgerflow does."""
    where = "part = ?"
    params: list[object] = [part]
    if name is not None:
        where += " AND name = ?"
        params.append(name)
    if position is not None:
        where += " AND position = ?"
        params.append(position)
    with sqlite3.connect(db) as conn:
        conn.execute(f"UPDATE ledgerflow_checkpoint_parts SET data = ? WHERE {where}", [pack_part(data), *params])
    conn.close()
