"""Values and tasks of the viewer's test applications (module-level, so the viewer can load them)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

HOSTILE = "<script>alert('x')</script>"


class Tripwire:
    """A value that leaves a mark in ``TRIPWIRE_FILE`` each time it is unpickled."""

    def __init__(self, padding: int) -> None:
        self.padding = "p" * padding

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        marks = os.environ.get("TRIPWIRE_FILE")
        if marks:
            with Path(marks).open("a") as file:
                file.write("unpickled\n")

    def __repr__(self) -> str:
        return f"Tripwire({len(self.padding)} bytes)"


def shout(text: str) -> str:
    return text.upper() + HOSTILE


def explode(text: str) -> str:
    raise ValueError("cannot take " + HOSTILE)


def slow_double(x: int) -> int:
    time.sleep(float(os.environ.get("SLOW_SECONDS", "2")))
    return x * 2
