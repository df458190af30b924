"""The current fingerprint of a task: its live config, its function's code, its inputs' values.

The config comes from the live ``Config`` when it knows the task (so a re-configured function or
``code_version`` counts at once), else from what the task recorded at creation. A function's code
digest is computed once per function object: reading and parsing its source costs more than the
rest of a decision.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.config import TaskConfig, function_reference, resolve_function
from ledgerflow.domain.config.functions import ImportReference
from ledgerflow.domain.config.registry import current_registry
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.fingerprint import Fingerprint, code_digest, config_digest
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import TaskView
from ledgerflow.runtime.datanodes import recordable

CODE_VERSION = "code_version"

_code_digests: dict[tuple[Any, str | None], str] = {}


def function_source(function: Callable[..., Any]) -> str | None:
    """The source text of ``function``, or None when Python cannot find it (builtins, REPL)."""
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return None


def _code_of(function: Any, fallback: str, code_version: str | None) -> str:
    key = (function, code_version)
    try:
        known = _code_digests.get(key)
    except TypeError:  # an unhashable callable object: no memo
        return _digest_code(function, fallback, code_version)
    if known is None:
        known = _code_digests[key] = _digest_code(function, fallback, code_version)
    return known


def _digest_code(function: Any, fallback: str, code_version: str | None) -> str:
    source = None if code_version is not None or function is None else function_source(function)
    reference = function_reference(function) if function is not None else fallback
    return code_digest(source, code_version, reference)


def _live_function(config: TaskConfig | None, view: TaskView) -> Any:
    function: Any = config.function if config is not None else None
    try:
        if function is None:
            return resolve_function(view.function)
        if isinstance(function, ImportReference):
            return function.resolve()
    except LedgerflowError:  # not importable here: the code is known by its name only
        return None
    return function


def recorded_form(state: CurrentState, view: TaskView, config: TaskConfig | None) -> dict[str, Any]:
    """The task config as a fingerprint sees it: id, input and output config ids, properties."""
    if config is not None:
        properties = {k: recordable(v) for k, v in config.raw_properties.items() if v is not None}
        inputs = [dn.id for dn in config.input_configs]
        outputs = [dn.id for dn in config.output_configs]
    else:
        properties = dict(view.properties)
        nodes = state.data_nodes
        inputs = [nodes[i].config_id for i in view.input_ids if i in nodes]
        outputs = [nodes[i].config_id for i in view.output_ids if i in nodes]
    properties.pop(CODE_VERSION, None)
    return {"id": view.config_id, "inputs": inputs, "outputs": outputs, "properties": properties}


def current_fingerprint(
    state: CurrentState, view: TaskView, input_hashes: dict[str, str] | None = None
) -> Fingerprint | None:
    """The fingerprint a run of ``view`` would have now; None while an input has no value.

    ``input_hashes`` overrides the content hash of some inputs (by node id): the values a
    workflow's parameters are about to write.
    """
    hashes = []
    for node_id in view.input_ids:
        planned = input_hashes.get(node_id) if input_hashes else None
        if planned is None:
            node = state.data_nodes.get(node_id)
            if node is None or not node.edits:
                return None
            planned = node.edits[-1].content_hash
        hashes.append(planned)
    registry = current_registry()
    config = registry.applied().tasks.get(view.config_id)
    function = _live_function(config, view)
    if config is None:
        return Fingerprint.of(config_digest(recorded_form(state, view, None)), _code(function, None, view), hashes)
    memo = _memo(registry.revision)
    key = (view.config_id, function, *hashes)
    try:
        known = memo.fingerprints.get(key)
    except TypeError:  # an unhashable callable object: no memo
        return Fingerprint.of(memo.config_part(state, view, config), _code(function, config, view), hashes)
    if known is None:
        known = Fingerprint.of(memo.config_part(state, view, config), _code(function, config, view), hashes)
        if len(memo.fingerprints) >= _MEMO_LIMIT:
            memo.fingerprints.clear()
        memo.fingerprints[key] = known
    return known


def _code(function: Any, config: TaskConfig | None, view: TaskView) -> str:
    """The code part: the function's digest, or its ``code_version`` when one is set."""
    code_version = (config.raw_properties if config is not None else view.properties).get(CODE_VERSION)
    return _code_of(function, view.function, None if code_version is None else str(code_version))


#: Fingerprints kept per config revision (a chain's re-submission finds each task's here).
_MEMO_LIMIT = 4096


class _Memo:
    """What one config revision's fingerprints are made of: config digests and whole fingerprints."""

    def __init__(self, revision: int) -> None:
        self.revision = revision
        self.config_parts: dict[str, str] = {}
        self.fingerprints: dict[tuple[Any, ...], Fingerprint] = {}

    def config_part(self, state: CurrentState, view: TaskView, config: TaskConfig) -> str:
        """The config digest of a live task config, computed once per revision."""
        part = self.config_parts.get(config.id)
        if part is None:
            part = self.config_parts[config.id] = config_digest(recorded_form(state, view, config))
        return part


_current_memo = _Memo(-1)


def _memo(revision: int) -> _Memo:
    """The memo of ``revision``: a new config revision starts an empty one."""
    global _current_memo
    if _current_memo.revision != revision:
        _current_memo = _Memo(revision)
    return _current_memo
