"""``contention``: four processes on one store doing the torture test's random mix, on SQLite and PostgreSQL.

The same children and checks as ``tests/integration/test_many_processes.py`` (``tests/many_processes.py``,
``tests/many_processes_app.py``): for a fixed time (20 s; quick: 8 s) each process creates
scenarios, writes the GLOBAL, CYCLE and its own nodes, locks, submits (wait), tags and deletes.
Figures per backend: ``ops_per_s`` (operations per second per process, mean), its min and max,
and ``fairness`` (the smallest process's operations over the mean). A run whose log disagrees with
what the processes were told fails its check. PostgreSQL: ``LEDGERFLOW_BENCH_POSTGRES`` (default
the test server), a fresh schema dropped afterwards; skipped with a note when unreachable.
"""

from __future__ import annotations

import os
import statistics
import sys
import uuid
from pathlib import Path
from typing import Any

from benchmarks.worker import Context, Figures

TESTS = Path(__file__).resolve().parent.parent / "tests"
POSTGRES = os.environ.get("LEDGERFLOW_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PROCESSES = 4
SECONDS = (20.0, 8.0)  # full, quick


def _helpers() -> tuple[Any, Any]:
    """The test suite's runner and checks of many-process runs (``tests/many_processes*.py``)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import many_processes
    import many_processes_checks

    return many_processes, many_processes_checks


def _run(ctx: Context, backend: str, url: str | None) -> Figures:
    helpers, checks = _helpers()
    workdir = ctx.workdir / backend
    workdir.mkdir()
    seconds = SECONDS[ctx.quick]
    with ctx.timed(backend):
        reports = helpers.run_children(workdir, url, mode="mix", processes=PROCESSES, seconds=seconds, seed=1)
    problems = checks.check(reports, helpers.read_log(workdir, url))
    ctx.check(not problems, f"{backend}: {len(problems)} problems, first: {problems[0][:300] if problems else ''}")
    rates = [r.rate for r in reports]
    return {
        f"{backend}_ops_per_s": statistics.mean(rates),
        f"{backend}_min_ops_per_s": min(rates),
        f"{backend}_max_ops_per_s": max(rates),
        f"{backend}_fairness": checks.fairness(reports),
        f"{backend}_errors": float(sum(len(r.errors) for r in reports)),
    }


def _postgres_schema() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, connect_timeout=3):
            pass
    except Exception:
        return None
    return f"lf_bench_{uuid.uuid4().hex[:12]}"


def run_contention(ctx: Context) -> Figures:
    """ops/s per process and fairness, on SQLite and (when reachable) PostgreSQL."""
    figures = _run(ctx, "sqlite", None)
    schema = _postgres_schema()
    if schema is None:
        ctx.note(f"PostgreSQL not reachable at {POSTGRES}: measured on SQLite only")
        return figures
    try:
        figures |= _run(ctx, "postgresql", f"{POSTGRES}?schema={schema}")
    finally:
        import psycopg

        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return figures
