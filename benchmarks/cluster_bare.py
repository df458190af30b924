"""The reference of the ``cluster`` benchmark: a bare Celery task doing the same work, same broker.

It gets the same delivery settings as ledgerflow's queue (a durable quorum queue, late acks, prefetch
1) and, having no log to tell results, the RPC result backend so the caller can wait for them.
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

from benchmarks.tasks import inc

QUEUE = os.environ.get("LEDGERFLOW_BENCH_BARE_QUEUE", "ledgerflow-bench-bare")
app = Celery("bare", broker=os.environ.get("LEDGERFLOW_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672//"))
app.conf.update(
    result_backend="rpc://",
    task_queues=(Queue(QUEUE, durable=True, queue_arguments={"x-queue-type": "quorum"}),),
    task_default_queue=QUEUE,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"confirm_publish": True},
    worker_hijack_root_logger=False,
)


@app.task(name="bench.inc")
def bare_inc(x: int) -> int:
    return inc(x)
