"""The child process of one repetition: ``python -m benchmarks.worker SPEC_JSON``.

The harness starts it in a fresh working directory, so the engine's process-wide state (config
registry, session, orchestrator) starts clean. It runs one workload function and writes
``{"figures", "problems", "notes", "error", "profile"}`` as JSON to the file named by the
spec's ``out`` (stdout stays free for whatever the engine prints).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

from benchmarks.sampler import StackSampler

__all__ = ["Context", "main"]

Figures = dict[str, float]


class Context:
    """What a workload gets: its sizes, a fresh directory, timers and a place for problems."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.quick: bool = bool(spec["quick"])
        self.workdir = Path(spec["workdir"])
        self.store: Path | None = Path(spec["store"]) if spec.get("store") else None
        self.store_info: dict[str, Any] = spec.get("store_info") or {}
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.timings: dict[str, float] = {}
        self._sampler = StackSampler() if spec.get("profile") else None

    @property
    def storage_folder(self) -> str:
        """The engine's storage folder for this repetition (inside the fresh directory)."""
        return str(self.workdir / ".ledgerflow")

    @contextmanager
    def timed(self, label: str, *, profile: bool = True) -> Iterator[None]:
        """Time a block (ms, in ``timings[label]``); under ``--profile``, sample it if asked."""
        sampler = self._sampler if profile else None
        if sampler is not None:
            sampler.start()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[label] = (time.perf_counter() - start) * 1000.0
            if sampler is not None:
                sampler.stop()

    def check(self, condition: bool, problem: str) -> None:
        """Record ``problem`` unless ``condition`` holds (a wrong result fails the workload)."""
        if not condition:
            self.problems.append(problem)

    def note(self, text: str) -> None:
        """Record a diagnostic shown with the results (an import profile, a cache hit...)."""
        self.notes.append(text)

    def profile_report(self) -> str | None:
        """The timed blocks' profile, every thread (None unless profiling)."""
        return None if self._sampler is None else self._sampler.report()


def resolve(entry: str) -> Callable[[Context], Figures]:
    """The workload function named ``"module:function"`` (module within this package)."""
    module, _, function = entry.partition(":")
    run: Callable[[Context], Figures] = getattr(import_module(f"benchmarks.{module}"), function)
    return run


def main(argv: list[str]) -> int:
    """Run the workload of the spec in ``argv[0]``; 0 unless it raised."""
    spec: dict[str, Any] = json.loads(argv[0])
    ctx = Context(spec)
    result: dict[str, Any] = {
        "figures": {},
        "problems": ctx.problems,
        "notes": ctx.notes,
        "error": None,
    }
    try:
        result["figures"] = resolve(spec["entry"])(ctx)
    except BaseException as error:  # report everything, even SystemExit from the engine
        result["error"] = "".join(traceback.format_exception(error))
    result["profile"] = ctx.profile_report()
    Path(spec["out"]).write_text(json.dumps(result))
    sys.stdout.flush()
    return 0 if result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
