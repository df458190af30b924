"""Two application processes starting the same version and submitting against one SQLite store at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ledgerflow.storage.eventstore import EventStore

pytestmark = pytest.mark.slow

TESTS = Path(__file__).parents[1]
COUNT = 25

APP = """
import json
import sys

import ledgerflow as lf
from ledgerflow import Config
from standalone_tasks import inc

Config.configure_core(mode="experiment", version_number="shared")
Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
x = Config.configure_data_node("x", default_data=1)
y = Config.configure_data_node("y")
config = Config.configure_scenario("s", [Config.configure_task("t", inc, x, y)])

if __name__ == "__main__":
    lf.Orchestrator().run()
    submissions = [lf.submit(lf.create_scenario(config)) for _ in range(int(sys.argv[1]))]
    finished = all(s.wait(120) for s in submissions)
    print(json.dumps({"finished": finished, "completed": sum(s.is_completed() for s in submissions)}))
    lf.Orchestrator().stop()
"""


def test_two_processes_share_one_store_without_losing_anything(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    env.pop("LEDGERFLOW_EVENT_STORE", None)
    command = [sys.executable, "app.py"]
    both = [
        subprocess.Popen(
            [*command, str(COUNT)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for process in both:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "database is locked" not in err
        assert json.loads(out.strip().splitlines()[-1]) == {"finished": True, "completed": COUNT}

    with EventStore.open(tmp_path / ".ledgerflow" / "events.db", create=False) as store:
        records = list(store.iter_records())
    submissions: dict[str, int] = {}
    writes: dict[str, int] = {}
    for record in records:
        if record.topic == "ledgerflow.submission.created":
            submissions[record.originator_id] = 0
        elif record.topic == "ledgerflow.submission.status_changed":
            submissions[record.originator_id] = record.payload["status"]
        elif record.topic == "ledgerflow.datanode.written" and record.payload["job_id"]:
            writes[record.payload["job_id"]] = writes.get(record.payload["job_id"], 0) + 1
    assert len(submissions) == 2 * COUNT and set(submissions.values()) == {7}  # all COMPLETED
    assert len(writes) == 2 * COUNT and set(writes.values()) == {1}  # each job wrote once
    assert [r.position for r in records] == sorted({r.position for r in records})
