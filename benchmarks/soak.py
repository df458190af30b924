"""``soak``: N one-task development-mode jobs (full 100,000, quick 5,000), memory and store size over time.

One scenario of one non-skippable task is submitted (wait) N times, so every submit runs one job
and nothing else grows but history. The worker samples its own resident set size (``VmRSS`` of
``/proc/self/status``) every tenth of the run. ``rss_kb_per_job`` is the growth from the first
tenth to the end over the jobs in between (the first tenth warms caches up); ``store_bytes_per_job``
is the storage folder's growth (log, checkpoints, blobs) over N, measured after the orchestrator
stopped (the shutdown's checkpoint included). The run keeps the first tenth's finished submissions
in memory (``keep_finished_jobs``: 10,000, the default, in the full run; 500 in the quick one), so
the figure measures what still grows past that horizon.
"""

from __future__ import annotations

from pathlib import Path

import ledgerflow as lf
from benchmarks.configs import configure_engine
from benchmarks.tasks import inc
from benchmarks.worker import Context, Figures
from ledgerflow import Config, Status

SIZES = (100_000, 5_000)  # full, quick
SAMPLES = 10


def rss_kb() -> int:
    """This process's resident set size in KB (``VmRSS`` in ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def folder_bytes(folder: Path) -> int:
    """The bytes of every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def run_soak(ctx: Context) -> Figures:
    """RSS over N jobs (KB per job after the first tenth) and store bytes per job."""
    n = SIZES[ctx.quick]
    configure_engine(ctx.storage_folder)
    Config.configure_job_executions(mode="development", keep_finished_jobs=n // SAMPLES)
    x = Config.configure_data_node("x", default_data=0)
    y = Config.configure_data_node("y")
    config = Config.configure_scenario("one", [Config.configure_task("inc", inc, x, y, skippable=False)])
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    folder = Path(ctx.storage_folder)
    store_before = folder_bytes(folder)
    samples = [(0, rss_kb())]
    every = max(n // SAMPLES, 1)
    failed = 0
    with ctx.timed("soak"):
        for done in range(1, n + 1):
            submission = lf.submit(scenario, wait=True)
            if done % every == 0:
                failed += submission.jobs[0].status is not Status.COMPLETED
                samples.append((done, rss_kb()))
    lf.Orchestrator().stop()
    ctx.check(failed == 0, f"soak: {failed} sampled jobs not COMPLETED")
    ctx.check(scenario.y.read() == 1, f"soak: y is {scenario.y.read()!r}, expected 1")
    store_bytes = folder_bytes(folder) - store_before
    ctx.note("soak RSS (jobs: MB): " + ", ".join(f"{jobs:,}: {kb / 1024:.1f}" for jobs, kb in samples))
    first_jobs, first_kb = samples[1]
    last_jobs, last_kb = samples[-1]
    return {
        "rss_kb_per_job": (last_kb - first_kb) / max(last_jobs - first_jobs, 1),
        "store_bytes_per_job": store_bytes / n,
        "rss_start_mb": samples[0][1] / 1024,
        "rss_end_mb": last_kb / 1024,
        "ms_per_job": ctx.timings["soak"] / n,
        "jobs": n,
    }
