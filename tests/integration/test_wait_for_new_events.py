"""A follower waits for another process's events: LISTEN/NOTIFY on PostgreSQL, a cheap poll on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from backends import BACKENDS

from ledgerflow.storage.eventstore import EventStore

WRITER = """
import sys

import ledgerflow as lf
from ledgerflow import Config

Config.configure_core(mode="experiment", version_number="w")
x = Config.configure_data_node("x", default_data=0)
scenario = lf.create_scenario(Config.configure_scenario("s", additional_data_node_configs=[x]))
scenario.x.write(0)  # durable on return, and so is everything recorded before it
print("ready", flush=True)
sys.stdin.readline()
scenario.x.write(1)
"""


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / '.ledgerflow' / 'events.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_a_follower_is_woken_by_another_processs_commit(url: str, tmp_path: Path) -> None:
    (tmp_path / "writer.py").write_text(textwrap.dedent(WRITER))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    env["LEDGERFLOW_EVENT_STORE"] = url
    writer = subprocess.Popen(
        [sys.executable, "writer.py"], cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        with EventStore.open(url, create=False) as store:
            end = store.max_position()
            assert end > 0
            started = time.monotonic()
            assert store.wait_for_new_events(end, timeout=0.3) is False  # nothing new: it times out
            assert time.monotonic() - started >= 0.3
            assert store.wait_for_new_events(end - 1, timeout=5) is True  # already past: at once
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert store.wait_for_new_events(end, timeout=60) is True
            assert next(r.topic for r in store.read(after=end)) == "ledgerflow.datanode.written"
            if url.startswith("postgresql"):  # woken by NOTIFY on its listening connection, not by polling
                assert store._listener is not None and store._listener._conn is not None
            assert store.wait_for_new_events(store.max_position(), timeout=0.1) is False
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
