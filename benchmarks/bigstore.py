"""The shared large store: ``python -m benchmarks.bigstore FOLDER EVENTS SECONDS``.

Written through the public API in the experiment version ``configs.EXPERIMENT``, with a
realistic mix: each scenario of the 3-task config is created and submitted (wait); every 4th
then gets a new input value and is re-submitted (all three jobs run again); every 10th gets a
new value in the input of its last task and is re-submitted (two jobs skipped, one runs). Stops at
``EVENTS`` events or after ``SECONDS`` seconds, whichever comes first; a rich progress bar goes
to stderr and one JSON line (events, scenarios, seconds, capped) to stdout.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

__all__ = ["generate", "store_file"]

PROBE_EVERY = 25  # scenarios between two reads of the log's length


def store_file(folder: Path) -> Path:
    """The SQLite file of the engine's default event store in ``folder``."""
    path = folder / "events.db"
    if not path.exists():
        raise FileNotFoundError(f"No event store at {path}: was the large store generated?")
    return path


def generate(folder: Path, events: int, seconds: float) -> dict[str, float | bool]:
    """Fill the store in ``folder`` up to ``events`` events (or until ``seconds`` pass)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    import ledgerflow as lf
    from benchmarks.configs import EXPERIMENT, configure_engine, three_task_config
    from ledgerflow.storage.eventstore import EventStore

    configure_engine(str(folder), experiment=EXPERIMENT)
    config = three_task_config()
    lf.Orchestrator().run()
    start, count, held = time.perf_counter(), 0, 0
    probe: EventStore | None = None
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, BarColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("generating the large store (events)", total=events)
        while held < events and time.perf_counter() - start < seconds:
            scenario = lf.create_scenario(config)
            lf.submit(scenario, wait=True)
            count += 1
            if count % 4 == 0:
                scenario.x0.write(count)
                lf.submit(scenario, wait=True)
            if count % 10 == 0:
                scenario.x2.write(-count)
                lf.submit(scenario, wait=True)
            if count % PROBE_EVERY == 0:
                probe = probe or EventStore.open(store_file(folder), create=False)
                held = probe.max_position()
                bar.update(task, completed=min(held, events))
    lf.Orchestrator().stop()
    if probe is None:
        probe = EventStore.open(store_file(folder), create=False)
    held = probe.max_position()
    probe.close()
    elapsed = time.perf_counter() - start
    return {"events": held, "scenarios": count, "seconds": elapsed, "capped": held < events}


if __name__ == "__main__":
    folder, wanted, cap = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(generate(folder, wanted, cap)))
