"""Reading and writing TOML config files: the only file I/O of the config package."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import tomli_w

from ledgerflow.domain.config.codec import document_to_layer, layer_to_document
from ledgerflow.domain.config.layer import Layer
from ledgerflow.domain.errors import LoadingError


def read_layer(path: str | os.PathLike[str], *, lazy: bool, via: str | None = None) -> Layer:
    """The layer written in the TOML file ``path`` (``via``: the env var that named it)."""
    source = f"{path} (named by {via})" if via else str(path)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise LoadingError(f"Config file {source} does not exist: check the path.") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LoadingError(f"Config file {source} cannot be read: {error}") from None
    return document_to_layer(document, lazy=lazy, source=source)


def write_layer(path: str | os.PathLike[str], layer: Layer) -> None:
    """Write ``layer`` to ``path`` atomically (a crash never leaves half a file)."""
    text = tomli_w.dumps(layer_to_document(layer, strict=True))
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
