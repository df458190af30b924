"""``DataNodeConfig``: how a data node stores its value and how long the value stays valid."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import SkipValidation

from ledgerflow.domain.config.layer import DATA_NODE
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.config.templates import resolve
from ledgerflow.domain.enums import Scope


class DataNodeConfig(Section):
    """The config of a data node (``Config.configure_data_node``).

    ``validity_period`` is not validated when configured: ``Config.check()`` reports a value that
    is not a timedelta. Every other keyword is a property: ``cfg.default_data``, ``cfg.path``...
    (None when not set).
    """

    section_name: ClassVar[str] = DATA_NODE

    storage_type: str = "pickle"
    scope: Scope = Scope.SCENARIO
    validity_period: SkipValidation[timedelta | None] = None

    @property
    def file_path(self) -> str | None:
        """The configured ``path`` (or ``default_path``) of a file-based node, resolved."""
        path = self.raw_properties.get("path") or self.raw_properties.get("default_path")
        return None if path is None else str(resolve(path))
