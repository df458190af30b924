"""Task functions defined in the ``__main__`` script, in standalone mode, run as a user would."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HEADER = """
import ledgerflow as lf
from ledgerflow import Config

Config.configure_job_executions(mode="standalone", max_nb_of_workers=1)
"""


def run_script(folder: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = folder / "main.py"
    script.write_text(HEADER + textwrap.dedent(body))
    return subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True, text=True, timeout=120)


def test_a_guarded_script_runs_its_own_functions_in_workers(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        def triple(x):
            return 3 * x

        a = Config.configure_data_node("a", default_data=14)
        b = Config.configure_data_node("b")
        config = Config.configure_scenario("s", [Config.configure_task("t", triple, a, b)])

        if __name__ == "__main__":
            lf.Orchestrator().run()
            scenario = lf.create_scenario(config)
            lf.submit(scenario, wait=True, timeout=60)
            print("result", scenario.b.read())
        """,
    )
    assert result.returncode == 0, result.stderr
    assert "result 42" in result.stdout


def test_an_unguarded_script_is_refused_with_what_to_do(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        def triple(x):
            return 3 * x

        a = Config.configure_data_node("a", default_data=14)
        b = Config.configure_data_node("b")
        config = Config.configure_scenario("s", [Config.configure_task("t", triple, a, b)])
        lf.Orchestrator().run()
        lf.submit(lf.create_scenario(config), wait=True, timeout=60)
        print("should not get here")
        """,
    )
    assert result.returncode != 0
    assert "should not get here" not in result.stdout
    assert "__main__.triple" in result.stderr
    assert "Move it to a module or guard the script" in result.stderr
    assert not list((tmp_path / ".ledgerflow").glob("*.db"))  # refused before anything was written


def test_a_function_inside_the_guard_is_refused_at_submit(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        if __name__ == "__main__":
            def triple(x):
                return 3 * x

            a = Config.configure_data_node("a", default_data=14)
            b = Config.configure_data_node("b")
            config = Config.configure_scenario("s", [Config.configure_task("t", triple, a, b)])
            lf.Orchestrator().run()
            scenario = lf.create_scenario(config)
            try:
                lf.submit(scenario)
            except lf.exceptions.ConfigurationError as error:
                print("refused:", error)
            print("submissions:", len(lf.get_submissions()))
        """,
    )
    assert result.returncode == 0, result.stderr
    assert 'refused: Task "t": function "__main__.triple" cannot run in a worker process' in result.stdout
    assert 'inside the `if __name__ == "__main__":` block' in result.stdout
    assert "submissions: 0" in result.stdout
