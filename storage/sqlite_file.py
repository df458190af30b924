"""Checks that a path can hold a ledgerflow event store before SQLite touches it.

A ledgerflow database is marked with ``PRAGMA application_id`` (set in the transaction that
creates its tables), so a file written by anything else — random bytes, a text file, another
program's SQLite database — is refused with a message naming the path, never a sqlite3 traceback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ledgerflow.storage.errors import EventStoreError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "check_sqlite_file"]

APPLICATION_ID = 0x4C464C57  # "LFLW"
SCHEMA_VERSION = 1
_MAGIC = b"SQLite format 3\x00"
_EVENT_COLUMNS = [
    ("originator_id", "TEXT", 1),
    ("originator_version", "INTEGER", 2),
    ("topic", "TEXT", 0),
    ("state", "BLOB", 0),
]
_ADVICE = "Move the file away or choose another path for the event store."


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Raise ``EventStoreError`` unless ``path`` is absent (and ``create``), empty, or ours."""
    if path.is_dir():
        raise EventStoreError(f"Cannot use {path} as an event store: it is a directory.")
    if not path.exists():
        if not create:
            raise EventStoreError(f"No event store at {path}: the file does not exist.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Readable by its owner only, whatever the umask (SQLite gives its -wal and -shm files the same mode).
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it meanwhile
        except OSError as error:
            raise EventStoreError(f"Cannot create the event store {path}: {error}") from error
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(_MAGIC))
    except OSError as error:
        raise EventStoreError(f"Cannot read the event store {path}: {error}") from error
    if not header:
        return  # an empty file is an empty SQLite database
    if header != _MAGIC:
        raise EventStoreError(f"{path} is not a ledgerflow event store (not an SQLite database). {_ADVICE}")
    app_id, user_version, tables, columns = _inspect(path)
    if app_id not in (0, APPLICATION_ID) or (tables and app_id != APPLICATION_ID):
        names = ", ".join(sorted(tables)) or "none"
        raise EventStoreError(
            f"{path} is an SQLite database of another application (application_id {app_id}, "
            f"tables: {names}), not a ledgerflow event store. {_ADVICE}"
        )
    if user_version > SCHEMA_VERSION:
        raise EventStoreError(
            f"The event store {path} was written by a newer ledgerflow (schema {user_version}, "
            f"this one reads up to {SCHEMA_VERSION}). Upgrade ledgerflow to open it."
        )
    if "stored_events" in tables and columns != _EVENT_COLUMNS:
        raise EventStoreError(f"The event store {path} has an incompatible stored_events table {columns}. {_ADVICE}")
    if not create and "stored_events" not in tables:
        raise EventStoreError(f"No event store at {path}: the database has no events table.")


def _inspect(path: Path) -> tuple[int, int, set[str], list[tuple[str, str, int]]]:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30)
    except sqlite3.Error as error:
        raise EventStoreError(f"Cannot open the event store {path}: {error}") from error
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()
        info = conn.execute("PRAGMA table_info(stored_events)").fetchall()
    except sqlite3.DatabaseError as error:
        raise EventStoreError(f"{path} is damaged or not a ledgerflow event store ({error}). {_ADVICE}") from error
    finally:
        conn.close()
    columns = [(row[1], str(row[2]).upper(), row[5]) for row in info]
    return app_id, user_version, {row[0] for row in rows}, columns
