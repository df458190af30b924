"""The Celery application both sides share: queue declaration and delivery settings, chosen on purpose.

Why each setting is what it is (docs/cluster.md has the long form):

- ``task_acks_late``: a message is acknowledged after its job ran, so a worker that dies mid-job
  leaves it to be delivered again; ``task_reject_on_worker_lost`` requeues it when the pool child
  dies (the log then decides whether it runs again).
- ``worker_prefetch_multiplier=1``: a worker holds one message per free process; the others wait
  in the queue for whichever worker frees up first.
- no result backend, ``task_ignore_result``: the log is the result.
- a durable quorum queue with ``x-delivery-limit``: a message that kills its worker again and
  again is dead-lettered (to ``<queue>.dead``) instead of being delivered forever.
- ``confirm_publish``: ``publish`` returns once the broker has the message.
- ``x-consumer-timeout`` above ``job_timeout``: the broker never takes a message back from a worker
  still running its job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from celery import Celery
from kombu.entity import Exchange, Queue

from ledgerflow.executor.cluster.settings import ClusterSettings

TASK_NAME = "ledgerflow.run_job"
#: Seconds the broker's consumer timeout exceeds ``job_timeout`` by (a job is never cut by the broker).
CONSUMER_TIMEOUT_MARGIN = 60


@dataclass(frozen=True)
class JobMessage:
    """What a queued job carries: only what identifies it; the worker reads the rest from the log."""

    job_id: str
    version: str
    attempt: int  # the job's RUNNING count when published, plus one
    config_fingerprint: str
    cache_key: str | None = None  # the fingerprint its outputs are recorded under
    submission_id: str = ""  # whose metadata the worker's events carry ("": a message of an older submitter)

    @property
    def task_id(self) -> str:
        """The Celery task id: one per attempt, so a cancel can revoke it."""
        return f"{self.job_id}.{self.attempt}"

    def as_kwargs(self) -> dict[str, Any]:
        return asdict(self)


def job_queue(settings: ClusterSettings) -> Queue:
    """The durable quorum queue jobs wait in, dead-lettering poison messages."""
    arguments: dict[str, Any] = {
        "x-queue-type": "quorum",
        "x-delivery-limit": settings.delivery_limit,
        "x-dead-letter-exchange": f"{settings.queue}.dead",
        "x-dead-letter-routing-key": f"{settings.queue}.dead",
    }
    if settings.job_timeout is not None:  # RabbitMQ >= 3.12 honours it per queue; older ones: the global setting
        arguments["x-consumer-timeout"] = int((settings.job_timeout + CONSUMER_TIMEOUT_MARGIN) * 1000)
    exchange = Exchange(settings.queue, type="direct", durable=True)
    return Queue(settings.queue, exchange, routing_key=settings.queue, durable=True, queue_arguments=arguments)


def dead_letter_queue(settings: ClusterSettings) -> Queue:
    """Where poison messages end (kept for inspection; the log already says FAILED)."""
    name = f"{settings.queue}.dead"
    return Queue(name, Exchange(name, type="direct", durable=True), routing_key=name, durable=True)


def celery_app(settings: ClusterSettings) -> Celery:
    """A Celery application configured for ledgerflow's delivery guarantees."""
    app = Celery("ledgerflow", broker=settings.broker_url, set_as_current=False)
    queue = job_queue(settings)
    app.conf.update(
        task_queues=(queue,),
        task_default_queue=settings.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        result_backend=None,
        worker_prefetch_multiplier=1,
        worker_detect_quorum_queues=True,
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_heartbeat=60,
        # A lost connection leaves the running job alone: the log refuses the redelivered copy's start,
        # and the job's outcome is recorded once (cancelling it would waste the work and retry it).
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    return app


def declare(app: Celery, settings: ClusterSettings) -> None:
    """Declare the job queue and its dead-letter queue (idempotent)."""
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        dead_letter_queue(settings)(channel).declare()
        job_queue(settings)(channel).declare()
