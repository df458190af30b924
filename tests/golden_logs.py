"""Golden event logs: real logs recorded from example apps, kept as fixtures in ``tests/golden/``.

Each ``NAME.jsonl`` holds the stored rows of one log (one JSON object per line: ``"table":
"events"`` rows with position, aggregate id and version, topic and stored state; ``"table":
"blobs"`` rows with the small payloads the store keeps inline), and ``NAME.summary.json`` what a
replay of it must give. ``test_replay_golden.py`` loads each into a fresh store and compares, so a
change that breaks replaying old logs fails. To record them again (only when a log format change
is intended, with an upcaster for the old one): ``python tests/golden_logs.py``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.datanodes import node_spec
from ledgerflow.service.timetravel.recorded_values import read_by_hash
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.compression import plain_state
from ledgerflow.storage.datanodes import Backends
from ledgerflow.storage.eventstore import EventStore
from ledgerflow.storage.inline_blobs import TABLE as BLOB_TABLE

GOLDEN = Path(__file__).parent / "golden"
REPOSITORY = Path(__file__).parents[1]

#: name -> the commands that make its log: ("copy", source, target) or ledgerflow CLI arguments.
RECORDINGS: dict[str, list[tuple[str, ...]]] = {
    "seed": [
        ("copy", "examples/seed/main.py", "main.py"),
        ("run", "main.py"),
        ("run", "main.py"),
        ("run", "main.py", "--experiment", "1.0"),
    ],
    "production": [
        ("copy", "examples/production/main.py", "main.py"),
        ("run", "main.py", "--development"),
        ("run", "main.py", "--experiment", "0.1"),
        ("run", "main.py", "--production", "1.0"),
        ("manage-versions", "--rename", "0.1", "0.2"),
        ("copy", "examples/production/main_v2_migrations.py", "main.py"),
        ("run", "main.py", "--production", "2.0"),
    ],
    "failing_task": [("copy", "tests/golden/apps/failing_task.py", "main.py"), ("run", "main.py", "--experiment")],
    "monthly_cycle": [("copy", "tests/golden/apps/monthly_cycle.py", "main.py"), ("run", "main.py", "--experiment")],
}


def dump(store: EventStore, path: Path) -> None:
    """Write every stored row of ``store`` (events, then inline payloads) to ``path`` as JSON lines."""
    lines = []
    for position, entity, version, topic, state in store.recorder.select_rows(0, None, 10**9):
        row = {"table": "events", "position": position, "originator_id": entity, "originator_version": version}
        lines.append({**row, "topic": topic, "state": orjson.loads(plain_state(state))})
    for digest, data in store.recorder.run(
        f"SELECT hash, data FROM {store.recorder.qualify(BLOB_TABLE)} ORDER BY hash"
    ):
        lines.append({"table": "blobs", "hash": digest, "data": base64.b64encode(bytes(data)).decode()})
    path.write_text("".join(json.dumps(line, sort_keys=False) + "\n" for line in lines))


def load(path: Path, folder: Path, *, compressed: bool = False) -> EventStore:
    """A fresh store in ``folder`` holding the rows of the golden log at ``path``.

    The states are stored as the logs were recorded, plain JSON (the format of stores written
    before states were compressed); ``compressed`` stores them as ledgerflow writes them now.
    """
    store = EventStore.open(folder / "events.db")
    events, blobs = [], []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if row["table"] == "events":
            state = orjson.dumps(row["state"])
            events.append((row["originator_id"], row["originator_version"], row["topic"], state))
        else:
            blobs.append((row["hash"], base64.b64decode(row["data"])))
    if compressed:
        store.insert([events], blobs)
    else:
        store.recorder.insert_rows(events, blobs)
    return store


def _value(backends: Backends, view: Any) -> Any:
    if not view.edits:
        return None
    try:
        return repr(read_by_hash(backends, node_spec(view), view.edits[-1].content_hash))
    except Exception as error:  # a payload kept as a file is not in the golden log
        return f"<{type(error).__name__}>"


def summarize(state: CurrentState, store: EventStore) -> dict[str, Any]:
    """What a replay of a golden log must give: entities, their states, values and indexes."""
    backends = Backends(BlobStore(Path(tempfile.gettempdir()) / "ledgerflow-golden-nofiles", inline=store.inline_blobs))
    return {
        "position": state.position,
        "versions": {name: v.mode for name, v in sorted(state.versions.items())},
        "scenarios": {
            s.id: {
                "config": s.config_id,
                "name": s.name,
                "version": s.version,
                "cycle": s.cycle_id,
                "primary": s.is_primary,
                "tags": sorted(s.tags),
                "tasks": [state.tasks[t].config_id for t in s.task_ids if t in state.tasks],
                "sequences": [state.sequences[q].name for q in s.sequence_ids],
            }
            for s in state.scenarios.values()
        },
        "data_nodes": {
            d.id: {
                "config": d.config_id,
                "scope": d.scope,
                "owner": d.owner_id,
                "version": d.version,
                "writes": [[e.kind, e.content_hash[:16], e.job_id, e.editor_id] for e in d.edits],
                "value": _value(backends, d),
            }
            for d in state.data_nodes.values()
        },
        "tasks": {t.id: [t.config_id, t.version, t.skippable, t.function] for t in state.tasks.values()},
        "jobs": {j.id: [j.task_id, j.version, [c.status.name for c in j.history]] for j in state.jobs.values()},
        "submissions": {
            s.id: [s.entity_id, s.status.name, s.version, s.properties.get("rerun_of")]
            for s in state.submissions.values()
        },
        "cycles": {c.id: [c.name, c.version] for c in state.cycles.values()},
        "parents": {child: sorted(parents) for child, parents in sorted(state.parents.items())},
        "task_jobs": dict(sorted(state.task_jobs.items())),
        "by_key": dict(sorted(state.by_key.items())),
    }


def record(name: str) -> None:
    """Run the recording of ``name`` in a scratch folder and write its log and summary to ``tests/golden/``."""
    from ledgerflow.service.audit.replay import rebuild

    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "tests")}
    env.pop("LEDGERFLOW_EVENT_STORE", None)
    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch)
        for step in RECORDINGS[name]:
            if step[0] == "copy":
                shutil.copy(REPOSITORY / step[1], where / step[2])
                continue
            command = [sys.executable, "-m", "ledgerflow.cli", *step]
            done = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{name}: {' '.join(step)} failed:\n{done.stderr}")
        with EventStore.open(where / ".ledgerflow" / "events.db", create=False) as store:
            dump(store, GOLDEN / f"{name}.jsonl")
            state, _ = rebuild(store)
            summary = summarize(state, store)
    (GOLDEN / f"{name}.summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    for recording in sys.argv[1:] or list(RECORDINGS):
        record(recording)
        print(f"recorded {recording}")
