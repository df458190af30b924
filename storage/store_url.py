"""Event store URLs: ``ENV[NAME]`` parts resolved from the environment, passwords kept out of messages."""

from __future__ import annotations

import os
import re

from ledgerflow.domain.errors import MissingEnvVariableError

__all__ = ["redact", "resolve_env"]

_ENV = re.compile(r"ENV\[([A-Za-z_]\w*)\]")
# scheme://user:password@ — the password runs to the last "@" (more hidden rather than a secret shown)
_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*://[^/?#@:]*:)(?P<secret>.*)@")


def resolve_env(url: str) -> str:
    """``url`` with each ``ENV[NAME]`` replaced by that environment variable (a whole URL or a part)."""

    def value(match: re.Match[str]) -> str:
        found = os.environ.get(match.group(1))
        if found is None:
            raise MissingEnvVariableError(
                f"Environment variable {match.group(1)} is not set (the event store URL {redact(url)} names it)."
            )
        return found

    return _ENV.sub(value, url)


def redact(url: str) -> str:
    """``url`` with its password, if it has one, shown as ``***``."""
    return _PASSWORD.sub(lambda m: f"{m.group('head')}***@" if m.group("secret") else m.group(0), url, count=1)
