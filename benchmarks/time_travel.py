"""``time_travel``: ``lf.as_of(t)`` at random earlier points of the large store, then a scenario and a value.

The process opens the large store in the experiment version it was written in (untimed: that is
``cold_start``'s figure) and picks, untimed, random earlier moments — the time of a random event
of the log — each with a scenario created before it. Timed, per point: ``view = lf.as_of(moment)``,
``view.get(scenario_id)``, its ``config_id`` and ``x3`` node, and ``x3.read()``. ``ms`` is the median
over the points (``max_ms`` the slowest). The check: each value read equals the live node's
``read(as_of=moment)`` (None when it had no value yet).
"""

from __future__ import annotations

import bisect
import random
import statistics
from datetime import datetime
from typing import Any

from benchmarks.worker import Context, Figures

POINTS = (20, 10)  # full, quick
SEED = 6


def _expected(node: Any, moment: datetime) -> Any:
    from ledgerflow.domain.errors import NoData

    try:
        return node.read(as_of=moment)
    except NoData:
        return None


def run_time_travel(ctx: Context) -> Figures:
    """ms (median over random points) for as_of + get a scenario + read a data node value."""
    import ledgerflow as lf
    from benchmarks.configs import EXPERIMENT, configure_engine, three_task_config
    from ledgerflow.service import session

    if ctx.store is None:
        raise RuntimeError("time_travel needs the large store: the harness did not provide it")
    configure_engine(str(ctx.store), experiment=EXPERIMENT)
    three_task_config()
    live = sorted(lf.get_scenarios(), key=lambda s: s.creation_date)  # opens the store (untimed)
    created = [s.creation_date for s in live]
    store = session.current().runtime.store
    last = store.max_position()
    rng = random.Random(SEED)
    timings: list[float] = []
    while len(timings) < POINTS[ctx.quick]:
        record = store.read(rng.randint(1, last) - 1, 1)[0]
        moment = record.timestamp.astimezone().replace(tzinfo=None)
        before = bisect.bisect_right(created, moment)
        if before == 0:
            continue
        chosen = live[rng.randrange(before)]
        label = f"point{len(timings)}"
        with ctx.timed(label):
            view = lf.as_of(moment)
            scenario = view.get(chosen.id)
            node = scenario.x3
            value = node.read() if node.get_last_edit() is not None else None
            ctx.check(scenario.config_id == "three", f"time_travel: {chosen.id} came back as {scenario.config_id}")
        timings.append(ctx.timings[label])
        expected = _expected(chosen.x3, moment)
        ctx.check(value == expected, f"time_travel: x3 of {chosen.id} at {moment} read {value!r}, not {expected!r}")
    return {
        "ms": statistics.median(timings),
        "max_ms": max(timings),
        "points": len(timings),
        "store_events": last,
    }
