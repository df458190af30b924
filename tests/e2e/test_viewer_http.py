"""The web viewer over plain HTTP: every page of stores made by the example apps, read-only, escaped."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the viewer needs the ui extra: pip install 'ledgerflow[ui]'")

from starlette.routing import Route
from starlette.testclient import TestClient
from viewer_stores import EXAMPLE_APPS, example_store, hostile_store, ledgerflow, workflow_store

from ledgerflow.commands.ui import open_for_viewing
from ledgerflow.service.viewer.app import create_app

pytestmark = pytest.mark.slow

_LINK = re.compile(r'href="(/[^"#]*)"')
_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workflow_store(tmp_path_factory.mktemp("workflow"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, hostile_store(folder)


@pytest.fixture
def client(workflow: Path) -> Iterator[TestClient]:
    with open_for_viewing(workflow / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        yield client


def _walk(client: TestClient, start: str = "/", limit: int = 200) -> dict[str, str]:
    """Every page reachable from ``start`` by the links of the pages (streams and fragments aside)."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo and len(seen) < limit:
        path = todo.pop()
        if path in seen:
            continue
        answer = client.get(path)
        if answer.status_code == 404 and "as_of=" in path and "exist" in answer.text:
            seen[path] = ""  # an entity linked from a page as of a position it did not exist at yet
            continue
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:500]}"
        seen[path] = answer.text
        for link in _LINK.findall(answer.text):
            link = unescape(link)
            if not link.startswith(("/static/", "/events/stream")) and link not in seen:
                todo.append(link)
    return seen


