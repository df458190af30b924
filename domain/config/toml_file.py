"""Config layers from and to TOML documents; the files themselves go through ``ports.files``."""

from __future__ import annotations

import os

from ledgerflow.domain import ports
from ledgerflow.domain.config.codec import document_to_layer, layer_to_document
from ledgerflow.domain.config.layer import Layer
from ledgerflow.domain.errors import LoadingError


def read_layer(path: str | os.PathLike[str], *, lazy: bool, via: str | None = None) -> Layer:
    """The layer written in the TOML file ``path`` (``via``: the env var that named it)."""
    source = f"{path} (named by {via})" if via else str(path)
    try:
        document = ports.files.read(path)
    except FileNotFoundError:
        raise LoadingError(f"Config file {source} does not exist: check the path.") from None
    except (OSError, ValueError) as error:
        raise LoadingError(f"Config file {source} cannot be read: {error}") from None
    return document_to_layer(document, lazy=lazy, source=source)


def write_layer(path: str | os.PathLike[str], layer: Layer) -> None:
    """Write ``layer`` to ``path`` atomically (a crash never leaves half a file)."""
    ports.files.write(path, layer_to_document(layer, strict=True))
