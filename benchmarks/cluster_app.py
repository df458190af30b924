"""The ``cluster`` benchmark's application: one task, cluster mode; its workers load ``configure()``."""

from __future__ import annotations

import os

from benchmarks.tasks import inc
from ledgerflow import Config


def configure() -> None:
    Config.configure_job_executions(mode="cluster", queue=os.environ["LEDGERFLOW_BENCH_QUEUE"], lease_seconds=10)
    x = Config.configure_data_node("x", default_data=0)
    y = Config.configure_data_node("y")
    Config.configure_scenario("one", [Config.configure_task("inc", inc, x, y)])
