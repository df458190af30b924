"""The Subscribers aggregate: who is called back when the jobs of a scenario or sequence change.

Callbacks are recorded by import path (``module.qualname``) with their parameters, as Taipy
persists them, so any process running the entity's jobs can call them.
"""

from __future__ import annotations

from typing import Any, Final

from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity


def subscribers_id(entity_id: str) -> str:
    """The aggregate id of the subscribers of a scenario or sequence."""
    return f"SUBSCRIBERS_{entity_id}"


class SubscribersTopics:
    """The stored topics of a subscribers aggregate and its events (stored logs name them: never change one)."""

    AGGREGATE: Final = "ledgerflow.subscribers"
    CREATED: Final = "ledgerflow.subscribers.created"
    ADDED: Final = "ledgerflow.subscribers.added"
    REMOVED: Final = "ledgerflow.subscribers.removed"


class Subscribers(Entity):
    """The callbacks subscribed to one scenario or sequence."""

    TOPIC = SubscribersTopics.AGGREGATE

    @event("Created", topic=SubscribersTopics.CREATED)
    def __init__(self, id: str, entity_id: str) -> None:
        self.entity_id = entity_id
        self.callbacks: list[tuple[str, list[Any]]] = []

    def add(self, callback: str, params: list[Any]) -> None:
        """Subscribe ``callback`` (an import path) with ``params``."""
        self._added(callback, params)

    @event("Added", topic=SubscribersTopics.ADDED)
    def _added(self, callback: str, params: list[Any]) -> None:
        self.callbacks.append((callback, params))

    def find(self, callback: str, params: list[Any] | None) -> int | None:
        """The index of a subscription (the first of ``callback`` when ``params`` is None)."""
        for index, (name, recorded) in enumerate(self.callbacks):
            if name == callback and (params is None or recorded == params):
                return index
        return None

    def remove(self, index: int) -> None:
        """Unsubscribe the subscription at ``index``."""
        self._removed(index)

    @event("Removed", topic=SubscribersTopics.REMOVED)
    def _removed(self, index: int) -> None:
        del self.callbacks[index]
