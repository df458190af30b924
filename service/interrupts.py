"""Ctrl-C in a script: one line and exit code 130, after the interrupted jobs are recorded.

Installed when a run starts, in scripts only: an interactive interpreter or a notebook keeps its
own handling of ``KeyboardInterrupt``. The process ends with ``os._exit`` once the log is flushed,
because a development-mode job interrupted in the orchestrator's thread may never return.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

from ledgerflow.service import session

_installed = False


def _interactive() -> bool:
    return hasattr(sys, "ps1") or bool(sys.flags.interactive) or "ipykernel" in sys.modules


def install() -> None:
    """Handle an uncaught ``KeyboardInterrupt`` of this script (once; not in an interactive session)."""
    global _installed
    if _installed or _interactive():
        return
    _installed = True
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            previous(kind, error, traceback)
            return
        service = session.running_service()
        jobs = service.interrupted if service is not None else []
        recorded = f": {', '.join(jobs)} recorded as FAILED (interrupted)" if jobs else ""
        sys.stderr.write(f"Interrupted{recorded}.\n")
        sys.stderr.flush()
        try:
            if session.is_open():
                session.current().runtime.flush(timeout=10)
        finally:
            os._exit(130)

    sys.excepthook = hook
