"""The sections that exist once: ``JOB`` (job execution), ``CORE`` (storage, version) and
``GLOBAL_APP`` (free application properties).

Their settings are stored as properties, so every one of them may be an ``ENV[...]`` template;
the typed accessors resolve it when read.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ledgerflow.domain.config.layer import CORE, GLOBAL_APP, JOB
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.config.templates import TEMPLATE_PATTERN, convert_text, resolve
from ledgerflow.domain.errors import ConfigurationError

JOB_MODES = ("development", "standalone", "cluster")
CORE_MODES = ("development", "experiment", "production")


def typed_setting(section: Section, key: str, wanted: type) -> Any:
    """Setting ``key`` of ``section`` resolved and converted to ``wanted`` (str, int or bool)."""
    raw = section.raw_properties.get(key)
    value = resolve(raw)
    if isinstance(value, wanted) and not (wanted is int and isinstance(value, bool)):
        return value
    template = TEMPLATE_PATTERN.match(raw) if isinstance(raw, str) else None
    if template is not None and isinstance(value, str):
        return convert_text(f"Environment variable {template.group(1)}", value, wanted.__name__)
    raise ConfigurationError(
        f'{section.section_name} setting "{key}" must be a {wanted.__name__}, not {value!r}: '
        f"fix it in the code or the config file that sets it."
    )


class JobConfig(Section):
    """How jobs run: ``mode`` (development, standalone, cluster) and ``max_nb_of_workers``."""

    section_name: ClassVar[str] = JOB
    property_settings: ClassVar[frozenset[str]] = frozenset({"mode", "max_nb_of_workers"})

    @property
    def mode(self) -> str:
        """development (in-process), standalone (worker processes) or cluster."""
        return str(typed_setting(self, "mode", str))

    @mode.setter
    def mode(self, value: str) -> None:
        self._write({"mode": value})

    @property
    def max_nb_of_workers(self) -> int:
        """The number of worker processes in standalone mode."""
        return int(typed_setting(self, "max_nb_of_workers", int))

    @max_nb_of_workers.setter
    def max_nb_of_workers(self, value: int | str) -> None:
        self._write({"max_nb_of_workers": value})

    @property
    def is_development(self) -> bool:
        """True in development mode."""
        return self.mode == "development"

    @property
    def is_standalone(self) -> bool:
        """True in standalone mode."""
        return self.mode == "standalone"

    @property
    def is_cluster(self) -> bool:
        """True in cluster mode."""
        return self.mode == "cluster"


class CoreConfig(Section):
    """Where things are stored and which application version runs.

    ``event_store`` None means a SQLite file under ``storage_folder``; otherwise a
    ``postgresql://...`` or ``sqlite:///path`` URL (usually an ``ENV[...]`` template).
    """

    section_name: ClassVar[str] = CORE
    property_settings: ClassVar[frozenset[str]] = frozenset(
        {"storage_folder", "event_store", "mode", "version_number", "force"}
    )

    @property
    def storage_folder(self) -> str:
        """The folder for the embedded event store and generated data files."""
        return str(typed_setting(self, "storage_folder", str))

    @storage_folder.setter
    def storage_folder(self, value: str) -> None:
        self._write({"storage_folder": value})

    @property
    def event_store(self) -> str | None:
        """The event store URL, or None for the SQLite file under ``storage_folder``."""
        if self.raw_properties.get("event_store") is None:
            return None
        return str(typed_setting(self, "event_store", str))

    @event_store.setter
    def event_store(self, value: str | None) -> None:
        self._write({"event_store": value})

    @property
    def mode(self) -> str:
        """development, experiment or production."""
        return str(typed_setting(self, "mode", str))

    @mode.setter
    def mode(self, value: str) -> None:
        self._write({"mode": value})

    @property
    def version_number(self) -> str:
        """The application version to run ("" lets the mode choose)."""
        return str(typed_setting(self, "version_number", str))

    @version_number.setter
    def version_number(self, value: str) -> None:
        self._write({"version_number": value})

    @property
    def force(self) -> bool:
        """Whether a conflicting stored config of the version is overridden."""
        return bool(typed_setting(self, "force", bool))

    @force.setter
    def force(self, value: bool | str) -> None:
        self._write({"force": value})


class GlobalAppConfig(Section):
    """Free application-wide properties (``Config.configure_global_app``)."""

    section_name: ClassVar[str] = GLOBAL_APP
