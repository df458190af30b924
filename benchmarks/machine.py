"""How fast this machine is right now: the yardstick printed with every run.

Shared machines change speed by a factor of two within minutes, so a figure alone cannot say
whether the engine or the machine moved. Two readings are taken before and after the
workloads: ``python_ms``, a fixed piece of pure-Python work (dict and string operations, like
the engine's), and ``commit_ms``, one durable one-row SQLite commit (WAL, ``synchronous=FULL``,
as the embedded store does) in the run's temporary directory.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

__all__ = ["measure"]

_REPEAT = 7


def _python_work() -> int:
    table: dict[int, str] = {}
    for i in range(100_000):
        table[i & 1023] = f"JOB_{i}"
    return len(table)


def _python_ms() -> float:
    times = []
    for _ in range(_REPEAT):
        start = time.perf_counter()
        _python_work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _commit_ms(folder: Path) -> float:
    path = folder / "machine-yardstick.db"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS t (x BLOB)")
        times = []
        for _ in range(_REPEAT * 3):
            start = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t VALUES (?)", (b"x" * 100,))
            connection.execute("COMMIT")
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def measure(folder: Path) -> dict[str, float]:
    """``python_ms`` and ``commit_ms`` now (medians)."""
    return {"python_ms": _python_ms(), "commit_ms": _commit_ms(folder)}
