"""A submission's timeline: one bar per job, cut into the spans its recorded transitions mark.

Each span runs from one status change to the next: queued (SUBMITTED, PENDING), BLOCKED,
RUNNING; a job not finished yet runs on to ``now``. Drawn as SVG with the job's task name
linking to the job's page, and the final status, duration, attempts, worker and reason beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from ledgerflow.domain.enums import Status
from ledgerflow.projections.views import JobView

__all__ = ["Bar", "Span", "Timeline", "duration", "timeline_of", "timeline_svg"]

SPAN_COLOURS = {
    "SUBMITTED": "#cfd8dc",
    "PENDING": "#b0bec5",
    "BLOCKED": "#fff59d",
    "RUNNING": "#64b5f6",
}
END_COLOURS = {
    "COMPLETED": "#43a047",
    "SKIPPED": "#26a69a",
    "FAILED": "#e53935",
    "CANCELED": "#fb8c00",
    "ABANDONED": "#fb8c00",
}
_LABEL, _WIDTH, _ROW = 190, 560, 30


@dataclass
class Span:
    """One status a job was in, from ``start`` to ``end`` (seconds since the timeline's start)."""

    status: str
    start: float
    end: float
    reason: str | None


@dataclass
class Bar:
    """One job of the timeline."""

    job_id: str
    task: str
    status: str
    spans: list[Span] = field(default_factory=list)
    attempts: int = 0
    worker: str | None = None
    reason: str | None = None
    seconds: float | None = None  # from its first RUNNING to its end


@dataclass
class Timeline:
    """Every job's bar, and how long the whole timeline lasts."""

    bars: list[Bar]
    seconds: float
    start: datetime | None
    running: bool


def _seconds(moment: datetime, start: datetime) -> float:
    return max((moment - start).total_seconds(), 0.0)


def timeline_of(jobs: list[JobView], tasks: dict[str, str], workers: dict[str, str | None], now: datetime) -> Timeline:
    """The timeline of ``jobs``; ``tasks`` names each job's task, ``workers`` who ran each job."""
    if not jobs:
        return Timeline([], 0.0, None, False)
    start = min(change.timestamp for job in jobs for change in job.history)
    running = any(not job.status.is_finished for job in jobs)
    end = max(change.timestamp for job in jobs for change in job.history)
    if running:
        end = max(end, now.astimezone(end.tzinfo) if end.tzinfo else now)
    bars = []
    for job in jobs:
        bar = Bar(job.id, tasks.get(job.task_id, job.task_id), job.status.name, worker=workers.get(job.id))
        history = job.history
        for this, after in zip(history, [*history[1:], None], strict=True):
            if this.status.is_finished:
                break
            until = after.timestamp if after is not None else end
            bar.spans.append(Span(this.status.name, _seconds(this.timestamp, start), _seconds(until, start), None))
        bar.attempts = sum(change.status is Status.RUNNING for change in history)
        bar.reason = next((c.reason for c in reversed(history) if c.reason), None)
        first_run = next((c.timestamp for c in history if c.status is Status.RUNNING), None)
        if first_run is not None:
            bar.seconds = _seconds(history[-1].timestamp if job.status.is_finished else end, first_run)
        bars.append(bar)
    return Timeline(bars, _seconds(end, start), start, running)


def duration(seconds: float) -> str:
    """A duration as people read it: 850 ms, 2.35 s, 3 min 5 s."""
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def timeline_svg(timeline: Timeline, link: Callable[[str], str]) -> str:
    """The timeline as an SVG Gantt chart."""
    total = max(timeline.seconds, 0.001)
    scale = _WIDTH / total
    height = 34 + _ROW * len(timeline.bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{_LABEL + _WIDTH + 20}" '
        f'height="{height}" data-running="{str(timeline.running).lower()}" data-jobs="{len(timeline.bars)}">'
    ]
    for tick in range(5):
        x = _LABEL + _WIDTH * tick / 4
        parts.append(
            f'<line x1="{x:.0f}" y1="18" x2="{x:.0f}" y2="{height}" stroke="#e0e0e0"/>'
            f'<text x="{x:.0f}" y="12" font-size="10" text-anchor="middle">{duration(total * tick / 4)}</text>'
        )
    for row, bar in enumerate(timeline.bars):
        y = 24 + row * _ROW
        parts.append(
            f'<g class="bar" data-job="{escape(bar.job_id)}" data-status="{escape(bar.status)}">'
            f'<a href="{escape(link(bar.job_id))}"><text x="4" y="{y + 15}" font-size="12">'
            f"{escape(bar.task[:26])}</text></a>"
        )
        for span in bar.spans:
            x = _LABEL + span.start * scale
            width = max((span.end - span.start) * scale, 1.5)
            colour = SPAN_COLOURS.get(span.status, "#e0e0e0")
            parts.append(
                f'<rect class="span" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{_ROW - 10}" '
                f'fill="{colour}"><title>{escape(span.status)}: {duration(span.end - span.start)}</title></rect>'
            )
        end_x = _LABEL + (bar.spans[-1].end if bar.spans else 0.0) * scale
        end = END_COLOURS.get(bar.status)
        if end is not None:
            parts.append(
                f'<rect x="{end_x - 1:.1f}" y="{y + 1}" width="4" height="{_ROW - 6}" fill="{end}">'
                f"<title>{escape(bar.status)}</title></rect>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
