"""Stored states as zstd frames: shorter, exact, told apart from plain JSON, and refused when hostile."""

from __future__ import annotations

import hashlib
from importlib.resources import files

import orjson
import pytest
import zstandard
from eventsourcing.persistence import MapperDeserialisationError

from ledgerflow.storage.codec import LedgerMapper, OrjsonTranscoder
from ledgerflow.storage.compression import (
    DICTIONARY_ID,
    MAGIC,
    MAX_EVENT,
    MAX_PART,
    compress_states,
    pack_part,
    plain_part,
    plain_state,
)
from ledgerflow.storage.errors import EventStoreError

JOB_STATUS = orjson.dumps(
    {
        "timestamp": "2026-12-05T04:54:04.826062+00:00",
        "status": 7,
        "reason": None,
        "stacktrace": None,
        "fingerprint": "v1;c=cc3d57154287da1d;k=ddfed276c81c9baa;i=641af9bbbd4b784e",
        "_meta": {
            "actor": "orchestrator",
            "correlation_id": "SUBMISSION_01a2448d-5d19-73b7-975e-c38bbc0bafbd",
            "reason": "job completed",
        },
    }
)


def row(state: bytes) -> tuple[str, int, str, bytes]:
    return ("JOB_inc_01a2448d-5d19-73b8-9a13-09be620828ae", 3, "ledgerflow.job.status_changed", state)


def test_a_typical_event_is_stored_as_a_frame_of_the_dictionary_a_third_of_its_size() -> None:
    [(_, _, _, stored)] = compress_states([row(JOB_STATUS)])
    assert stored[:4] == MAGIC
    assert zstandard.get_frame_parameters(stored).dict_id == DICTIONARY_ID
    assert len(stored) < len(JOB_STATUS) / 3
    assert plain_state(stored) == JOB_STATUS


def test_a_batch_keeps_its_rows_in_order_and_each_state_exact() -> None:
    states = [JOB_STATUS.replace(b'"status":7', f'"status":{i}'.encode()) for i in range(50)]
    packed = compress_states([row(state) for state in states])
    assert [r[:3] for r in packed] == [row(state)[:3] for state in states]
    assert [plain_state(r[3]) for r in packed] == states


def test_states_compression_would_not_shorten_or_too_large_stay_plain() -> None:
    tiny, huge = b"{}", orjson.dumps({"text": "x" * MAX_EVENT})
    packed = compress_states([row(tiny), row(JOB_STATUS), row(huge)])
    assert packed[0][3] == tiny and packed[2][3] == huge
    assert packed[1][3][:4] == MAGIC
    assert plain_state(tiny) == tiny and plain_state(huge) == huge


def test_plain_json_rows_of_older_stores_decode_as_before() -> None:
    mapper = LedgerMapper(OrjsonTranscoder())
    plain = mapper.decode_row(1, *row(JOB_STATUS))
    compressed = mapper.decode_row(1, *compress_states([row(JOB_STATUS)])[0])
    assert plain == compressed
    assert plain.payload["status"] == 7 and plain.meta["actor"] == "orchestrator"


def test_a_damaged_frame_fails_as_that_event_failing_to_decode() -> None:
    [(*key, stored)] = compress_states([row(JOB_STATUS)])
    damaged = stored[:-6] + bytes(6)
    with pytest.raises(EventStoreError, match="damaged zstd frame"):
        plain_state(damaged)
    with pytest.raises(MapperDeserialisationError, match="JOB_inc_01a2448d"):
        LedgerMapper(OrjsonTranscoder()).decode_row(1, *key, damaged)  # type: ignore[arg-type]


def test_a_frame_declaring_more_than_an_event_holds_is_refused_before_decompressing() -> None:
    bomb = zstandard.ZstdCompressor().compress(b"{" + b" " * (4 * MAX_EVENT) + b"}")  # a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(EventStoreError, match="declares no size or more than"):
        plain_state(bomb)
    sizeless = zstandard.ZstdCompressor(write_content_size=False).compress(b"{}")
    with pytest.raises(EventStoreError, match="declares no size"):
        plain_state(sizeless)


def test_a_frame_of_an_unknown_dictionary_asks_for_a_newer_ledgerflow() -> None:
    other = zstandard.train_dictionary(1024, [JOB_STATUS.replace(b"7", str(i).encode()) for i in range(200)], dict_id=7)
    frame = zstandard.ZstdCompressor(dict_data=other).compress(JOB_STATUS)
    with pytest.raises(EventStoreError, match="upgrade ledgerflow"):
        plain_state(frame)


def test_checkpoint_parts_are_packed_exactly_and_plain_ones_read_as_they_are() -> None:
    part = orjson.dumps({f"JOB_{i}": ["inc", i, "COMPLETED"] for i in range(1000)})
    packed = pack_part(part)
    assert packed[:4] == MAGIC and len(packed) < len(part) / 4
    assert plain_part(packed) == part
    assert plain_part(part) == part
    assert pack_part(b"x") == b"x"  # not shorter: stays plain
    bomb = zstandard.ZstdCompressor().compress(bytes(MAX_PART + 1))
    with pytest.raises(EventStoreError, match="checkpoint part"):
        plain_part(bomb)


def test_the_shipped_dictionary_is_the_one_frames_were_written_with() -> None:
    """A dictionary never changes once shipped: every frame written with it needs it to be read.
    A better one is added under a new id and file name (``benchmarks/event_dictionary.py``)."""
    data = (files("ledgerflow.storage") / f"event_dictionary_{DICTIONARY_ID}.zdict").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "2d403becaae8682351136bfae4de9dfadafe56a909b4b30898c168c6b55f24b0"
    assert zstandard.ZstdCompressionDict(data).dict_id() == DICTIONARY_ID
