"""Progress of long work on stderr: a rich bar on a terminal, nothing when redirected or ``--quiet``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ledgerflow.commands.common import errors, output

__all__ = ["progress"]

Report = Callable[[int, int], None]  # (done, total)


@contextmanager
def progress(description: str) -> Iterator[Report]:
    """A callback that moves a bar labelled ``description`` (gone once the work is done)."""
    if output.quiet or not errors.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report
