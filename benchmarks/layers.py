"""Where the time of one job goes, by layer: ``python -m benchmarks.layers [chain|scenarios|standalone]``.

Runs a workload in this process while a sampler looks at every thread's stack every half millisecond.
A sample is *waiting* when the thread sits in a lock, a condition or the event loop's select, *sqlite
commit* / *sqlite execute* when it is inside those calls, else it belongs to the layer (top folder of
the package: service, executor, runtime, projections, storage, domain) of the innermost frame of
ours on its stack, library code included (``eventsourcing``, pickling...). Prints, per thread, ms per
job of each, from the share of samples times the wall time. Sampling costs time too (the GIL): the
shares are what to read, not the absolute figures, which ``python -m benchmarks`` measures.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType

import ledgerflow as lf
from benchmarks.configs import chain_config, configure_engine
from benchmarks.tasks import inc
from ledgerflow import Config

_WAITING = {("threading.py", "wait"), ("selectors.py", "select"), ("threading.py", "_wait_for_tstate_lock")}
_SQLITE = {"commit": "sqlite commit", "execute": "sqlite execute", "executemany": "sqlite execute"}


def layer_of(frame: FrameType) -> str:
    """The label of one stack sample (see the module's docstring)."""
    leaf = frame.f_code
    if (Path(leaf.co_filename).name, leaf.co_name) in _WAITING:
        return "waiting"
    if leaf.co_filename.endswith("eventsourcing/sqlite.py") and leaf.co_name in _SQLITE:
        return _SQLITE[leaf.co_name]
    walk: FrameType | None = frame
    while walk is not None:
        parts = Path(walk.f_code.co_filename).parts
        if "ledgerflow" in parts:  # the package, wherever the editable install links it from
            ours = parts[len(parts) - parts[::-1].index("ledgerflow") :]
            return ours[0] if len(ours) > 1 else Path(ours[0]).stem
        if "benchmarks" in parts:
            return "workload"
        walk = walk.f_back
    return "other"


class LayerSampler:
    """Counts samples per (thread, layer) while running."""

    def __init__(self, interval: float = 0.0005) -> None:
        self.interval = interval
        self.counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.leaves: Counter[str] = Counter()  # the innermost function of each busy sample, any thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="layer-sampler", daemon=True)

    def __enter__(self) -> LayerSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident != me:
                    layer = layer_of(frame)
                    self.counts[names.get(ident, str(ident))][layer] += 1
                    if layer != "waiting":
                        code = frame.f_code
                        self.leaves[f"{layer}: {code.co_qualname} ({Path(code.co_filename).name})"] += 1


def _chain() -> int:
    configure_engine(".ledgerflow")
    config = chain_config(100)
    lf.Orchestrator().run()
    scenarios = [lf.create_scenario(config) for _ in range(10)]
    return _timed(lambda: [lf.submit(s, wait=True) for s in scenarios], 1000)


def _scenarios() -> int:
    configure_engine(".ledgerflow")
    config = chain_config(3, scenario_id="three")
    lf.Orchestrator().run()
    return _timed(lambda: [lf.submit(lf.create_scenario(config), wait=True) for _ in range(300)], 900)


def _standalone() -> int:
    Config.configure_core(storage_folder=".ledgerflow")
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
    x, y = Config.configure_data_node("x", default_data=0), Config.configure_data_node("y")
    config = Config.configure_scenario("one", [Config.configure_task("inc", inc, x, y)])
    scenarios = [lf.create_scenario(config) for _ in range(300)]
    lf.Orchestrator().run()
    lf.submit(scenarios.pop(), wait=True)  # the workers are up

    def run() -> None:
        for submission in [lf.submit(s) for s in scenarios]:
            submission.wait()

    return _timed(run, len(scenarios))


_RESULT: dict[str, float] = {}


def _timed(run: object, jobs: int) -> int:
    with LayerSampler() as sampler:
        start = time.perf_counter()
        run()  # type: ignore[operator]
        _RESULT["wall_ms"] = (time.perf_counter() - start) * 1000.0
    _RESULT["jobs"] = jobs
    _SAMPLERS.append(sampler)
    lf.Orchestrator().stop()
    return jobs


_SAMPLERS: list[LayerSampler] = []
WORKLOADS = {"chain": _chain, "scenarios": _scenarios, "standalone": _standalone}


def main(name: str) -> None:
    """Run ``name`` and print ms per job of each layer, per thread, and the busiest functions."""
    WORKLOADS[name]()
    sampler, wall, jobs = _SAMPLERS[-1], _RESULT["wall_ms"], _RESULT["jobs"]
    total = max(counts.total() for counts in sampler.counts.values())
    print(f"{name}: {jobs:.0f} jobs in {wall:.0f} ms = {wall / jobs:.3f} ms/job (sampled)")
    for thread, counts in sorted(sampler.counts.items(), key=lambda item: -item[1].total()):
        shares = ", ".join(f"{layer} {wall / jobs * n / counts.total():.3f}" for layer, n in counts.most_common())
        print(f"  [{thread}] ms/job: {shares}")
    busy = ", ".join(f"{leaf} {wall / jobs * n / total:.3f}" for leaf, n in sampler.leaves.most_common(8))
    print(f"  busiest functions (ms/job, share of one thread): {busy}")


if __name__ == "__main__":
    import os
    import tempfile

    os.chdir(tempfile.mkdtemp(prefix="ledgerflow-layers-"))
    main(sys.argv[1] if len(sys.argv) > 1 else "chain")
