"""How events are stored: an orjson transcoder and the mapper that adds metadata and upcasts.

Stored state is one JSON object: the event's fields (without ``originator_id`` and
``originator_version``, which are columns), ``timestamp`` as an ISO-8601 string,
``class_version`` when it is above 1, and ``_meta`` (actor, correlation id, reason...) when
the command gave any. Values JSON has no type for are tagged ``{"_type_": ..., "_data_": ...}``
(datetime, date, time, timedelta, bytes, Decimal) and restored exactly on decode. Lossy by
design: tuples and sets come back as lists (sets sorted), enums as their values, dataclasses and
pydantic models as dicts, UUIDs as strings.

The store keeps that JSON compressed (``compression.py``: zstd with a dictionary of typical
events; ``EventStore.insert`` compresses, and every decoder here takes plain JSON, as older
stores hold it, and compressed frames alike).

``LedgerMapper.decode_row`` is the fast path for projections: it returns a ``Record`` (payload
dict, upcast) without building domain event objects.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, cast

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Cipher,
    Compressor,
    Mapper,
    MapperDeserialisationError,
    Notification,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from ledgerflow.storage.compression import MAGIC, plain_state
from ledgerflow.storage.errors import EventStoreError

__all__ = ["LedgerMapper", "OrjsonTranscoder", "Record", "StoredRow"]

_TAG = b'"_type_"'
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_SERIALIZE_NUMPY


StoredRow = tuple[str, int, str, bytes]  # originator_id, originator_version, topic, state


class Record(NamedTuple):
    """One stored event as plain data: what projections fold."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    timestamp: datetime
    payload: dict[str, Any]
    meta: dict[str, Any]


_new_record = tuple.__new__


def _tagged(kind: str, data: Any) -> dict[str, Any]:
    return {"_type_": kind, "_data_": data}


def _default(obj: Any) -> Any:
    """Encode what orjson cannot (called by orjson for unknown types only)."""
    if isinstance(obj, datetime):
        return _tagged("datetime", obj.isoformat())
    if isinstance(obj, date):
        return _tagged("date", obj.isoformat())
    if isinstance(obj, time):
        return _tagged("time", obj.isoformat())
    if isinstance(obj, timedelta):
        return _tagged("timedelta", [obj.days, obj.seconds, obj.microseconds])
    if isinstance(obj, set | frozenset):
        try:
            return sorted(obj)
        except TypeError:
            return sorted(obj, key=repr)
    if isinstance(obj, bytes | bytearray | memoryview):
        return _tagged("bytes", base64.b64encode(obj).decode("ascii"))
    if isinstance(obj, Decimal):
        return _tagged("decimal", str(obj))
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump):  # a pydantic model
        return model_dump()
    msg = f"Cannot store a value of type {type(obj).__qualname__} in an event: {obj!r}"
    raise TypeError(msg)


def _timedelta(data: list[int]) -> timedelta:
    return timedelta(days=data[0], seconds=data[1], microseconds=data[2])


_DECODERS: dict[str, Any] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": _timedelta,
    "bytes": base64.b64decode,
    "decimal": Decimal,
}


def _revive(obj: Any) -> Any:
    """Restore tagged values in a decoded JSON tree."""
    if isinstance(obj, dict):
        if len(obj) == 2 and "_type_" in obj and "_data_" in obj:
            decoder = _DECODERS.get(obj["_type_"])
            if decoder is not None:
                return decoder(obj["_data_"])
        for key, value in obj.items():
            if isinstance(value, dict | list):
                obj[key] = _revive(value)
        return obj
    if isinstance(obj, list):
        return [_revive(v) if isinstance(v, dict | list) else v for v in obj]
    return obj


class OrjsonTranscoder(Transcoder):
    """Serialises event state with orjson, tagging the types JSON lacks."""

    def encode(self, obj: Any) -> bytes:
        """Serialise ``obj`` to JSON bytes."""
        return orjson.dumps(obj, default=_default, option=_OPTIONS)

    def decode(self, data: bytes) -> Any:
        """Parse JSON bytes, restoring tagged values."""
        obj = orjson.loads(data)
        return _revive(obj) if _TAG in data else obj


class _EventKind(NamedTuple):
    cls: type[Any] | None
    class_version: int