def _store_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(("-shm", "-wal")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_every_page_of_the_workflow_example_answers(client: TestClient) -> None:
    pages = _walk(client)
    kinds = {path.split("/")[1].split("?")[0] for path in pages}
    assert {"", "scenario", "submission", "job", "datanode", "entity", "versions", "events"} <= kinds
    overview = pages["/"]
    assert "forecast" in overview and "Experiment" in overview and "COMPLETED" in overview
    scenario = next(text for path, text in pages.items() if path.startswith("/scenario/") and "as_of" not in path)
    assert "<svg" in scenario and "production_orders" in scenario and "110.0" in scenario


@pytest.mark.parametrize("name", EXAMPLE_APPS)
def test_every_example_app_store_is_shown_and_reported(name: str, tmp_path: Path) -> None:
    folder = example_store(name, tmp_path)
    with open_for_viewing(folder / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        pages = _walk(client)
    assert any(path.startswith("/scenario/") for path in pages)
    if name == "production":
        assert re.search(r"<td>2\.0</td>\s*<td>0\.1</td>\s*<td>4</td>", pages["/versions"])
    submissions = sorted({p.split("?")[0] for p in pages if p.startswith("/submission/") and "/timeline" not in p})
    assert bool(submissions) == (name in ("standalone", "workflow"))  # seed and production only create scenarios
    for path in submissions[:2]:
        target = tmp_path / "report.html"
        done = ledgerflow(folder, "report", path.split("/")[-1], "-o", str(target))
        assert done.returncode == 0, done.stderr
        assert "The log is intact" in target.read_text()


def test_the_timeline_part_and_the_static_files(client: TestClient) -> None:
    submission = re.search(r'href="(/submission/[^"]+)"', client.get("/").text)
    assert submission is not None
    part = client.get(submission.group(1) + "/timeline")
    assert part.status_code == 200 and part.text.startswith('<div id="timeline"')
    assert 'data-running="false"' in part.text
    assert part.text.count('class="bar"') == 3
    assert "as-of-slider" in client.get("/static/viewer.js").text
    assert client.get("/static/viewer.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_no_route_changes_anything(workflow: Path, client: TestClient) -> None:
    before = _store_digest(workflow / ".ledgerflow")
    app = client.app
    paths = []
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route):
            assert set(route.methods or ()) <= {"GET", "HEAD"}, route.path
            paths.append(route.path.replace("{id}", "SCENARIO_x").replace("{name}", "viewer.css"))
    assert len(paths) >= 10
    for path in paths:
        for method in _METHODS:
            answer = client.request(method, path, json={"status": "FAILED"})
            assert answer.status_code == 405, f"{method} {path}: {answer.status_code}"
    assert _store_digest(workflow / ".ledgerflow") == before


def _month_node(client: TestClient) -> str:
    scenario = re.search(r'href="(/scenario/[^"?]+)"', client.get("/").text)
    assert scenario is not None
    node = re.search(r'href="(/datanode/DATANODE_current_month[^"?]+)"', client.get(scenario.group(1)).text)
    assert node is not None
    return node.group(1)


def test_a_page_as_of_an_earlier_position_shows_the_earlier_value(client: TestClient) -> None:
    node = _month_node(client)
    now = client.get(node).text
    assert re.search(r'<div id="value"><code class="value">&#39;January&#39;</code>', now)
    assert len(re.findall(r'<a href="/datanode/[^"]+v=\d">', now)) == 3  # default, February, January
    writes = client.get("/events", params={"entity": node.split("/")[-1], "type": "datanode.written"}).text
    positions = [int(p) for p in re.findall(r"<tr><td>(\d+)</td>", writes)]
    assert len(positions) == 3
    earlier = client.get(node, params={"as_of": positions[1]}).text
    assert re.search(r'<div id="value"><code class="value">&#39;February&#39;</code>', earlier)
    assert f'data-position="{positions[1]}"' in earlier and "back to now" in earlier
    assert f"as_of={positions[1]}" in earlier  # links keep the position


def test_a_diff_between_two_writes(client: TestClient) -> None:
    page = client.get(_month_node(client), params={"a": 1, "b": 2}).text
    assert "Changes from write 1 to write 2" in page
    assert "-&#39;January&#39;" in page and "+&#39;February&#39;" in page
    same = client.get(_month_node(client), params={"a": 1, "b": 3}).text
    assert "The two values are the same." in same


def test_unknown_ids_and_bad_positions_are_reported_escaped(client: TestClient) -> None:
    missing = client.get("/scenario/SCENARIO_<b>nothing<b>")
    assert missing.status_code == 404 and "<b>nothing" not in missing.text and "&lt;b&gt;" in missing.text
    nonsense = client.get("/", params={"as_of": "<script>x</script>"})
    assert nonsense.status_code == 400 and "<script>x" not in nonsense.text
    assert "is not a point in time" in nonsense.text
    assert client.get("/", params={"as_of": "999999"}).status_code == 400
    before_anything = client.get("/", params={"as_of": "2000-01-01T00:00"})
    assert before_anything.status_code == 200 and 'data-position="0"' in before_anything.text
    assert "no scenario" in before_anything.text
    assert client.get("/datanode/DATANODE_x", params={"v": "../../etc/passwd"}).status_code == 404


def test_events_filter_by_entity_type_and_position(client: TestClient) -> None:
    jobs = client.get("/events", params={"type": "job.status_changed"}).text
    topics = set(re.findall(r"<td>(job\.[a-z_]+|scenario\.[a-z_]+|datanode\.[a-z_]+)</td>", jobs))
    assert topics == {"job.status_changed"}
    early = client.get("/events", params={"since": "1", "until": "3"}).text
    assert re.findall(r"<tr><td>(\d+)</td>", early) == ["1", "2", "3"]
    scenario = re.search(r'href="/scenario/(SCENARIO_[^"?]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    own = client.get("/events", params={"entity": scenario}).text
    family = client.get("/events", params={"entity": scenario, "family": "1"}).text
    assert set(re.findall(r">(SCENARIO_[^<]+)</a>", own)) == {scenario}
    assert "JOB_predict" in family and "DATANODE_current_month" in family and "SUBMISSION_" in family
    written = client.get("/events", params={"entity": scenario, "family": "1", "type": "datanode.written"}).text
    assert set(re.findall(r"<td>([a-z]+\.[a-z_]+)</td>", written)) == {"datanode.written"}


def test_hostile_text_is_escaped_everywhere(hostile: tuple[Path, list[str]]) -> None:
    folder, _ids = hostile
    with open_for_viewing(folder / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        pages = _walk(client)
    assert len(pages) >= 8
    for path, text in pages.items():
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text and "<i><" not in text and "<b>second" not in text, path
    assert any("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text for text in pages.values())


def test_previews_read_only_what_the_page_shows(
    hostile: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, (_rerun, _failed, scenario, submission, trap, *_) = hostile
    marks = tmp_path / "unpickled.txt"
    monkeypatch.setenv("TRIPWIRE_FILE", str(marks))
    with open_for_viewing(folder / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        for path in ("/", f"/scenario/{scenario}", f"/submission/{submission}", "/events", "/versions"):
            assert client.get(path).status_code == 200
        assert not marks.exists(), "a listing unpickled a value larger than a preview reads"
        page = client.get(f"/datanode/{trap}").text
        assert "Tripwire(400000 bytes)" in page
    assert marks.read_text().count("unpickled") == 1


def test_tables_are_shown_as_tables_and_compared_by_rows_and_columns(hostile: tuple[Path, list[str]]) -> None:
    folder, (*_, table) = hostile
    with open_for_viewing(folder / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        page = client.get(f"/datanode/{table}", params={"a": 1, "b": 2}).text
    assert re.search(r'<table class="value"><thead><tr><th></th><th>city</th><th>sales</th><th>new</th>', page)
    assert "2 of 2 rows" in page and "Columns added: new." in page and "Rows: 2 → 2." in page
    assert '<td>1</td><td>sales</td><td class="del">20</td><td class="add">25</td>' in page
    assert "<script>alert" not in page


def test_a_failed_job_shows_its_traceback_and_a_rerun_its_verdict(hostile: tuple[Path, list[str]]) -> None:
    folder, (rerun, failed, *_) = hostile
    with open_for_viewing(folder / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        broken = client.get(f"/job/{failed}").text
        again = client.get(f"/job/{rerun}").text
    assert "s-failed" in broken and '<pre class="traceback">' in broken
    assert "ValueError: cannot take &lt;script&gt;" in broken and "viewer_tasks.py" in broken
    assert re.search(r'<dd id="verdict">re-run of JOB_shouting_[^:]+: 1 of 1 output\(s\) reproduced</dd>', again)


def test_a_token_is_needed_when_one_is_set(workflow: Path) -> None:
    with open_for_viewing(workflow / ".ledgerflow", None, audit=False) as reader:
        with TestClient(create_app(reader, token="s3cret")) as client:
            assert client.get("/").status_code == 401
            assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
            first = client.get("/?token=s3cret")
            assert first.status_code == 200 and "ledgerflow_token" in first.headers["set-cookie"]
            assert client.get("/versions").status_code == 200  # the cookie
        answer = TestClient(create_app(reader)).get("/")
        assert "frame-ancestors" not in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff"


def test_the_audit_state_is_shown(client: TestClient) -> None:
    for _ in range(50):
        page = client.get("/").text
        if "Checking the hash chain" not in page:
            break
        import time

        time.sleep(0.1)
    assert re.search(r"Chain verified up to position \d+", page)


def test_report_is_one_self_contained_file(workflow: Path, client: TestClient, tmp_path: Path) -> None:
    submission = re.findall(r'href="/submission/(SUBMISSION_[^"?]+)"', client.get("/").text)[0]
    target = tmp_path / "report.html"
    done = ledgerflow(workflow, "report", submission, "-o", str(target))
    assert done.returncode == 0, done.stderr
    page = target.read_text()
    assert f"Submission {submission}" in page and "<svg" in page and "<style>" in page
    assert "The log is intact" in page and "Timeline" in page and page.count("<article") == 3
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<script" not in page and "<link" not in page
    assert re.search(r"<code>[0-9a-f]{64}</code>", page) or re.search(r"<code>[0-9a-z:]{20,}</code>", page)
    missing = ledgerflow(workflow, "report", "SUBMISSION_nothing", "-o", str(tmp_path / "x.html"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_past_pages_fold_only_a_family_yet_draw_what_a_full_fold_draws(workflow: Path) -> None:
    from ledgerflow.service.graph import scenario_graph
    from ledgerflow.service.viewer.past_pages import family_state, recent_created

    with open_for_viewing(workflow / ".ledgerflow", None, audit=False) as reader:
        live = reader.live()
        (scenario_id,) = live.state.scenarios
        first = reader.store.events_of(scenario_id)[0].position
        for position in range(first, live.position + 1):
            view = reader.at(position)
            moment = view.moment
            assert moment is not None
            family = family_state(reader, view, scenario_id)
            whole = view._state.completed()
            assert scenario_graph(family, scenario_id, moment) == scenario_graph(whole, scenario_id, moment)
            assert family.entity_submissions.get(scenario_id) == whole.entity_submissions.get(scenario_id)
            created = [s.id for s in recent_created(reader, view, "submissions", 5)]
            assert created == list(reversed(list(whole.submissions)))[:5]


def test_listening_beyond_this_host_needs_the_printed_token(workflow: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx
    from viewer_stores import environment

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "ledgerflow.cli", "ui", "--host", "0.0.0.0", "--port", str(port)]
    env = environment() | {"COLUMNS": "300"}
    server = subprocess.Popen(command, cwd=workflow, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        token = re.search(r"\?token=([\w-]+)", line)
        assert token is not None, line
        for _ in range(100):
            try:
                refused = httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert refused.status_code == 401
        admitted = httpx.get(f"http://127.0.0.1:{port}/", params={"token": token.group(1)})
        assert admitted.status_code == 200 and "Overview" in admitted.text
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.postgres
def test_a_store_on_postgresql_is_shown_and_reported(postgres_url: str, tmp_path: Path) -> None:
    folder = workflow_store(tmp_path, event_store=postgres_url)
    with open_for_viewing(folder / ".ledgerflow", postgres_url) as reader, TestClient(create_app(reader)) as client:
        pages = _walk(client)
        assert "110.0" in next(text for path, text in pages.items() if path.startswith("/scenario/"))
        submission = re.findall(r'href="/submission/(SUBMISSION_[^"?]+)"', pages["/"])[0]
    target = tmp_path / "report.html"
    done = ledgerflow(folder, "report", submission, "-o", str(target), event_store=postgres_url)
    assert done.returncode == 0, done.stderr
    assert "The log is intact" in target.read_text()
