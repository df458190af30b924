"""Named checkpoints (a log position plus opaque bytes) kept in the event store's database.

Projections save their folded state with the position it reflects, so a restart replays only
the tail of the log. The table is ``ledgerflow_checkpoints(name, position, saved_at, data)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

__all__ = ["CheckpointStore", "SqlRunner"]

TABLE = "ledgerflow_checkpoints"


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

    def create_table(self) -> None:
        """Create the table if it does not exist."""
        blob, stamp = ("BYTEA", "TIMESTAMPTZ") if self._runner.dialect == "postgresql" else ("BLOB", "TEXT")
        self._runner.run(
            f"CREATE TABLE IF NOT EXISTS {self._table} (name TEXT PRIMARY KEY, "
            f"position BIGINT NOT NULL, saved_at {stamp} NOT NULL, data {blob} NOT NULL)",
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

    def delete(self, name: str) -> None:
        """Forget the checkpoint ``name`` (no error if there is none)."""
        self._runner.run(f"DELETE FROM {self._table} WHERE name = ?", [name], commit=True)

    def names(self) -> list[str]:
        """The names of all saved checkpoints, sorted."""
        return [row[0] for row in self._runner.run(f"SELECT name FROM {self._table} ORDER BY name")]
