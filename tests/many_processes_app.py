"""The application the many-processes tests (and the ``contention`` benchmark) run in each child process.

A child is started as ``python -c "import many_processes_app as m; m.main()" SPEC`` (with this folder
on ``PYTHONPATH``, so every process records the task function under the same name) in the shared
working directory; ``SPEC`` is JSON: ``mode`` ("mix" or "create"), ``index``, ``seed``, ``seconds``,
``rounds`` and ``report`` (a file). Start-up is a barrier: the child prints ``ready`` once its
config is built, before it touches the store, and blocks until the parent writes a line to its stdin
(mode "mix": a second time once its orchestrator runs, so the timed mix starts together; mode
"create": before each round's ``create_scenario``).

The child records what it believes it did, one JSON object per line, flushed as it goes:
``{"ack": op, "entity": id, "key": ...}`` for every acknowledged operation (``key`` identifies the
event: a write's comment, a lock's editor, a tag), ``{"error": type, "op": op, ...}`` for every
exception a call raised, and at the end ``{"done": true, "ops": n, "seconds": s}``.

Only the public API is used (``import ledgerflow as lf``).
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, TextIO

import ledgerflow as lf
from ledgerflow import Config

VERSION = "torture"
#: Scenarios a process keeps alive at most (it deletes one of its own beyond that).
MAX_OWN = 3


def double(x: int, shared: int, per_cycle: int) -> int:
    """The one task: reads the scenario's own node, the GLOBAL node and the CYCLE node."""
    return x * 2 + shared + per_cycle


def configure() -> Any:
    """The shared experiment version's config: a GLOBAL, a CYCLE and scenario-scoped nodes."""
    Config.configure_core(mode="experiment", version_number=VERSION)
    shared = Config.configure_data_node("shared", scope=lf.Scope.GLOBAL, default_data=1)
    per_cycle = Config.configure_data_node("per_cycle", scope=lf.Scope.CYCLE, default_data=2)
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    task = Config.configure_task("double", double, [x, shared, per_cycle], y)
    return Config.configure_scenario("s", [task], frequency=lf.Frequency.DAILY)


class Child:
    """One process's random walk through the API, and its report."""

    def __init__(self, spec: dict[str, Any], report: TextIO) -> None:
        self.index = int(spec["index"])
        self.random = random.Random(int(spec["seed"]))
        self.report = report
        self.scenario_config = configure()
        self.own: list[Any] = []  # live scenarios this process created
        self.tags: dict[str, list[str]] = {}  # scenario id -> tags this process put on it
        self.held: dict[str, str] = {}  # node id -> the editor of a lock this process took and holds
        self.ops = 0
        self.counter = 0

    def record(self, **fields: Any) -> None:
        self.report.write(json.dumps(fields) + "\n")
        self.report.flush()

    def ack(self, op: str, entity: str, key: str | None = None, **extra: Any) -> None:
        self.record(ack=op, entity=entity, key=key, **extra)

    def unique(self, what: str) -> str:
        self.counter += 1
        return f"p{self.index}-{what}-{self.counter}"

    def attempt(self, op: str, action: Callable[[], None], *, count: bool = True) -> None:
        """Run one operation; count it when it returned, report its exception by type otherwise."""
        try:
            action()
        except Exception as error:
            self.record(error=type(error).__name__, op=op, message=str(error)[:500], trace=traceback.format_exc())
        else:
            self.ops += count

    # The operations ------------------------------------------------------------------------

    def create(self) -> None:
        scenario = lf.create_scenario(self.scenario_config)
        self.ack("create", scenario.id)
        self.own.append(scenario)

    def write_own(self) -> None:
        node = self.random.choice(self.own).x
        comment = self.unique("write")
        # A lock this process still holds (its release failed) is released by its editor's write.
        node.write(self.random.randint(0, 1000), editor_id=self.held.get(node.id), comment=comment)
        self.held.pop(node.id, None)
        self.ack("write", node.id, comment)

    def write_shared(self) -> None:
        scenario = self.random.choice(self.own)
        node = scenario.shared if self.random.random() < 0.5 else scenario.per_cycle
        comment = self.unique("write")
        node.write(self.random.randint(0, 1000), comment=comment)
        self.ack("write", node.id, comment)

    def lock_write_unlock(self) -> None:
        """Lock an own node, then either write it as its editor (which releases the lock) or unlock it."""
        node = self.random.choice(self.own).x
        if node.id not in self.held:
            editor = self.unique("editor")
            node.lock_edit(editor)
            self.held[node.id] = editor
            self.ack("lock", node.id, editor)
        editor = self.held[node.id]
        if self.random.random() < 0.5:
            comment = self.unique("write")
            node.write(self.random.randint(0, 1000), editor_id=editor, comment=comment)
            del self.held[node.id]
            self.ack("write", node.id, comment)
        else:
            node.unlock_edit(editor)
            del self.held[node.id]
            self.ack("unlock", node.id, editor)

    def submit(self) -> None:
        scenario = self.random.choice(self.own)
        submission = lf.submit(scenario, wait=True, timeout=60)
        self.ack("submit", submission.id, status=int(submission.submission_status))

    def tag_or_untag(self) -> None:
        scenario = self.random.choice(self.own)
        tags = self.tags.setdefault(scenario.id, [])
        if tags and self.random.random() < 0.5:
            tag = tags.pop()
            lf.untag(scenario, tag)
            self.ack("untag", scenario.id, tag)
        else:
            tag = self.unique("tag")
            lf.tag(scenario, tag)
            tags.append(tag)
            self.ack("tag", scenario.id, tag)

    def deletable(self) -> list[Any]:
        """Own scenarios that are not their cycle's primary (Taipy forbids deleting that one)."""
        return [s for s in self.own if not s.is_primary]

    def delete(self) -> None:
        scenario = self.random.choice(self.deletable())
        self.own.remove(scenario)
        lf.delete(scenario.id)
        self.tags.pop(scenario.id, None)
        self.ack("delete", scenario.id)

    def step(self) -> None:
        """One random operation (creating or deleting keeps 1..MAX_OWN own scenarios)."""
        if not self.own:
            self.attempt("create", self.create)
            return
        choices: list[tuple[str, Callable[[], None], int]] = [
            ("create", self.create, 2 if len(self.own) < MAX_OWN else 0),
            ("delete", self.delete, 1 if len(self.own) >= MAX_OWN and self.deletable() else 0),
            ("write", self.write_own, 3),
            ("write_shared", self.write_shared, 3),
            ("lock", self.lock_write_unlock, 2),
            ("submit", self.submit, 2),
            ("tag", self.tag_or_untag, 2),
        ]
        name, action, _ = self.random.choices(choices, weights=[w for *_, w in choices])[0]
        self.attempt(name, action)


def _barrier() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def main() -> None:
    spec = json.loads(sys.argv[1])
    with open(spec["report"], "a", encoding="utf-8") as report:
        child = Child(spec, report)
        _barrier()
        if spec["mode"] == "create":
            start = time.perf_counter()
            for round_ in range(int(spec["rounds"])):
                if round_:
                    _barrier()
                child.attempt("create", child.create)
        else:
            child.attempt("run", lf.Orchestrator().run, count=False)  # the version starts in every process at once
            _barrier()  # then the timed mix starts together
            start = time.perf_counter()
            deadline = start + float(spec["seconds"])
            while time.perf_counter() < deadline:
                child.step()
        elapsed = time.perf_counter() - start
        child.attempt("stop", lf.Orchestrator().stop, count=False)
        child.record(done=True, ops=child.ops, seconds=elapsed)
