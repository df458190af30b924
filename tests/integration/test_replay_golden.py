"""Golden logs recorded from example apps replay to the same state in every version of ledgerflow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from golden_logs import GOLDEN, load, summarize
from test_time_travel_lazy import lazy_states_match

from ledgerflow.service.audit.replay import rebuild, replay_store
from ledgerflow.storage.compression import MAGIC

NAMES = sorted(path.name.removesuffix(".jsonl") for path in GOLDEN.glob("*.jsonl"))


def test_there_are_golden_logs() -> None:
    assert {"seed", "production", "failing_task", "monthly_cycle"} <= set(NAMES)


@pytest.mark.parametrize("compressed", [False, True], ids=["as recorded", "compressed"])
@pytest.mark.parametrize("name", NAMES)
def test_a_golden_log_replays_to_its_recorded_summary(name: str, compressed: bool, tmp_path: Path) -> None:
    """As recorded: plain JSON states, as stores written before compression hold them."""
    expected = json.loads((GOLDEN / f"{name}.summary.json").read_text())
    with load(GOLDEN / f"{name}.jsonl", tmp_path, compressed=compressed) as store:
        stored = {bytes(row[4])[:1] for row in store.recorder.select_rows(0, None, 10**9)}
        assert stored == ({MAGIC[:1]} if compressed else {b"{"})
        state, count = rebuild(store)
        assert count == store.max_position() == expected["position"]
        assert json.loads(json.dumps(summarize(state, store))) == expected
        assert replay_store(store, verify=True).ok
        lazy_states_match(store)  # and time travel sees the same at every position
