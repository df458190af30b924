"""``ui``: the viewer's pages on the large store, now and as of random earlier positions.

The viewer opens the store as ``ledgerflow ui`` does and answers requests in process (Starlette's
test client: the HTTP stack without a socket). Opening and the first fold are untimed (that is
``cold_start``'s figure); one warm-up request per page kind too. Timed: each page kind (overview,
scenario with its DAG, submission timeline, job, data node, versions, events) for random
scenarios; then the same pages as of a fresh random earlier position each time (every past
page pays its own lazy fold: the worst case). ``page_p95_ms`` and ``as_of_p95_ms`` are the 95th
percentiles over all timed pages; ``<kind>_ms`` the median per kind, live. The check: every
answer is 200 and names the entity asked for.
"""

from __future__ import annotations

import random
import statistics
from pathlib import Path
from typing import Any

from benchmarks.worker import Context, Figures

ROUNDS = (30, 8)  # full, quick: pages of each kind, live and as of
SEED = 17


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _pages(state: Any, scenario_id: str) -> dict[str, tuple[str, str]]:
    """Each page kind: its address and a text the answer must contain."""
    scenario = state.scenarios[scenario_id]
    task_id = scenario.task_ids[-1]
    job_id = state.task_jobs[task_id][-1]
    submission_id = state.jobs[job_id].submission_id
    node_id = state.tasks[task_id].output_ids[0]
    return {
        "overview": ("/", "Recent submissions"),
        "scenario": (f"/scenario/{scenario_id}", scenario_id),
        "submission": (f"/submission/{submission_id}", submission_id),
        "job": (f"/job/{job_id}", job_id),
        "datanode": (f"/datanode/{node_id}", node_id),
        "versions": ("/versions", "Application versions"),
        "events": ("/events", "Events"),
    }


def run_ui(ctx: Context) -> Figures:
    """p95 ms of the viewer's pages on the large store, live and as of earlier positions."""
    from starlette.testclient import TestClient

    from ledgerflow.commands.ui import open_for_viewing
    from ledgerflow.service.viewer.app import create_app

    if ctx.store is None:
        raise RuntimeError("ui needs the large store: the harness did not provide it")
    rng = random.Random(SEED)
    with open_for_viewing(Path(ctx.store), None, audit=False) as reader:
        state = reader.load().state  # untimed, as `ledgerflow ui` does before it listens
        scenarios = [
            s for s, view in state.scenarios.items() if view.task_ids and state.task_jobs.get(view.task_ids[-1])
        ]
        client = TestClient(create_app(reader))

        def get(label: str, address: str, expected: str) -> float:
            with ctx.timed(label):
                answer = client.get(address)
            ctx.check(answer.status_code == 200, f"ui: {address} answered {answer.status_code}")
            ctx.check(expected in answer.text, f"ui: {address} does not show {expected}")
            return ctx.timings[label]

        for kind, (address, expected) in _pages(state, scenarios[-1]).items():
            get(f"warm_{kind}", address, expected)
        live: dict[str, list[float]] = {}
        past: dict[str, list[float]] = {}
        for round_number in range(ROUNDS[ctx.quick]):
            chosen = rng.choice(scenarios)
            for kind, (address, expected) in _pages(state, chosen).items():
                live.setdefault(kind, []).append(get(f"{kind}{round_number}", address, expected))
            first = _position_after(reader, [address.split("/")[-1] for address, _ in _pages(state, chosen).values()])
            last = reader.last_position()
            for kind, (address, expected) in _pages(state, chosen).items():
                position = rng.randint(first, last)  # a fresh position: the page pays its own fold
                joiner = "&" if "?" in address else "?"
                timed = get(f"past_{kind}{round_number}", f"{address}{joiner}as_of={position}", expected)
                past.setdefault(kind, []).append(timed)
        events = reader.last_position()
    every_live = [t for times in live.values() for t in times]
    every_past = [t for times in past.values() for t in times]
    figures: Figures = {"page_p95_ms": _p95(every_live), "as_of_p95_ms": _p95(every_past)}
    figures |= {f"{kind}_ms": statistics.median(times) for kind, times in live.items()}
    figures |= {f"past_{kind}_ms": statistics.median(times) for kind, times in past.items()}
    figures["pages"] = len(every_live) + len(every_past)
    figures["store_events"] = events
    return figures


def _position_after(reader: Any, entity_ids: list[str]) -> int:
    """The first position at which every entity of ``entity_ids`` exists."""
    with reader.lock:
        events = [reader.store.events_of(i) for i in entity_ids if i.split("_")[0] in _KINDS]
    return max(found[0].position for found in events if found)


_KINDS = ("SCENARIO", "SUBMISSION", "JOB", "DATANODE")
