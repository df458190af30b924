"""The workloads, their figures and targets (``BENCHMARKS.md``), by name.

A workload is a function ``run(ctx) -> figures`` in a module of this package, named here as
``"module:function"`` so the parent process never imports the engine. To add ``replay``,
``time_travel``, ``standalone`` or ``cluster``: write the function and add a ``Workload`` to
``REGISTRY`` (``store_events`` asks the harness for the shared large store).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["BIG_STORE_EVENTS", "PLANNED", "REGISTRY", "Target", "Workload"]

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
}

#: Events in the shared large store: (full, quick).
BIG_STORE_EVENTS = (1_000_000, 100_000)


@dataclass(frozen=True)
class Target:
    """A limit on one figure, e.g. ``Target("ms_per_job", "<=", 1.0)``."""

    figure: str
    op: str
    limit: float

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the limit."""
        return _OPS[self.op](value, self.limit)

    def ratio(self, value: float) -> float | None:
        """``value / limit`` (None for a zero limit)."""
        return value / self.limit if self.limit else None

    def __str__(self) -> str:
        return f"{self.op} {self.limit:g}"


@dataclass(frozen=True)
class Workload:
    """One named benchmark: where its code is, what it reports and what it must reach."""

    name: str
    entry: str  # "module:function", the module relative to this package
    summary: str
    targets: tuple[Target, ...] = ()
    heavy: bool = False  # one repetition by default instead of three
    store_events: tuple[int, int] | None = None  # needs the shared large store (full, quick)
    info: tuple[str, ...] = field(default=())  # figures shown without a target


