"""Time travel, re-runs and compaction for tabular nodes, whose values are archived under a canonical hash."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from frame_tasks import doubled
from typer.testing import CliRunner

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.cli import app
from ledgerflow.service import session


def sales(amount: float) -> pd.DataFrame:
    return pd.DataFrame({"region": ["north", "south"], "amount": [amount, amount + 1]})


def test_a_rerun_reads_the_recorded_csv_and_leaves_the_parquet_file_alone(running: Path) -> None:
    raw = Config.configure_csv_data_node("raw", default_path="raw.csv")
    out = Config.configure_parquet_data_node("out", default_path="out.parquet")
    scenario = lf.create_scenario(Config.configure_scenario("s", [Config.configure_task("d", doubled, raw, out)]))
    scenario.raw.write(sales(1.0))
    original = lf.submit(scenario, wait=True)
    scenario.raw.write(sales(5.0))
    lf.submit(scenario, wait=True)
    before = (running / "out.parquet").read_bytes()
    report = lf.rerun(original.id)
    assert report.reproduced, str(report)
    assert (running / "out.parquet").read_bytes() == before  # the re-run's result went to the archive only
    assert list(scenario.out.read()["amount"]) == [10.0, 12.0]
    assert list(scenario.out.read(version=1)["amount"]) == [2.0, 4.0]


def test_as_of_a_log_position_reads_the_parquet_value_of_then(workdir: Path) -> None:
    node = lf.create_scenario(
        Config.configure_scenario(
            "s", [], additional_data_node_configs=[Config.configure_parquet_data_node("p", default_path="p.parquet")]
        )
    ).p
    node.write(sales(1.0))
    runtime = session.current().runtime
    runtime.flush()
    position = runtime.store.max_position()
    node.write(sales(2.0))
    assert list(node.read(as_of=position)["amount"]) == [1.0, 2.0]
    assert list(lf.as_of(position).get(node.id).read()["amount"]) == [1.0, 2.0]
    assert list(node.read()["amount"]) == [2.0, 3.0]


def test_compaction_archives_and_restores_tabular_values(workdir: Path) -> None:
    Config.configure_core(mode="experiment", version_number="retention")
    node_cfg = Config.configure_parquet_data_node("p", default_path="p.parquet")
    node = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[node_cfg])).p
    big = pd.DataFrame({"x": range(50_000), "y": [float(i) for i in range(50_000)]})  # stored as a file
    node.write(big)
    node.write(big.assign(y=0.0))
    first = node.edits[0]["hash"]
    node_id = node.id
    session.close()
    archive = workdir / "old.zip"
    result = CliRunner().invoke(app, ["compact", "--keep-days", "0", "--archive", str(archive)])
    assert result.exit_code == 0 and "1 payloads no longer kept" in result.output, result.output
    assert list(lf.get(node_id).read()["y"].unique()) == [0.0]
    session.close()
    restored = CliRunner().invoke(app, ["compact", "--restore", str(archive)])
    assert restored.exit_code == 0 and "Restored 1 payloads" in restored.output, restored.output
    again = lf.get(node_id)
    assert again.edits[0]["hash"] == first
    pd.testing.assert_frame_equal(again.read(version=1), big)
