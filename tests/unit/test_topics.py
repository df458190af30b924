"""Event topics are declared once, in the domain, and the shared events record what they always did.

Each aggregate module declares its stored topics in a ``...Topics`` namespace; the rest of the
code names topics through it. Data nodes, tasks and scenarios share ``Migratable``'s
``Migrated`` and ``Deleted`` events under their own topics: re-recording the golden logs'
migrations and deletions from the replayed aggregates gives the stored rows byte for byte.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from eventsourcing.domain import BaseAggregate, CanMutateAggregate, ProgrammingError, event
from eventsourcing.persistence import StoredEvent

import ledgerflow.domain
from ledgerflow.domain.entity import TOPIC_PREFIX
from ledgerflow.domain.version import Migratable
from ledgerflow.storage.codec import LedgerMapper, OrjsonTranscoder

REPOSITORY = Path(__file__).parents[2]
GOLDEN = REPOSITORY / "tests" / "golden"


def _aggregates() -> list[tuple[type[BaseAggregate[str]], type]]:
    """Every domain aggregate with a topic, and the ``...Topics`` namespace of its module."""
    found = []
    for info in pkgutil.iter_modules(ledgerflow.domain.__path__, "ledgerflow.domain."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseAggregate)
                and value.__module__ == module.__name__
                and "TOPIC" in value.__dict__
            ):
                found.append((value, getattr(module, f"{value.__name__}Topics")))
    return found


def _declared(namespace: type) -> dict[str, str]:
    return {name: value for name, value in vars(namespace).items() if name.isupper()}


def _event_topics(aggregate: type) -> set[str]:
    return {
        value.TOPIC
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name != "Event"
    }


def test_every_aggregate_declares_exactly_its_topics_in_its_namespace() -> None:
    aggregates = _aggregates()
    assert {a.__name__ for a, _ in aggregates} >= {"DataNode", "Task", "Scenario", "Job", "Version", "Compaction"}
    for aggregate, namespace in aggregates:
        declared = _declared(namespace)
        assert declared.pop("AGGREGATE") == aggregate.TOPIC
        assert aggregate.TOPIC.startswith(TOPIC_PREFIX)
        assert set(declared.values()) == _event_topics(aggregate), aggregate.__name__
        assert all(topic.startswith(aggregate.TOPIC + ".") for topic in declared.values())


def test_no_module_outside_the_domain_spells_a_topic() -> None:
    topics = {TOPIC_PREFIX} | {t for _, ns in _aggregates() for t in _declared(ns).values()}
    spelled = []
    for path in sorted(REPOSITORY.rglob("*.py")):
        parts = path.relative_to(REPOSITORY).parts
        if parts[0] in ("tests", "domain", "build") or parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and node.value in topics:
                spelled.append(f"{path.relative_to(REPOSITORY)}:{node.lineno}: {node.value}")
    assert spelled == []


def _golden_rows(name: str) -> list[dict[str, Any]]:
    lines = (GOLDEN / f"{name}.jsonl").read_text().splitlines()
    return [row for row in map(json.loads, lines) if row["table"] == "events"]


def _rerecord(rows: list[dict[str, Any]], row: dict[str, Any]) -> tuple[str, int, str, dict[str, Any]]:
    """Replay the aggregate of ``row`` from the rows before it, issue the command ``row`` recorded,
    and encode the new event as the store does."""
    mapper = LedgerMapper(OrjsonTranscoder())
    aggregate: Any = None
    for earlier in rows:
        entity, version = earlier["originator_id"], earlier["originator_version"]
        if entity == row["originator_id"] and version < row["originator_version"]:
            stored = StoredEvent(entity, version, earlier["topic"], orjson.dumps(earlier["state"]))
            aggregate = mapper.to_domain_event(stored).mutate(aggregate)
    assert isinstance(aggregate, Migratable)
    state = dict(row["state"])
    meta = state.pop("_meta")
    if row["topic"].endswith(".migrated"):
        del state["timestamp"]
        aggregate.migrate(**state)
    else:
        aggregate.delete()
    [(originator_id, version, topic, data)] = mapper.encode_rows(aggregate.collect_events(), meta)
    return originator_id, version, topic, orjson.loads(data)


@pytest.mark.parametrize(
    ("log", "topic"),
    [
        ("production", "ledgerflow.datanode.migrated"),
        ("production", "ledgerflow.task.migrated"),
        ("production", "ledgerflow.scenario.migrated"),
        ("seed", "ledgerflow.datanode.deleted"),
        ("seed", "ledgerflow.task.deleted"),
        ("seed", "ledgerflow.scenario.deleted"),
    ],
)
def test_the_shared_events_record_the_golden_rows_again(log: str, topic: str) -> None:
    rows = _golden_rows(log)
    recorded = [row for row in rows if row["topic"] == topic]
    assert recorded
    for row in recorded:
        originator_id, version, stored_topic, state = _rerecord(rows, row)
        assert (originator_id, version, stored_topic) == (row["originator_id"], row["originator_version"], topic)
        state.pop("timestamp")
        expected = {key: value for key, value in row["state"].items() if key != "timestamp"}
        assert list(state.items()) == list(expected.items())  # same fields, same values, same order


def test_an_aggregate_that_does_not_give_the_shared_events_a_topic_is_refused() -> None:
    topic = f"test.forgetful_{uuid.uuid4().hex}"
    with pytest.raises(ProgrammingError, match=r"Explicit topic not defined on .*Migrated"):

        class Forgetful(Migratable):
            TOPIC = topic

            @event("Created", topic=f"{topic}.created")
            def __init__(self, id: str) -> None:
                pass
