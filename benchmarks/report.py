"""The results: a rich table on stdout, then one JSON line per workload."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from benchmarks.harness import Outcome

__all__ = ["as_json", "print_report"]


def _fmt(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _table(outcomes: list[Outcome]) -> Table:
    table = Table(title="ledgerflow benchmarks" + (" (quick)" if outcomes[0].quick else ""))
    for column in ("workload", "figure", "value", "target", "ratio", "pass"):
        table.add_column(column, justify="right" if column in ("value", "ratio") else "left")
    for outcome in outcomes:
        name = outcome.workload.name
        if outcome.error:
            last = outcome.error.strip().splitlines()[-1]
            table.add_row(name, "error", "", "", "", f"[red]{last}[/red]")
        for target in outcome.workload.targets:
            value = outcome.figures.get(target.figure)
            if value is None:
                continue
            ratio = target.ratio(value)
            verdict = "[green]pass[/green]" if target.met(value) else "[red]FAIL[/red]"
            table.add_row(
                name,
                target.figure,
                _fmt(value),
                str(target),
                f"{ratio:.2f}x" if ratio else "",
                verdict,
            )
        for figure in outcome.workload.info:
            if figure in outcome.figures:
                table.add_row(name, figure, _fmt(outcome.figures[figure]), "", "", "")
        for problem in outcome.problems:
            table.add_row(name, "check", "", "", "", f"[red]{problem}[/red]")
        table.add_section()
    return table


def as_json(outcome: Outcome) -> str:
    """The workload's JSON line."""
    return json.dumps(
        {
            "name": outcome.workload.name,
            "figures": outcome.figures,
            "target": {t.figure: str(t) for t in outcome.workload.targets},
            "ratio_to_target": {
                t.figure: t.ratio(outcome.figures[t.figure])
                for t in outcome.workload.targets
                if t.figure in outcome.figures
            },
            "ok": outcome.ok,
            "quick": outcome.quick,
            "repeat": outcome.repeat,
            "problems": outcome.problems,
            "notes": outcome.notes,
            "error": outcome.error,
        }
    )


def _yardstick(machine: dict[str, dict[str, float]]) -> str:
    return "machine (benchmarks/machine.py): " + "; ".join(
        f"{when}: python {m['python_ms']:.1f} ms, durable commit {m['commit_ms']:.2f} ms" for when, m in machine.items()
    )


def print_report(outcomes: list[Outcome], machine: dict[str, dict[str, float]]) -> None:
    """The table and the machine's yardstick, notes, errors and profiles on stderr, then the JSON lines."""
    table = _table(outcomes)
    table.caption = _yardstick(machine)
    Console(width=max(Console().width, 110)).print(table)
    sys.stdout.flush()
    for outcome in outcomes:
        name = outcome.workload.name
        for note in outcome.notes:
            print(f"{name}: {note}", file=sys.stderr)
        if outcome.error and "\n" in outcome.error.strip():
            print(f"{name} failed:\n{outcome.error}", file=sys.stderr)
        if outcome.profile:
            print(f"{name} profile (timed blocks, first run):\n{outcome.profile}", file=sys.stderr)
    sys.stderr.flush()
    for outcome in outcomes:
        print(as_json(outcome), flush=True)
    print(json.dumps({"name": "machine", "figures": machine}), flush=True)
