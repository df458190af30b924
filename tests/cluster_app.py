"""A cluster-mode application for the tests: its config, built the same in the test and in its workers.

Workers load a two-line script (``configure()``) written in the test's folder; the test calls
``configure()`` itself. The queue and lease come from the environment the test gives both sides.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from standalone_tasks import gated, rendezvous

import ledgerflow as lf
from ledgerflow import Config

__all__ = ["configure", "die", "gated", "rendezvous", "slow", "square"]


def square(x: int) -> int:
    return x * x


def slow(spec: dict[str, Any]) -> dict[str, Any]:
    """Announce the start with the pid, sleep ``seconds`` (or until the test creates ``released-<name>``),
    count the runs in a file."""
    folder = Path(spec["folder"])
    (folder / f"started-{spec['name']}-{os.getpid()}").touch()
    deadline = time.monotonic() + spec["seconds"]
    while time.monotonic() < deadline and not (folder / f"released-{spec['name']}").exists():
        time.sleep(0.02)
    with (folder / f"ran-{spec['name']}").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    return {"pid": os.getpid()}


def die(spec: dict[str, Any]) -> None:
    """A poison job: kills the process running it, every time."""
    (Path(spec["folder"]) / f"died-{os.getpid()}").touch()
    os._exit(9)


def configure(variant: str = "") -> None:
    """The application's config: cluster mode on the test's queue."""
    Config.configure_job_executions(
        mode="cluster",
        queue="ENV[LEDGERFLOW_TEST_QUEUE]",
        broker_url="ENV[LEDGERFLOW_TEST_BROKER]",
        lease_seconds=float(os.environ.get("LEDGERFLOW_TEST_LEASE", "2")),
        queued_timeout="ENV[LEDGERFLOW_TEST_QUEUED_TIMEOUT]"
        if os.environ.get("LEDGERFLOW_TEST_QUEUED_TIMEOUT")
        else None,
        delivery_limit=int(os.environ.get("LEDGERFLOW_TEST_DELIVERY_LIMIT", "3")),
    )
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    spec = Config.configure_data_node("spec", default_data={})
    out = Config.configure_data_node("out")
    retried = Config.configure_task("slow", slow, spec, out, retries=1)
    Config.configure_scenario("squares", [Config.configure_task("square", square, x, y)])
    Config.configure_scenario("slowly", [retried])
    Config.configure_scenario("poisoned", [Config.configure_task("die", die, spec, out)])
    Config.configure_scenario("poisoned_retried", [Config.configure_task("die_again", die, spec, out, retries=3)])
    meet = [
        Config.configure_task(
            f"meet_{n}",
            rendezvous,
            Config.configure_data_node(f"{n}_spec", default_data={}),
            Config.configure_data_node(f"{n}_out"),
        )
        for n in ("a", "b")
    ]
    Config.configure_scenario("pair", meet)
    if variant:
        Config.configure_global_app(variant=variant)


def scenario_with(config_id: str, **data: Any) -> lf.Scenario:
    """A new scenario of ``config_id`` with some input nodes written."""
    scenario = lf.create_scenario(Config.scenarios[config_id])
    for name, value in data.items():
        scenario.data_nodes[name].write(value)
    return scenario
