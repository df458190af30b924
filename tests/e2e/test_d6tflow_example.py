"""The d6tflow example run as a user would: which tasks run at each step, the preview, the exit code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "d6tflow"

pytestmark = pytest.mark.slow

TRAIN, PRE, GET = "TaskTrain(do_preprocess=True)", "TaskPreprocess(do_preprocess=True)", "TaskGetData()"


def script(folder: Path, name: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, name, *args], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def group(output: str, label: str) -> list[str]:
    """The tasks listed under ``* N <label>:`` in the last execution summary printed."""
    found: list[str] = []
    for summary in output.split("===== ledgerflow Execution Summary =====")[1::2]:
        lines = summary.splitlines()
        found = []
        for index, line in enumerate(lines):
            if re.match(rf"\s*\* \d+ {label}:", line):
                for entry in lines[index + 1 :]:
                    match = re.match(r"\s+- 1 (\w+\([^)]*\))", entry)
                    if not match:
                        break
                    found.append(match.group(1))
    return found


def ran(output: str) -> list[str]:
    return group(output, "ran successfully")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    for name in ("tasks.py", "flow.py", "compare.py", "data.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def test_the_seed_chain_runs_only_what_is_not_complete(example: Path) -> None:
    first = script(example, "flow.py")
    assert "└─--[TaskTrain-{'do_preprocess': 'True'} (PENDING)]" in first.stdout
    assert "   └─--[TaskPreprocess-{'do_preprocess': 'True'} (PENDING)]" in first.stdout
    assert "      └─--[TaskGetData-{} (PENDING)]" in first.stdout
    assert ran(first.stdout) == [GET, PRE, TRAIN] and "complete: True" in first.stdout

    second = script(example, "flow.py")  # a new process, development mode: nothing runs again
    assert "└─--[TaskTrain-{'do_preprocess': 'True'} (COMPLETE)] <- outputs are up to date" in second.stdout
    assert ran(second.stdout) == [] and "Did not run any tasks" in second.stdout
    assert second.stdout.splitlines()[-2] == first.stdout.splitlines()[-2]  # the same model

    switched = script(example, "flow.py", "--no-preprocess")
    assert ran(switched.stdout) == ["TaskPreprocess(do_preprocess=False)", "TaskTrain(do_preprocess=False)"]
    assert group(switched.stdout, "complete ones were encountered") == [GET]
    back = script(example, "flow.py")  # the outputs of every parameter set stay cached
    assert ran(back.stdout) == [] and back.stdout.splitlines()[-2] == first.stdout.splitlines()[-2]

    reset = script(example, "flow.py", "--reset")
    assert "      └─--[TaskGetData-{} (PENDING)] <- reset" in reset.stdout
    assert f"   └─--[TaskPreprocess-{{'do_preprocess': 'True'}} (PENDING)] <- upstream {GET} will run" in reset.stdout
    assert ran(reset.stdout) == [GET, PRE, TRAIN]


def test_changed_data_and_code_rerun_the_task_and_its_downstream(example: Path) -> None:
    script(example, "flow.py")
    data = example / "data.csv"
    data.write_text(data.read_text() + "7,14.3\n")
    changed_data = script(example, "flow.py")
    assert f"[TaskGetData-{{}} (PENDING)] <- input watched file {data} changed" in changed_data.stdout
    assert ran(changed_data.stdout) == [GET, PRE, TRAIN]

    tasks = example / "tasks.py"
    tasks.write_text(tasks.read_text().replace('model, r2 = fit(df, "ols")', 'model, r2 = fit(df.head(6), "ols")'))
    changed_code = script(example, "flow.py")
    assert f"[TaskTrain-{{'do_preprocess': 'True'}} (PENDING)] <- code of {TRAIN} changed" in changed_code.stdout
    assert ran(changed_code.stdout) == [TRAIN]
    assert ran(script(example, "flow.py").stdout) == []


def test_a_failing_task_prints_the_summary_and_exits_non_zero(example: Path) -> None:
    script(example, "flow.py")
    tasks = example / "tasks.py"
    fixed = tasks.read_text()
    tasks.write_text(
        fixed.replace(
            "        df = self.inputLoad()\n        model",
            "        df = self.inputLoad()\n        1 / 0\n        model",
        )
    )
    failed = script(example, "flow.py", ok=False)
    assert failed.returncode == 1
    assert "Scheduled 2 tasks of which:" in failed.stdout
    assert group(failed.stdout, "complete ones were encountered") == [PRE]
    assert group(failed.stdout, "failed") == [TRAIN]
    assert "This progress looks :( because there were failed tasks" in failed.stdout
    assert "ZeroDivisionError: division by zero" in failed.stderr and 'tasks.py", line' in failed.stderr
    assert "RuntimeError: Exception found running flow, check trace" in failed.stderr
    tasks.write_text(fixed)  # back to the code that made the outputs of the first run: they are current
    assert ran(script(example, "flow.py").stdout) == []


def test_workflow_multi_compares_two_models_sharing_their_upstream(example: Path) -> None:
    first = script(example, "compare.py")
    assert "└─--[TaskModel-{'do_preprocess': 'True', 'model': 'ols'} (PENDING)]" in first.stdout
    assert ran(first.stdout) == ["TaskModel(do_preprocess=True, model=mean)"]  # the last flow's summary
    assert first.stdout.count("ran successfully") == 2
    assert "ols: r2=0.9982" in first.stdout and "mean: r2=0.0" in first.stdout
    again = script(example, "compare.py")
    assert again.stdout.count("Did not run any tasks") == 2
    assert ran(script(example, "flow.py").stdout) == [TRAIN]  # TaskGetData and TaskPreprocess are shared


def test_two_processes_running_the_script_at_once_run_each_task_once(example: Path) -> None:
    started = [
        subprocess.Popen(
            [sys.executable, "flow.py"], cwd=example, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in started]
    assert [p.returncode for p in started] == [0, 0], outputs
    runs = sorted(ran(out) for out, _ in outputs)
    assert runs == [[], [GET, PRE, TRAIN]]  # they took turns: the second found every task complete
    count = "import ledgerflow as lf; print(len(lf.get_scenarios()), len(lf.get_tasks()), len(lf.get_jobs()))"
    assert script(example, "-c", count).stdout.split()[-3:] == ["1", "3", "4"]
