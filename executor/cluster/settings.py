"""Cluster mode's settings, read from ``Config.configure_job_executions(mode="cluster", ...)``.

Every setting may be an ``ENV[...]`` template (the broker's credentials, typically): the log
records the template, and it is resolved only here, when a process connects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.config.templates import resolve
from ledgerflow.domain.errors import ConfigurationError

DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"


@dataclass(frozen=True)
class ClusterSettings:
    """Where jobs are queued and how long the engine waits for them."""

    broker_url: str = DEFAULT_BROKER
    queue: str = "ledgerflow"
    #: Seconds a job may run; also sizes the broker's consumer timeout (above it). None: no limit.
    job_timeout: float | None = None
    #: Seconds a published job may wait for a worker before it is reported FAILED. None: forever.
    queued_timeout: float | None = None
    #: Seconds without a worker heartbeat before its running job is taken as lost.
    lease_seconds: float = 15.0
    #: Deliveries of one message before the broker dead-letters it (a job that kills its worker).
    delivery_limit: int = 3

    @classmethod
    def from_config(cls) -> ClusterSettings:
        """The settings of the current config (defaults where unset)."""
        raw = Config.job_config.raw_properties
        values: dict[str, Any] = {}
        for key, kind in (
            ("broker_url", str),
            ("queue", str),
            ("job_timeout", float),
            ("queued_timeout", float),
            ("lease_seconds", float),
            ("delivery_limit", int),
        ):
            value = resolve(raw.get(key))
            if value is None:
                continue
            try:
                values[key] = kind(value)
            except (TypeError, ValueError) as error:
                raise ConfigurationError(
                    f'JOB setting "{key}" must be a {kind.__name__}, not {value!r}: fix it in configure_job_executions.'
                ) from error
        return cls(**values)


_fingerprints: dict[int, str] = {}


def config_fingerprint() -> str:
    """A short digest of the application's whole config (as the log records it: templates unresolved)."""
    revision = current_registry().revision
    found = _fingerprints.get(revision)
    if found is None:
        document = orjson.dumps(Config.serialize(), option=orjson.OPT_SORT_KEYS)
        # A script's functions are "__main__.f" where it runs, "__mp_main__.f" in the workers importing it.
        document = document.replace(b'"__mp_main__.', b'"__main__.')
        found = _fingerprints[revision] = hashlib.sha256(document).hexdigest()[:16]
    return found