class LedgerMapper(Mapper[str]):
    """The eventsourcing ``Mapper`` with ``_meta`` in the stored state and a fast record path."""

    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
    ) -> None:
        super().__init__(transcoder=transcoder, compressor=compressor, cipher=cipher)
        self._kinds: dict[str, _EventKind] = {}
        self._classes: dict[type[Any], tuple[str, int]] = {}
        self._fast = compressor is None and cipher is None and type(transcoder) is OrjsonTranscoder

    def encode_rows(
        self, events: Iterable[DomainEventProtocol[str]], meta: Mapping[str, Any] | None = None
    ) -> list[StoredRow]:
        """Encode one command's events, each with the command's metadata (None values dropped)."""
        return self.encode_for_fold(events, meta, records=False)[0]

    def encode_for_fold(
        self, events: Iterable[DomainEventProtocol[str]], meta: Mapping[str, Any] | None = None, records: bool = True
    ) -> tuple[list[StoredRow], list[Record | None]]:
        """Encode events, and the ``Record`` each decodes to where that is known without decoding.

        A record comes straight from the event when its payload is made of scalars, which decode
        to themselves (``_as_decoded``); else it is None and the caller decodes the row.
        """
        kept = {k: v for k, v in meta.items() if v is not None} if meta else None
        records = records and _plain(kept) and self._fast
        encode, classes = self.transcoder.encode, self._classes
        rows: list[StoredRow] = []
        folded: list[Record | None] = []
        for event in events:
            payload = dict(vars(event))
            originator_id = payload.pop("originator_id")
            version = payload.pop("originator_version")
            timestamp = payload.pop("timestamp", None)
            # orjson writes the same text as isoformat(), three times faster.
            stamp = orjson.dumps(timestamp)[1:-1].decode() if isinstance(timestamp, datetime) else timestamp
            state = {"timestamp": stamp, **payload}
            cls = type(event)
            known = classes.get(cls)
            if known is None:
                known = classes[cls] = (get_topic(cls), getattr(cls, "class_version", 1))
            if known[1] > 1:
                state["class_version"] = known[1]
            if kept:
                state["_meta"] = kept
            data = encode(state)
            if not self._fast:
                data = self._protect(data)
            rows.append((originator_id, version, known[0], data))
            plain = records and isinstance(timestamp, datetime) and _as_decoded(payload)
            folded.append(
                _new_record(Record, (0, originator_id, version, known[0], timestamp, payload, dict(kept or {})))
                if plain
                else None
            )
        return rows, folded

    def to_stored_event(
        self, domain_event: DomainEventProtocol[str], meta: Mapping[str, Any] | None = None
    ) -> StoredEvent:
        """Convert an event (and the metadata of its command) to a ``StoredEvent``."""
        return StoredEvent(*self.encode_rows([domain_event], meta)[0])

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[str]:
        """Rebuild the domain event (upcast to its class's ``class_version``; ``_meta`` dropped)."""
        cls = resolve_topic(stored_event.topic)
        state = self._state(stored_event.state, stored_event.topic, stored_event.originator_id)
        state.pop("_meta", None)
        state["timestamp"] = datetime.fromisoformat(state["timestamp"])
        convert = find_id_convertor(cls, cast(Hashable, type(stored_event.originator_id)))
        state["originator_id"] = convert(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        _upcast(cls, state)
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event  # type: ignore[no-any-return]

    def decode_record(self, notification: Notification) -> Record:
        """Decode a notification to a ``Record`` without building a domain event."""
        return self.decode_row(
            notification.id,
            str(notification.originator_id),
            notification.originator_version,
            notification.topic,
            notification.state,
        )

    def decode_row(self, position: int, originator_id: str, version: int, topic: str, state: bytes) -> Record:
        """Decode one stored row to a ``Record``; its payload is upcast like the event class."""
        if self._fast:
            try:
                if state[:4] == MAGIC:
                    state = plain_state(state)
                payload = orjson.loads(state)
            except (orjson.JSONDecodeError, EventStoreError) as error:
                raise _deserialisation_error(topic, originator_id, error) from error
            if _TAG in state:
                payload = _revive(payload)
        else:
            payload = self._state(state, topic, originator_id)
        meta = payload.pop("_meta", None) or {}
        timestamp = datetime.fromisoformat(payload.pop("timestamp"))
        kind = self._kinds.get(topic) or self._learn(topic)
        if kind.class_version > 1:
            payload.update(originator_id=originator_id, originator_version=version)
            payload["timestamp"] = timestamp
            _upcast(kind.cls, payload)
            del payload["originator_id"], payload["originator_version"], payload["timestamp"]
        elif "class_version" in payload:
            del payload["class_version"]
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (half the cost).
        fields = (position, originator_id, version, topic, timestamp, payload, meta)
        return _new_record(Record, fields)

    def _protect(self, data: bytes) -> bytes:
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return data

    def _state(self, data: bytes, topic: str, originator_id: object) -> dict[str, Any]:
        try:
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            state: dict[str, Any] = self.transcoder.decode(plain_state(data))
        except Exception as error:
            raise _deserialisation_error(topic, originator_id, error) from error
        return state

    def _learn(self, topic: str) -> _EventKind:
        try:
            cls = resolve_topic(topic)
        except TopicError:
            # A class that no longer exists: projections get the payload as stored.
            kind = _EventKind(None, 1)
        else:
            kind = _EventKind(cls, getattr(cls, "class_version", 1))
        self._kinds[topic] = kind
        return kind


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Whether JSON gives ``value`` back equal (exact types: no tuple, enum, subclass or special float)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(map(_plain, value))
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _as_decoded(payload: dict[str, Any]) -> bool:
    """Make ``payload`` what decoding its JSON would give, if that is cheap; False when it is not.

    Scalars decode to themselves; empty lists and dicts are replaced by new ones (decoding never
    shares objects with the event). Anything else is left to the decoder.
    """
    for key, value in payload.items():
        kind = type(value)
        if kind in _SCALARS or (kind is float and math.isfinite(value)):
            continue
        if (kind is list or kind is dict) and not value:
            payload[key] = kind()
            continue
        return False
    return True


def _upcast(cls: Any, state: dict[str, Any]) -> None:
    """eventsourcing's upcast loop: ``upcast_vN_vN+1(state)`` until the class's version."""
    class_version = getattr(cls, "class_version", 1)
    from_version = state.pop("class_version", 1)
    while from_version < class_version:
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1


def _deserialisation_error(topic: str, originator_id: object, error: Exception) -> MapperDeserialisationError:
    return MapperDeserialisationError(
        f"Failed to deserialise a stored event with topic '{topic}' of '{originator_id}': {error}"
    )
