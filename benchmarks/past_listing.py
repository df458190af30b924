"""``past_listing``: ``lf.as_of(position).get_scenarios()`` half-way into the large store.

The process opens the large store in the experiment version it was written in and lists its
scenarios (untimed: that is ``cold_start``). Timed: the listing as of the half-way position
(``first_ms``: the first past listing of this process), then as of POINTS other positions around it,
each a new view (``ms``: their median), and a present ``lf.get_scenarios()`` (``present_ms``). The check,
on a sample of each listing and of the scenarios it left out: a scenario is listed exactly when its
first event is at or before the position.
"""

from __future__ import annotations

import random
import statistics

from benchmarks.worker import Context, Figures

#: Where the other listings are, as fractions of the log.
POINTS = (0.45, 0.55, 0.4, 0.6)
SAMPLE = 20


def run_past_listing(ctx: Context) -> Figures:
    """ms of a past listing half-way into the large store (median over nearby positions)."""
    import ledgerflow as lf
    from benchmarks.configs import EXPERIMENT, configure_engine, three_task_config
    from ledgerflow.service import session

    if ctx.store is None:
        raise RuntimeError("past_listing needs the large store: the harness did not provide it")
    configure_engine(str(ctx.store), experiment=EXPERIMENT)
    three_task_config()
    live = lf.get_scenarios()  # opens the store (untimed)
    store = session.current().runtime.store
    last = store.max_position()
    everyone = {s.id for s in live}
    rng = random.Random(19)
    timings: list[float] = []
    for index, fraction in enumerate((0.5, *POINTS)):
        position = int(last * fraction)
        label = f"past{index}"
        with ctx.timed(label):
            listed = lf.as_of(position).get_scenarios()
        timings.append(ctx.timings[label])
        got = {s.id for s in listed}
        ctx.check(got <= everyone, f"past_listing: at {position} listed scenarios that do not exist now")
        for sid in rng.sample(sorted(got), min(SAMPLE, len(got))):
            ctx.check(store.events_of(sid)[0].position <= position, f"past_listing: {sid} listed at {position}")
        for sid in rng.sample(sorted(everyone - got), min(SAMPLE, len(everyone - got))):
            ctx.check(store.events_of(sid)[0].position > position, f"past_listing: {sid} missing at {position}")
    with ctx.timed("present"):
        present = lf.get_scenarios()
    ctx.check(len(present) == len(live), "past_listing: the present listing changed")
    return {
        "ms": statistics.median(timings[1:]),
        "first_ms": timings[0],
        "present_ms": ctx.timings["present"],
        "ratio_to_present": statistics.median(timings[1:]) / max(ctx.timings["present"], 1e-3),
        "store_events": last,
    }
