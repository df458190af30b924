"""What every command shares: clean errors and the rich console."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

# Never markup nor emoji codes: user data and our own messages are printed as written ("bob[admin]",
# "ledgerflow[postgres]", "POSITION:LINK"); styles are given as Text or style=, never inline.
console = Console(markup=False, emoji=False)
errors = Console(stderr=True, markup=False, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Output:
    """How much the command says besides its result (``ledgerflow --verbose`` / ``--quiet``)."""

    quiet: bool = False
    verbose: bool = False


output = Output()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` in red on stderr; the exit to raise."""
    errors.print(message, style="red", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ledgerflow errors into a message and a non-zero exit (tracebacks with LEDGERFLOW_DEBUG=1)."""
    from ledgerflow.domain.errors import LedgerflowError

    try:
        yield
    except LedgerflowError as error:
        if os.environ.get("LEDGERFLOW_DEBUG"):
            raise
        raise fail(str(error)) from None


def handles_errors(fn: F) -> F:
    """Decorator form of ``user_errors``."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with user_errors():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
