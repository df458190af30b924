"""Fingerprints: the cache key of a task run, and what changed between two of them.

A fingerprint has three parts, each a short sha256 digest:

- ``config``: the task config's recorded form (its id, input and output config ids, properties);
- ``code``: the function's normalized source (the AST without docstrings and comments, as
  hamilton's ``hash_source_code`` does), or the explicit ``code_version`` when the config has one;
- ``inputs``: the content hash of each input's current value, in argument order.

Its text form (``v1;c=…;k=…;i=…,…``) is what a COMPLETED job records, so a later decision can say
which part changed (``input current_month changed``, ``code of predict changed``) from the log alone.
"""

from __future__ import annotations

import ast
import hashlib
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

DIGEST_LENGTH = 16
_PREFIX = "v1"


def digest(data: bytes) -> str:
    """A short sha256 digest (64 bits of hex), the unit of every fingerprint part."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:] or [ast.Pass()]
    return body


def normalized_source(source: str) -> str:
    """``source`` parsed and printed back without docstrings and comments.

    Formatting, comments and docstrings do not change the result; anything the code does does.
    Source that does not parse on its own (a lambda cut out of a longer line) is only dedented.
    """
    text = textwrap.dedent(source)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text.strip()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.body = _without_docstring(node.body)
    return ast.unparse(tree)


def code_digest(source: str | None, code_version: str | None, reference: str) -> str:
    """The code part: the explicit ``code_version``, else the normalized source, else the function's name."""
    if code_version is not None:
        return digest(f"code_version:{code_version}".encode())
    if source is not None:
        return digest(normalized_source(source).encode())
    return digest(f"reference:{reference}".encode())


def config_digest(recorded_form: Mapping[str, Any]) -> str:
    """The config part: a digest of the task config's recorded form (JSON-safe values)."""
    return digest(orjson.dumps(recorded_form, option=orjson.OPT_SORT_KEYS, default=repr))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The cache key of one run of a task; ``text`` is its recorded form."""

    config: str
    code: str
    inputs: tuple[str, ...]
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.text:
            text = f"{_PREFIX};c={self.config};k={self.code};i={','.join(self.inputs)}"
            object.__setattr__(self, "text", text)

    @classmethod
    def of(cls, config: str, code: str, input_hashes: Sequence[str]) -> Fingerprint:
        """The fingerprint of a run reading values with these content hashes."""
        return cls(config, code, tuple(h[:DIGEST_LENGTH] for h in input_hashes))

    def __str__(self) -> str:
        return self.text

    @classmethod
    def parse(cls, text: str) -> Fingerprint | None:
        """The fingerprint of a recorded text form, or None when it is not one."""
        parts = text.split(";")
        if len(parts) != 4 or parts[0] != _PREFIX:
            return None
        fields = dict(part.split("=", 1) for part in parts[1:] if "=" in part)
        if set(fields) != {"c", "k", "i"}:
            return None
        inputs = tuple(fields["i"].split(",")) if fields["i"] else ()
        return cls(fields["c"], fields["k"], inputs)


def changes(recorded: Fingerprint, current: Fingerprint, task_name: str, input_names: Sequence[str]) -> list[str]:
    """What differs between the fingerprint a task's outputs were made with and the current one."""
    found: list[str] = []
    if recorded.config != current.config:
        found.append(f"config of {task_name} changed")
    if recorded.code != current.code:
        found.append(f"code of {task_name} changed")
    if len(recorded.inputs) != len(current.inputs):
        found.append(f"inputs of {task_name} changed")
    else:
        for name, old, new in zip(input_names, recorded.inputs, current.inputs, strict=False):
            if old != new:
                found.append(f"input {name} changed")
    return found
