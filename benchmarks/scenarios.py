"""``scenarios``: create and submit (wait) many scenarios of a 3-task chain, one after another.

Besides the rate, the time of the last 100 scenarios over the first 100 shows whether the cost
of a scenario grows with the number already stored (Taipy's quadratic storage).
"""

from __future__ import annotations

import time

import ledgerflow as lf
from benchmarks.configs import configure_engine, three_task_config
from benchmarks.worker import Context, Figures
from ledgerflow import SubmissionStatus

SIZES = (1_000, 200)  # full, quick
WINDOW = 100


def run_scenarios(ctx: Context) -> Figures:
    """scenarios/s and last-100 / first-100 time."""
    n = SIZES[ctx.quick]
    configure_engine(ctx.storage_folder)
    config = three_task_config()
    lf.Orchestrator().run()
    durations: list[float] = []
    submissions = []
    clock = time.perf_counter
    with ctx.timed("all"):
        for _ in range(n):
            start = clock()
            scenario = lf.create_scenario(config)
            submissions.append(lf.submit(scenario, wait=True))
            durations.append(clock() - start)
    failed = sum(s.submission_status is not SubmissionStatus.COMPLETED for s in submissions)
    ctx.check(failed == 0, f"scenarios: {failed} of {n} submissions not COMPLETED")
    listed = len(lf.get_scenarios())
    ctx.check(listed == n, f"scenarios: get_scenarios() lists {listed}, expected {n}")
    lf.Orchestrator().stop()
    first, last = sum(durations[:WINDOW]), sum(durations[-WINDOW:])
    return {
        "scenarios_per_s": n / (ctx.timings["all"] / 1000.0),
        "last_over_first": last / first,
        "scenarios": n,
        "first100_ms": first * 1000.0,
        "last100_ms": last * 1000.0,
    }
