"""The web viewer in a real browser: Playwright driving Debian's Chromium against ``ledgerflow ui``.

Skipped locally (with the reason) when Playwright or ``/usr/bin/chromium`` is missing; under
CI=true that is a failure (``.ci/run`` installs both). Each page's screenshot goes to the test's
temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from viewer_stores import STANDALONE_APP, environment, workflow_store

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("LEDGERFLOW_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed: pip install -e '.[test]'")
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"ledgerflow ui stopped: {server.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("ledgerflow ui did not start listening within 30 s")


@pytest.fixture
def serve() -> Iterator[Any]:
    """Starts ``ledgerflow ui`` in a folder; returns its address."""
    servers: list[subprocess.Popen[str]] = []

    def start(folder: Path) -> str:
        port = _free_port()
        command = [sys.executable, "-m", "ledgerflow.cli", "ui", "--port", str(port)]
        server = subprocess.Popen(
            command, cwd=folder, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        servers.append(server)
        _wait_for(port, server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workflow_store(tmp_path_factory.mktemp("workflow"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert not problems, f"the browser reported errors: {problems}"


def _shot(page: Any, folder: Path, name: str) -> None:
    target = folder / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5_000


def test_every_page_and_the_links_between_them(serve: Any, workflow: Path, page: Any, tmp_path: Path) -> None:
    base = serve(workflow)
    page.goto(base + "/")
    assert page.locator("#audit-state").count() == 1
    _shot(page, tmp_path, "overview")
    page.click("#scenarios a")
    assert page.url.startswith(base + "/scenario/SCENARIO_forecast")
    scenario_url = page.url
    assert page.locator("#dag svg").count() == 1 and page.locator("#dag svg a").count() == 9  # 6 nodes + 3 tasks
    _shot(page, tmp_path, "scenario")
    page.click("#tasks a >> nth=0")  # the training task's page
    assert "/entity/TASK_training" in page.url and page.locator("#task-jobs tr").count() == 2
    _shot(page, tmp_path, "task")
    page.go_back()
    page.click("#tasks a.job-link >> nth=1")  # predict's last job
    assert "/job/JOB_predict" in page.url
    assert page.locator("#changes tr").count() >= 5 and page.locator("#outputs a").count() == 1
    _shot(page, tmp_path, "job")
    page.click("#outputs a")
    assert "/datanode/DATANODE_sales_predictions" in page.url
    assert page.locator("#writes tbody tr").count() == 2 and page.locator("#value code").inner_text() == "110.0"
    _shot(page, tmp_path, "datanode")
    page.go_back()
    assert "/job/JOB_predict" in page.url
    page.go_back()
    assert page.url == scenario_url
    page.click("#scenario-submissions a >> nth=0")
    assert "/submission/" in page.url and page.locator("svg.timeline .bar").count() == 3
    _shot(page, tmp_path, "submission")
    page.click("svg.timeline .bar a >> nth=1")
    assert "/job/JOB_predict" in page.url
    for name in ("versions", "events"):
        page.click(f"header nav >> text={name.capitalize()}")
        assert page.url.startswith(f"{base}/{name}")
        _shot(page, tmp_path, name)
    page.click("#event-log a >> nth=0")
    assert page.locator("h1").count() == 1


def test_moving_the_as_of_control_shows_an_earlier_value(serve: Any, workflow: Path, page: Any) -> None:
    base = serve(workflow)
    page.goto(base + "/")
    page.click("#scenarios a")
    page.click('#data-nodes a[data-node="current_month"]')
    assert page.locator("#value code").inner_text() == "'January'"
    last = int(page.locator("body").get_attribute("data-last"))
    slider = page.locator("#as-of-slider").bounding_box()
    assert slider is not None
    # the writes of current_month: its default at the scenario's creation, February, then January
    target = 0.45  # between the first run (February) and the second (January)
    with page.expect_navigation():
        page.mouse.move(slider["x"] + slider["width"] - 4, slider["y"] + slider["height"] / 2)
        page.mouse.down()
        page.mouse.move(slider["x"] + slider["width"] * target, slider["y"] + slider["height"] / 2, steps=8)
        page.mouse.up()
    position = int(page.locator("body").get_attribute("data-position"))
    assert 0 < position < last and "as_of=" in page.url
    assert page.locator("#value code").inner_text() == "'February'"
    assert page.locator(".badge.past").count() == 1
    page.click("text=back to now")
    assert page.locator("#value code").inner_text() == "'January'"


def test_a_running_submission_updates_live(serve: Any, page: Any, browser: Any, tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(STANDALONE_APP)
    env = environment() | {"SLOW_SECONDS": "3"}
    app = subprocess.Popen(
        [sys.executable, "main.py"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert app.stdout is not None
        submission = app.stdout.readline().strip()
        assert submission.startswith("SUBMISSION_"), app.stderr.read() if app.stderr else ""
        base = serve(tmp_path)
        events = browser.new_page()
        events.goto(base + "/events")
        page.goto(f"{base}/submission/{submission}")
        page.evaluate("window.stillTheSamePage = true")
        assert page.locator("#timeline").get_attribute("data-running") == "true"
        _shot(page, tmp_path, "submission-running")
        page.wait_for_selector('#submission-status:text("COMPLETED")', timeout=60_000)
        assert page.evaluate("window.stillTheSamePage") is True  # updated in place, not reloaded
        assert page.locator('#jobs tr[data-status="COMPLETED"]').count() == 2
        assert page.locator("svg.timeline rect.span").count() >= 4
        _shot(page, tmp_path, "submission-done")
        events.wait_for_selector('#event-log tr.new:has-text("JOB_second")', timeout=10_000)
        rows = events.locator("#event-log tr.new").all_inner_texts()
        assert any("JOB_second" in row and "job.status_changed" in row for row in rows), rows
        events.close()
        assert app.wait(timeout=60) == 0
    finally:
        if app.poll() is None:
            app.kill()
