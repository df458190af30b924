"""TOML config files on disk: what ``Config.load``, ``Config.override`` and ``Config.export`` read and write."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class TomlFiles:
    """Reads TOML documents; writes them atomically (a crash never leaves half a file)."""

    def read(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """The document in ``path`` (``ValueError`` when it is not TOML)."""
        import tomllib  # on first use: every process imports this module (the package facade does)

        with open(path, "rb") as handle:
            try:
                return tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise ValueError(str(error)) from None

    def write(self, path: str | os.PathLike[str], document: dict[str, Any]) -> None:
        """Write ``document`` to ``path`` through a temporary file and a rename."""
        import tempfile

        import tomli_w

        text = tomli_w.dumps(document)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
