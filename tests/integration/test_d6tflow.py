"""ledgerflow.d6tflow in one process: the seed page's verbs, task classes and parameters, on the log."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

import ledgerflow as lf
import ledgerflow.d6tflow as d6tflow
from ledgerflow.service import session


class TaskGetData(d6tflow.tasks.TaskPickle):
    def run(self):
        self.save([1.0, 2.0, 3.0, 4.0])


class TaskPreprocess(d6tflow.tasks.TaskCache):
    do_preprocess = d6tflow.BoolParameter(default=True)

    def requires(self):
        return TaskGetData()

    def run(self):
        data = self.inputLoad()
        self.save([x / 4 for x in data] if self.do_preprocess else data)


@d6tflow.requires(TaskPreprocess)
class TaskTrain(d6tflow.tasks.TaskPickle):
    persist = ["model", "score"]

    def run(self):
        data = self.inputLoad()
        self.save({"model": sum(data), "score": len(data)})
        self.saveMeta({"rows": len(data)})


def ran(submission: lf.Submission) -> list[str]:
    return [j.task.properties["d6tflow_task"] for j in submission.jobs if j.status is lf.Status.COMPLETED]


def tree(printed: str) -> list[str]:
    """The tree lines of a preview, without the reasons ledgerflow adds."""
    return [line.split(" <- ")[0] for line in printed.splitlines() if "[" in line]


@pytest.fixture
def flow(workdir: Path) -> d6tflow.Workflow:
    yield d6tflow.Workflow(TaskTrain, {"do_preprocess": True})
    d6tflow.settings.check_dependencies = True
    d6tflow.settings.execution_summary = True


def test_the_seed_pages_preview_trees(flow: d6tflow.Workflow, capsys: pytest.CaptureFixture[str]) -> None:
    flow.run()
    flow.reset(TaskGetData, confirm=False)
    capsys.readouterr()
    d6tflow.settings.check_dependencies = True
    flow.preview()  # TaskGetData is pending so all tasks are pending
    assert tree(capsys.readouterr().out) == [
        "└─--[TaskTrain-{'do_preprocess': 'True'} (PENDING)]",
        "   └─--[TaskPreprocess-{'do_preprocess': 'True'} (PENDING)]",
        "      └─--[TaskGetData-{} (PENDING)]",
    ]
    d6tflow.settings.check_dependencies = False
    flow.preview()
    assert tree(capsys.readouterr().out) == [
        "└─--[TaskTrain-{'do_preprocess': 'True'} (COMPLETE)]",
        "   └─--[TaskPreprocess-{'do_preprocess': 'True'} (COMPLETE)]",
        "      └─--[TaskGetData-{} (PENDING)]",
    ]
    assert lf.settings.check_dependencies is False  # one switch for both APIs


def test_targets_are_run_with_their_incomplete_upstream(flow: d6tflow.Workflow) -> None:
    assert ran(flow.run(TaskPreprocess)) == ["TaskGetData()", "TaskPreprocess(do_preprocess=True)"]
    assert not flow.complete() and flow.complete(TaskPreprocess)
    assert ran(flow.run([TaskPreprocess, TaskTrain])) == ["TaskTrain(do_preprocess=True)"]
    assert ran(flow.run()) == []
    assert ran(flow.run(forced_all=True, confirm=False)) == ["TaskTrain(do_preprocess=True)"]
    assert ran(flow.run(forced=TaskPreprocess)) == [
        "TaskPreprocess(do_preprocess=True)",
        "TaskTrain(do_preprocess=True)",
    ]
    assert len(ran(flow.run([TaskTrain()], forced_all_upstream=True, confirm=False))) == 3


def test_outputs_paths_loads_and_metadata(flow: d6tflow.Workflow) -> None:
    with pytest.raises(RuntimeError, match="Cannot load, task not complete, run flow first"):
        flow.outputLoad()
    flow.run()
    task = flow.get_task()
    assert task.complete() and set(task.output()) == {"model", "score"}
    assert task.output()["model"].path.exists() and flow.outputPath()["score"].exists()
    assert flow.outputLoad() == [2.5, 4] and flow.outputLoad(keys="model") == 2.5
    assert flow.outputLoad(as_dict=True) == {"model": 2.5, "score": 4}
    assert flow.outputLoadMeta() == {"rows": 4}
    assert flow.outputLoadAll() == {
        "TaskTrain": [2.5, 4],
        "TaskPreprocess": [0.25, 0.5, 0.75, 1.0],
        "TaskGetData": [1.0, 2.0, 3.0, 4.0],
    }
    with pytest.raises(RuntimeError, match="No metadata to load for task TaskGetData"):
        flow.outputLoadMeta(TaskGetData)


def test_each_parameter_set_stays_cached_and_every_step_is_on_the_log(flow: d6tflow.Workflow) -> None:
    flow.run()
    raw = d6tflow.Workflow(TaskTrain, {"do_preprocess": False})
    assert ran(raw.run()) == ["TaskPreprocess(do_preprocess=False)", "TaskTrain(do_preprocess=False)"]
    assert raw.outputLoad(keys="model") == 10.0 and ran(flow.run()) == [] and ran(raw.run()) == []
    train = next(t for t in lf.get_tasks() if t.properties["d6tflow_task"] == "TaskTrain(do_preprocess=True)")
    assert len(lf.get_jobs()) >= 5 and any(j.task.id == train.id for j in lf.get_jobs())
    scenarios = {s.properties["workflow"] for s in lf.get_scenarios()}
    assert scenarios == {"TaskTrain(do_preprocess=True)", "TaskTrain(do_preprocess=False)"}
    model = next(dn for dn in lf.get_data_nodes() if dn.config_id.endswith("_model") and dn.read() == 2.5)
    flow.reset()  # an event; nothing is deleted
    flow.run()
    assert len(model.edits) == 2 and model.read(version=1) == 2.5


def test_results_outlive_a_development_restart(flow: d6tflow.Workflow) -> None:
    flow.run()
    session.close()  # the next use opens a new session: development mode replaces other entities
    assert ran(flow.run()) == [] and flow.outputLoad(keys="score") == 4
    lf.create_scenario(lf.Config.configure_scenario("plain", []))
    session.close()
    session.for_writing()  # a new development run (a look alone would replace nothing)
    assert [s.config_id for s in lf.get_scenarios()] == [next(s.config_id for s in lf.get_scenarios())]
    assert all(s.properties.get("workflow") for s in lf.get_scenarios())


def test_failure_prints_the_summary_then_raises_d6tflows_error(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    class TaskBroken(TaskPreprocess):
        def run(self):
            1 / 0  # noqa: B018

    with pytest.raises(RuntimeError, match=r"^Exception found running flow, check trace$") as raised:
        d6tflow.Workflow(TaskBroken).run()
    printed = capsys.readouterr()
    assert "* 1 failed:\n    - 1 TaskBroken(do_preprocess=True) (ZeroDivisionError: division by zero)" in printed.out
    assert "* 1 ran successfully:" in printed.out and "ZeroDivisionError" in printed.err
    assert raised.value.submission.jobs[-1].status is lf.Status.FAILED  # type: ignore[attr-defined]
    assert d6tflow.Workflow(TaskBroken).run(abort=False, execution_summary=False) is not None
    assert capsys.readouterr().out == ""


def test_dependency_forms_and_input_shapes(workdir: Path) -> None:
    class TaskA(d6tflow.tasks.TaskJson):
        n = d6tflow.IntParameter(default=2)

        def run(self):
            self.save({"n": self.n})

    class TaskB(d6tflow.tasks.TaskPickle):
        persist = ["x", "y"]

        def run(self):
            self.save({"x": 1, "y": 2})

    @d6tflow.requires({"a": TaskA, "b": TaskB})
    class TaskNamed(d6tflow.tasks.TaskPickle):
        def run(self):
            self.save([self.inputLoad(), self.inputLoad(task="b"), self.inputLoad(task="b", as_dict=True)])

    @d6tflow.requires(TaskA, TaskB)
    class TaskBoth(d6tflow.tasks.TaskPickle):
        def run(self):
            self.save(self.inputLoad())

    @d6tflow.inherits(TaskA)
    class TaskInherits(d6tflow.tasks.TaskPickle):
        def requires(self):
            return self.clone(TaskA)

        def run(self):
            self.save(self.inputLoad()["n"] * 10)

    named = d6tflow.Workflow(TaskNamed, {"n": 3})
    named.run()
    assert named.outputLoad() == [{"a": {"n": 3}, "b": [1, 2]}, [1, 2], {"x": 1, "y": 2}]
    assert d6tflow.Workflow(TaskBoth).run() and d6tflow.Workflow(TaskBoth).outputLoad() == [{"n": 2}, [1, 2]]
    inherits = d6tflow.Workflow(TaskInherits, {"n": 5, "unrelated": "ignored"})
    inherits.run()
    assert inherits.outputLoad() == 50 and inherits.get_task().n == 5


def test_parameters_take_defaults_and_are_shown_as_d6tflow_shows_them(workdir: Path) -> None:
    class TaskParams(d6tflow.tasks.TaskPickle):
        when = d6tflow.DateParameter(default=dt.date(2024, 1, 31))
        rate = d6tflow.FloatParameter(default=0.5)
        names = d6tflow.ListParameter(default=["a", "b"])
        options = d6tflow.DictParameter(default={"k": 1})
        label = d6tflow.Parameter()

    task = TaskParams(label="x", rate="0.25")
    assert task.to_str_params() == {
        "when": "2024-01-31",
        "rate": "0.25",
        "names": '["a", "b"]',
        "options": '{"k": 1}',
        "label": "x",
    }
    assert task == TaskParams(label="x", rate=0.25, names=("a", "b")) and hash(task) == hash(
        TaskParams("2024-01-31", 0.25, ["a", "b"], {"k": 1}, "x")
    )
    with pytest.raises(d6tflow.MissingParameterException, match="requires the 'label' parameter"):
        TaskParams()


def test_workflow_multi_with_per_flow_arguments(workdir: Path) -> None:
    flows = d6tflow.WorkflowMulti(TaskTrain, {"raw": {"do_preprocess": False}, "scaled": {"do_preprocess": True}})
    assert (
        set(flows.run(flow="raw"))
        if False
        else ran(flows.run(flow="raw"))
        == [
            "TaskGetData()",
            "TaskPreprocess(do_preprocess=False)",
            "TaskTrain(do_preprocess=False)",
        ]
    )
    assert flows.complete(flow="raw") and flows.complete() == {"raw": True, "scaled": False}
    runs = flows.run()
    assert {name: ran(s) for name, s in runs.items()} == {
        "raw": [],
        "scaled": ["TaskPreprocess(do_preprocess=True)", "TaskTrain(do_preprocess=True)"],
    }
    assert flows.outputLoad(keys="model") == {"raw": 10.0, "scaled": 2.5}
    assert flows.get_task(flow="scaled") == TaskTrain(do_preprocess=True)
    flows.reset(TaskGetData, flow="raw")
    assert flows.complete() == {"raw": False, "scaled": False}  # TaskGetData is shared by both flows
    grid = d6tflow.WorkflowMulti(TaskTrain, {"do_preprocess": [True, False]})
    assert set(grid.workflow_objs) == {"do_preprocess_True", "do_preprocess_False"}


def test_a_task_run_by_hand_writes_its_outputs_as_user_writes(flow: d6tflow.Workflow) -> None:
    flow.run(TaskGetData)
    TaskPreprocess().run()  # d6tflow's "forcing a single task": it runs alone, nothing downstream
    assert TaskPreprocess().output().load() == [0.25, 0.5, 0.75, 1.0]
    assert ran(flow.run()) == ["TaskPreprocess(do_preprocess=True)", "TaskTrain(do_preprocess=True)"]


def test_a_task_that_saves_the_wrong_keys_fails_with_what_to_do(workdir: Path) -> None:
    class TaskForgets(d6tflow.tasks.TaskPickle):
        persist = ["a", "b"]

        def run(self):
            self.save({"a": 1})

    with pytest.raises(RuntimeError) as raised:
        d6tflow.Workflow(TaskForgets).run(execution_summary=False)
    job = raised.value.submission.jobs[0]  # type: ignore[attr-defined]
    assert "Save dictionary needs to consistent with Task.persist: ['a', 'b']" in job.stacktrace[-1]


def test_log_level_sets_ledgerflows_logger(workdir: Path) -> None:
    before = logging.getLogger("ledgerflow").level
    try:
        d6tflow.settings.log_level = "error"
        assert logging.getLogger("ledgerflow").level == logging.ERROR and d6tflow.settings.log_level == "ERROR"
        with pytest.raises(ValueError, match="not one of DEBUG"):
            d6tflow.settings.log_level = "LOUD"
    finally:
        logging.getLogger("ledgerflow").setLevel(before)


def test_a_flows_run_can_be_rerun_and_its_outputs_have_history(flow: d6tflow.Workflow) -> None:
    submission = flow.run()
    report = lf.rerun(submission)
    assert "TaskTrain" in str(report) and "reproduced" in str(report)
    model = next(dn for dn in lf.get_data_nodes() if dn.config_id.endswith("_model"))
    writes = [e for e in lf.history(model) if e.payload.get("content_hash")]
    trained = next(j for j in submission.jobs if j.task.config_id == model.config_id.removesuffix("_model"))
    assert [e.payload["job_id"] for e in writes] == [trained.id]  # a re-run compares, it does not write
    with pytest.raises(lf.exceptions.NoData):
        model.read(as_of=submission.creation_date)  # before the run: no model yet
    assert model.read() == 2.5


def test_an_output_file_edited_by_hand_reruns_what_reads_it(flow: d6tflow.Workflow) -> None:
    import pickle

    flow.run()
    path = TaskPreprocess().output().path
    path.write_bytes(pickle.dumps([1.0, 1.0]))
    assert TaskPreprocess().output().load() == [1.0, 1.0]
    assert ran(flow.run()) == ["TaskTrain(do_preprocess=True)"]  # the edit is kept, TaskTrain reads it
    assert flow.outputLoad() == [2.0, 2]
