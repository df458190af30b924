"""The live configuration: four layers merged (defaults < code < override file < env file).

The code layer is what ``configure_*`` calls write; ``Config.override(path)`` sets the file
layer; the TOML file named by ``LEDGERFLOW_CONFIG_PATH`` is the top layer, read again whenever
that variable changes — except while the orchestrator runs, when the configuration is blocked
(a change of the variable then applies once it stops). The merged result is compiled lazily and
cached until a layer changes.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from ledgerflow.domain import ports
from ledgerflow.domain.config import toml_file
from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.compiler import compile_config, refresh_sections
from ledgerflow.domain.config.layer import (
    DEFAULT_ID,
    KEYED_SECTIONS,
    Layer,
    builtin_defaults,
    merge_layers,
    merge_settings,
)
from ledgerflow.domain.errors import ConfigurationUpdateBlocked

ENV_CONFIG_PATH = "LEDGERFLOW_CONFIG_PATH"
_revisions = itertools.count(1)
BLOCKED_MESSAGE = (
    "The Orchestrator service should be stopped by running orchestrator.stop() before modifying the Configuration."
)


class ConfigRegistry:
    """Layers of settings, the blocked flag, and the compiled result."""

    def __init__(self) -> None:
        self.defaults = builtin_defaults()
        self.code = Layer()
        self.file = Layer()
        self.blocked = False
        self._env_file: tuple[str, Layer] | None = None
        self._applied: AppliedConfig | None = None
        self._stale = True
        self._lock = threading.RLock()
        #: Names the applied config's state: what is derived from it can be cached per revision. Unique
        #: across registries, so a cache keyed by it never serves a reset registry another's result.
        self.revision = next(_revisions)

    # --- reading -----------------------------------------------------------------------------

    def _layers(self) -> tuple[Layer, ...]:
        return self.defaults, self.code, self.file, self._env_layer()

    def merged(self) -> Layer:
        """All layers merged, highest last."""
        return merge_layers(*self._layers())

    def _merged_entry(self, kind: str, config_id: str) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for layer in self._layers():
            merged = merge_settings(merged, layer.sections[kind].get(config_id, {}))
        return merged

    def _env_changed(self) -> bool:
        return (self._env_file and self._env_file[0]) != (ports.environment.get(ENV_CONFIG_PATH) or None)

    def applied(self) -> AppliedConfig:
        """The compiled merged configuration (cached until a layer changes)."""
        with self._lock:
            if self._stale or self._applied is None or (not self.blocked and self._env_changed()):
                self._applied = compile_config(self.merged(), self._applied, self)
                self._stale = False
                self.revision = next(_revisions)
            return self._applied

    def _env_layer(self) -> Layer:
        path = ports.environment.get(ENV_CONFIG_PATH) or None
        if path is None:
            self._env_file = None
            return Layer()
        if self._env_file is None or self._env_file[0] != path:
            self._env_file = (path, toml_file.read_layer(path, lazy=False, via=ENV_CONFIG_PATH))
        return self._env_file[1]

    # --- writing -----------------------------------------------------------------------------

    def ensure_unblocked(self) -> None:
        """Refuse a change while the orchestrator runs."""
        if self.blocked:
            raise ConfigurationUpdateBlocked(BLOCKED_MESSAGE)

    def change(
        self,
        edit: Callable[[Layer], None],
        *,
        layer: str = "code",
        touched: list[tuple[str, str]] | None = None,
    ) -> AppliedConfig:
        """Apply ``edit`` to a copy of a layer, keep it only if the result compiles.

        ``touched``: the keyed sections ``edit`` changes (filled in by ``edit`` at the latest),
        when it changes nothing else; only they are rebuilt.
        """
        with self._lock:
            self.ensure_unblocked()
            incremental = touched is not None and not self._stale and not self._env_changed()
            before = getattr(self, layer)
            edited = before.copy()
            edit(edited)
            setattr(self, layer, edited)
            try:
                if incremental and touched is not None and self._applied is not None:
                    changed = [
                        (kind, cid, self._merged_entry(kind, cid), self._merged_entry(kind, DEFAULT_ID))
                        for kind, cid in touched
                    ]
                    refresh_sections(self._applied, changed, self)
                    self.revision = next(_revisions)
                    return self._applied
                self._stale = True
                return self.applied()
            except Exception:
                setattr(self, layer, before)
                self._stale = True
                self.applied()
                raise

    def set_settings(self, kind: str, config_id: str, settings: dict[str, Any]) -> None:
        """Write ``settings`` over the code-layer settings of one section (``SectionOwner``)."""

        def edit(layer: Layer) -> None:
            table = layer.sections[kind] if kind in KEYED_SECTIONS else None
            target = table.setdefault(config_id, {}) if table is not None else layer.unique[kind]
            target.update(settings)

        keyed = kind in KEYED_SECTIONS and config_id != DEFAULT_ID
        self.change(edit, touched=[(kind, config_id)] if keyed else None)

    def replace_layer(self, layer: str, content: Layer) -> None:
        """Replace the code or file layer (``load``, ``override``, ``restore``)."""

        def edit(target: Layer) -> None:
            fresh = content.copy()
            target.sections, target.unique, target.migrations = (
                fresh.sections,
                fresh.unique,
                fresh.migrations,
            )

        self.change(edit, layer=layer)


_current = ConfigRegistry()


def current_registry() -> ConfigRegistry:
    """The process-wide registry behind ``Config``."""
    return _current


def reset_registry() -> None:
    """Replace the registry by a pristine one (tests only)."""
    global _current
    _current = ConfigRegistry()
