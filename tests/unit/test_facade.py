"""The package facade: every public name reachable, and nothing heavy imported by ``import ledgerflow``."""

from __future__ import annotations

import subprocess
import sys

import ledgerflow as lf
from ledgerflow.service import api


def test_every_public_function_is_reachable_from_the_package() -> None:
    for name in api.__all__:
        assert getattr(lf, name) is getattr(api, name)
    assert {*api.__all__, "Config", "Core", "Orchestrator", "Scenario"} <= set(lf.__all__)
    assert lf.Core is lf.Orchestrator


def test_importing_the_package_loads_no_engine_module() -> None:
    code = "import sys, ledgerflow; print(sorted(m for m in sys.modules if m.startswith('ledgerflow.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # only the wiring of the configuration's environment and TOML files (see ledgerflow/__init__.py)
    wiring = ["ledgerflow.domain", "ledgerflow.domain.ports", "ledgerflow.storage", "ledgerflow.storage.config_files"]
    assert loaded.strip() == repr(wiring)
