"""Importing the optional libraries of a storage type, with the pip line when one is missing."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from ledgerflow.domain.config.storage_extras import EXTRAS, install_line
from ledgerflow.domain.errors import MissingExtraError


def need(module: str, storage_type: str) -> ModuleType:
    """Import ``module``, or raise one line naming the extra that installs it."""
    try:
        return import_module(module)
    except ImportError:
        extra = EXTRAS.get(storage_type, ("pandas", ()))[0]
        raise MissingExtraError(f"Storage type {storage_type} needs {module}: {install_line(extra)}") from None
