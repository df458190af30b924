"""``cold_start``: a fresh ``import ledgerflow``, and a new process opening the large store.

``import_ms`` is the wall time of ``python -c "import ledgerflow"`` (median of 5), next to
``python_ms`` for ``python -c pass`` and ``import_api_ms`` for a script that also touches
``Config``, ``create_scenario`` and ``submit`` (the facade loads lazily). ``open_list_ms`` is
measured inside a new process (``benchmarks.open_list``) from before its ``import ledgerflow``
to ``get_scenarios()`` returning; ``open_list_process_ms`` is that process's whole wall time,
start-up and exit included. When the import misses its target, the slowest imports
(``-X importtime``) are noted.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

from benchmarks.bigstore import store_file
from benchmarks.worker import Context, Figures

IMPORT_RUNS = 5
REFERENCE_RUNS = 3  # python_ms, import_api_ms: shown without a target
IMPORT_LIMIT_MS = 200.0
API_IMPORT = "import ledgerflow as lf; lf.Config, lf.create_scenario, lf.submit"


def _wall_ms(args: list[str], ctx: Context) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ctx.workdir, capture_output=True, text=True, check=True)
    return (time.perf_counter() - start) * 1000.0, done.stdout


def _slowest_imports(ctx: Context, count: int = 8) -> str:
    """The modules with the largest cumulative import time, from ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ledgerflow"],
        cwd=ctx.workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return "; ".join(f"{name.strip()} {us / 1000:.0f} ms" for us, name in rows[:count])


def run_cold_start(ctx: Context) -> Figures:
    """import_ms, python_ms, open_list_ms (+ its process wall time), scenarios listed."""
    python = statistics.median(_wall_ms(["-c", "pass"], ctx)[0] for _ in range(REFERENCE_RUNS))
    imports = statistics.median(_wall_ms(["-c", "import ledgerflow"], ctx)[0] for _ in range(IMPORT_RUNS))
    api = statistics.median(_wall_ms(["-c", API_IMPORT], ctx)[0] for _ in range(REFERENCE_RUNS))
    if imports > IMPORT_LIMIT_MS:
        ctx.note(f"slowest imports (cumulative): {_slowest_imports(ctx)}")
    if ctx.store is None:
        raise RuntimeError("cold_start needs the large store: the harness did not provide it")
    process_ms, out = _wall_ms(["-m", "benchmarks.open_list", str(ctx.store)], ctx)
    opened = json.loads(out.strip().splitlines()[-1])
    from ledgerflow.storage.eventstore import EventStore

    with EventStore.open(store_file(ctx.store), create=False) as store:
        held = store.max_position()
    expected = ctx.store_info.get("scenarios")
    ctx.check(
        expected is None or opened["scenarios"] == expected,
        f"cold_start: listed {opened['scenarios']} scenarios, the store has {expected}",
    )
    wanted = ctx.store_info.get("wanted")
    ctx.check(
        not ctx.store_info.get("capped"),
        f"cold_start: the large store was generated with {ctx.store_info.get('events', 0):,} events, "
        f"not {wanted or 0:,} (generation hit its time cap)",
    )
    return {
        "import_ms": imports,
        "open_list_ms": opened["open_list_ms"],
        "python_ms": python,
        "import_api_ms": api,
        "open_list_process_ms": process_ms,
        "scenarios_listed": opened["scenarios"],
        "store_events": held,
    }
