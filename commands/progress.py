"""Progress of long work on stderr: a rich bar on a terminal, nothing when redirected or ``--quiet``.

The start-up's fold of the events since the last checkpoint (``reading_log``) shows only when it is
long: ``FOLD_SHOWN_FROM`` events or more, or once it has lasted ``FOLD_AFTER`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from ledgerflow.commands.common import errors, output

__all__ = ["FOLD_AFTER", "FOLD_SHOWN_FROM", "progress", "reading_log", "shows_progress"]

Report = Callable[[int, int], None]  # (done, total)
FOLD_SHOWN_FROM = 20_000  # events
FOLD_AFTER = 1.0  # seconds
FOLD_DESCRIPTION = "Reading the log"


def shows_progress() -> bool:
    """Whether progress is drawn: stderr is a terminal and ``--quiet`` was not given."""
    return not output.quiet and errors.is_terminal


@contextmanager
def progress(description: str, *, unit: str = "", shown_from: int = 0, after: float = 0.0) -> Iterator[Report]:
    """A callback that moves a bar labelled ``description`` (gone once the work is done).

    ``after``: the bar shows only once the work has lasted that many seconds, or at once when its
    total is ``shown_from`` or more.
    """
    if not shows_progress():
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit, markup=False),
        TimeRemainingColumn(),
    )
    bar = Progress(*columns, console=errors, transient=True)
    task = bar.add_task(description, total=None)
    started = time.monotonic()
    if not after:
        bar.start()

    def report(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        if done >= total and after:  # a delayed bar leaves with its work (another may follow)
            bar.stop()
        elif after and (total >= shown_from or time.monotonic() - started >= after):
            bar.start()

    try:
        yield report
    finally:
        bar.stop()


def reading_log() -> AbstractContextManager[Report]:
    """The bar of a start-up's fold of the log (see the module's docstring)."""
    return progress(FOLD_DESCRIPTION, unit="events", shown_from=FOLD_SHOWN_FROM, after=FOLD_AFTER)
