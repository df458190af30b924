"""A process that must run alone on a store (``compact``) and the processes that open it meanwhile."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ledgerflow.storage.presence import Presence, StoreInUse

ALONE_FOR_A_WHILE = """
import sys
import time

from ledgerflow.storage.presence import Presence

with Presence(sys.argv[1]).alone("test"):
    print("alone", flush=True)
    time.sleep(1.0)
"""


def test_a_process_opening_the_store_waits_while_another_runs_alone(tmp_path: Path) -> None:
    other = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(ALONE_FOR_A_WHILE), str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "alone"
        start = time.monotonic()
        mine = Presence(tmp_path)
        assert time.monotonic() - start > 0.5  # it waited until the other process was done
        other.wait(timeout=60)
        with mine.alone("test"):  # the other process is gone: nobody else has the store open
            pass
        mine.close()
    finally:
        other.wait(timeout=60)


def test_the_presences_of_one_process_share_its_lock(tmp_path: Path) -> None:
    first, second = Presence(tmp_path), Presence(tmp_path)
    with first.alone("test"):  # this process's other presence is not another process
        pass
    first.close()
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from ledgerflow.storage.presence import Presence; Presence({str(tmp_path)!r}).alone('x').__enter__()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "StoreInUse" in other.stderr  # the second presence still holds this process's share
    second.close()


def test_running_alone_is_refused_while_another_process_has_the_store_open(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from ledgerflow.storage.presence import Presence; held = Presence({str(tmp_path)!r}); "
            "print('open', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        mine = Presence(tmp_path)
        with (
            pytest.raises(StoreInUse, match="Cannot compact the store: another process"),
            mine.alone("compact the store"),
        ):
            pass
        mine.close()
    finally:
        holder.communicate("\n", timeout=60)
