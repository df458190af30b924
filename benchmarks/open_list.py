"""A new process opening the large store and listing its scenarios.

``python -m benchmarks.open_list FOLDER`` prints one JSON line: ``open_list_ms`` (from before
``import ledgerflow`` to ``get_scenarios()`` returning) and ``scenarios`` (how many it listed).
It uses the same experiment version and config as ``bigstore``, so it sees those scenarios.
"""

from __future__ import annotations

import json
import sys
import time


def main(folder: str) -> dict[str, float]:
    """Time import + configure + open + list; the number of scenarios listed."""
    start = time.perf_counter()
    import ledgerflow as lf
    from benchmarks.configs import EXPERIMENT, configure_engine, three_task_config

    configure_engine(folder, experiment=EXPERIMENT)
    three_task_config()
    scenarios = lf.get_scenarios()
    elapsed = (time.perf_counter() - start) * 1000.0
    return {"open_list_ms": elapsed, "scenarios": len(scenarios)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
