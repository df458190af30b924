"""A small aggregate for the event store tests, with events of every kind the store must keep."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


class Thing(Entity):
    """The test aggregate."""

    TOPIC = "test.store.thing"

    class Resized(Entity.Event):
        TOPIC = "test.store.thing.resized"
        class_version = 2
        size: int
        unit: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["unit"] = "cm"

    @event("Created", topic="test.store.thing.created")
    def __init__(self, id: str, name: str) -> None:
        self.name = name
        self.size: int | None = None

    @event("Renamed", topic="test.store.thing.renamed")
    def rename(self, name: str) -> None:
        self.name = name

    @event(Resized)
    def resize(self, size: int, unit: str) -> None:
        self.size = size
        self.unit = unit

    @event("Tagged", topic="test.store.thing.tagged")
    def tag(self, value: Any) -> None:
        self.value = value


def thing_events(thing_id: str, renames: int = 0) -> list[Any]:
    """A new thing's events: created, then ``renames`` renames."""
    thing = Thing(id=thing_id, name="n0")
    for i in range(renames):
        thing.rename(f"n{i + 1}")
    return list(thing.collect_events())
