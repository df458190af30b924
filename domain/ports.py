"""What the configuration reads from outside the domain, handed in by the package facade.

The domain does no I/O itself: the environment (for ``ENV[...]`` templates and
``LEDGERFLOW_CONFIG_PATH``) and the reading and writing of TOML documents are installed here
by ``ledgerflow/__init__.py`` (``storage/config_files.py`` does the file work).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Protocol


class ConfigFiles(Protocol):
    """Reads and writes the TOML documents of ``Config.load`` / ``Config.export``."""

    def read(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """The document in ``path``: ``FileNotFoundError`` when there is none, ``ValueError`` when not TOML."""
        ...

    def write(self, path: str | os.PathLike[str], document: dict[str, Any]) -> None:
        """Write ``document`` to ``path`` atomically."""
        ...


class _NoFiles:
    def read(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        raise RuntimeError("No config file reader is installed (import ledgerflow, which installs it).")

    def write(self, path: str | os.PathLike[str], document: dict[str, Any]) -> None:
        raise RuntimeError("No config file writer is installed (import ledgerflow, which installs it).")


#: The environment templates and ``LEDGERFLOW_CONFIG_PATH`` are read from.
environment: Mapping[str, str] = {}
#: How TOML documents are read and written.
files: ConfigFiles = _NoFiles()


def install(env: Mapping[str, str], config_files: ConfigFiles) -> None:
    """Hand the configuration its environment and its file access (done once, by the package facade)."""
    global environment, files
    environment, files = env, config_files
