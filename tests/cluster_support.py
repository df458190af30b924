"""Cluster-mode test harness: RabbitMQ and PostgreSQL on localhost, workers as subprocesses."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BROKER_URL = os.environ.get("LEDGERFLOW_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
TESTS = Path(__file__).parent
APP = "import cluster_app\ncluster_app.configure({variant!r})\n"


def rabbitmq_reachable() -> None:
    """Skip (or, under CI=true, fail) when RabbitMQ cannot be reached."""
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=3).close()
    except OSError as error:
        reason = f"RabbitMQ is not reachable at 127.0.0.1:5672: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@dataclass
class Cluster:
    """The test's queue, its environment, and the workers it started."""

    folder: Path
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def app(self, variant: str = "") -> Path:
        path = self.folder / f"app{variant}.py"
        path.write_text(APP.format(variant=variant))
        return path

    def start_worker(
        self,
        concurrency: int = 1,
        variant: str = "",
        wait: bool = True,
        new_session: bool = False,
        application: bool = True,
    ) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{len(self.workers)}.log").open("wb")
        app = (
            ["--application-path", str(self.app(variant))]
            if application
            else ["--queues", self.env["LEDGERFLOW_TEST_QUEUE"]]
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "ledgerflow.cli", "run-worker", *app, "--concurrency", str(concurrency),
             "--loglevel", "INFO"],
            cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=new_session,
        )  # fmt: skip
        self.workers.append(worker)
        if wait:
            self.wait_ready(worker)
        return worker

    def wait_ready(self, worker: subprocess.Popen[bytes], timeout: float = 30) -> None:
        """Until the worker's log says it is ready to consume."""
        index = self.workers.index(worker)
        path = self.folder / f"worker-{index}.log"
        deadline = time.monotonic() + timeout
        while b" ready." not in path.read_bytes():
            assert worker.poll() is None, f"the worker stopped: {path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the worker did not start: {path.read_text()[-3000:]}"
            time.sleep(0.1)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("worker-*.log")))

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_for(condition: object, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s for {what}"
        time.sleep(0.05)


def delete_queue(queue: str) -> None:
    from kombu import Connection

    with Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        for name in (queue, f"{queue}.dead"):
            try:
                channel.queue_delete(name)
            except Exception:
                channel = connection.channel()


def cluster_for(folder: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, **extra: str) -> Iterator[Cluster]:
    """Set the environment of a cluster test (for this process and its workers); stop the workers after."""
    rabbitmq_reachable()
    queue = f"lf-test-{uuid.uuid4().hex[:10]}"
    settings = {
        "LEDGERFLOW_EVENT_STORE": postgres_url,
        "LEDGERFLOW_TEST_QUEUE": queue,
        "LEDGERFLOW_TEST_BROKER": BROKER_URL,
        **extra,
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    cluster = Cluster(folder, env)
    try:
        yield cluster
    finally:
        cluster.stop()
        delete_queue(queue)


def queued_messages() -> int:
    """How many messages wait in the test's queue (none consumed)."""
    from kombu import Connection

    with Connection(BROKER_URL) as connection:
        declared = connection.default_channel.queue_declare(os.environ["LEDGERFLOW_TEST_QUEUE"], passive=True)
        return int(declared.message_count)


def close_broker_connections(pid: int) -> int:
    """Make RabbitMQ close the connections of process ``pid`` (as a network cut would); how many."""
    sockets = subprocess.run(["ss", "-tnpH", "dst", "127.0.0.1:5672"], capture_output=True, text=True).stdout
    ports = {line.split()[3].rsplit(":", 1)[1] for line in sockets.splitlines() if f"pid={pid}," in line}
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "peer_port"], capture_output=True, text=True
    ).stdout
    closed = 0
    for line in listed.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] in ports:
            subprocess.run(["rabbitmqctl", "-q", "close_connection", parts[0], "test: connection cut"], check=True)
            closed += 1
    return closed


def dead_lettered_messages() -> int:
    """How many messages the broker dead-lettered from the test's queue."""
    from kombu import Connection

    with Connection(BROKER_URL) as connection:
        name = os.environ["LEDGERFLOW_TEST_QUEUE"] + ".dead"
        return int(connection.default_channel.queue_declare(name, passive=True).message_count)


def rabbitmqctl(*args: str) -> str:
    """Run ``rabbitmqctl`` on this machine's broker (the tests own it: CI runs here, one test at a time)."""
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, check=True, timeout=60).stdout


def restart_broker() -> None:
    """Stop the broker's application and start it again; its durable queues and their messages survive."""
    rabbitmqctl("stop_app")
    rabbitmqctl("start_app")
    rabbitmqctl("await_startup")


KILLED_SUBMITTER = """
import json, os, signal, sys, time
from pathlib import Path
import ledgerflow as lf
from cluster_app import configure, scenario_with
configure()
lf.Orchestrator().run()
folder, config_id, data, mark = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
submission = lf.submit(scenario_with(config_id, **data))
(folder / "submission").write_text(submission.id)
while not list(folder.glob(mark)):
    time.sleep(0.02)
os.kill(os.getpid(), signal.SIGKILL)
"""


def submit_then_die(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch, config_id: str, data: dict[str, object], mark: str
) -> str:
    """Submit from another process that SIGKILLs itself once a file matching ``mark`` appears in the
    test's folder; the submission's id. The test's process then runs the same version, to resume it."""
    script = cluster.folder / "submitter.py"
    script.write_text(KILLED_SUBMITTER)
    version = {"LEDGERFLOW_MODE": "experiment", "LEDGERFLOW_VERSION": "v1"}
    for key, value in version.items():
        monkeypatch.setenv(key, value)
    args = [sys.executable, str(script), str(cluster.folder), config_id, json.dumps(data), mark]
    killed = subprocess.run(args, cwd=cluster.folder, env={**cluster.env, **version}, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    return (cluster.folder / "submission").read_text()
