"""Subscriptions (callbacks on job status changes) and events delivered from the log."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pipelines import double

import ledgerflow as lf
from ledgerflow import Config, EventEntityType, EventOperation, Status

CALLS: list[tuple[Any, ...]] = []


def record_call(*args: Any) -> None:
    """A subscriber: remembers its parameters, the entity and the job's status."""
    *params, entity, job = args
    CALLS.append((*params, entity.id, job.task.config_id, job.status))


@pytest.fixture(params=["development", "standalone"])
def running_mode(request: pytest.FixtureRequest, workdir: Path) -> Iterator[str]:
    CALLS.clear()
    Config.configure_job_executions(mode=request.param, max_nb_of_workers=1)
    lf.Orchestrator().run()
    Config.unblock_update()
    yield request.param


def doubling() -> lf.Config:
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    task = Config.configure_task("t", double, x, y)
    return Config.configure_scenario("s", [task], sequences={"only": [task]})


def test_a_subscriber_sees_every_status_change_of_later_jobs(running_mode: str) -> None:
    config = doubling()
    scenario, other = lf.create_scenario(config), lf.create_scenario(config)
    lf.subscribe_scenario(record_call, ["mine"], scenario)
    lf.submit(scenario, wait=True, timeout=60)
    lf.submit(other, wait=True, timeout=60)  # not subscribed
    assert [call[-1] for call in CALLS] == [Status.PENDING, Status.RUNNING, Status.COMPLETED]
    assert {call[:-1] for call in CALLS} == {("mine", scenario.id, "t")}
    lf.unsubscribe_scenario(record_call, ["mine"], scenario)
    lf.submit(scenario, wait=True, timeout=60)
    assert len(CALLS) == 3


def test_subscribing_every_scenario_and_the_subscription_is_recorded(running_mode: str) -> None:
    config = doubling()
    first, second = lf.create_scenario(config), lf.create_scenario(config)
    lf.subscribe_scenario(record_call)  # every existing scenario
    later = lf.create_scenario(config)  # not a future one
    for scenario in (first, second, later):
        lf.submit(scenario, wait=True, timeout=60)
    assert {call[0] for call in CALLS} == {first.id, second.id}
    with pytest.raises(lf.exceptions.LedgerflowError, match="is not subscribed"):
        lf.unsubscribe_scenario(double, None, first)


def test_subscriptions_need_recordable_callbacks_and_parameters(workdir: Path) -> None:
    scenario = lf.create_scenario(doubling())
    with pytest.raises(lf.exceptions.LedgerflowError, match="lambda"):
        lf.subscribe_scenario(lambda *args: None, None, scenario)
    with pytest.raises(lf.exceptions.LedgerflowError, match="cannot be recorded"):
        lf.subscribe_scenario(record_call, [object()], scenario)


def test_a_sequence_subscriber(running_mode: str) -> None:
    scenario = lf.create_scenario(doubling())
    sequence = scenario.sequences["only"]
    lf.subscribe_sequence(record_call, None, sequence)
    lf.submit(sequence, wait=True, timeout=60)
    lf.submit(scenario, wait=True, timeout=60)  # the scenario's jobs are not the sequence's
    assert [call[0] for call in CALLS] == [sequence.id] * 3
    lf.unsubscribe_sequence(record_call, None, sequence)


def test_a_job_skipped_at_submission_reaches_subscribers_and_event_consumers(running_mode: str) -> None:
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    config = Config.configure_scenario("s", [Config.configure_task("t", double, x, y, skippable=True)])
    scenario = lf.create_scenario(config)
    lf.submit(scenario, wait=True, timeout=60)
    consumer = lf.EventConsumer(since=lf.EventConsumer().latest_position(), attribute_name="status")
    lf.subscribe_scenario(record_call, ["mine"], scenario)
    skipped = lf.submit(scenario, wait=True, timeout=60).jobs[0]
    assert skipped.status is Status.SKIPPED
    assert [("mine", scenario.id, "t", Status.SKIPPED)] == CALLS
    events = [e for e in consumer.poll() if e.entity_type is EventEntityType.JOB]
    assert [(e.entity_id, e.operation, e.attribute_value) for e in events] == [
        (skipped.id, EventOperation.UPDATE, Status.SKIPPED)
    ]


