"""The base of every aggregate: string ids and explicitly topic'd events.

eventsourcing's ``Aggregate`` uses UUID ids; ours are Taipy-style strings
(``SCENARIO_<config>_<uuid>``), so the event bases declare ``str`` ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate, MetaDomainEvent


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
