"""Run workloads in fresh subprocesses, one temporary directory per run, and take medians.

Each repetition is ``python -m benchmarks.worker SPEC`` in its own empty working directory
under the run's temporary directory (removed at the end), with the repository root on
``PYTHONPATH`` so the task functions import as ``benchmarks.tasks``, and without
``LEDGERFLOW_EVENT_STORE``, so the engine uses its embedded default store.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.registry import Workload

__all__ = ["Outcome", "Run", "run_workload", "temporary_root"]

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = (900.0, 180.0)  # one repetition: full, quick
STORE_SECONDS = (420.0, 40.0)  # time cap on generating the large store: full, quick
#: A repetition slower than this is the last one: more would not change the verdict, only the
#: run's length (the full run must stay under ten minutes even when the engine is far off).
REPEAT_BUDGET_S = (45.0, 15.0)


@dataclass
class Outcome:
    """A workload's result over its repetitions: median figures, problems, notes, errors."""

    workload: Workload
    quick: bool
    repeat: int
    figures: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    profile: str | None = None

    @property
    def ok(self) -> bool:
        """No error, no failed check, and every target met by the median."""
        if self.error or self.problems:
            return False
        return all(t.figure in self.figures and t.met(self.figures[t.figure]) for t in self.workload.targets)


@dataclass
class Run:
    """One invocation: its temporary directory, size, and the large store once generated."""

    root: Path
    quick: bool
    profile: bool = False
    store_info: dict[str, Any] | None = None
    store_error: str | None = None  # why generating it failed: later workloads fail alike

    @property
    def store_folder(self) -> Path:
        """Where the shared large store lives (generated on first use)."""
        return self.root / "large-store"


@contextmanager
def temporary_root() -> Iterator[Path]:
    """A fresh directory for the run, removed afterwards whatever happens."""
    root = Path(tempfile.mkdtemp(prefix="ledgerflow-bench-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def child_env() -> dict[str, str]:
    """The environment of every child: repository root importable, default event store."""
    env = dict(os.environ)
    env.pop("LEDGERFLOW_EVENT_STORE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def ensure_store(run: Run, events: tuple[int, int]) -> dict[str, Any]:
    """Generate the large store once per run (``benchmarks.bigstore``); its summary."""
    if run.store_info is not None:
        return run.store_info
    if run.store_error is not None:
        raise RuntimeError(run.store_error)
    wanted = events[run.quick]
    print(f"generating the large store ({wanted:,} events)...", file=sys.stderr, flush=True)
    run.store_folder.mkdir(parents=True)
    cap = STORE_SECONDS[run.quick]
    command = [sys.executable, "-m", "benchmarks.bigstore", str(run.store_folder), str(wanted), str(cap)]
    try:
        # The cap stops the generating loop; the engine's shutdown (checkpoint) comes on top.
        done = subprocess.run(
            command, cwd=run.root, env=child_env(), stdout=subprocess.PIPE, text=True, timeout=cap + 600
        )
        if done.returncode != 0:
            raise RuntimeError(f"generating the large store failed (exit {done.returncode})")
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        run.store_error = str(error)
        raise RuntimeError(run.store_error) from error
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    info["wanted"] = wanted
    print(
        f"large store: {info['events']:,} events, {info['scenarios']:,} scenarios "
        f"in {info['seconds']:.0f} s" + (" (time cap hit)" if info["capped"] else ""),
        file=sys.stderr,
        flush=True,
    )
    run.store_info = info
    return info


def _repetition(run: Run, workload: Workload, index: int) -> dict[str, Any]:
    workdir = run.root / workload.name / f"rep{index}"
    workdir.mkdir(parents=True)
    out = workdir / "result.json"
    spec = {
        "entry": workload.entry,
        "quick": run.quick,
        "workdir": str(workdir),
        "out": str(out),
        "profile": run.profile and index == 0,
        "store": str(run.store_folder) if workload.store_events else None,
        "store_info": run.store_info if workload.store_events else None,
    }
    command = [sys.executable, "-m", "benchmarks.worker", json.dumps(spec)]
    try:
        done = subprocess.run(
            command,
            cwd=workdir,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S[run.quick],
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUT_S[run.quick]:.0f} s"}
    if out.exists():
        result: dict[str, Any] = json.loads(out.read_text())
        if done.returncode != 0 and not result.get("error"):
            result["error"] = f"exit {done.returncode} after the workload: {_tail(done.stderr)}"
        return result
    return {"error": f"exit {done.returncode}: {_tail(done.stderr)}"}


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


def run_workload(run: Run, workload: Workload, repeat: int | None) -> Outcome:
    """Every repetition of ``workload``; the median of each figure.

    By default 3 repetitions, 1 for heavy workloads and in quick runs (a smoke run).
    """
    count = repeat or (1 if workload.heavy or run.quick else 3)
    outcome = Outcome(workload, run.quick, count)
    if workload.store_events:
        try:
            ensure_store(run, workload.store_events)
        except (RuntimeError, OSError, ValueError, IndexError) as error:
            outcome.error = str(error)
            return outcome
    results = []
    for index in range(count):
        start = time.perf_counter()
        result = _repetition(run, workload, index)
        took = time.perf_counter() - start
        print(f"  {workload.name} #{index + 1}: {took:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
        if result.get("error"):
            outcome.error = result["error"]
            break
        budget = REPEAT_BUDGET_S[run.quick]
        if took > budget and index + 1 < count:
            outcome.notes.append(
                f"stopped after {index + 1} of {count} repetitions: one took {took:.0f} s (budget {budget:.0f} s)"
            )
            outcome.repeat = index + 1
            break
    outcome.profile = next((r["profile"] for r in results if r.get("profile")), None)
    for result in results:
        outcome.problems += [p for p in result.get("problems", []) if p not in outcome.problems]
        outcome.notes += [n for n in result.get("notes", []) if n not in outcome.notes]
    names = dict.fromkeys(name for r in results for name in r.get("figures", {}))
    for name in names:
        values = [r["figures"][name] for r in results if name in r.get("figures", {})]
        outcome.figures[name] = statistics.median(values)
    return outcome
