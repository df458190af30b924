"""``chain``, ``chain_skip`` and ``chain_partial``: one scenario of 100 skippable tasks in a chain.

Tasks are ``t0 .. t99`` and nodes ``x0 .. x100`` (``t{i}: x{i} -> x{i+1}``). BENCHMARKS.md counts
tasks from 1, so "task 50" is ``t49`` and its input is ``x49``: writing it re-runs ``t49 .. t99``,
the 51 jobs the contract expects, and skips the 49 upstream.
"""

from __future__ import annotations

from typing import Any

import ledgerflow as lf
from benchmarks.configs import chain_config, configure_engine
from benchmarks.worker import Context, Figures
from ledgerflow import Status

N = 100
PARTIAL = 49  # 0-based index of "task 50": its input x49 is rewritten
NEW_VALUE = 1_000


def _statuses(submission: Any) -> dict[str, Status]:
    """Each job's status by its task's config id."""
    return {job.task.config_id: job.status for job in submission.jobs}


def _first_run(
    ctx: Context, *, measured: bool = False, event_store: str | None = None, label: str = "chain"
) -> tuple[Any, Figures]:
    """Create the chain scenario and submit it once (timed as ``label``); check the result.

    Only the ``chain`` workload itself is ``measured`` (profiled under ``--profile``); ``event_store``
    is a store URL (the embedded SQLite file when None).
    """
    configure_engine(ctx.storage_folder)
    if event_store is not None:
        lf.Config.configure_core(event_store=event_store)
    config = chain_config(N)
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    with ctx.timed(label, profile=measured):
        submission = lf.submit(scenario, wait=True)
    statuses = _statuses(submission)
    ctx.check(len(statuses) == N, f"chain: {len(statuses)} jobs, expected {N}")
    bad = {t: s.name for t, s in statuses.items() if s is not Status.COMPLETED}
    ctx.check(not bad, f"chain: jobs not COMPLETED: {_some(bad)}")
    value = getattr(scenario, f"x{N}").read()
    ctx.check(value == N, f"chain: x{N} is {value!r}, expected {N}")
    return scenario, _per_job(ctx.timings[label], len(statuses))


def _per_job(total_ms: float, jobs: int) -> Figures:
    return {"ms_per_job": total_ms / max(jobs, 1), "jobs": jobs, "total_ms": total_ms}


def _some(items: dict[str, str], limit: int = 5) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in list(items.items())[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def run_chain(ctx: Context) -> Figures:
    """ms per job of the first submit(wait=True) of the chain."""
    _, figures = _first_run(ctx, measured=True)
    lf.Orchestrator().stop()
    return figures


def run_chain_skip(ctx: Context) -> Figures:
    """ms per job of re-submitting the unchanged chain: every job must be SKIPPED."""
    scenario, _ = _first_run(ctx)
    with ctx.timed("skip"):
        submission = lf.submit(scenario, wait=True)
    statuses = _statuses(submission)
    bad = {t: s.name for t, s in statuses.items() if s is not Status.SKIPPED}
    ctx.check(len(statuses) == N, f"chain_skip: {len(statuses)} jobs, expected {N}")
    ctx.check(not bad, f"chain_skip: jobs not SKIPPED: {_some(bad)}")
    lf.Orchestrator().stop()
    return _per_job(ctx.timings["skip"], len(statuses))


def run_chain_partial(ctx: Context) -> Figures:
    """Rewrite the input of task 50 and re-submit: the jobs that ran and ms per job run."""
    scenario, _ = _first_run(ctx)
    getattr(scenario, f"x{PARTIAL}").write(NEW_VALUE)
    with ctx.timed("partial"):
        submission = lf.submit(scenario, wait=True)
    statuses = _statuses(submission)
    ran = [t for t, s in statuses.items() if s is Status.COMPLETED]
    expected_ran = {f"t{i}" for i in range(PARTIAL, N)}
    wrong = {
        t: s.name for t, s in statuses.items() if s is not (Status.COMPLETED if t in expected_ran else Status.SKIPPED)
    }
    ctx.check(not wrong, f"chain_partial: unexpected statuses: {_some(wrong)}")
    value = getattr(scenario, f"x{N}").read()
    expected = NEW_VALUE + N - PARTIAL
    ctx.check(value == expected, f"chain_partial: x{N} is {value!r}, expected {expected}")
    lf.Orchestrator().stop()
    total = ctx.timings["partial"]
    return {"jobs_run": len(ran), "ms_per_job_run": total / max(len(ran), 1), "total_ms": total}
