"""``cluster``: N one-task scenarios in cluster mode, 2 Celery workers, RabbitMQ + PostgreSQL on localhost.

``jobs_per_s``: from the first ``submit`` to the last job's end as the submitting process reads it in
the log, the workers started and the scenarios created beforehand. The reference, in the same run:
a bare Celery task calling the same function through the same broker, 2 worker processes, N
``apply_async`` then every result (``ratio_to_celery`` = ours / bare). The bare task records nothing;
each of our jobs records its submission, four status changes and a data write in the PostgreSQL log
(two of them from the worker), and reads and writes its data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

import ledgerflow as lf
from benchmarks.worker import Context, Figures
from ledgerflow import Status

SIZES = (200, 200)  # full, quick
WORKERS = 2
POSTGRES = os.environ.get("LEDGERFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[1]


def _start(args: list[str], log: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"a worker did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return process


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def _bare_celery(n: int, env: dict[str, str], cwd: Path) -> float:
    """Seconds for N bare Celery tasks on 2 worker processes (the worker warm)."""
    from benchmarks import cluster_bare

    worker = _start(
        [sys.executable, "-m", "celery", "-A", "benchmarks.cluster_bare", "worker", f"--concurrency={WORKERS}",
         "--pool=prefork", "--without-gossip", "--without-mingle", "--loglevel=INFO",
         f"--hostname=bare-{uuid.uuid4().hex[:6]}@%h"],
        cwd / "bare.log", env, cwd,
    )  # fmt: skip
    try:
        [r.get(timeout=60) for r in [cluster_bare.bare_inc.delay(i) for i in range(4)]]  # warm
        start = time.perf_counter()
        results = [cluster_bare.bare_inc.delay(i) for i in range(n)]
        values = [r.get(timeout=120) for r in results]
        seconds = time.perf_counter() - start
        assert values == [i + 1 for i in range(n)]
        return seconds
    finally:
        _stop([worker])
        with cluster_bare.app.connection_for_write() as connection:
            connection.default_channel.queue_delete(cluster_bare.QUEUE)


def run_cluster(ctx: Context) -> Figures:
    """jobs/s of N cluster-mode one-task scenarios on 2 workers, and the ratio to bare Celery."""
    from benchmarks.cluster_app import configure

    n = SIZES[ctx.quick]
    schema = f"lf_bench_{uuid.uuid4().hex[:10]}"
    queue = f"lf-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {"LEDGERFLOW_EVENT_STORE": f"{POSTGRES}?schema={schema}", "LEDGERFLOW_BENCH_QUEUE": queue,
         "LEDGERFLOW_BENCH_BARE_QUEUE": f"{queue}-bare"}
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    app = ctx.workdir / "app.py"
    app.write_text("from benchmarks.cluster_app import configure\nconfigure()\n")
    configure()  # the storage folder is the default one, in the workers' folder too: the same config
    workers: list[subprocess.Popen[bytes]] = []
    try:
        lf.Orchestrator().run()
        command = [
            sys.executable,
            "-m",
            "ledgerflow.cli",
            "run-worker",
            "--application-path",
            str(app),
            "--loglevel=WARNING",
        ]
        for i in range(WORKERS):
            log = ctx.workdir / f"worker-{i}.log"
            process = subprocess.Popen(
                command, cwd=ctx.workdir, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
            workers.append(process)
        time.sleep(4)  # the workers connect (their "ready" line is below WARNING)
        scenarios = [lf.create_scenario(lf.Config.scenarios["one"]) for _ in range(n)]
        with ctx.timed("jobs"):
            submissions = [lf.submit(s) for s in scenarios]
            for submission in submissions:
                submission.wait(300)
        bad = [s.jobs[0] for s in submissions if s.jobs[0].status is not Status.COMPLETED]
        why = f" (first: {bad[0].status.name} {bad[0].status_change_records[-1][2]})" if bad else ""
        ctx.check(not bad, f"cluster: {len(bad)} of {n} jobs not COMPLETED{why}")
        lf.Orchestrator().stop()
    finally:
        _stop(workers)
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    ours = ctx.timings["jobs"] / 1000.0
    bare = _bare_celery(n, env, ctx.workdir)
    return {
        "jobs_per_s": n / ours,
        "ratio_to_celery": (n / ours) / (n / bare),
        "celery_jobs_per_s": n / bare,
        "jobs": n,
    }
