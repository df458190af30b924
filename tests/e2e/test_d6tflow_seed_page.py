"""The code of d6tflow's "Running Tasks and Managing Workflows" page, in order, with ledgerflow's import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PAGE = """
import ledgerflow.d6tflow as d6tflow

class TaskGetData(d6tflow.tasks.TaskPqPandas):  # no parameter dependence
    def run(self):
        self.save([1, 2, 3])

class TaskPreprocess(d6tflow.tasks.TaskCachePandas):  # save data in memory
    do_preprocess = d6tflow.BoolParameter(default=True)  # parameter for preprocessing yes/no
    def requires(self):
        return TaskGetData()
    def run(self):
        self.save([x * 10 for x in self.inputLoad()] if self.do_preprocess else self.inputLoad())

@d6tflow.requires(TaskPreprocess)
class TaskTrain(d6tflow.tasks.TaskPickle):
    def run(self):
        self.save(sum(self.inputLoad()))

params = {"do_preprocess": True}
flow = d6tflow.Workflow(TaskTrain, params)
flow = d6tflow.Workflow(TaskTrain)  # use default params
flow.preview()  # default task
flow.preview(TaskTrain)  # single task
flow.preview([TaskPreprocess, TaskTrain])  # multiple tasks
flow.run()  # default task
flow.run(TaskTrain)  # single task
flow.run([TaskPreprocess, TaskTrain])  # multiple tasks
flow.run(forced_all_upstream=True, confirm=False)
print("status:", flow.get_task().complete())
print("path:", flow.get_task().output().path)

flow2 = d6tflow.WorkflowMult(TaskTrain, {"flow1": {"do_preprocess": False}, "flow2": {"do_preprocess": True}})
flow2.run()  # will run all flow with all parameters

flow.reset(TaskGetData, confirm=False)
d6tflow.settings.check_dependencies = True  # default
flow.preview()  # TaskGetData is pending so all tasks are pending
d6tflow.settings.check_dependencies = False  # deactivate dependency checks
flow.preview()
d6tflow.settings.check_dependencies = True  # set to default

flow.reset(TaskGetData, confirm=False)
flow.run([TaskTrain()], forced_all=True, confirm=False)
flow.run(forced_all_upstream=True, confirm=False)
flow.get_task().run()
TaskTrain().run()
d6tflow.settings.execution_summary = False  # global
flow.run(execution_summary=False)  # at each run
d6tflow.settings.log_level = "WARNING"
print("model:", flow.outputLoad())
"""


def test_the_seed_pages_code_runs_and_prints_its_trees(tmp_path: Path) -> None:
    (tmp_path / "page.py").write_text(PAGE)
    done = subprocess.run([sys.executable, "page.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line.split(" <- ")[0] for line in done.stdout.splitlines()]
    pending = [
        "└─--[TaskTrain-{'do_preprocess': 'True'} (PENDING)]",
        "   └─--[TaskPreprocess-{'do_preprocess': 'True'} (PENDING)]",
        "      └─--[TaskGetData-{} (PENDING)]",
    ]
    partly = [
        "└─--[TaskTrain-{'do_preprocess': 'True'} (COMPLETE)]",
        "   └─--[TaskPreprocess-{'do_preprocess': 'True'} (COMPLETE)]",
        "      └─--[TaskGetData-{} (PENDING)]",
    ]
    trees = [lines[i : i + 3] for i in range(len(lines) - 2)]
    assert pending in trees and partly in trees
    assert trees.index(partly) > max(i for i, t in enumerate(trees) if t == pending)
    assert "status: True" in done.stdout and "path: data/TaskTrain/TaskTrain_" in done.stdout
    assert done.stdout.count("Scheduled 3 tasks") >= 2 and "model: 60" in done.stdout
