"""Unit-test fixtures: every unit test starts from a pristine configuration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def pristine_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reset ``Config`` (and forget any env config file) before and after each test."""
    from ledgerflow.domain.config import Config

    monkeypatch.delenv("LEDGERFLOW_CONFIG_PATH", raising=False)
    Config._reset()
    yield
    Config._reset()
