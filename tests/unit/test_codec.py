"""The orjson transcoder and the mapper: exact round trips, metadata, upcasting, fast records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum, IntEnum
from typing import Any

import orjson
import pytest
from eventsourcing.domain import event
from eventsourcing.persistence import MapperDeserialisationError, Notification, StoredEvent

from ledgerflow.domain.entity import Entity
from ledgerflow.domain.enums import Status
from ledgerflow.domain.job import Job
from ledgerflow.storage.codec import LedgerMapper, OrjsonTranscoder, Record


class Level(IntEnum):
    LOW = 1
    HIGH = 2


class Colour(Enum):
    RED = "red"


@dataclass
class Point:
    x: int
    y: int


class Gadget(Entity):
    """A small aggregate whose ``Resized`` event is at class_version 2."""

    TOPIC = "test.codec.gadget"

    class Created(Entity.Created):
        TOPIC = "test.codec.gadget.created"
        name: str

    class Resized(Entity.Event):
        TOPIC = "test.codec.gadget.resized"
        class_version = 2
        size: int
        unit: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["unit"] = "cm"

    @event(Created)
    def __init__(self, id: str, name: str) -> None:
        self.name = name

    @event(Resized)
    def resize(self, size: int, unit: str) -> None:
        self.size = size
        self.unit = unit

    @event("Noted", topic="test.codec.gadget.noted")
    def note(self, value: Any) -> None:
        self.value = value


@pytest.fixture
def mapper() -> LedgerMapper:
    return LedgerMapper(OrjsonTranscoder())


def round_trip(value: Any) -> Any:
    transcoder = OrjsonTranscoder()
    return transcoder.decode(transcoder.encode({"v": value}))["v"]


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
        datetime(2024, 3, 1, 12, 30, 45, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2024, 3, 1, 12, 30, 45, 7),
        date(2024, 2, 29),
        time(23, 59, 1, 5),
        timedelta(days=-3, seconds=5, microseconds=17),
        b"\x00\xffbytes",
        Decimal("3.14159265358979323846"),
        {"nested": [datetime(2020, 1, 1, tzinfo=UTC), {"deeper": b"x"}]},
        "plain text",
        None,
    ],
)
def test_values_round_trip_exactly(value: Any) -> None:
    restored = round_trip(value)
    assert restored == value
    assert type(restored) is type(value)
    if isinstance(value, datetime):
        assert restored.utcoffset() == value.utcoffset()


def test_lossy_values_come_back_as_plain_json() -> None:
    assert round_trip((1, 2)) == [1, 2]
    assert round_trip({3, 1, 2}) == [1, 2, 3]
    assert round_trip(frozenset({"b", "a"})) == ["a", "b"]
    assert round_trip(Level.HIGH) == 2
    assert type(round_trip(Level.HIGH)) is int
    assert round_trip(Colour.RED) == "red"
    assert round_trip(Point(1, 2)) == {"x": 1, "y": 2}


def test_a_mixed_set_still_encodes() -> None:
    assert sorted(map(str, round_trip({1, "a"}))) == ["1", "a"]


def test_an_unknown_type_is_refused_with_its_name() -> None:
    with pytest.raises(TypeError, match="object"):
        OrjsonTranscoder().encode({"v": object()})


def test_a_dict_that_only_looks_tagged_is_left_alone() -> None:
    value = {"_type_": "unknown", "_data_": 1}
    assert round_trip(value) == value


def test_events_round_trip_through_the_mapper(mapper: LedgerMapper) -> None:
    gadget = Gadget(id="GADGET_1", name="g")
    gadget.note({"when": datetime(2024, 1, 1, tzinfo=UTC), "tags": ("a", "b")})
    events = gadget.collect_events()
    for original in events:
        restored = mapper.to_domain_event(mapper.to_stored_event(original))
        assert type(restored) is type(original)
        expected = dict(vars(original))
        if "value" in expected:
            expected["value"] = {**expected["value"], "tags": ["a", "b"]}
        assert vars(restored) == expected


def test_metadata_is_stored_and_stripped_from_domain_events(mapper: LedgerMapper) -> None:
    (created,) = Gadget(id="GADGET_2", name="g").collect_events()
    meta = {"actor": "alice", "correlation_id": "SUBMISSION_1", "reason": None}
    stored = mapper.to_stored_event(created, meta)
    assert orjson.loads(stored.state)["_meta"] == {
        "actor": "alice",
        "correlation_id": "SUBMISSION_1",
    }
    assert "_meta" not in vars(mapper.to_domain_event(stored))
    record = mapper.decode_row(7, *mapper.encode_rows([created], meta)[0])
    assert record.meta == {"actor": "alice", "correlation_id": "SUBMISSION_1"}
    assert mapper.decode_row(8, *mapper.encode_rows([created])[0]).meta == {}


def test_records_carry_position_timestamp_and_payload(mapper: LedgerMapper) -> None:
    gadget = Gadget(id="GADGET_3", name="g")
    gadget.resize(4, "mm")
    _, resized = gadget.collect_events()
    row = mapper.encode_rows([resized])[0]
    record = mapper.decode_record(Notification(*row, id=42))
    assert record == Record(
        position=42,
        originator_id="GADGET_3",
        originator_version=2,
        topic="test.codec.gadget.resized",
        timestamp=resized.timestamp,
        payload={"size": 4, "unit": "mm"},
        meta={},
    )
    assert record.timestamp.tzinfo is not None


def stored_v1_resize() -> StoredEvent:
    """A ``Resized`` event as version 1 of the class wrote it (no unit)."""
    state = {"timestamp": "2024-01-02T03:04:05.000006+00:00", "size": 9}
    return StoredEvent("GADGET_4", 2, "test.codec.gadget.resized", orjson.dumps(state))


def test_old_events_are_upcast_for_domain_events_and_records(mapper: LedgerMapper) -> None:
    stored = stored_v1_resize()
    restored = vars(mapper.to_domain_event(stored))
    assert (restored["size"], restored["unit"]) == (9, "cm")
    assert restored["timestamp"] == datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    record = mapper.decode_row(1, "GADGET_4", 2, stored.topic, stored.state)
    assert record.payload == {"size": 9, "unit": "cm"}


def test_current_events_store_their_class_version_and_are_not_upcast(mapper: LedgerMapper) -> None:
    gadget = Gadget(id="GADGET_5", name="g")
    gadget.resize(1, "in")
    resized = gadget.collect_events()[-1]
    row = mapper.encode_rows([resized])[0]
    assert orjson.loads(row[3])["class_version"] == 2
    assert mapper.decode_row(1, *row).payload == {"size": 1, "unit": "in"}
    assert mapper.to_domain_event(StoredEvent(*row)).unit == "in"  # type: ignore[attr-defined]


def test_records_of_a_removed_event_class_keep_their_payload(mapper: LedgerMapper) -> None:
    state = orjson.dumps({"timestamp": "2024-01-01T00:00:00+00:00", "gone": True})
    record = mapper.decode_row(3, "OLD_1", 1, "test.codec.no_such_topic", state)
    assert record.payload == {"gone": True}


def test_a_damaged_state_raises_a_deserialisation_error(mapper: LedgerMapper) -> None:
    with pytest.raises(MapperDeserialisationError, match="OLD_2"):
        mapper.decode_row(3, "OLD_2", 1, "test.codec.gadget.noted", b"{not json")


def test_a_job_created_before_jobs_had_a_first_status_reads_as_submitted(mapper: LedgerMapper) -> None:
    v1 = {
        "timestamp": "2026-01-01T00:00:00+00:00",
        "originator_topic": "ledgerflow.job",
        "task_id": "TASK_t",
        "submission_id": "SUBMISSION_s",
        "submit_entity_id": "SCENARIO_s",
        "force": False,
        "version": "v",
    }
    row = ("JOB_t_1", 1, "ledgerflow.job.created", orjson.dumps(v1))
    record = mapper.decode_row(1, *row)
    assert (record.payload["status"], record.payload["reason"]) == (Status.SUBMITTED, None)
    job = mapper.to_domain_event(StoredEvent(*row)).mutate(None)
    assert isinstance(job, Job) and job.status is Status.SUBMITTED


def test_records_for_the_fold_equal_what_decoding_the_rows_gives(mapper: LedgerMapper) -> None:
    gadget = Gadget(id="GADGET_1", name="g")
    gadget.resize(3, "cm")  # class_version 2: stored with it, folded without it
    gadget.note({})
    gadget.note([1, 2])  # a non-empty container: decoded, not taken from the event
    gadget.note(datetime(2026, 1, 1, tzinfo=UTC))
    events = list(gadget.collect_events())
    meta = {"actor": "alice", "reason": "test", "correlation_id": None}
    rows, records = mapper.encode_for_fold(events, meta)
    assert rows == mapper.encode_rows(events, meta)
    assert [r is None for r in records] == [False, False, False, True, True]
    assert "class_version" not in records[1].payload
    for row, record in zip(rows, records, strict=True):
        if record is not None:
            assert record == mapper.decode_row(0, *row)
    assert records[2].payload["value"] is not events[2].value  # a new {}
