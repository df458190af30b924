"""The configurations the workloads share, declared through the public ``Config`` API only."""

from __future__ import annotations

from typing import Any

from benchmarks.tasks import inc
from ledgerflow import Config

__all__ = ["EXPERIMENT", "chain_config", "configure_engine", "three_task_config"]

#: The experiment version the large store is written and read in.
EXPERIMENT = "bench"


def configure_engine(storage_folder: str, *, experiment: str | None = None) -> None:
    """Development job execution; the store in ``storage_folder``, in ``experiment`` if named."""
    if experiment is None:
        Config.configure_core(storage_folder=storage_folder)
    else:
        Config.configure_core(storage_folder=storage_folder, mode="experiment", version_number=experiment)
    Config.configure_job_executions(mode="development")


def chain_config(n: int, scenario_id: str = "chain") -> Any:
    """A scenario of ``n`` skippable tasks ``t{i}: x{i} -> x{i+1}``; ``x0`` defaults to 0."""
    nodes = [Config.configure_data_node("x0", default_data=0)]
    nodes += [Config.configure_data_node(f"x{i}") for i in range(1, n + 1)]
    tasks = [Config.configure_task(f"t{i}", inc, nodes[i], nodes[i + 1], skippable=True) for i in range(n)]
    return Config.configure_scenario(scenario_id, task_configs=tasks)


def three_task_config() -> Any:
    """A chain of 3 skippable tasks (``x0 -> x1 -> x2 -> x3``), for the many-scenario workloads."""
    return chain_config(3, scenario_id="three")
