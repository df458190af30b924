"""``ledgerflow compact`` killed mid-run loses no value: the next run finishes it (issue 18, item 6).

Real kills (SIGKILL) of the command in a subprocess, at two moments: while the archive is being
written (a ``*.zip.partial`` exists) and once the removal may have begun (the intent is written or
a payload file is gone). After the kill, a second ``compact``; then every value ever written is
either still stored or in an archive that a ``ledgerflow.compaction.done`` event names.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ledgerflow.storage import BlobNotFound, BlobStore, EventStore

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ledgerflow.cli"]
APP = """
import json
import ledgerflow as lf
from ledgerflow import Config

Config.configure_core(mode="experiment", version_number="kill")
big = Config.configure_data_node("big")
small = Config.configure_data_node("small")
scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[big, small]))
for i in range(300):
    scenario.big.write(f"{i:06d}" * 12_000)  # 72 KB: payload files
for i in range(1500):
    scenario.small.write(i)  # rows of the database
print(json.dumps([e["hash"] for node in (scenario.big, scenario.small) for e in node.edits]))
lf.Orchestrator().stop()
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("written")
    (folder / "app.py").write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return folder, json.loads(done.stdout.strip().splitlines()[-1])


def _copy(template: tuple[Path, list[str]], tmp_path: Path) -> tuple[Path, list[str]]:
    folder = tmp_path / "app"
    shutil.copytree(template[0], folder)
    return folder, template[1]


def _kill_when(folder: Path, moment: Callable[[], bool]) -> None:
    """Start ``compact``, SIGKILL it at ``moment``; fail if it ends first."""
    process = subprocess.Popen([*CLI, "compact", "--keep-days", "0"], cwd=folder, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not moment():
        assert process.poll() is None, "compact ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _compact(folder: Path) -> str:
    done = subprocess.run(
        [*CLI, "compact", "--keep-days", "0"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _lost(folder: Path, hashes: list[str]) -> list[str]:
    """The values neither stored nor in an archive the log names."""
    with EventStore.open(folder / ".ledgerflow" / "events.db", create=False) as store:
        blobs = BlobStore(folder / ".ledgerflow" / "blobs", inline=store.inline_blobs)
        archived: set[str] = set()
        for record in store.iter_records():
            if record.topic == "ledgerflow.compaction.done":
                with zipfile.ZipFile(record.payload["archive"]) as zipped:
                    entries = set(zipped.namelist())
                archived |= {h for h in record.payload["removed"] if f"blobs/{h[:2]}/{h[2:]}" in entries}
        lost = []
        for digest in dict.fromkeys(hashes):
            try:
                blobs.get(digest)
            except BlobNotFound:
                if digest not in archived:
                    lost.append(digest)
        return lost


def test_killed_while_removing_then_run_again_loses_nothing(template: tuple[Path, list[str]], tmp_path: Path) -> None:
    folder, hashes = _copy(template, tmp_path)
    files = [folder / ".ledgerflow" / "blobs" / h[:2] / h[2:] for h in hashes[:300]]
    intent = folder / ".ledgerflow" / "compaction-intent.json"
    _kill_when(folder, lambda: intent.exists() or not all(f.exists() for f in files[:-1:7]))
    killed_midway = intent.exists()  # the kill came before the compaction was recorded
    said = _compact(folder)
    assert _lost(folder, hashes) == []
    assert killed_midway and "was interrupted; it is finished now" in said
    assert not intent.exists()
    assert "Nothing to remove." in _compact(folder)  # the policy was applied in full


def test_killed_while_archiving_leaves_no_partial_file(template: tuple[Path, list[str]], tmp_path: Path) -> None:
    folder, hashes = _copy(template, tmp_path)
    archive = folder / ".ledgerflow" / "archive"
    _kill_when(folder, lambda: archive.is_dir() and any(archive.glob("*.zip.partial")))
    _compact(folder)
    assert not list(archive.glob("*.zip.partial"))
    assert len(list(archive.glob("*.zip"))) == 1
    assert _lost(folder, hashes) == []
