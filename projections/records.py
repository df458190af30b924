"""What a projection folds: one decoded event of the log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol


class RecordLike(Protocol):
    """A decoded event: its position in the log, its aggregate, topic, time and payload."""

    @property
    def position(self) -> int: ...
    @property
    def originator_id(self) -> str: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def timestamp(self) -> datetime: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def meta(self) -> Mapping[str, Any]: ...
