"""A sampling profiler over every thread, for ``--profile``.

cProfile sees only the thread that enables it, but the engine works on its own threads (the
orchestrator's event loop, the group-commit writer). This samples ``sys._current_frames()``
every ``interval`` seconds and reports, per thread, the functions on the stack most often
(inclusive) and at its top (self).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType

__all__ = ["StackSampler"]


def _where(frame: FrameType) -> str:
    code = frame.f_code
    path = Path(code.co_filename)
    short = "/".join(path.parts[-2:])
    return f"{code.co_qualname} ({short}:{code.co_firstlineno})"


class StackSampler:
    """Collects stack samples of all other threads while started."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.samples: Counter[str] = Counter()
        self.inclusive: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.leaf: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sampling (again)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling; samples are kept."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                name = names.get(ident, str(ident))
                self.samples[name] += 1
                self.leaf[name][_where(frame)] += 1
                seen: set[str] = set()
                walk: FrameType | None = frame
                while walk is not None:
                    seen.add(_where(walk))
                    walk = walk.f_back
                self.inclusive[name].update(seen)

    def report(self, top: int = 15) -> str:
        """Per thread: its sample count, then the most frequent functions (inclusive, self)."""
        lines = [f"sampled every {self.interval * 1000:g} ms at {time.strftime('%H:%M:%S')}"]
        for name, total in self.samples.most_common():
            lines.append(f"\n[thread {name}] {total} samples")
            lines.append("  inclusive:")
            for where, count in self.inclusive[name].most_common(top):
                lines.append(f"    {100 * count / total:5.1f}%  {where}")
            lines.append("  self:")
            for where, count in self.leaf[name].most_common(top // 2):
                lines.append(f"    {100 * count / total:5.1f}%  {where}")
        return "\n".join(lines)
