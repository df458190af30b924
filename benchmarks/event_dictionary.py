"""How the event dictionary was made: ``python -m benchmarks.event_dictionary OUT_FILE``.

``storage/compression.py`` compresses stored event states with a zstd dictionary shipped as
package data. This script makes one: it writes sample stores through the public API in a
temporary directory — the large store's mix (``benchmarks.bigstore``, 20,000 events: 3-task
scenarios, re-submits, writes mid-chain) and a 100-task chain submitted, re-submitted (skips) and
re-run from task 50 after an editor's write, three times — adds the golden logs (``tests/golden``:
the example apps, versions, migrations, a failing task, cycles), and trains a 16 KiB dictionary
(id ``compression.DICTIONARY_ID``) on up to 300 states per topic of each source, so the frequent
job events do not crowd out the rest. The ``soak`` workload's store is left out, so its figure
measures events the dictionary never saw.

The shipped dictionary never changes: frames written with it need it to be read. A better one
gets a new id and file name; compression then uses it, and the old one stays for reading.
"""

from __future__ import annotations

import collections
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import orjson

from benchmarks.harness import REPO_ROOT, child_env

__all__ = ["samples", "train"]

PER_TOPIC = 300
SIZE = 16 * 1024
GOLDEN = REPO_ROOT / "tests" / "golden"


def _store_states(db: Path) -> list[tuple[str, bytes]]:
    """``(topic, state as JSON)`` of every event of the SQLite store ``db``."""
    from ledgerflow.storage.compression import plain_state
    from ledgerflow.storage.eventstore import EventStore

    with EventStore.open(db, create=False) as store:
        return [
            (topic, plain_state(bytes(state))) for _, _, _, topic, state in store.recorder.select_rows(0, None, 10**9)
        ]


def _golden_states(path: Path) -> list[tuple[str, bytes]]:
    rows = (json.loads(line) for line in path.read_text().splitlines())
    return [(row["topic"], orjson.dumps(row["state"])) for row in rows if row["table"] == "events"]


def _balanced(states: Iterable[tuple[str, bytes]], seed: int = 1) -> list[bytes]:
    by_topic: dict[str, list[bytes]] = collections.defaultdict(list)
    for topic, state in states:
        by_topic[topic].append(state)
    rng, chosen = random.Random(seed), []
    for topic in sorted(by_topic):
        kept = by_topic[topic]
        rng.shuffle(kept)
        chosen += kept[:PER_TOPIC]
    return chosen


def _chain_store(folder: Path) -> None:
    """A 100-task chain submitted, re-submitted and re-run from task 50, three times (in this process)."""
    import ledgerflow as lf
    from benchmarks.configs import chain_config, configure_engine

    configure_engine(str(folder))
    config = chain_config(100)
    lf.Orchestrator().run()
    for _ in range(3):
        scenario = lf.create_scenario(config)
        lf.submit(scenario, wait=True)
        lf.submit(scenario, wait=True)
        scenario.x49.write(7, editor_id="alice", comment="new figure")
        lf.submit(scenario, wait=True)
    lf.Orchestrator().stop()


def samples(work: Path) -> list[bytes]:
    """The training states: sample stores written under ``work``, and the golden logs."""
    env = child_env()
    big, chain = work / "big", work / "chain"
    big.mkdir()
    chain.mkdir()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bigstore", str(big), "20000", "300"], env=env, check=True, cwd=work
    )
    subprocess.run(
        [sys.executable, "-m", "benchmarks.event_dictionary", "--chain", str(chain)], env=env, check=True, cwd=chain
    )
    chosen = _balanced(_store_states(big / "events.db")) + _balanced(_store_states(chain / "events.db"))
    for log in sorted(GOLDEN.glob("*.jsonl")):
        chosen += _balanced(_golden_states(log))
    return chosen


def train(states: list[bytes]) -> bytes:
    """A zstd dictionary of ``SIZE`` bytes trained on ``states``."""
    import zstandard

    from ledgerflow.storage.compression import DICTIONARY_ID, LEVEL

    dictionary = zstandard.train_dictionary(SIZE, states, dict_id=DICTIONARY_ID, level=LEVEL)
    data: bytes = dictionary.as_bytes()
    return data


if __name__ == "__main__":
    if sys.argv[1] == "--chain":
        _chain_store(Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory(prefix="ledgerflow-dictionary-") as tmp:
            states = samples(Path(tmp))
        Path(sys.argv[1]).write_bytes(train(states))
        print(f"{len(states):,} states, {sum(map(len, states)):,} bytes: {sys.argv[1]}")
