"""Checkpoint parts are plain JSON checked against the projection's annotations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledgerflow.domain.enums import Status
from ledgerflow.projections.plain_codec import ShapeError, decode_field, encode_field
from ledgerflow.projections.views import JobView, ScenarioView, StatusChange

NOW = datetime(2024, 5, 1, 12, 30, 15, 250, tzinfo=UTC)


def _scenario(properties: dict[str, Any]) -> ScenarioView:
    return ScenarioView(
        "SCENARIO_s_1", "s", "a [name]", NOW, None, ["TASK_t"], [], properties, True, "v1", {"b", "a"}, []
    )


def test_views_come_back_equal_with_the_types_json_lacks() -> None:
    properties = {"when": NOW, "day": date(2024, 1, 2), "gap": timedelta(seconds=5), "cost": Decimal("1.10")}
    properties |= {"raw": b"\x00\x01", "nested": [{"at": NOW}], "text": "x", "n": None}
    scenarios = {"SCENARIO_s_1": _scenario(properties)}
    annotation = dict[str, ScenarioView]
    assert decode_field(annotation, encode_field(annotation, scenarios)) == scenarios
    job = JobView("JOB_1", "TASK_t", "SUB", "SCENARIO_s_1", False, "v1", NOW, Status.FAILED)
    job.history.append(StatusChange(Status.FAILED, NOW, "boom"))
    decoded = decode_field(dict[str, JobView], encode_field(dict[str, JobView], {"JOB_1": job}))
    assert decoded == {"JOB_1": job} and decoded["JOB_1"].status is Status.FAILED


@pytest.mark.parametrize(
    "data",
    [
        b'{"JOB_1": ["JOB_1", "TASK_t", "S", "E", false, "v", "2024-01-01T00:00:00", 99, [], [], null]}',
        b'{"JOB_1": ["JOB_1", "TASK_t", "S", "E", "no", "v", "2024-01-01T00:00:00", 1, [], [], null]}',
        b'{"JOB_1": ["JOB_1", "TASK_t", "S", "E", false, "v", "yesterday", 1, [], [], null]}',
        b'{"JOB_1": ["JOB_1", 7, "S", "E", false, "v", "2024-01-01T00:00:00", 1, [], [], null]}',
        b'{"JOB_1": ["JOB_1"]}',
        b'{"JOB_1": {"__reduce__": "os.system"}}',
        b"[1, 2, 3]",
        b"\x80\x04\x95pickle",
    ],
)
def test_anything_but_the_annotated_shape_is_refused(data: bytes) -> None:
    with pytest.raises(ShapeError):
        decode_field(dict[str, JobView], data)
