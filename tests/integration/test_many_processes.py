"""One log, many processes (issue 12): four processes on one store lose nothing, on SQLite and PostgreSQL.

The children (``tests/many_processes_app.py``) use only the public API; the checks
(``tests/many_processes.py``) compare what each process was told with the log itself. The run's
length is ``LEDGERFLOW_TORTURE_SECONDS`` (default 15 s per backend; the ``soak`` variant: 120 s),
its random seed ``LEDGERFLOW_TORTURE_SEED`` (default 1; a failure message names it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from backends import BACKENDS, POSTGRES_URL, postgres_reachable
from many_processes import ledgerflow_cli, read_log, run_children
from many_processes_checks import check, fairness

pytestmark = pytest.mark.slow

PROCESSES = 4
SECONDS = float(os.environ.get("LEDGERFLOW_TORTURE_SECONDS", "15"))
SOAK_SECONDS = float(os.environ.get("LEDGERFLOW_SOAK_SECONDS", "120"))
SEED = int(os.environ.get("LEDGERFLOW_TORTURE_SEED", "1"))
CREATION_REPEATS = 3  # fresh stores
CREATION_ROUNDS = 2  # simultaneous creations per process and store (the first also starts the version)


@pytest.fixture
def new_store(tmp_path: Path) -> Iterator[Callable[[str], tuple[Path, str | None]]]:
    """A factory of fresh stores: a working directory (and, for PostgreSQL, a fresh schema's URL)."""
    schemas: list[str] = []

    def make(backend: str) -> tuple[Path, str | None]:
        workdir = tmp_path / f"store-{len(list(tmp_path.iterdir()))}"
        workdir.mkdir()
        if backend == "sqlite":
            return workdir, None
        schemas.append(f"lf_test_{uuid.uuid4().hex[:12]}")
        return workdir, f"{POSTGRES_URL}?schema={schemas[-1]}"

    yield make
    if schemas:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _store_checks(workdir: Path, event_store: str | None) -> list[str]:
    """``ledgerflow replay --verify`` and ``ledgerflow audit verify`` pass on the store (run side by side)."""
    commands = (["replay", "--verify"], ["audit", "verify"])
    with ThreadPoolExecutor(len(commands)) as pool:
        results = list(pool.map(lambda args: ledgerflow_cli(workdir, event_store, *args), commands))
    return [
        f"ledgerflow {' '.join(command)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        for command, done in zip(commands, results, strict=True)
        if done.returncode != 0
    ]


def _torture(backend: str, new_store: Callable[[str], tuple[Path, str | None]], seconds: float) -> None:
    if backend == "postgresql":
        postgres_reachable()
    workdir, url = new_store(backend)
    reports = run_children(workdir, url, mode="mix", processes=PROCESSES, seconds=seconds, seed=SEED)
    events = read_log(workdir, url)
    problems = check(reports, events) + _store_checks(workdir, url)
    ratio = fairness(reports)
    ops = [r.ops for r in reports]
    if ratio < 0.2:
        problems.append(f"unfair: operations per process {ops}, the smallest is {ratio:.2f} of the mean (< 0.2)")
    if sum(ops) < PROCESSES:
        problems.append(f"the run did almost nothing: operations per process {ops}")
    figures = ", ".join(f"{r.rate:.1f}" for r in reports)
    print(f"{backend}: operations {ops}, per second per process [{figures}], fairness {ratio:.2f}")
    assert not problems, f"seed {SEED}, {len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("backend", BACKENDS)
def test_four_processes_doing_everything_lose_nothing(
    backend: str, new_store: Callable[[str], tuple[Path, str | None]]
) -> None:
    _torture(backend, new_store, SECONDS)


@pytest.mark.soak
@pytest.mark.parametrize("backend", BACKENDS)
def test_soak_four_processes_doing_everything_lose_nothing(
    backend: str, new_store: Callable[[str], tuple[Path, str | None]]
) -> None:
    _torture(backend, new_store, SOAK_SECONDS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_four_processes_creating_a_scenario_at_the_same_instant_all_get_it(
    backend: str, new_store: Callable[[str], tuple[Path, str | None]]
) -> None:
    """The issue's scenario: a config with a GLOBAL node, four processes, create_scenario at once."""
    if backend == "postgresql":
        postgres_reachable()
    problems = []
    for repeat in range(CREATION_REPEATS):
        workdir, url = new_store(backend)
        reports = run_children(workdir, url, mode="create", processes=PROCESSES, rounds=CREATION_ROUNDS)
        events = read_log(workdir, url)
        created = [e for e in events if e["topic"] == "ledgerflow.scenario.created"]
        found = [f"repeat {repeat}: {p}" for p in check(reports, events) + _store_checks(workdir, url)]
        if len(created) != PROCESSES * CREATION_ROUNDS:
            found.append(f"repeat {repeat}: {len(created)} scenarios in the log, not {PROCESSES * CREATION_ROUNDS}")
        acked = sum(1 for r in reports for a in r.acks if a["ack"] == "create")
        if acked != PROCESSES * CREATION_ROUNDS:
            found.append(f"repeat {repeat}: {acked} creations returned, not {PROCESSES * CREATION_ROUNDS}")
        problems += found
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
