"""A checkpoint can neither run code nor change state: planted, edited, foreign or misshapen ones are
not used — a warning, and the state comes from the log (issue 18, item 7)."""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest
from tampering import edit_part, part_of

CLI = [sys.executable, "-m", "ledgerflow.cli"]
APP = textwrap.dedent(
    """
    import sys
    import ledgerflow as lf
    from ledgerflow import Config
    from ledgerflow.service import session

    Config.configure_core(mode="experiment", version_number="v1")
    config = Config.configure_scenario("s", [])
    lf.Orchestrator().run()
    if sys.argv[1] == "create":
        lf.create_scenario(config, name=sys.argv[2])
        session.current().runtime.save_checkpoint(force=True)
    else:
        print(sorted(s.name for s in lf.get_scenarios()), len(lf.get_jobs()), len(lf.get_data_nodes()))
    lf.Orchestrator().stop()
    """
)


def _app(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (folder / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    done = subprocess.run(
        [sys.executable, "app.py", *args], cwd=folder, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def _scenario_named(folder: Path, name: str) -> None:
    """A store in ``folder`` with one scenario called ``name``, and a checkpoint after it."""
    _app(folder, "create", name)


def _parts(folder: Path, part: str) -> list[bytes]:
    """Part ``part`` of every saved checkpoint, as written."""
    return list(part_of(folder / ".ledgerflow" / "events.db", part).values())


def _set_part(folder: Path, part: str, data: bytes, *, reseal: bool = False) -> None:
    """Replace ``part`` in every saved checkpoint (with ``reseal``, its digest in the seal too)."""
    db = folder / ".ledgerflow" / "events.db"
    edit_part(db, part, data)
    if reseal:
        for (name, position), raw in part_of(db, "_seal").items():
            seal = orjson.loads(raw)
            seal["parts"][part] = hashlib.sha256(data).hexdigest()
            edit_part(db, "_seal", orjson.dumps(seal), name=name, position=position)


class _Planted:
    """A pickle that, if loaded, creates a file (stands for any code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("part", ["scenarios", "versions", "jobs", "data_nodes"])
def test_a_planted_pickle_in_a_checkpoint_runs_no_code(tmp_path: Path, part: str) -> None:
    _scenario_named(tmp_path, "alpha")
    marker = tmp_path / "planted-code-ran"
    _set_part(tmp_path, part, pickle.dumps(_Planted(marker)))
    listed = _app(tmp_path, "list")
    replay = subprocess.run([*CLI, "replay"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    versions = subprocess.run(
        [*CLI, "manage-versions", "--list"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert not marker.exists()
    assert "['alpha']" in listed.stdout
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert versions.returncode == 0, versions.stdout + versions.stderr


def test_an_edited_checkpoint_does_not_change_the_state(tmp_path: Path) -> None:
    _scenario_named(tmp_path, "alpha")
    edited = _parts(tmp_path, "scenarios")[0].replace(b"alpha", b"omega")  # valid data in any format
    _set_part(tmp_path, "scenarios", edited)
    listed = _app(tmp_path, "list")
    assert "['alpha']" in listed.stdout
    assert "checkpoint" in listed.stderr and "folding the log" in listed.stderr


def test_a_checkpoint_of_another_log_is_not_used(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    mine.mkdir()
    other.mkdir()
    _scenario_named(mine, "alpha")
    _scenario_named(other, "omega")  # as many events, the same projection code
    with sqlite3.connect(mine / ".ledgerflow" / "events.db") as db:
        db.execute("DELETE FROM ledgerflow_checkpoint_parts")
        db.execute("ATTACH DATABASE ? AS other", [str(other / ".ledgerflow" / "events.db")])
        db.execute("INSERT INTO ledgerflow_checkpoint_parts SELECT * FROM other.ledgerflow_checkpoint_parts")
    listed = _app(mine, "list")
    assert "['alpha']" in listed.stdout
    assert "does not match the log's hash chain" in listed.stderr


@pytest.mark.parametrize(
    "shape",
    [
        b"[]",  # a list where an object is expected
        b'{"SCENARIO_x": [1, 2]}',  # a view of the wrong length
        b'{"SCENARIO_x": "alpha"}',  # text where a view is expected
        b"not json at all",
    ],
)
def test_a_checkpoint_of_the_wrong_shape_is_folded_from_the_log(tmp_path: Path, shape: bytes) -> None:
    _scenario_named(tmp_path, "alpha")
    _set_part(tmp_path, "scenarios", shape, reseal=True)
    listed = _app(tmp_path, "list")
    assert "['alpha']" in listed.stdout
    assert "cannot be read" in listed.stderr


def test_audit_verify_reports_an_edited_checkpoint(tmp_path: Path) -> None:
    _scenario_named(tmp_path, "alpha")
    verify = [*CLI, "audit", "verify"]
    intact = subprocess.run(verify, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert intact.returncode == 0 and "matches its seal and the chain" in intact.stdout
    _set_part(tmp_path, "scenarios", _parts(tmp_path, "scenarios")[0].replace(b"alpha", b"omega"))
    edited = subprocess.run(verify, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert edited.returncode == 1
    assert "The log is intact" in edited.stdout and "scenarios were changed or removed" in edited.stdout
