"""What only an SQLite file can get wrong: a corrupt or foreign file, a folder, an empty file.

Each gives a clear ``EventStoreError`` naming the path (never a traceback from SQLite) and is
left as it was; an empty file becomes a store.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from store_things import thing_events

from ledgerflow.storage import EventStore, EventStoreError


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(4096), "not an SQLite database"),
        (b"name,value\nsales,3\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 200, "damaged or not a ledgerflow event store"),
    ],
)
def test_a_corrupt_file_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "events.db"
    path.write_bytes(content)
    with pytest.raises(EventStoreError, match=message) as caught:
        EventStore.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("CREATE TABLE sales (region TEXT, amount REAL)", "another application"),
        ("CREATE TABLE stored_events (id INTEGER, data BLOB)", "another application"),
        (
            "PRAGMA application_id=1279675479; CREATE TABLE stored_events (id INTEGER)",
            "incompatible",
        ),
        ("PRAGMA application_id=1279675479; PRAGMA user_version=99", "newer ledgerflow"),
        ("PRAGMA application_id=42", "another application"),
    ],
)
def test_a_foreign_database_is_refused(tmp_path: Path, schema: str, message: str) -> None:
    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(schema)
    conn.close()
    with pytest.raises(EventStoreError, match=message) as caught:
        EventStore.open(f"sqlite:///{path}")
    assert str(path) in str(caught.value)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EventStoreError, match="directory"):
        EventStore.open(tmp_path)


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with EventStore.open(path) as store:
        assert store.append([(thing_events("THING_0"), None)]) == [[1]]
