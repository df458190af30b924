"""Multi-row inserts: how rows are split into statements, and that every row lands in order."""

from __future__ import annotations

import sqlite3

import pytest

from ledgerflow.storage.batch import CHUNK, EXACT, chunk_sizes, insert_values


@pytest.mark.parametrize("count", [0, 1, 7, EXACT, EXACT + 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 100])
def test_chunks_cover_every_row_with_few_statement_shapes(count: int) -> None:
    sizes = chunk_sizes(count)
    assert sum(sizes) == count
    assert set(sizes) <= {CHUNK >> shift for shift in range(CHUNK.bit_length())} | set(range(1, EXACT + 1))
    assert len(sizes) == len(set(sizes[count // CHUNK :])) + count // CHUNK  # each smaller size at most once
    assert sum(1 for size in sizes if size < EXACT) <= 1  # the small rest in one statement


def test_a_small_batch_is_one_statement() -> None:
    assert chunk_sizes(EXACT) == [EXACT]
    assert chunk_sizes(7) == [7]


def test_rows_are_inserted_in_order_with_their_values() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (n INTEGER, label TEXT, data BLOB)")
    rows = [(i, f"row {i}", bytes([i % 256])) for i in range(CHUNK + 45)]
    insert_values(connection.cursor(), "INSERT INTO t (n, label, data)", rows)
    assert connection.execute("SELECT n, label, data FROM t ORDER BY rowid").fetchall() == rows
    insert_values(connection.cursor(), "INSERT INTO t (n, label, data)", [])
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (len(rows),)
