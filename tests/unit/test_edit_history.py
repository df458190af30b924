"""A data node's writes past the horizon: the last ones in memory, the older ones read from the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledgerflow.domain.errors import IncompleteLog
from ledgerflow.projections.edit_history import Edit, EditHistory, OlderWrites, WritesLeftMemory
from ledgerflow.projections.plain_codec import decode_field, encode_field
from ledgerflow.projections.views import DataNodeView

START = datetime(2024, 5, 1, tzinfo=UTC)


def _write(number: int) -> Edit:
    return Edit(START + timedelta(seconds=number), f"hash{number}", number, "db", "write", None, None, None, {})


def _history(total: int, keep: int | None) -> tuple[EditHistory, list[Edit], list[int]]:
    """A history of ``total`` writes keeping ``keep``, reading older ones from a list (counting the reads)."""
    every = [_write(n) for n in range(total)]
    reads: list[int] = []

    def read(node_id: str, count: int) -> list[Edit]:
        assert node_id == "DATANODE_x"
        reads.append(count)
        return every[:count]

    history = EditHistory(node_id="DATANODE_x")
    history.older = OlderWrites(read)
    for edit in every:
        history.append(edit, keep)
    return history, every, reads


def test_a_bounded_history_answers_as_the_list_of_every_write() -> None:
    history, every, reads = _history(25, keep=3)
    assert history.recent == every[-3:] and not history.in_memory
    assert len(history) == 25 and bool(history) and history[-1] is every[-1] and history[22] is every[22]
    assert reads == []  # the count and the writes in memory need no log
    assert history[0] == every[0] and history[-25] == every[0] and history[5] == every[5]
    assert list(history) == every and history[3:24:5] == every[3:24:5] and history[-2:] == every[-2:]
    assert list(reversed(history)) == every[::-1] and history == every
    with pytest.raises(IndexError):
        history[25]


def test_searching_from_the_newest_write_reads_the_log_only_when_needed() -> None:
    history, every, reads = _history(25, keep=3)
    assert history.last_where(lambda e: e.size >= 23) is every[-1] and reads == []
    assert history.last_where(lambda e: e.size <= 10) == every[10] and reads == [23]  # and the first in memory
    assert history.last_where(lambda e: e.size > 99) is None


def test_a_log_missing_older_writes_says_so() -> None:
    history, every, _ = _history(25, keep=3)
    assert history.older is not None
    history.older.read = lambda node_id, count: [e for e in every if e.size != 4][:count]
    with pytest.raises(IncompleteLog, match="DATANODE_x"):
        list(history)
    history.older.read = lambda node_id, count: every[:count][:-1]
    with pytest.raises(IncompleteLog):
        history[3]


def test_without_a_bound_every_write_stays_in_memory() -> None:
    history, every, reads = _history(25, keep=None)
    assert history.in_memory and history.recent == every and list(history) == every and reads == []


def test_older_writes_without_a_log_say_so() -> None:
    history = EditHistory(node_id="DATANODE_x")
    for number in range(4):
        history.append(_write(number), 2)
    assert history[-1] == _write(3)
    with pytest.raises(WritesLeftMemory, match="DATANODE_x"):
        history[0]


def test_histories_are_equal_when_counts_and_the_writes_both_hold_agree() -> None:
    kept_two, _, _ = _history(10, keep=2)
    kept_five, _, _ = _history(10, keep=5)
    every, _, _ = _history(10, keep=None)
    assert kept_two == kept_five == every
    assert kept_two != _history(11, keep=2)[0]
    changed = EditHistory(10, [_write(8), _write(99)])
    assert changed != kept_five


def _node(history: EditHistory) -> DataNodeView:
    return DataNodeView("DATANODE_x", "x", 1, "pickle", None, {}, None, "v1", "k", START, history)


def test_a_checkpoint_holds_the_count_and_the_last_writes() -> None:
    history, every, _ = _history(25, keep=3)
    annotation = dict[str, DataNodeView]
    data = encode_field(annotation, {"DATANODE_x": _node(history)})
    assert b"hash21" not in data and b"hash22" in data  # the older writes stay in the log only
    decoded = decode_field(annotation, data)["DATANODE_x"].edits
    assert decoded.node_id == "DATANODE_x" and len(decoded) == 25 and decoded.recent == every[-3:]


def test_a_checkpoint_of_every_write_is_read_too() -> None:
    """Checkpoints saved before writes were bounded hold the list of every write."""
    every = [_write(n) for n in range(3)]
    annotation = dict[str, DataNodeView]
    new = encode_field(annotation, {"DATANODE_x": _node(EditHistory(3, every))})
    old = new.replace(b'"k","2024-05-01T00:00:00+00:00",[3,[', b'"k","2024-05-01T00:00:00+00:00",[').replace(
        b"]],false", b"],false"
    )
    assert old != new
    decoded = decode_field(annotation, old)["DATANODE_x"].edits
    assert decoded.in_memory and decoded.recent == every and len(decoded) == 3


def test_a_checkpoint_counting_fewer_writes_than_it_holds_is_refused() -> None:
    from ledgerflow.projections.plain_codec import ShapeError

    data = encode_field(dict[str, DataNodeView], {"DATANODE_x": _node(EditHistory(2, [_write(0), _write(1)]))})
    with pytest.raises(ShapeError):
        decode_field(dict[str, DataNodeView], data.replace(b",[2,[", b",[1,["))
