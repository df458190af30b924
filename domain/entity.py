"""The base of every aggregate: string ids and explicitly topic'd events.

eventsourcing's ``Aggregate`` uses UUID ids; ours are Taipy-style strings
(``SCENARIO_<config>_<uuid>``), so the event bases declare ``str`` ids.

Every aggregate module declares the stored topics of its events once, in a ``...Topics``
namespace next to the aggregate (``DataNodeTopics.WRITTEN``); the event classes and every reader
of the log use those names. Stored logs name the topics: a value never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, MetaDomainEvent

#: What every stored topic starts with (``ledgerflow.job.status_changed``).
TOPIC_PREFIX: Final = "ledgerflow."


@dataclass(frozen=True)  # as MetaDomainEvent makes every event class: said for type checkers
class LedgerEvent(CanMutateAggregate[str], metaclass=MetaDomainEvent):
    """An event of a ledgerflow aggregate."""

    originator_id: str
    originator_version: int
    timestamp: datetime


@dataclass(frozen=True)
class LedgerCreated(CanInitAggregate[str], LedgerEvent):
    """The first event of a ledgerflow aggregate."""

    originator_topic: str


class Entity(BaseAggregate[str]):
    """Base aggregate with string ids."""

    class Event(LedgerEvent):
        pass

    class Created(Event, LedgerCreated):
        pass
