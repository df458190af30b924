"""``standalone``: N one-task scenarios submitted without waiting, 2 worker processes, then wait for all.

``jobs_per_s``: from the first ``submit`` to the end of the last job, the scenarios created and the
workers started beforehand (warm). The reference is a bare ``ProcessPoolExecutor(2)`` (spawn
context, like our workers) mapping the same function over N inputs, measured in the same process:

- ``ratio_to_pool`` (the target): both sides from nothing started to every result back — our
  ``Orchestrator().run()`` (which starts the workers), N submits and the waits, against creating the
  pool, ``map`` and shutting it down. This is what a user waits for when running a batch.
- ``ratio_warm`` (shown, no target): both pools already started, only the N jobs timed. The bare pool
  does nothing but ship an int and back; every job of ours also records its submission, four status
  changes and a data write in the log, and reads and writes its data, which this ratio prices.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import ledgerflow as lf
from benchmarks.tasks import inc
from benchmarks.worker import Context, Figures
from ledgerflow import Config, Status

SIZES = (500, 200)  # full, quick
WORKERS = 2


def _bare_pool(n: int) -> tuple[float, float]:
    """Seconds for the bare pool: (cold: start + map + shutdown, warm: map only)."""
    spawn = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(WORKERS, mp_context=spawn) as pool:
        results = list(pool.map(inc, range(n)))
    cold = time.perf_counter() - start
    with ProcessPoolExecutor(WORKERS, mp_context=spawn) as pool:
        list(pool.map(inc, range(4 * WORKERS)))  # the workers are up
        start = time.perf_counter()
        list(pool.map(inc, range(n)))
        warm = time.perf_counter() - start
    assert results == [i + 1 for i in range(n)]
    return cold, warm


def _run_all(scenarios: list[lf.Scenario]) -> list[lf.Submission]:
    submissions = [lf.submit(s) for s in scenarios]
    for submission in submissions:
        submission.wait()
    return submissions


def run_standalone(ctx: Context) -> Figures:
    """jobs/s of N standalone one-task scenarios, and the ratio to a bare process pool."""
    n = SIZES[ctx.quick]
    Config.configure_core(storage_folder=ctx.storage_folder)
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=WORKERS)
    x = Config.configure_data_node("x", default_data=0)
    y = Config.configure_data_node("y")
    config = Config.configure_scenario("one", [Config.configure_task("inc", inc, x, y)])
    scenarios = [lf.create_scenario(config) for _ in range(2 * n)]
    with ctx.timed("cold", profile=False):
        lf.Orchestrator().run()  # starts the workers
        submissions = _run_all(scenarios[:n])
    with ctx.timed("warm"):
        submissions += _run_all(scenarios[n:])
    lf.Orchestrator().stop()
    bad = sum(s.jobs[0].status is not Status.COMPLETED for s in submissions)
    ctx.check(bad == 0, f"standalone: {bad} of {2 * n} jobs not COMPLETED")
    wrong = sum(s.scenario.y.read() != 1 for s in submissions[-20:])  # type: ignore[union-attr]
    ctx.check(wrong == 0, f"standalone: {wrong} of 20 outputs are not 1")
    pool_cold, pool_warm = _bare_pool(n)
    ours_cold, ours_warm = ctx.timings["cold"] / 1000.0, ctx.timings["warm"] / 1000.0
    return {
        "jobs_per_s": n / ours_warm,
        "ratio_to_pool": pool_cold / ours_cold,
        "ratio_warm": pool_warm / ours_warm,
        "pool_jobs_per_s": n / pool_warm,
        "jobs": n,
        "cold_s": ours_cold,
        "pool_cold_s": pool_cold,
    }
