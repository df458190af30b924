"""Progress of a long fold of the log, told to a callback the caller hands down.

The runtime only counts; showing it (a bar on a terminal, a line for ``ledgerflow run``) is the
caller's, so nothing here knows about terminals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ledgerflow.storage.codec import Record

__all__ = ["FoldProgress", "reporting"]

FoldProgress = Callable[[int, int], None]  # (events folded, events to fold)
EVERY = 5_000  # events between two reports


def reporting(records: Iterable[Record], after: int, until: int, progress: FoldProgress) -> Iterator[Record]:
    """``records`` (positions after ``after``, up to ``until``) as they are, calling ``progress(done, total)``
    before the first, every ``EVERY`` positions and after the last."""
    total = until - after
    progress(0, total)
    next_report = after + EVERY
    for record in records:
        yield record
        if record.position >= next_report:
            progress(record.position - after, total)
            next_report = record.position + EVERY
    progress(total, total)
