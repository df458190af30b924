"""Task functions for the standalone-mode tests (module-level, so worker processes import them).

They coordinate through files in a folder passed as input data, never through timing: a job that
waits does so for a file the test creates (with a generous time limit, so a broken test fails
instead of hanging).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

LIMIT = 60.0  # seconds a job waits for the test before failing


def _wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {LIMIT:.0f} s for {what}")
        time.sleep(0.02)


def gated(spec: dict[str, Any]) -> dict[str, Any]:
    """Announce the start (with the worker's pid), then wait for the gate file; the run's pid and times."""
    folder = Path(spec["folder"])
    start = time.time()
    (folder / f"started-{spec['name']}-{os.getpid()}").touch()
    gate = folder / spec.get("gate", "open")
    _wait_until(gate.exists, f"{gate}")
    return {"name": spec["name"], "pid": os.getpid(), "start": start, "end": time.time()}


def rendezvous(spec: dict[str, Any]) -> str:
    """Arrive, then wait until ``parties`` jobs have arrived: only jobs running at once all finish."""
    arrived = Path(spec["folder"]) / "arrived"
    arrived.mkdir(exist_ok=True)
    (arrived / spec["name"]).touch()
    _wait_until(lambda: len(list(arrived.iterdir())) >= spec["parties"], f"{spec['parties']} jobs at once")
    return str(spec["name"])


def timed(spec: dict[str, Any]) -> dict[str, float]:
    """Sleep, and say when the function really ran."""
    start = time.time()
    time.sleep(spec["seconds"])
    return {"pid": os.getpid(), "start": start, "end": time.time()}


def flaky(spec: dict[str, Any]) -> int:
    """Fail the first ``failures`` attempts, then return the attempt number."""
    counter = Path(spec["folder"]) / f"attempts-{spec['name']}"
    attempt = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(attempt))
    if attempt <= spec["failures"]:
        raise RuntimeError(f"attempt {attempt} fails on purpose")
    return attempt


def victim(spec: dict[str, Any]) -> str:
    """Record the worker's pid, then wait for the ``release`` file (a retried attempt finds it)."""
    folder = Path(spec["folder"])
    (folder / f"victim-{os.getpid()}").touch()
    _wait_until((folder / "release").exists, "the release file")
    return "released"


def started_pids(folder: Path, prefix: str) -> list[int]:
    """The worker pids of the jobs that announced a start with files named ``prefix-...-PID``."""
    return [int(p.name.rsplit("-", 1)[1]) for p in folder.glob(f"{prefix}*")]


def wait_for_files(folder: Path, prefix: str, count: int = 1, submission: Any = None) -> list[int]:
    """Wait (from the test) until ``count`` jobs announced a start; their pids.

    ``submission``: stop waiting, with its jobs' tracebacks, if it finishes first.
    """

    def arrived() -> bool:
        if submission is not None and all(job.is_finished() for job in submission.jobs):
            failed = {job.task.config_id: job.stacktrace[-1:] for job in submission.jobs}
            raise AssertionError(f"the submission ended before {count} file(s) {prefix}*: {failed}")
        return len(started_pids(folder, prefix)) >= count

    _wait_until(arrived, f"{count} file(s) {prefix}*")
    return started_pids(folder, prefix)


def inc(x: int) -> int:
    return x + 1


def loaded_modules(_: Any) -> list[str]:
    """The modules the worker process running this has imported."""
    import sys

    return sorted(sys.modules)


def value_and_unpicklable(x: int) -> tuple[int, Any]:
    """Two outputs: the second cannot be pickled, so the job fails after writing the first."""
    return x, lambda: x
