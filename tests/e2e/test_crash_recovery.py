"""Kill -9 of the orchestrating process in the middle of a submission, then start the application again.

Two workers are busy with jobs waiting for a gate file, two more jobs wait for those (BLOCKED)
and a second submission's job waits for a worker (PENDING): the process is killed. On the next
start, the jobs that were RUNNING are retried (their task allows it) or FAILED with the reason,
the queued and blocked jobs run, both submissions complete, and every job wrote its output once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ledgerflow.storage.errors import EventStoreError
from ledgerflow.storage.eventstore import EventStore

pytestmark = pytest.mark.slow

TESTS = Path(__file__).parents[1]

APP = """
import json
import sys

import ledgerflow as lf
from ledgerflow import Config
from standalone_tasks import gated, wait_for_files

Config.configure_core(mode="experiment", version_number="crash")
Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
folder = sys.argv[2]


def node(name, value=None):
    return Config.configure_data_node(name, default_data=value)


retried = Config.configure_task("retried", gated, node("spec1", {"folder": folder, "name": "retried"}), node("out1"),
                                retries=1)
failed = Config.configure_task("failed", gated, node("spec2", {"folder": folder, "name": "failed"}), node("out2"))
after_retried = Config.configure_task("after_retried", str, node("out1"), node("out3"))
after_failed = Config.configure_task("after_failed", str, node("out2"), node("out4"))
queued = Config.configure_task("queued", gated, node("spec5", {"folder": folder, "name": "queued"}), node("out5"))
config = Config.configure_scenario("crash", [retried, failed, after_retried, after_failed])
later = Config.configure_scenario("later", [queued])

if __name__ == "__main__":
    lf.Orchestrator().run()  # resumes what a previous run left unfinished
    if sys.argv[1] == "submit":
        submission = lf.submit(lf.create_scenario(config))
        wait_for_files(__import__("pathlib").Path(folder), "started-", 2, submission)
        lf.submit(lf.create_scenario(later))  # no worker is free: its job stays PENDING
        submission.wait()  # killed before it returns
    else:
        submissions = lf.get_submissions()
        finished = all(s.wait(120) for s in submissions)
        jobs = {
            j.task.config_id: [j.status.name, [[s.name, why] for s, _, why in j.status_change_records]]
            for submission in submissions
            for j in submission.jobs
        }
        print(json.dumps({"finished": finished, "status": [s.status.name for s in submissions], "jobs": jobs}))
    lf.Orchestrator().stop()
"""


def _records(db: Path) -> list:
    with EventStore.open(db, create=False) as store:
        return list(store.iter_records())


def _statuses(db: Path) -> list[int]:
    """The current status of every job in the log."""
    statuses: dict[str, int] = {}
    try:
        records = _records(db)
    except EventStoreError:  # not created yet
        return []
    for record in records:
        if record.topic == "ledgerflow.job.created":  # SUBMITTED, or the first status judged at submission
            statuses[record.originator_id] = record.payload["status"]
        if record.topic == "ledgerflow.job.status_changed":
            statuses[record.originator_id] = record.payload["status"]
    return sorted(statuses.values())


def _wait(condition, what: str, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit:.0f} s for {what}")
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"  # a zombie no one reaped is dead too


def test_a_killed_orchestrator_resumes_its_submission_on_the_next_start(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    folder = tmp_path / "files"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    env.pop("LEDGERFLOW_EVENT_STORE", None)
    app = subprocess.Popen(
        [sys.executable, "app.py", "submit", str(folder)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        db = tmp_path / ".ledgerflow" / "events.db"
        # 2 BLOCKED, 1 PENDING, 2 RUNNING: durable in the log
        _wait(lambda: _statuses(db) == [2, 2, 3, 4, 4], "the jobs to be queued, blocked and running")
        workers = [int(p.name.rsplit("-", 1)[1]) for p in folder.glob("started-*")]
        app.send_signal(signal.SIGKILL)
        app.wait(30)
    finally:
        app.kill()
    _wait(lambda: all(_gone(pid) for pid in workers), "the workers to exit with their orchestrator")
    (folder / "open").touch()

    restart = subprocess.run(
        [sys.executable, "app.py", "resume", str(folder)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert restart.returncode == 0, restart.stderr
    result = json.loads(restart.stdout.strip().splitlines()[-1])
    assert result["finished"] and result["status"] == ["FAILED", "COMPLETED"]
    jobs = {name: status for name, (status, _) in result["jobs"].items()}
    assert jobs == {
        "retried": "COMPLETED",
        "failed": "FAILED",
        "after_retried": "COMPLETED",
        "after_failed": "ABANDONED",
        "queued": "COMPLETED",
    }
    retried = [status for status, _ in result["jobs"]["retried"][1]]
    assert retried == ["SUBMITTED", "PENDING", "RUNNING", "PENDING", "RUNNING", "COMPLETED"]
    assert result["jobs"]["retried"][1][3][1].startswith("retry 1 of 1 after: orchestrator lost")
    assert result["jobs"]["failed"][1][-1][1].startswith("orchestrator lost")

    writes: dict[str, int] = {}
    for record in _records(tmp_path / ".ledgerflow" / "events.db"):
        if record.topic == "ledgerflow.datanode.written" and record.payload["job_id"]:
            writes[record.payload["job_id"]] = writes.get(record.payload["job_id"], 0) + 1
    assert sorted(writes.values()) == [1, 1, 1]  # retried, after_retried, queued: once each
