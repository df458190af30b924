"""Taipy's event API: Notifier registrations and CoreEventConsumerBase, fed from the durable log."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import pytest

import ledgerflow as tp
from ledgerflow import Config, CoreEventConsumerBase, Event, EventEntityType, EventOperation, Notifier


def plus_one(x: int) -> int:
    return x + 1


def _scenario_config() -> Any:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b")
    return Config.configure_scenario("s", [Config.configure_task("t", plus_one, a, b)])


def _drain(queue: SimpleQueue[Event], until: int, timeout: float = 5.0) -> list[Event]:
    got: list[Event] = []
    deadline = time.monotonic() + timeout
    while len(got) < until and time.monotonic() < deadline:
        try:
            got.append(queue.get(timeout=0.05))
        except Empty:
            continue
    return got


class Collector(CoreEventConsumerBase):
    def __init__(self, registration_id: str, queue: SimpleQueue[Event]) -> None:
        super().__init__(registration_id, queue)
        self.events: list[Event] = []
        self.seen = threading.Event()

    def process_event(self, event: Event) -> None:
        self.events.append(event)
        if event.entity_type is EventEntityType.SUBMISSION:
            self.seen.set()


def test_a_consumer_receives_every_event_once_in_log_order(tp_workdir: Path) -> None:
    config = _scenario_config()
    tp.Orchestrator().run()
    registration_id, queue = Notifier.register()
    consumer = Collector(registration_id, queue)
    consumer.start()
    scenario = tp.create_scenario(config)
    tp.submit(scenario)
    time.sleep(0.3)
    assert consumer.seen.wait(5)
    consumer.stop()
    Notifier.unregister(registration_id)
    positions = [e.position for e in consumer.events]
    assert positions == sorted(positions)  # in log order (a job created SKIPPED counts twice)
    kinds = {(e.entity_type, e.operation) for e in consumer.events}
    assert (EventEntityType.SCENARIO, EventOperation.CREATION) in kinds
    assert (EventEntityType.SCENARIO, EventOperation.SUBMISSION) in kinds
    assert (EventEntityType.JOB, EventOperation.CREATION) in kinds
    statuses = [e.attribute_value for e in consumer.events if e.attribute_name == "status"]
    assert statuses[-1] is tp.Status.COMPLETED
    created = next(e for e in consumer.events if e.entity_type is EventEntityType.SCENARIO)
    assert created.entity_id == scenario.id and isinstance(created.metadata, dict)
    assert created.creation_date is not None


def test_registration_filters_and_unregister(tp_workdir: Path) -> None:
    config = _scenario_config()
    tp.Orchestrator().run()
    reg, queue = Notifier.register(entity_type=EventEntityType.DATA_NODE, attribute_name="name")
    scenario = tp.create_scenario(config)
    scenario.a.name = "Input"
    events = _drain(queue, 1)
    assert [(e.entity_id, e.operation, e.attribute_value) for e in events] == [
        (scenario.a.id, EventOperation.UPDATE, "Input")
    ]
    Notifier.unregister(reg)
    scenario.a.name = "Again"
    time.sleep(0.3)
    assert queue.empty()


def test_published_events_reach_matching_queues(tp_workdir: Path) -> None:
    reg, queue = Notifier.register(entity_type=EventEntityType.SCENARIO)
    Notifier.publish(Event(EventEntityType.SCENARIO, EventOperation.UPDATE, "SCENARIO_x", "owner", "me"))
    Notifier.publish(Event(EventEntityType.TASK, EventOperation.CREATION, "TASK_x"))
    assert [e.entity_id for e in _drain(queue, 2, timeout=0.5)] == ["SCENARIO_x"]
    Notifier.unregister(reg)


def test_events_are_validated_as_taipys(tp_workdir: Path) -> None:
    with pytest.raises(tp.exceptions.InvalidEventOperation):
        Event(EventEntityType.DATA_NODE, EventOperation.SUBMISSION, "DATANODE_x")
    with pytest.raises(tp.exceptions.InvalidEventAttributeName):
        Event(EventEntityType.SCENARIO, EventOperation.CREATION, "SCENARIO_x", attribute_name="name")


def test_sequence_changes_are_events(tp_workdir: Path) -> None:
    config = _scenario_config()
    tp.Orchestrator().run()
    scenario = tp.create_scenario(config)
    reg, queue = Notifier.register(entity_type=EventEntityType.SEQUENCE)
    scenario.add_sequence("one", [scenario.t])
    scenario.update_sequence("one", [])
    scenario.remove_sequence("one")
    events = _drain(queue, 3)
    Notifier.unregister(reg)
    assert [(e.operation, e.attribute_name) for e in events] == [
        (EventOperation.CREATION, None),
        (EventOperation.UPDATE, "tasks"),
        (EventOperation.DELETION, None),
    ]
    assert events[1].attribute_value == []
