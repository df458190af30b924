"""``chain_pg``: the ``chain`` workload on the PostgreSQL server, with its ratio to ``chain`` in the same run.

One process runs the chain on the embedded SQLite store, resets the engine (session, config), then
runs it on PostgreSQL (``LEDGERFLOW_BENCH_POSTGRES``, default ``127.0.0.1:5432/test``) in a fresh
schema, dropped afterwards. ``ratio_to_chain`` is PostgreSQL's ms/job over SQLite's, both measured
here, so the ratio survives a noisy machine.
"""

from __future__ import annotations

import os
import uuid

import ledgerflow as lf
from benchmarks.chain import _first_run
from benchmarks.worker import Context, Figures

POSTGRES = os.environ.get("LEDGERFLOW_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _reset() -> None:
    """Stop the orchestrator, close the session and forget the config: the next run starts clean."""
    from ledgerflow.service import session

    lf.Orchestrator().stop()
    session.close()
    lf.Config._reset()


def run_chain_pg(ctx: Context) -> Figures:
    """ms per job of the chain on PostgreSQL, and its ratio to the chain on SQLite in this process."""
    import psycopg

    _, sqlite = _first_run(ctx, label="sqlite")
    _reset()
    schema = f"lf_bench_{uuid.uuid4().hex[:12]}"
    try:
        _, postgres = _first_run(ctx, measured=True, event_store=f"{POSTGRES}?schema={schema}", label="postgresql")
        _reset()
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return {
        "ms_per_job": postgres["ms_per_job"],
        "ratio_to_chain": postgres["ms_per_job"] / sqlite["ms_per_job"],
        "chain_ms_per_job": sqlite["ms_per_job"],
        "jobs": postgres["jobs"],
    }
