"""The version flags of the application's own command line, read as Taipy's ``Orchestrator().run()`` reads them.

``python main.py --experiment 1.0`` runs as ``ledgerflow run main.py --experiment 1.0`` does.
Accepted: ``--development``, ``--experiment [V]``, ``--production [V]``, ``--force``, ``--no-force``,
and Taipy's prefixed spellings (``--taipy-experiment``, ``--taipy-force``...). Other arguments are
the application's and are left alone.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class ModeFlags:
    """What the command line asked for; None: not given."""

    mode: str | None = None
    version: str | None = None
    force: bool | None = None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--development", "--taipy-development", dest="development", action="store_true")
    modes.add_argument("--experiment", "--taipy-experiment", dest="experiment", nargs="?", const="", default=None)
    modes.add_argument("--production", "--taipy-production", dest="production", nargs="?", const="", default=None)
    forcing = parser.add_mutually_exclusive_group()
    forcing.add_argument("--force", "--taipy-force", dest="force", action="store_true", default=None)
    forcing.add_argument("--no-force", "--no-taipy-force", dest="force", action="store_false")
    return parser


def mode_flags(argv: list[str] | None = None) -> ModeFlags:
    """The version flags among ``argv`` (default: this process's ``sys.argv[1:]``).

    A contradictory line (two modes) gives no flags rather than ending the program: the
    application may use these words for its own purposes.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        options, _ = _parser().parse_known_args(args)
    except SystemExit:
        return ModeFlags()
    if options.development:
        return ModeFlags("development", None, options.force)
    for mode in ("experiment", "production"):
        version = getattr(options, mode)
        if version is not None:
            return ModeFlags(mode, version or None, options.force)
    return ModeFlags(None, None, options.force)
