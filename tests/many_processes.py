"""Run N processes of ``many_processes_app`` on one store, and check the log against what they believe.

``run_children`` starts the processes, releases them together (a barrier over their stdin, no
sleeps), waits and gathers their reports; ``read_log`` reads the log (``ledgerflow events --json``);
``check`` (``many_processes_checks``) compares them and returns every problem found.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass
class ChildReport:
    """What one process believes it did."""

    index: int
    returncode: int
    stderr: str
    acks: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    done: dict[str, Any] | None = None

    @property
    def ops(self) -> int:
        return int(self.done["ops"]) if self.done else 0

    @property
    def rate(self) -> float:
        return self.ops / self.done["seconds"] if self.done and self.done["seconds"] else 0.0


def child_env(event_store: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if event_store:
        env["LEDGERFLOW_EVENT_STORE"] = event_store
    return env


def run_children(
    workdir: Path,
    event_store: str | None,
    *,
    mode: str,
    processes: int = 4,
    seconds: float = 15.0,
    rounds: int = 1,
    seed: int = 0,
) -> list[ChildReport]:
    """Start ``processes`` children in ``workdir``, release them together at each barrier, gather reports."""
    children = []
    for index in range(processes):
        report = workdir / f"child-{index}.jsonl"
        report.unlink(missing_ok=True)
        spec = {
            "mode": mode,
            "index": index,
            "seed": seed * 100 + index,
            "seconds": seconds,
            "rounds": rounds,
            "report": str(report),
        }
        stderr = (workdir / f"child-{index}.err").open("w")
        code = "import many_processes_app as m; m.main()"
        child = subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(spec)],
            cwd=workdir,
            env=child_env(event_store),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        children.append((child, report, stderr))
    deadline = time.monotonic() + seconds * 4 + 120
    try:
        for _ in range(rounds if mode == "create" else 2):
            for child, _, _ in children:  # every child is ready (or gone) ...
                _wait_ready(child, deadline)
            for child, _, _ in children:  # ... then all go at once
                assert child.stdin is not None
                try:
                    child.stdin.write("go\n")
                    child.stdin.flush()
                except BrokenPipeError:
                    pass
        for child, _, _ in children:
            child.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for child, _, stderr in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            stderr.close()
    return [_read_report(i, child, report, workdir) for i, (child, report, _) in enumerate(children)]


def _wait_ready(child: subprocess.Popen[str], deadline: float) -> None:
    """Read the child's ``ready`` line; past ``deadline`` the child is killed (a hang is a failure)."""
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
    if ready:
        child.stdout.readline()
    else:
        child.kill()


def _read_report(index: int, child: subprocess.Popen[str], report: Path, workdir: Path) -> ChildReport:
    result = ChildReport(index, child.returncode, (workdir / f"child-{index}.err").read_text())
    for line in report.read_text().splitlines() if report.exists() else []:
        entry = json.loads(line)
        if "ack" in entry:
            result.acks.append(entry)
        elif "error" in entry:
            result.errors.append(entry)
        elif entry.get("done"):
            result.done = entry
    return result


def ledgerflow_cli(workdir: Path, event_store: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``ledgerflow ARGS`` on the store of ``workdir``."""
    command = [sys.executable, "-m", "ledgerflow.cli", *args]
    return subprocess.run(command, cwd=workdir, env=child_env(event_store), capture_output=True, text=True)


def read_log(workdir: Path, event_store: str | None) -> list[dict[str, Any]]:
    """Every event of the log, as ``ledgerflow events --json`` prints them."""
    done = ledgerflow_cli(workdir, event_store, "events", "--json", "--limit", "0")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
