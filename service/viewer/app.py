"""The viewer's web application: read-only pages over a store, on Starlette.

Every route answers GET (and HEAD) only; any other method is refused with 405. Pages render
on the server with Jinja2 (autoescaping every value); the only script is ``static/viewer.js``.
Each page takes ``?as_of=`` (a position, a moment ago such as ``-15m``, or an ISO date) and is
then drawn as the store was. ``/events/stream`` follows the log with server-sent events.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.ids import entity_kind
from ledgerflow.service.audit.history import read_events
from ledgerflow.service.timetravel.view import TimeTravelError
from ledgerflow.service.viewer import entity_pages, pages
from ledgerflow.service.viewer.guard import Guard
from ledgerflow.service.viewer.links import Links
from ledgerflow.service.viewer.reading import LiveView, Reader
from ledgerflow.service.viewer.timeline import END_COLOURS, SPAN_COLOURS, duration

__all__ = ["create_app", "template_environment"]

HERE = Path(__file__).parent
#: What a page shows: its template's context, from the request, the view of the store and the page's links.
Build = Callable[[Request, Any, Links], dict[str, Any]]
_POLL_SECONDS = 0.5


def template_environment() -> Environment:
    """The Jinja2 templates of the viewer (and of ``ledgerflow report``), autoescaped."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters["when"] = _when
    env.filters["duration"] = duration
    env.filters["short"] = lambda text, n=12: (text or "")[:n]
    env.globals["span_colours"] = SPAN_COLOURS
    env.globals["end_colours"] = END_COLOURS
    env.tests["entity"] = lambda value: isinstance(value, str) and entity_kind(value) is not None
    return env


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{local:%Y-%m-%d %H:%M:%S}"


class Viewer:
    """The pages of one store."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.env = template_environment()

    def page(self, template: str, build: Build) -> Callable[[Request], Response]:
        """An endpoint that renders ``template`` with what ``build(request, view, links)`` returns.

        An unknown id answers 404, a point in time that cannot be travelled to 400, with the reason.
        """

        def endpoint(request: Request) -> Response:
            with self.reader.lock:
                try:
                    view = self.reader.view(request.query_params.get("as_of"))
                    past = not isinstance(view, LiveView)
                    links = Links(view.position if past else None, request.scope.get("root_path", ""))
                    context = build(request, view, links) | {"request": request}
                    return HTMLResponse(self._render(template, view, links, past, context))
                except LedgerflowError as error:
                    body = self.env.get_template("error.html").render(message=str(error))
                    return HTMLResponse(body, status_code=400 if isinstance(error, TimeTravelError) else 404)

        return endpoint

    def _render(self, template: str, view: Any, links: Links, past: bool, context: dict[str, Any]) -> str:
        return self.env.get_template(template).render(
            links=links,
            past=past,
            position=view.position,
            moment=getattr(view, "moment", None),
            log_end=self.reader.last_position(),
            markup=Markup,
            **context,
        )

    async def stream(self, request: Request) -> Response:
        """Server-sent events: every new event of the log (filtered), as JSON, as it is appended."""
        query = request.query_params
        after_text = query.get("after", "")
        kind, entity = query.get("type", "").strip(), query.get("entity", "").strip()

        async def events() -> AsyncIterator[str]:
            last = self.reader.last_position
            after = int(after_text) if after_text.isdigit() else await anyio.to_thread.run_sync(last)
            yield f"event: ready\ndata: {after}\n\n"
            while not await request.is_disconnected():
                end = await anyio.to_thread.run_sync(last)
                if end > after:
                    found = await anyio.to_thread.run_sync(self._read, after + 1, end, kind, entity)
                    for event in found:
                        yield f"data: {json.dumps(event, default=str)}\n\n"
                    after = end
                    yield f"event: position\ndata: {end}\n\n"
                await anyio.sleep(_POLL_SECONDS)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    def _read(self, first: int, last: int, kind: str, entity: str) -> list[dict[str, Any]]:
        with self.reader.lock:
            found = read_events(self.reader.store, first, last, (kind,) if kind else (), (entity,) if entity else ())
            return [
                {
                    "position": e.position,
                    "time": _when(e.time),
                    "entity_id": e.entity_id,
                    "topic": e.name,
                    "actor": e.actor or "",
                    "reason": e.reason or "",
                    "link": Links(None).entity(e.entity_id),
                }
                for e in found
            ]


def _static_files() -> Callable[[Request], Response]:
    """The viewer's own script and style sheet, and nothing else."""
    kinds = {".js": "text/javascript", ".css": "text/css"}
    files = {path.name: (path.read_bytes(), kinds[path.suffix]) for path in (HERE / "static").iterdir()}

    def endpoint(request: Request) -> Response:
        found = files.get(str(request.path_params["name"]))
        if found is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "max-age=300"})

    return endpoint


def create_app(reader: Reader, token: str | None = None) -> Starlette:
    """The viewer of ``reader``'s store; with ``token``, every request must carry it."""
    viewer = Viewer(reader)

    def param(request: Request, name: str) -> str:
        return str(request.path_params.get(name, ""))

    def route(path: str, template: str, build: Build) -> Route:
        return Route(path, viewer.page(template, build), methods=["GET"])

    def page_number(request: Request) -> int:
        text = request.query_params.get("page", "0")
        return int(text) if text.isdigit() else 0

    routes = [
        route("/", "overview.html", lambda r, v, ln: pages.overview(v, reader, page_number(r))),
        route("/scenario/{id}", "scenario.html", lambda r, v, ln: pages.scenario_page(v, reader, ln, param(r, "id"))),
        route(
            "/submission/{id}",
            "submission.html",
            lambda r, v, ln: entity_pages.submission_page(v, reader, ln, param(r, "id")),
        ),
        route(
            "/submission/{id}/timeline",
            "timeline_part.html",
            lambda r, v, ln: entity_pages.submission_page(v, reader, ln, param(r, "id")),
        ),
        route("/job/{id}", "job.html", lambda r, v, ln: entity_pages.job_page(v, reader, param(r, "id"))),
        route(
            "/datanode/{id}",
            "datanode.html",
            lambda r, v, ln: entity_pages.datanode_page(v, reader, param(r, "id"), dict(r.query_params)),
        ),
        route("/entity/{id}", "entity.html", lambda r, v, ln: entity_pages.entity_page(v, reader, param(r, "id"))),
        route(
            "/versions",
            "versions.html",
            lambda r, v, ln: (
                pages.versions_page(v, r.query_params.get("first"), r.query_params.get("second"))
                | {"migrations": pages.migrations(reader, v.position)}
            ),
        ),
        route("/events", "events.html", lambda r, v, ln: pages.events_page(reader, v.position, dict(r.query_params))),
        Route("/events/stream", viewer.stream, methods=["GET"]),
        Route("/static/{name}", _static_files(), methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Guard, token=token)
    return app
