"""Entity ids in Taipy's formats (``SCENARIO_<config>_<uuid>`` ...).

Shared entities get deterministic ids from their natural key, so "create if absent" is
enforced by the event store: two processes creating the same GLOBAL node collide on its
first event instead of creating two nodes. New scenarios, jobs and submissions get
time-ordered UUIDs (version 7): they sort by creation, and the store's index of aggregate ids
grows at its end instead of at random pages, so a commit writes fewer pages.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid

_NAMESPACE = uuid.UUID("6f1c5e0a-5a3e-4d0c-9a51-0b7c1f3e2d44")
_CYCLE_NAME_DROP = re.compile(r"[^-\w. ]")
_clock = threading.Lock()
_last = (0, 0)  # the millisecond and counter of the last time-ordered UUID
# Random bits for ids: seeded from the OS, again in a forked child, and never by user code.
_random = random.Random(os.urandom(16))
os.register_at_fork(after_in_child=lambda: _random.seed(os.urandom(16)))


def time_ordered_uuid() -> str:
    """A version 7 UUID's text (RFC 9562): Unix milliseconds, a 12-bit counter, then 62 random bits.

    Within a process each is greater than the one before: the counter orders those of one
    millisecond, starting from a random value with room to count.
    """
    global _last
    with _clock:
        now = time.time_ns() // 1_000_000
        last, counter = _last
        if now > last:
            counter = _random.getrandbits(10)
        elif counter < 0xFFF:
            now, counter = last, counter + 1
        else:
            now, counter = last + 1, 0
        _last = (now, counter)
        random_bits = _random.getrandbits(62)
    h = f"{(now << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | random_bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def natural_key(*parts: object) -> str:
    """A stable key from its parts (None becomes an empty part)."""
    return "|".join("" if p is None else str(p) for p in parts)


def _keyed(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, key)


def scenario_id(config_id: str) -> str:
    """A new scenario id."""
    return f"SCENARIO_{config_id}_{time_ordered_uuid()}"


def data_node_id(config_id: str, key: str) -> str:
    """The id of the data node with this natural key."""
    return f"DATANODE_{config_id}_{_keyed(key)}"


def task_id(config_id: str, key: str) -> str:
    """The id of the task with this natural key."""
    return f"TASK_{config_id}_{_keyed(key)}"


def cycle_id(name: str, key: str) -> str:
    """The id of the cycle with this natural key; the name is sanitised as Taipy does."""
    clean = _CYCLE_NAME_DROP.sub("", name).replace(" ", "_")
    return f"CYCLE_{clean}_{_keyed(key)}"


def sequence_id(name: str, scenario_id: str) -> str:
    """The deterministic id of a scenario's sequence."""
    return f"SEQUENCE_{name.replace(' ', 'TPSPACE')}_{scenario_id}"


def job_id(task_config_id: str) -> str:
    """A new job id."""
    return f"JOB_{task_config_id}_{time_ordered_uuid()}"


def submission_id() -> str:
    """A new submission id."""
    return f"SUBMISSION_{time_ordered_uuid()}"


def version_aggregate_id(version_name: str) -> str:
    """The aggregate id of an application version (the name itself is user-visible)."""
    return f"VERSION_{version_name}"


ENTITY_PREFIXES = ("SCENARIO", "SEQUENCE", "TASK", "DATANODE", "CYCLE", "JOB", "SUBMISSION")


def entity_kind(entity_id: str) -> str | None:
    """The kind of entity an id names (``"SCENARIO"``...), or None for an unknown prefix."""
    head = entity_id.split("_", 1)[0]
    return head if head in ENTITY_PREFIXES else None
