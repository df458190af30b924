"""``parquet``: write and read back a 1,000,000-row, 10-column DataFrame through a parquet node.

Timed, each repetition on a frame differing by one cell (so every write is a real one), in
alternating order: plain
``df.to_parquet(path)`` + ``pd.read_parquet(path)``, then ``node.write(df)`` + ``node.read()`` of a
parquet node with a user path (canonical hashing, archiving and the write event included).
``ratio`` is the median node time over the median plain time. ``unchanged_rewrite_s``: the same
frame written again — noticed by its hash, nothing stored — and the check that its hash did not change.
"""

from __future__ import annotations

import gc
import statistics
from typing import Any

from benchmarks.worker import Context, Figures

ROWS = (1_000_000, 100_000)  # full, quick
REPEATS = 5


def _frame(rows: int) -> Any:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(14)
    columns: dict[str, Any] = {f"f{i}": rng.random(rows) for i in range(6)}
    columns |= {f"i{i}": rng.integers(0, 1_000_000, rows) for i in range(3)}
    columns["region"] = rng.choice(["north", "south", "east", "west"], rows)
    return pd.DataFrame(columns)


def run_parquet(ctx: Context) -> Figures:
    """Ratio of a parquet node's write+read to plain pandas; the unchanged-rewrite detection time."""
    import pandas as pd

    import ledgerflow as lf
    from benchmarks.configs import configure_engine
    from ledgerflow import Config

    configure_engine(ctx.storage_folder)
    frame = _frame(ROWS[ctx.quick])
    plain_path = ctx.workdir / "plain.parquet"
    node_cfg = Config.configure_parquet_data_node("table", default_path=str(ctx.workdir / "node.parquet"))
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[node_cfg]))
    node = scenario.table
    plain: list[float] = []
    through_node: list[float] = []
    for rep in range(REPEATS):
        frame = frame.copy()
        frame.iloc[rep, 0] = -1.0 - rep  # a new value each time
        backs = {}
        for which in ("plain", "node") if rep % 2 == 0 else ("node", "plain"):  # neither always goes first
            gc.collect()
            with ctx.timed(f"{which}{rep}"):
                if which == "plain":
                    frame.to_parquet(plain_path)
                    backs[which] = pd.read_parquet(plain_path)
                else:
                    node.write(frame)
                    backs[which] = node.read()
            (plain if which == "plain" else through_node).append(ctx.timings[f"{which}{rep}"])
        ctx.check(backs["node"].equals(backs["plain"]), "the node read back another frame than pandas")
    before = node.edits[-1]["hash"]
    same = frame.copy()
    with ctx.timed("unchanged"):
        node.write(same)
    ctx.check(node.edits[-1]["hash"] == before, "an unchanged rewrite changed the content hash")
    return {
        "ratio": statistics.median(through_node) / statistics.median(plain),
        "unchanged_rewrite_s": ctx.timings["unchanged"] / 1000.0,
        "node_ms": statistics.median(through_node),
        "plain_ms": statistics.median(plain),
        "rows": float(len(frame)),
    }
