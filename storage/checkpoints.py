"""Named checkpoints (a log position plus opaque bytes) kept in the event store's database.

Projections save their folded state with the position it reflects, so a restart replays only
the tail of the log. The table is ``ledgerflow_checkpoints(name, position, saved_at, data)``.

A large state is saved in parts (``save_parts``), one row each in
``ledgerflow_checkpoint_parts(name, position, part, data)``, so a reader fetches only the parts it
uses. The parts of the newest and the previous position are kept: a process that started from the
previous checkpoint can still fetch the parts it has not read yet. Parts are stored compressed
(``compression.pack_part``: zstd, ~5x smaller for the projection's JSON) and handed back as they
were given; parts stored plain, by earlier versions, read as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from ledgerflow.storage.compression import pack_part, plain_part

__all__ = ["CheckpointStore", "SqlRunner"]

TABLE = "ledgerflow_checkpoints"
PARTS_TABLE = "ledgerflow_checkpoint_parts"
_PARTS_MARK = b"parts:"  # the data of a checkpoint saved in parts: this mark, then the part names


class SqlRunner(Protocol):
    """What the checkpoint store needs from a recorder."""

    dialect: str

    def run(self, statement: str, params: Sequence[Any] = (), *, commit: bool = False) -> list[tuple[Any, ...]]:
        """Execute one statement (``?`` placeholders) in its own transaction."""
        ...

    def qualify(self, table: str) -> str:
        """The SQL name of a side table."""
        ...


class CheckpointStore:
    """Save, load and delete named checkpoints."""

    def __init__(self, runner: SqlRunner) -> None:
        self._runner = runner
        self._table = runner.qualify(TABLE)
        self._parts = runner.qualify(PARTS_TABLE)

    def create_table(self) -> None:
        """Create the table if it does not exist."""
        blob, stamp = ("BYTEA", "TIMESTAMPTZ") if self._runner.dialect == "postgresql" else ("BLOB", "TEXT")
        self._runner.run(
            f"CREATE TABLE IF NOT EXISTS {self._table} (name TEXT PRIMARY KEY, "
            f"position BIGINT NOT NULL, saved_at {stamp} NOT NULL, data {blob} NOT NULL)",
            commit=True,
        )
        self._runner.run(
            f"CREATE TABLE IF NOT EXISTS {self._parts} (name TEXT NOT NULL, position BIGINT NOT NULL, "
            f"part TEXT NOT NULL, data {blob} NOT NULL, PRIMARY KEY (name, position, part))",
            commit=True,
        )

    def save(self, name: str, position: int, data: bytes) -> None:
        """Store ``data`` as the state of ``name`` at log ``position``, replacing any earlier."""
        now = datetime.now(UTC)
        saved_at: Any = now if self._runner.dialect == "postgresql" else now.isoformat()
        self._runner.run(
            f"INSERT INTO {self._table} (name, position, saved_at, data) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
            "saved_at = excluded.saved_at, data = excluded.data",
            [name, position, saved_at, bytes(data)],
            commit=True,
        )

    def load(self, name: str) -> tuple[int, bytes] | None:
        """The position and data saved under ``name``, or None."""
        rows = self._runner.run(f"SELECT position, data FROM {self._table} WHERE name = ?", [name])
        if not rows:
            return None
        position, data = rows[0]
        return int(position), bytes(data)

    def save_parts(self, name: str, position: int, parts: dict[str, bytes]) -> None:
        """Store a state in parts as ``name`` at ``position``; the parts of older positions but one go."""
        if not parts:
            raise ValueError("A checkpoint in parts needs at least one part")
        previous = self.load(name)
        rows = ", ".join(["(?, ?, ?, ?)"] * len(parts))
        params: list[Any] = []
        for part, data in parts.items():
            params += [name, position, part, pack_part(bytes(data))]
        # Each step is one statement: readers see the new position only once all its parts are there.
        self._runner.run(
            f"INSERT INTO {self._parts} (name, position, part, data) VALUES {rows} "
            "ON CONFLICT (name, position, part) DO NOTHING",
            params,
            commit=True,
        )
        self.save(name, position, _PARTS_MARK + "\n".join(parts).encode())
        kept = [position, previous[0] if previous is not None else position]
        self._runner.run(
            f"DELETE FROM {self._parts} WHERE name = ? AND position <> ? AND position <> ?", [name, *kept], commit=True
        )

    def load_parts(self, name: str, wanted: Sequence[str]) -> tuple[int, list[str], dict[str, bytes]] | None:
        """(position, every part's name, the ``wanted`` parts) of checkpoint ``name``; None if not saved in parts."""
        for _ in range(3):  # a checkpoint saved twice meanwhile removes the parts of the one just read
            saved = self.load(name)
            if saved is None or not saved[1].startswith(_PARTS_MARK):
                return None
            position, names = saved[0], saved[1].removeprefix(_PARTS_MARK).decode().split("\n")
            asked = [part for part in wanted if part in names]
            if not asked:
                return position, names, {}
            marks = ", ".join("?" * len(asked))
            rows = self._runner.run(
                f"SELECT part, data FROM {self._parts} WHERE name = ? AND position = ? AND part IN ({marks})",
                [name, position, *asked],
            )
            if len(rows) == len(asked):
                return position, names, {part: plain_part(bytes(data)) for part, data in rows}
        return None

    def load_part(self, name: str, position: int, part: str) -> bytes | None:
        """One part of checkpoint ``name`` at ``position``, or None once it was removed."""
        rows = self._runner.run(
            f"SELECT data FROM {self._parts} WHERE name = ? AND position = ? AND part = ?", [name, position, part]
        )
        return plain_part(bytes(rows[0][0])) if rows else None

    def delete(self, name: str) -> None:
        """Forget the checkpoint ``name`` (no error if there is none)."""
        self._runner.run(f"DELETE FROM {self._parts} WHERE name = ?", [name], commit=True)
        self._runner.run(f"DELETE FROM {self._table} WHERE name = ?", [name], commit=True)

    def names(self) -> list[str]:
        """The names of all saved checkpoints, sorted."""
        return [row[0] for row in self._runner.run(f"SELECT name FROM {self._table} ORDER BY name")]
