"""``TaskConfig``: a function from input data nodes to output data nodes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import Field, SkipValidation

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.layer import TASK
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.enums import Scope


class TaskConfig(Section):
    """The config of a task (``Config.configure_task``).

    ``input_configs`` are in the order of the function's arguments. ``function`` is not validated
    when configured: ``Config.check()`` reports one that is not callable or not importable.
    """

    section_name: ClassVar[str] = TASK
    layer_keys: ClassVar[dict[str, str]] = {"input_configs": "inputs", "output_configs": "outputs"}

    function: SkipValidation[Callable[..., Any] | None] = None
    input_configs: list[DataNodeConfig] = Field(default_factory=list)
    output_configs: list[DataNodeConfig] = Field(default_factory=list)
    skippable: bool = False

    @property
    def scope(self) -> Scope:
        """The narrowest scope of its data nodes (GLOBAL when it has none)."""
        return min((dn.scope for dn in (*self.input_configs, *self.output_configs)), default=Scope.GLOBAL)

    @property
    def inputs(self) -> list[DataNodeConfig]:
        """Taipy's alias of ``input_configs``."""
        return list(self.input_configs)

    @property
    def outputs(self) -> list[DataNodeConfig]:
        """Taipy's alias of ``output_configs``."""
        return list(self.output_configs)
