"""``python -m benchmarks [--quick] [--only NAME[,NAME]] [--repeat N] [--profile]``."""

from __future__ import annotations

import argparse
import sys

from benchmarks.harness import Outcome, Run, run_workload, temporary_root
from benchmarks.machine import measure
from benchmarks.registry import PLANNED, REGISTRY, Workload
from benchmarks.report import print_report


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    parser.add_argument("--only", help="comma-separated workload names: " + ", ".join(REGISTRY))
    parser.add_argument("--repeat", type=int, help="repetitions (default 3; 1 for heavy ones)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample all threads in the timed blocks (first repetition)",
    )
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _select(only: str | None) -> list[Workload]:
    if not only:
        return list(REGISTRY.values())
    names = [n.strip() for n in only.split(",") if n.strip()]
    for name in names:
        if name in PLANNED:
            raise SystemExit(f"Workload {name!r} is planned but not written yet.")
        if name not in REGISTRY:
            raise SystemExit(f"Unknown workload {name!r}: choose from {', '.join(REGISTRY)}.")
    return [REGISTRY[n] for n in names]


def main(argv: list[str]) -> int:
    """Run the selected workloads; exit 0 when every one met its targets."""
    args = _parse(argv)
    workloads = _select(args.only)
    outcomes: list[Outcome] = []
    with temporary_root() as root:
        before = measure(root)
        run = Run(root, quick=args.quick, profile=args.profile)
        for workload in workloads:
            print(f"{workload.name}: {workload.summary}", file=sys.stderr, flush=True)
            outcomes.append(run_workload(run, workload, args.repeat))
        after = measure(root)
    print_report(outcomes, {"before": before, "after": after})
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
