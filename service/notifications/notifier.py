"""Taipy's event API: ``Notifier.register`` / ``unregister`` / ``publish`` and ``CoreEventConsumerBase``.

A registration is a queue fed from the durable log (``on_event``): every event recorded after the
registration, by this process or another one sharing the store, arrives once, in log order. Taipy
publishes from memory as things happen (other processes' events never arrive; none survive a
restart); ledgerflow's arrive once committed, a few milliseconds later.
"""

from __future__ import annotations

import threading
import uuid
from queue import Empty, SimpleQueue
from typing import Any

from ledgerflow.service import session
from ledgerflow.service.notifications.events import (
    Event,
    EventEntityType,
    EventFilter,
    EventOperation,
    EventSubscription,
    on_event,
)


class _Registration:
    """One registration: its filter, its queue and the log reader feeding it."""

    def __init__(self, criteria: EventFilter, queue: SimpleQueue[Event], follower: EventSubscription) -> None:
        self.criteria = criteria
        self.queue = queue
        self.follower = follower


class Notifier:
    """Registrations to the events of the log (class methods, as in Taipy)."""

    _registrations: dict[str, _Registration] = {}
    _lock = threading.Lock()

    @classmethod
    def register(
        cls,
        entity_type: EventEntityType | None = None,
        entity_id: str | None = None,
        operation: EventOperation | None = None,
        attribute_name: str | None = None,
    ) -> tuple[str, SimpleQueue[Event]]:
        """``(registration_id, queue)``: the queue receives every later event matching the criteria
        (None matches anything). Opens this process's session if it is not open yet."""
        runtime = session.current().runtime
        runtime.flush()  # what was recorded before the registration is not delivered to it
        queue: SimpleQueue[Event] = SimpleQueue()
        criteria = EventFilter(entity_type, entity_id, operation, attribute_name)
        follower = on_event(
            queue.put,
            entity_type=entity_type,
            entity_id=entity_id,
            operation=operation,
            attribute_name=attribute_name,
            since=runtime.store.max_position(),
        )
        registration_id = str(uuid.uuid4())
        with cls._lock:
            cls._registrations[registration_id] = _Registration(criteria, queue, follower)
        return registration_id, queue

    @classmethod
    def unregister(cls, registration_id: str) -> None:
        """Stop feeding the registration's queue."""
        with cls._lock:
            registration = cls._registrations.pop(registration_id, None)
        if registration is not None:
            registration.follower.stop()

    @classmethod
    def publish(cls, event: Event) -> None:
        """Put an event of the application's own into the matching queues of this process
        (it is not recorded in the log)."""
        with cls._lock:
            registrations = list(cls._registrations.values())
        for registration in registrations:
            if registration.criteria.matches(event):
                registration.queue.put(event)


class CoreEventConsumerBase(threading.Thread):
    """A thread handing each event of a registration's queue to ``process_event`` (override it)."""

    def __init__(self, registration_id: str, queue: SimpleQueue[Event]) -> None:
        super().__init__(name=f"ledgerflow-consumer-{registration_id[:8]}", daemon=True)
        self.registration_id = registration_id
        self.queue = queue
        self._stopping = threading.Event()

    def process_event(self, event: Event) -> Any:
        """Handle one event (the subclass's work)."""
        raise NotImplementedError

    def run(self) -> None:
        """Deliver events until ``stop()``."""
        while not self._stopping.is_set():
            try:
                event = self.queue.get(timeout=0.1)
            except Empty:
                continue
            self.process_event(event)

    def stop(self) -> None:
        """Stop after the event being processed (events still queued stay in the queue)."""
        self._stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
