"""A scenario's DAG as SVG, drawn on the server: Graphviz's ``dot`` when installed, else a layered layout here.

Both pictures come from ``service.graph.scenario_graph`` (the colours and dashes of ``ledgerflow
graph``), and every node links to its page. The layout here puts each node in the layer after
its deepest predecessor, orders each layer by the mean place of its predecessors, and draws edges
as curves from left to right.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from html import escape

from ledgerflow.service.graph import ScenarioGraph, to_dot

__all__ = ["dag_svg", "layered_svg"]

_W, _H, _GAP_X, _GAP_Y, _MARGIN = 170, 50, 70, 26, 16
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def dag_svg(graph: ScenarioGraph, link: Callable[[str], str], *, use_dot: bool = True) -> str:
    """The SVG picture of ``graph``; ``link(entity_id)`` is the address each node points to."""
    program = shutil.which("dot") if use_dot else None
    if program is not None:
        drawn = _dot_svg(program, graph, link)
        if drawn is not None:
            return drawn
    return layered_svg(graph, link)


def _dot_svg(program: str, graph: ScenarioGraph, link: Callable[[str], str]) -> str | None:
    text = to_dot(graph).rstrip().removesuffix("}")
    for node in graph.nodes:
        name = node.id.replace("\\", "\\\\").replace('"', '\\"')
        address = link(node.id).replace("\\", "\\\\").replace('"', '\\"')
        text += f'    "{name}" [URL="{address}", target="_top", tooltip="{name}"];\n'
    done = subprocess.run([program, "-Tsvg"], input=(text + "}\n").encode(), capture_output=True, check=False)
    if done.returncode != 0:
        return None
    return _PROLOG.sub("", done.stdout.decode(), count=1)


def _layers(graph: ScenarioGraph) -> list[list[str]]:
    ids = [n.id for n in graph.nodes]
    before: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in graph.edges:
        if a in before and b in before:
            before[b].append(a)
    depth: dict[str, int] = {}

    def deepest(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in depth:
            parents = [p for p in before[node] if p not in seen]
            depth[node] = 1 + max((deepest(p, seen | {node}) for p in parents), default=-1)
        return depth[node]

    layers: list[list[str]] = []
    for node in ids:
        level = deepest(node)
        while len(layers) <= level:
            layers.append([])
        layers[level].append(node)
    place: dict[str, float] = {}
    for layer in layers:
        layer.sort(key=lambda n: sum(place.get(p, 0.0) for p in before[n]) / max(len(before[n]), 1))
        place.update((n, float(i)) for i, n in enumerate(layer))
    return layers


def layered_svg(graph: ScenarioGraph, link: Callable[[str], str]) -> str:
    """The picture laid out in layers by pure Python (no Graphviz needed)."""
    layers = _layers(graph)
    tallest = max((len(layer) for layer in layers), default=1)
    width = _MARGIN * 2 + len(layers) * _W + max(len(layers) - 1, 0) * _GAP_X
    height = _MARGIN * 2 + tallest * _H + max(tallest - 1, 0) * _GAP_Y
    where: dict[str, tuple[float, float]] = {}
    for column, layer in enumerate(layers):
        offset = (tallest - len(layer)) * (_H + _GAP_Y) / 2
        for row, node_id in enumerate(layer):
            where[node_id] = (_MARGIN + column * (_W + _GAP_X), _MARGIN + offset + row * (_H + _GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dag" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(graph.scenario_id)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for a, b in graph.edges:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            x1, y1, y2 = x1 + _W, y1 + _H / 2, y2 + _H / 2
            bend = (x2 - x1) / 2
            parts.append(
                f'<path class="edge" d="M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} {x2 - bend:.0f},{y2:.0f} '
                f'{x2:.0f},{y2:.0f}" fill="none" stroke="#555" marker-end="url(#arrow)"/>'
            )
    for node in graph.nodes:
        x, y = where[node.id]
        dash = ' stroke-dasharray="6 4"' if node.stale else ""
        radius = 4 if node.kind == "task" else 18
        parts.append(
            f'<a href="{escape(link(node.id))}" class="node {node.kind}" data-id="{escape(node.id)}">'
            f"<title>{escape(node.id)}: {escape(node.state)}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{_W}" height="{_H}" rx="{radius}" fill="{escape(node.fill)}" '
            f'stroke="{escape(node.stroke)}" stroke-width="2"{dash}/>'
            f'<text x="{x + _W / 2:.0f}" y="{y + 21:.0f}" text-anchor="middle" font-weight="bold">'
            f"{escape(_fit(node.label, 22))}</text>"
            f'<text x="{x + _W / 2:.0f}" y="{y + 38:.0f}" text-anchor="middle" font-size="11">'
            f"{escape(_fit(node.state, 28))}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
