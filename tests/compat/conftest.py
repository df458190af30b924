"""The compatibility suite: Taipy scenario-management scripts and Taipy's documented behaviour, run
through ``import ledgerflow as tp``. Like Taipy's own test fixture, each test sees a bare command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def tp_workdir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working directory, config and session, with ``sys.argv == ["prog"]``."""
    monkeypatch.setattr(sys, "argv", ["prog"])
    yield workdir
