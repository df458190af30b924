"""Task functions and configs the tests share (module-level, so workers can import them)."""

from __future__ import annotations

from typing import Any


def double(x: int) -> int:
    return x * 2


def add(x: int, y: int) -> int:
    return x + y


def inc(x: int) -> int:
    return x + 1


def fail(x: Any) -> Any:
    raise ValueError(f"cannot handle {x!r}")


def pair(x: int) -> tuple[int, int]:
    return x, -x


def identity(x: Any) -> Any:
    return x


def as_list(*values: Any) -> list[Any]:
    return list(values)
