"""The module graph: no two modules import each other, directly or through others.

import-linter (run by ``.ci/run``) keeps the layers pointing one way; this test keeps the modules
inside a layer free of cycles. Imports inside functions count as if they were at the top, so none
can exist only to dodge a cycle; ``if TYPE_CHECKING:`` imports do not count (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
NOT_PACKAGE = {"tests", "benchmarks", "examples", "docs", "build"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["ledgerflow", *parts])


def _sources() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        top = path.relative_to(ROOT).parts[0]
        if top in NOT_PACKAGE or top.startswith("."):
            continue
        found[_module(path)] = path
    return found


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(child) for child in ast.walk(node))
    return ids


def import_graph() -> nx.DiGraph:
    """Module -> imported ledgerflow module, for every import that can run."""
    modules = _sources()
    graph = nx.DiGraph()
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        skipped = _type_checking_nodes(tree)
        graph.add_node(name)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    graph.add_edge(name, target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    graph.add_edge(name, alias.name)
    return graph.subgraph(n for n in graph if n in modules and n != "ledgerflow").copy()


def test_no_module_imports_itself_through_others() -> None:
    cycles = list(nx.simple_cycles(import_graph(), length_bound=12))
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles[:10])


def test_the_graph_sees_the_layers() -> None:
    graph = import_graph()
    assert graph.has_edge("ledgerflow.service.submitting.submit", "ledgerflow.service.session")
    assert "ledgerflow.runtime.runtime" in nx.descendants(graph, "ledgerflow.executor.dispatcher")
