"""``lf.rerun``: re-execute a past submission on the exact input values its jobs read."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipelines import double, fail, identity
from rerun_tasks import numbered

import ledgerflow as lf
from ledgerflow import Config, Status
from ledgerflow.domain import errors


def chain(second: object = double) -> lf.Config:
    a = Config.configure_data_node("a", default_data=21)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    t1 = Config.configure_task("t1", double, a, b, skippable=True)
    t2 = Config.configure_task("t2", second, b, c, skippable=True)
    return Config.configure_scenario("s", [t1, t2])


def test_a_rerun_uses_the_recorded_inputs_and_reproduces_the_outputs(running: Path) -> None:
    scenario = lf.create_scenario(chain())
    original = lf.submit(scenario)
    scenario.a.write(5)  # the current input differs from what the jobs read
    lf.submit(scenario)
    report = lf.rerun(original.id)
    assert report.reproduced and [job.verdict for job in report.jobs] == ["reproduced", "reproduced"]
    assert [(o.data_node_config_id, o.recorded_hash == o.new_hash) for o in report.outputs] == [
        ("b", True),
        ("c", True),
    ]
    assert report.outputs[0].recorded_hash == scenario.b.edits[0]["hash"] != scenario.b.edits[-1]["hash"]
    rerun = report.submission
    assert rerun is not None and rerun.rerun_of == original.id and rerun.entity_id == scenario.id
    assert [job.status for job in rerun.jobs] == [Status.COMPLETED, Status.COMPLETED]
    assert [s for s, *_ in rerun.jobs[0].status_change_records] == [
        Status.SUBMITTED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert "1 of 1 output(s) reproduced" in rerun.jobs[1].status_change_records[-1][2]
    assert (scenario.a.read(), scenario.b.read(), scenario.c.read()) == (5, 10, 20)  # data nodes untouched
    assert len(scenario.c.edits) == 2
    assert lf.get(rerun.id) == rerun and lf.replay().ok
    assert str(report).startswith(f"Re-ran {original.id} as {rerun.id}: 2 of 2 job(s) reproduced.")


def test_a_result_that_changes_is_reported(running: Path) -> None:
    scenario = lf.create_scenario(chain(second=numbered))
    original = lf.submit(scenario)
    report = lf.rerun(original.id)
    assert not report.reproduced
    assert [job.verdict for job in report.jobs] == ["reproduced", "differs"]
    changed = report.outputs[1]
    assert changed.data_node_config_id == "c" and changed.recorded_hash != changed.new_hash
    assert "c: recorded" in str(report) and "(DIFFERENT)" in str(report)


def test_failures_and_jobs_that_did_not_run(running: Path) -> None:
    scenario = lf.create_scenario(chain(second=fail))
    lf.submit(scenario)
    skipped_then_failed = lf.submit(scenario)  # t1 SKIPPED (up to date), t2 fails again
    report = lf.rerun(skipped_then_failed.id)
    assert [job.verdict for job in report.jobs] == ["not run (SKIPPED originally)", "failed again"]
    assert report.reproduced  # it failed then, it fails now
    assert "cannot handle 42" in report.jobs[1].error
    assert report.submission is not None and [j.status for j in report.submission.jobs] == [Status.FAILED]


def test_nothing_is_recorded_when_an_input_value_is_gone(running: Path) -> None:
    scratch = Config.configure_in_memory_data_node("scratch", default_data=1)
    out = Config.configure_data_node("out")
    config = Config.configure_scenario("s", [Config.configure_task("copy", identity, scratch, out)])
    scenario = lf.create_scenario(config)
    original = lf.submit(scenario)
    scenario.scratch.write(2)
    with pytest.raises(errors.NoData, match="keeps only its current value"):
        lf.rerun(original.id)
    assert len(lf.get_submissions()) == 1


def test_unknown_and_unfinished_submissions_are_refused(running: Path) -> None:
    with pytest.raises(errors.NonExistingEntity, match="SUBMISSION_nope does not exist"):
        lf.rerun("SUBMISSION_nope")
    lf.Orchestrator().stop()
    scenario = lf.create_scenario(chain())
    queued = lf.submit(scenario)  # recorded, not run: the orchestrator is stopped
    with pytest.raises(errors.LedgerflowError, match="has unfinished jobs"):
        lf.rerun(queued.id)
