"""``d6tflow.settings``: d6tflow's switches, shared with the engine's where they mean the same thing.

``check_dependencies`` and ``execution_summary`` are ``ledgerflow.settings``'s (one switch for both
APIs); ``log_level`` sets the level of the ``ledgerflow`` logger; ``dir`` / ``dirpath`` is the
folder of the tasks' output files (``data`` by default), as in d6tflow.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ledgerflow.runtime.settings import settings as engine_settings

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class D6tflowSettings:
    """Module-like settings: ``d6tflow.settings.check_dependencies = False``."""

    def __init__(self) -> None:
        self._log_level = "WARNING"
        self.dir = "data"
        self.dirpath = Path(self.dir)
        self.save_with_param = True
        self.cached = False
        logger = logging.getLogger("ledgerflow")
        if logger.level == logging.NOTSET:  # d6tflow's default; an application's own choice stays
            logger.setLevel(self._log_level)

    @property
    def check_dependencies(self) -> bool:
        """A task is complete only when its upstream tasks are (default True)."""
        return engine_settings.check_dependencies

    @check_dependencies.setter
    def check_dependencies(self, value: bool) -> None:
        engine_settings.check_dependencies = bool(value)

    @property
    def execution_summary(self) -> bool:
        """``run()`` prints the execution summary (default True)."""
        return engine_settings.execution_summary

    @execution_summary.setter
    def execution_summary(self, value: bool) -> None:
        engine_settings.execution_summary = bool(value)

    @property
    def log_level(self) -> str:
        """The level of ledgerflow's log (default WARNING)."""
        return self._log_level

    @log_level.setter
    def log_level(self, value: str) -> None:
        level = str(value).upper()
        if level not in LEVELS:
            raise ValueError(f"log_level {value!r} is not one of {', '.join(LEVELS)}.")
        self._log_level = level
        logging.getLogger("ledgerflow").setLevel(level)


settings = D6tflowSettings()
