"""Cluster mode: jobs queued in RabbitMQ, run by `ledgerflow run-worker` processes, the log in PostgreSQL.

Workers import this file (not its __main__ block): its configs and task functions. The broker and
the event store come from the environment, so no credential is written in the log.

    python run.py      # on localhost: starts 2 workers, runs this app, stops them
"""

import os
import time

import ledgerflow as lf
from ledgerflow import Config


def measure(seed: int) -> list[int]:
    time.sleep(0.2)
    return [seed * i for i in range(10)]


def total(values: list[int]) -> int:
    return sum(values)


def spread(values: list[int]) -> int:
    time.sleep(0.2)
    return max(values) - min(values)


def report(a: int, b: int) -> str:
    return f"total {a}, spread {b}, measured by worker process {os.getpid()}"


Config.configure_core(mode="experiment", version_number="cluster-demo", event_store="ENV[LEDGERFLOW_EVENT_STORE]")
Config.configure_job_executions(
    mode="cluster",
    broker_url="ENV[LEDGERFLOW_BROKER]",
    queue="ledgerflow-example",
    job_timeout=60,
    queued_timeout=120,
    lease_seconds=10,
)
seed = Config.configure_data_node("seed", default_data=3)
values = Config.configure_data_node("values")
sum_ = Config.configure_data_node("sum")
width = Config.configure_data_node("width")
text = Config.configure_data_node("text")
config = Config.configure_scenario(
    "stats",
    [
        Config.configure_task("measure", measure, seed, values),
        Config.configure_task("total", total, values, sum_),  # total and spread are independent:
        Config.configure_task("spread", spread, values, width),  # two workers run them at once
        Config.configure_task("report", report, [sum_, width], text, retries=1),
    ],
)


if __name__ == "__main__":
    lf.Orchestrator().run()
    submissions = [lf.submit(lf.create_scenario(config)) for _ in range(3)]  # returns at once: jobs are queued
    for submission in submissions:
        submission.wait(120)
        print(submission.id, submission.status.name, "-", submission.scenario.text.read())
        for job in submission.jobs:
            started = next((why for status, _, why in job.status_change_records if status.name == "RUNNING"), "")
            print(f"  {job.task.config_id}: {job.status.name} ({started})")
    lf.Orchestrator().stop()