def test_on_event_delivers_job_transitions_from_the_log(running_mode: str) -> None:
    seen: list[lf.Event] = []
    done = threading.Event()

    def collect(event: lf.Event) -> None:
        seen.append(event)
        if event.attribute_value is Status.COMPLETED:
            done.set()

    subscription = lf.on_event(collect, entity_type=EventEntityType.JOB, attribute_name="status")
    try:
        scenario = lf.create_scenario(doubling())
        submission = lf.submit(scenario, wait=True, timeout=60)
        assert done.wait(30)
    finally:
        subscription.stop()
    job = submission.jobs[0]
    assert [(e.entity_id, e.attribute_value) for e in seen] == [
        (job.id, Status.PENDING),
        (job.id, Status.RUNNING),
        (job.id, Status.COMPLETED),
    ]
    assert all(e.operation is EventOperation.UPDATE for e in seen)
    assert [e.position for e in seen] == sorted(e.position for e in seen)
    assert seen[-1].metadata["correlation_id"] == submission.id


CONSUMER = """
import sys
import ledgerflow as lf
from ledgerflow import EventEntityType

consumer = lf.EventConsumer("audit", storage_folder=sys.argv[1], entity_type=EventEntityType.JOB)
events = []
while batch := consumer.poll():
    events += batch
consumer.commit()
print(len(events), sorted({e.attribute_name for e in events if e.attribute_name}))
"""


def test_a_consumer_in_another_process_resumes_where_it_stopped(workdir: Path) -> None:
    script = workdir / "consumer.py"
    script.write_text(textwrap.dedent(CONSUMER))
    storage = str(workdir / ".ledgerflow")

    def consume() -> str:
        done = subprocess.run([sys.executable, str(script), storage], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    config = doubling()
    lf.Orchestrator().run()
    lf.submit(lf.create_scenario(config))
    assert consume() == "4 ['status']"  # created, then PENDING, RUNNING, COMPLETED
    lf.submit(lf.create_scenario(config))
    lf.submit(lf.create_scenario(config))
    assert consume() == "8 ['status']"  # only the new events: none lost, none twice
    assert consume() == "0 []"


UNRESOLVABLE = """
import ledgerflow as lf
from ledgerflow import Config
from pipelines import double

x = Config.configure_data_node("x", default_data=3)
y = Config.configure_data_node("y")
config = Config.configure_scenario("s", [Config.configure_task("t", double, x, y)])
Config.configure_core(mode="experiment", version_number="v1")

def {name}(*args):
    print("called", args[-1].status.name)

if __name__ == "__main__":
    lf.Orchestrator().run()
    scenario = lf.get_scenarios()[0] if lf.get_scenarios() else lf.create_scenario(config)
    if "{name}" == "first_script_callback":
        lf.subscribe_scenario(first_script_callback, None, scenario)
    print(lf.submit(scenario, wait=True).status.name)
"""


@pytest.mark.slow
def test_a_subscriber_defined_in_another_script_is_skipped_not_fatal(tmp_path: Path) -> None:
    tests = str(Path(__file__).parents[1])
    outputs = []
    for name in ("first_script_callback", "second_script"):
        script = tmp_path / f"{name}.py"
        script.write_text(textwrap.dedent(UNRESOLVABLE.replace("{name}", name)))
        env = {"PYTHONPATH": tests, "PATH": ""}
        done = subprocess.run(
            [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done)
    assert "called COMPLETED" in outputs[0].stdout and outputs[0].stdout.strip().endswith("COMPLETED")
    assert outputs[1].stdout.strip() == "COMPLETED"
    assert "__main__.first_script_callback cannot be imported in this process" in outputs[1].stderr
