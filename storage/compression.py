"""Stored event states as zstd frames, with a dictionary of typical ledgerflow events.

An event's JSON state is ~300 bytes, too small for compression alone (~235): most of it is the
vocabulary every event repeats (field names, topics, ``_meta``, id prefixes, timestamp shapes).
A zstd dictionary holds that vocabulary, so a state compresses to ~90 bytes. The dictionary is
package data (``event_dictionary_32769.zdict``, made by ``benchmarks/event_dictionary.py``) and
its id is in every frame: a store needs no dictionary of its own, and a later dictionary gets a
new id and file while this one stays to read the frames written with it.

A stored state is either plain JSON (``{``..., every store written before, and any state
compression would not shorten or that is larger than ``MAX_EVENT``) or a standard zstd frame
(it starts with zstd's magic number, which JSON cannot), so old and new rows read alike
(``plain_state``). The hash chain hashes the stored bytes, whatever they are.

Checkpoint parts are compressed without a dictionary (``pack_part`` / ``plain_part``). A frame
read back declares its size: one declaring more than its kind's limit is refused before any
byte is decompressed, so an edited row cannot make a reader allocate gigabytes.

``zstandard`` is imported on first use, so ``import ledgerflow`` does not pay for it. Its
compressors are not thread-safe: each thread gets its own.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from ledgerflow.storage.errors import EventStoreError

StoredRow = tuple[str, int, str, bytes]  # originator_id, originator_version, topic, state

__all__ = [
    "MAGIC",
    "MAX_EVENT",
    "MAX_PART",
    "compress_states",
    "load",
    "pack_part",
    "plain_part",
    "plain_state",
]

MAGIC = b"\x28\xb5\x2f\xfd"  # every zstd frame starts with it; JSON never does
DICTIONARY_ID = 32769
MAX_EVENT = 1 << 20  # states larger than this stay plain, and no event frame may declare more
MAX_PART = 1 << 28  # the same for checkpoint parts
LEVEL = 1  # events: level 3 makes them 0.5% shorter and costs 25% more
PART_LEVEL = 1  # checkpoint parts (up to megabytes): twice as fast as 3, and as short

_local = threading.local()
_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def _zstd() -> Any:
    """The zstandard module and the event dictionary, loaded once."""
    if not _loaded:
        with _lock:
            if not _loaded:
                import zstandard

                data = (files("ledgerflow.storage") / f"event_dictionary_{DICTIONARY_ID}.zdict").read_bytes()
                dictionary = zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_FULLDICT)
                dictionary.precompute_compress(level=LEVEL)
                _loaded["dictionaries"] = {dictionary.dict_id(): dictionary}
                _loaded["dictionary"] = dictionary
                _loaded["zstandard"] = zstandard
    return _loaded["zstandard"]


def _tools() -> Any:
    """This thread's compressors and decompressors."""
    tools = getattr(_local, "tools", None)
    if tools is None:
        zstandard = _zstd()
        dictionary = _loaded["dictionary"]
        tools = _local.tools = _Tools(
            zstandard.ZstdCompressor(
                level=LEVEL, dict_data=dictionary, write_checksum=False, write_content_size=True, write_dict_id=True
            ),
            zstandard.ZstdCompressor(level=PART_LEVEL, write_checksum=False, write_content_size=True),
            {
                0: zstandard.ZstdDecompressor(),  # a frame without a dictionary
                **{key: zstandard.ZstdDecompressor(dict_data=d) for key, d in _loaded["dictionaries"].items()},
            },
            zstandard.ZstdDecompressor(),
        )
    return tools


class _Tools:
    __slots__ = ("events", "part_reader", "parts", "readers")

    def __init__(self, events: Any, parts: Any, readers: dict[int, Any], part_reader: Any) -> None:
        self.events = events
        self.parts = parts
        self.readers = readers
        self.part_reader = part_reader


def compress_states(rows: Sequence[StoredRow]) -> list[StoredRow]:
    """The rows with each state compressed, where that makes it shorter (at most ``MAX_EVENT`` bytes).

    One call into zstd for the whole batch: each call lets go of the GIL, and taking it back
    waits for whichever thread took it meanwhile, so a call per row would stall the writer.
    """
    if not rows:
        return []
    events = _tools().events
    states = [row[3] for row in rows]
    if len(states) == 1:
        frames: Any = [events.compress(states[0])] if len(states[0]) <= MAX_EVENT else states
    elif max(map(len, states)) <= MAX_EVENT:
        frames = events.multi_compress_to_buffer(states)
    else:
        return [rows[i] if len(state) > MAX_EVENT else compress_states([rows[i]])[0] for i, state in enumerate(states)]
    packed = []
    for row, state, frame in zip(rows, states, frames, strict=True):
        if len(frame) < len(state):
            row = (row[0], row[1], row[2], bytes(frame))
        packed.append(row)
    return packed


def load() -> None:
    """Load zstandard and the dictionary now (a store does it when it opens, not in its first write)."""
    _tools()


def plain_state(state: bytes) -> bytes:
    """A stored state as JSON bytes: decompressed if it is a zstd frame, else as it is."""
    if state[:4] != MAGIC:
        return state
    zstandard = _zstd()
    try:
        size = zstandard.frame_content_size(state)
        reader = _tools().readers.get(zstandard.get_frame_parameters(state).dict_id)
    except zstandard.ZstdError as error:
        raise EventStoreError(f"A stored event state is a damaged zstd frame: {error}") from error
    if not 0 <= size <= MAX_EVENT:
        raise EventStoreError(f"A stored event state's zstd frame declares no size or more than {MAX_EVENT} bytes.")
    if reader is None:
        raise EventStoreError(
            "A stored event state was compressed with a dictionary this version of ledgerflow does not know: "
            "upgrade ledgerflow to read this store."
        )
    try:
        plain: bytes = reader.decompress(state)
        return plain
    except zstandard.ZstdError as error:
        raise EventStoreError(f"A stored event state is a damaged zstd frame: {error}") from error


def pack_part(data: bytes) -> bytes:
    """A checkpoint part as stored: compressed (no dictionary) unless that is no shorter."""
    if len(data) > MAX_PART:
        return data
    frame: bytes = _tools().parts.compress(data)
    return frame if len(frame) < len(data) else data


def plain_part(data: bytes) -> bytes:
    """A stored checkpoint part as written: decompressed if it is a zstd frame."""
    if data[:4] != MAGIC:
        return data
    zstandard = _zstd()
    try:
        size = zstandard.frame_content_size(data)
        if not 0 <= size <= MAX_PART:
            raise EventStoreError(
                f"A stored checkpoint part's zstd frame declares no size or more than {MAX_PART} bytes."
            )
        plain: bytes = _tools().part_reader.decompress(data)
        return plain
    except zstandard.ZstdError as error:
        raise EventStoreError(f"A stored checkpoint part is a damaged zstd frame: {error}") from error
