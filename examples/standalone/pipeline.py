"""The task functions of the standalone example: module-level, so worker processes import them."""

import time


def slow_square(x: int) -> int:
    """Take a second, then square ``x``."""
    time.sleep(1)
    return x * x


def describe(y: int) -> str:
    """A sentence about ``y``."""
    return f"the square is {y}"