REGISTRY: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "chain",
            "chain:run_chain",
            "one scenario, a chain of 100 skippable tasks, development mode: submit(wait)",
            (Target("ms_per_job", "<=", 0.3),),
            info=("jobs", "total_ms"),
        ),
        Workload(
            "chain_skip",
            "chain:run_chain_skip",
            "the same scenario re-submitted with nothing changed: every job SKIPPED",
            (Target("ms_per_job", "<=", 0.05),),
            info=("jobs", "total_ms"),
        ),
        Workload(
            "chain_partial",
            "chain:run_chain_partial",
            "write a new value into the input of task 50 (of 1..100), re-submit",
            (Target("jobs_run", "==", 51),),
            info=("ms_per_job_run", "total_ms"),
        ),
        Workload(
            "chain_pg",
            "chain_pg:run_chain_pg",
            "`chain` on the PostgreSQL server (fresh schema); ratio to `chain` measured in the same process",
            info=("ms_per_job", "ratio_to_chain", "chain_ms_per_job", "jobs"),
        ),
        Workload(
            "scenarios",
            "scenarios:run_scenarios",
            "create N=1,000 (quick: 200) scenarios of a 3-task chain, submit each with wait",
            (Target("scenarios_per_s", ">=", 300), Target("last_over_first", "<=", 1.2)),
            heavy=True,
            info=("scenarios", "first100_ms", "last100_ms"),
        ),
        Workload(
            "append",
            "append:run_append",
            "the event writer alone: 100,000 one-event commands through group commit",
            (Target("events_per_s", ">=", 20_000), Target("ratio_to_sqlite", ">=", 0.5)),
            heavy=True,
            info=("sqlite_rows_per_s", "events", "batches", "bytes_per_event"),
        ),
        Workload(
            "cold_start",
            "cold_start:run_cold_start",
            "`python -c 'import ledgerflow'`; a new process opening the large store + listing",
            (Target("import_ms", "<=", 200), Target("open_list_ms", "<=", 1_000)),
            store_events=BIG_STORE_EVENTS,
            info=(
                "python_ms",
                "import_api_ms",
                "open_list_process_ms",
                "scenarios_listed",
                "store_events",
            ),
        ),
        Workload(
            "replay",
            "replay:run_replay",
            "rebuild the projection from position 0 of the large store (checked against its checkpoint)",
            (Target("events_per_s", ">=", 50_000),),
            heavy=True,
            store_events=BIG_STORE_EVENTS,
            info=("events", "rebuild_s", "verify_chain_s"),
        ),
        Workload(
            "time_travel",
            "time_travel:run_time_travel",
            "lf.as_of(t) at random earlier points of the large store, then get a scenario and read a value",
            (Target("ms", "<=", 50),),
            store_events=BIG_STORE_EVENTS,
            info=("max_ms", "points", "store_events"),
        ),
        Workload(
            "past_listing",
            "past_listing:run_past_listing",
            "lf.as_of(position).get_scenarios() half-way into the large store (median of nearby positions)",
            (Target("ms", "<=", 500),),
            store_events=BIG_STORE_EVENTS,
            info=("first_ms", "present_ms", "ratio_to_present", "store_events"),
        ),
        Workload(
            "ui",
            "ui:run_ui",
            "the viewer's pages on the large store, live and as of random earlier positions",
            (Target("page_p95_ms", "<=", 300), Target("as_of_p95_ms", "<=", 500)),
            store_events=BIG_STORE_EVENTS,
            info=(
                "overview_ms",
                "scenario_ms",
                "submission_ms",
                "job_ms",
                "datanode_ms",
                "versions_ms",
                "events_ms",
                "past_overview_ms",
                "past_scenario_ms",
                "past_submission_ms",
                "past_job_ms",
                "past_datanode_ms",
                "past_versions_ms",
                "past_events_ms",
                "pages",
                "store_events",
            ),
        ),
        Workload(
            "standalone",
            "standalone:run_standalone",
            "N=500 (quick: 200) one-task scenarios submitted without waiting, 2 workers, then wait for all",
            (Target("jobs_per_s", ">=", 300), Target("ratio_to_pool", ">=", 0.5)),
            info=("ratio_warm", "pool_jobs_per_s", "jobs", "cold_s", "pool_cold_s"),
        ),
        Workload(
            "soak",
            "soak:run_soak",
            "N=100,000 (quick: 5,000) one-task jobs, development mode: RSS over time, store bytes per job",
            (Target("rss_kb_per_job", "<=", 0.3), Target("store_bytes_per_job", "<=", 3_000)),
            heavy=True,
            info=("rss_start_mb", "rss_end_mb", "ms_per_job", "jobs"),
        ),
        Workload(
            "parquet",
            "parquet:run_parquet",
            "write and read back a 1,000,000-row (quick: 100,000), 10-column DataFrame through a parquet node",
            (Target("ratio", "<=", 1.3), Target("unchanged_rewrite_s", "<=", 0.2)),
            heavy=True,
            info=("node_ms", "plain_ms", "rows"),
        ),
        Workload(
            "contention",
            "contention:run_contention",
            "4 processes, one store, 20 s (quick: 8 s) of the torture test's mix; SQLite and PostgreSQL",
            (Target("sqlite_fairness", ">=", 0.2), Target("postgresql_fairness", ">=", 0.2)),
            heavy=True,
            info=(
                "sqlite_ops_per_s",
                "sqlite_min_ops_per_s",
                "sqlite_max_ops_per_s",
                "sqlite_errors",
                "postgresql_ops_per_s",
                "postgresql_min_ops_per_s",
                "postgresql_max_ops_per_s",
                "postgresql_errors",
            ),
        ),
        Workload(
            "cluster",
            "cluster:run_cluster",
            "N=200 one-task scenarios, cluster mode, 2 Celery workers, RabbitMQ + PostgreSQL on localhost",
            (Target("jobs_per_s", ">=", 100),),
            heavy=True,
            info=("ratio_to_celery", "celery_jobs_per_s", "jobs"),
        ),
    )
}

#: In BENCHMARKS.md, not written yet: ``--only`` says so instead of "unknown".
PLANNED: tuple[str, ...] = ()
