"""The findings of ``Config.check()``: issues by level, and the error that lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledgerflow.domain.errors import ConfigurationError

ERROR, WARNING, INFO = "ERROR", "WARNING", "INFO"


@dataclass(frozen=True)
class Issue:
    """One finding: its level, the field and value at fault, the message, the section it is in."""

    level: str
    field: str
    value: Any
    message: str
    tag: str

    def __str__(self) -> str:
        return self.message


@dataclass
class IssueCollector:
    """Every issue found by a check, by level."""

    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Problems that prevent running."""
        return [issue for issue in self.issues if issue.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Probable mistakes that do not prevent running."""
        return [issue for issue in self.issues if issue.level == WARNING]

    @property
    def infos(self) -> list[Issue]:
        """Things worth knowing."""
        return [issue for issue in self.issues if issue.level == INFO]

    def add(self, level: str, field: str, value: Any, message: str, tag: str) -> None:
        """Record one issue."""
        self.issues.append(Issue(level, field, value, message, tag))

    def error(self, field: str, value: Any, message: str, tag: str) -> None:
        """Record an error."""
        self.add(ERROR, field, value, message, tag)

    def warning(self, field: str, value: Any, message: str, tag: str) -> None:
        """Record a warning."""
        self.add(WARNING, field, value, message, tag)

    def info(self, field: str, value: Any, message: str, tag: str) -> None:
        """Record an info."""
        self.add(INFO, field, value, message, tag)


class ConfigCheckError(ConfigurationError, SystemExit):
    """``Config.check()`` found errors; ``.issues`` holds everything it found.

    Like Taipy's, it ends the program when left uncaught: a ``SystemExit`` whose ``code`` is the
    message (printed without a traceback, exit status 1).
    """

    def __init__(self, issues: IssueCollector) -> None:
        self.issues = issues
        errors = issues.errors
        lines = "\n".join(f"  {issue.message}" for issue in errors)
        noun = "error" if len(errors) == 1 else "errors"
        message = f"The configuration has {len(errors)} {noun}:\n{lines}"
        super().__init__(message)
        self.code = message
