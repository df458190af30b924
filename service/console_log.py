"""The default output of the ``ledgerflow`` logger: Taipy's ``[time][ledgerflow][LEVEL] message`` lines.

An application that configures logging itself (a handler on the root or the ``ledgerflow``
logger) gets the records through its own handlers instead; the default handler then stays quiet.
Lines go to stderr, so an application's own output on stdout stays clean. ``LEDGERFLOW_LOG_LEVEL``
(DEBUG, INFO, WARNING, ERROR; ``ledgerflow --verbose`` / ``--quiet`` set it) changes the default level.
"""

from __future__ import annotations

import logging
import os

from ledgerflow.service.notifications import run_channel

FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class _DefaultHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Prints ledgerflow's records unless the application configured logging."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger("ledgerflow")
        others = [h for h in logger.handlers if h is not self]
        if others or (logger.propagate and logging.getLogger().handlers):
            return
        run_channel.clear()  # not over ``ledgerflow run``'s progress bar
        super().emit(record)


def use_default_log_output() -> None:
    """Print INFO and above of the ``ledgerflow`` logger, unless the application configured logging."""
    logger = logging.getLogger("ledgerflow")
    if any(isinstance(handler, _DefaultHandler) for handler in logger.handlers):
        return
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = _DefaultHandler()
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        wanted = os.environ.get("LEDGERFLOW_LOG_LEVEL", "").upper()  # ledgerflow --verbose / --quiet run ...
        logger.setLevel(wanted if wanted in ("DEBUG", "INFO", "WARNING", "ERROR") else logging.INFO)
