"""``ledgerflow report``: one submission as a single self-contained HTML file, for an audit.

The file holds the submission's timeline, its scenario's DAG, every job with its transitions,
inputs and outputs (with content hashes), and the state of the log's hash chain, with the CSS
and SVG inline: it opens offline, with no script. Links point inside the file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markupsafe import Markup

from ledgerflow.service import queries
from ledgerflow.service.graph import scenario_graph
from ledgerflow.service.viewer.app import HERE, template_environment
from ledgerflow.service.viewer.dag import dag_svg
from ledgerflow.service.viewer.entity_pages import job_page, submission_page
from ledgerflow.service.viewer.reading import Reader

__all__ = ["report_html"]


class _InFile:
    """Links of the report: jobs point to their section of the file; other entities to nothing."""

    prefix = ""
    as_of = None

    def __init__(self, inside: set[str]) -> None:
        self._inside = inside

    def entity(self, entity_id: str) -> str:
        return f"#{entity_id}" if entity_id in self._inside else "#top"

    def to(self, path: str, **query: Any) -> str:
        return "#top"

    def live(self, path: str, **query: Any) -> str:
        return "#top"


def report_html(reader: Reader, submission_id: str) -> str:
    """The report of ``submission_id`` as of the log's end, as one HTML document."""
    with reader.lock:
        view = reader.live()
        queries.get(view, submission_id)
        record = view.state.submissions[submission_id]
        links = _InFile(set(record.job_ids))
        context = submission_page(view, reader, links, submission_id)  # type: ignore[arg-type]
        jobs = [job_page(view, reader, j) for j in record.job_ids if j in view.state.jobs]
        dag = None
        if record.entity_id.startswith("SCENARIO_") and record.entity_id in view.state.scenarios:
            graph = scenario_graph(view.state, record.entity_id, datetime.now())
            dag = dag_svg(graph, links.entity)
        report = reader.store.verify_chain()
        where = reader.store.where
    return (
        template_environment()
        .get_template("report.html")
        .render(
            context,
            links=links,
            markup=Markup,
            jobs=jobs,
            dag=dag,
            position=view.position,
            chain=report,
            where=where,
            made=datetime.now(),
            css=Markup((HERE / "static" / "viewer.css").read_text()),
        )
    )
