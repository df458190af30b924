"""Cycle boundaries and names for each frequency (QUARTERLY included, unlike Taipy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerflow.domain.enums import Frequency

_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class CycleWindow:
    """Where a cycle starts and ends, and its display name."""

    start: datetime
    end: datetime
    name: str


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    return moment.replace(year=moment.year + index // 12, month=index % 12 + 1, day=1)


def cycle_window(frequency: Frequency, when: datetime) -> CycleWindow:
    """The cycle of ``frequency`` that contains ``when``; ``end`` is one microsecond before the next start."""
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency is Frequency.DAILY:
        start, nxt = day, day + timedelta(days=1)
        name = start.strftime("%A, %d. %B %Y")
    elif frequency is Frequency.WEEKLY:
        start = day - timedelta(days=day.weekday())
        nxt = start + timedelta(days=7)
        name = start.strftime("Week %W %Y, from %d. %B")
    elif frequency is Frequency.MONTHLY:
        start = day.replace(day=1)
        nxt = _add_months(start, 1)
        name = start.strftime("%B %Y")
    elif frequency is Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3
        start = day.replace(month=quarter * 3 + 1, day=1)
        nxt = _add_months(start, 3)
        name = f"{start.year} Q{quarter + 1}"
    elif frequency is Frequency.YEARLY:
        start = day.replace(month=1, day=1)
        nxt = start.replace(year=start.year + 1)
        name = start.strftime("%Y")
    else:  # pragma: no cover - IntEnum exhausts the cases
        raise ValueError(f"Unknown frequency {frequency!r}")
    return CycleWindow(start=start, end=nxt - _ONE_MICROSECOND, name=name)
