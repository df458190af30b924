"""csv, excel and parquet data nodes: read, write, append, filter, selection, history and bad input."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ledgerflow as lf
from ledgerflow import Config, JoinOperator, Operator
from ledgerflow.domain import errors


def scenario_with(*nodes: object) -> lf.Scenario:
    config = Config.configure_scenario("s", [], additional_data_node_configs=list(nodes))
    return lf.create_scenario(config)


def sales() -> pd.DataFrame:
    return pd.DataFrame({"region": ["north", "south", "east"], "amount": [10.5, 20.0, 7.25], "units": [1, 2, 3]})


@dataclass
class Sale:
    region: str
    amount: float
    units: int


def test_csv_write_read_append_filter_and_history(workdir: Path) -> None:
    node = scenario_with(Config.configure_csv_data_node("sales", default_path="sales.csv")).sales
    node.write(sales())
    assert (workdir / "sales.csv").read_text().splitlines()[0] == "region,amount,units"
    pd.testing.assert_frame_equal(node.read(), sales())
    node.append(pd.DataFrame({"region": ["west"], "amount": [1.0], "units": [4]}))
    assert list(node.read()["region"]) == ["north", "south", "east", "west"]
    assert len(node.read(version=1)) == 3 and [e["kind"] for e in node.edits] == ["write", "append"]
    big = node.filter([("amount", 7.0, Operator.GREATER_THAN), ("units", 3, Operator.LESS_THAN)], JoinOperator.AND)
    assert list(big["region"]) == ["north", "south"]
    either = node.filter([("region", "west", Operator.EQUAL), ("units", 1, Operator.EQUAL)], JoinOperator.OR)
    assert list(either["region"]) == ["north", "west"]
    assert list(node["region"]) == ["north", "south", "east", "west"]
    assert len(node[node["units"] > 2]) == 2 and len(node[1:3]) == 2


def test_csv_exposed_as_numpy_and_as_a_class(workdir: Path) -> None:
    pd.DataFrame({"region": ["north"], "amount": [1.5], "units": [2]}).to_csv("given.csv", index=False)
    scenario = scenario_with(
        Config.configure_csv_data_node("as_numpy", default_path="given.csv", exposed_type="numpy"),
        Config.configure_csv_data_node("as_class", default_path="given.csv", exposed_type=Sale),
    )
    assert isinstance(scenario.as_numpy.read(), np.ndarray) and scenario.as_numpy.read().shape == (1, 3)
    assert scenario.as_class.read() == [Sale("north", 1.5, 2)]
    assert scenario.as_class.edits[0]["kind"] == "external"
    assert scenario.as_class.filter(("units", 2, Operator.EQUAL)) == [Sale("north", 1.5, 2)]


def test_csv_columns_that_do_not_fit_the_class_name_the_node(workdir: Path) -> None:
    pd.DataFrame({"region": ["north"], "price": [1.5]}).to_csv("odd.csv", index=False)
    node = scenario_with(Config.configure_csv_data_node("odd", default_path="odd.csv", exposed_type=Sale)).odd
    with pytest.raises(errors.DataNodeReadingError, match=r'"odd".*\[.region., .price.\].*Sale'):
        node.read()


def test_an_append_with_other_columns_is_refused_and_keeps_the_value(workdir: Path) -> None:
    node = scenario_with(Config.configure_csv_data_node("sales", default_path="sales.csv")).sales
    node.write(sales())
    with pytest.raises(errors.DataNodeWritingError, match=r'"sales".*appended columns.*differ'):
        node.append(pd.DataFrame({"other": [1]}))
    pd.testing.assert_frame_equal(node.read(), sales())
    assert len(node.edits) == 1


def test_a_generated_path_under_the_storage_folder(workdir: Path) -> None:
    node = scenario_with(Config.configure_csv_data_node("sales")).sales
    node.write(sales())
    path = Path(node.path)
    assert path.is_file() and path.suffix == ".csv" and path.is_relative_to(workdir / ".ledgerflow")
    pd.testing.assert_frame_equal(node.read(), sales())


def test_an_unchanged_rewrite_keeps_its_hash_and_a_change_does_not(workdir: Path) -> None:
    node = scenario_with(Config.configure_parquet_data_node("p", default_path="p.parquet")).p
    node.write(sales())
    node.write(sales().copy())
    changed = sales()
    changed.loc[0, "amount"] = 11.0
    node.write(changed)
    hashes = [e["hash"] for e in node.edits]
    assert hashes[0] == hashes[1] != hashes[2]
    pd.testing.assert_frame_equal(node.read(version=1), sales())


def test_a_file_edited_outside_is_recorded_as_an_external_write(running: Path) -> None:
    def total(frame: pd.DataFrame) -> float:
        return float(frame["amount"].sum())

    raw = Config.configure_parquet_data_node("raw", default_path="raw.parquet")
    out = Config.configure_pickle_data_node("total")
    task = Config.configure_task("sum", total, raw, out, skippable=True)
    scenario = lf.create_scenario(Config.configure_scenario("s", [task]))
    scenario.raw.write(sales())
    scenario.submit(wait=True)
    assert scenario.total.read() == 37.75
    scenario.raw.write(sales())  # unchanged: nothing re-runs
    jobs = lf.submit(scenario, wait=True).jobs
    assert [j.status for j in jobs] == [lf.Status.SKIPPED]
    edited = sales()
    edited["amount"] = 1.0
    time.sleep(0.01)
    edited.to_parquet(running / "raw.parquet")
    os.utime(running / "raw.parquet")
    lf.submit(scenario, wait=True)
    assert scenario.total.read() == 3.0
    assert scenario.raw.edits[-1]["kind"] == "external"


def test_excel_sheets_as_a_dict_and_one_sheet(workdir: Path) -> None:
    scenario = scenario_with(
        Config.configure_excel_data_node("book", default_path="book.xlsx"),
        Config.configure_excel_data_node("north", default_path="book.xlsx", sheet_name="north"),
        Config.configure_excel_data_node("missing", default_path="book.xlsx", sheet_name="nowhere"),
    )
    scenario.book.write({"north": sales()[:1], "rest": sales()[1:]})
    sheets = scenario.book.read()
    assert set(sheets) == {"north", "rest"} and list(sheets["rest"]["region"]) == ["south", "east"]
    filtered = scenario.book.filter(("units", 2, Operator.GREATER_OR_EQUAL))
    assert len(filtered["north"]) == 0 and len(filtered["rest"]) == 2
    scenario.book.append({"north": pd.DataFrame({"region": ["x"], "amount": [1.0], "units": [9]})})
    assert list(scenario.book.read()["north"]["region"]) == ["north", "x"]
    only = scenario_with(Config.configure_excel_data_node("one", default_path="one.xlsx", sheet_name="data")).one
    only.write(sales())
    pd.testing.assert_frame_equal(only.read(), sales())
    only.append(sales()[:1])
    assert len(only.read()) == 4 and len(only.read(version=1)) == 3


def test_a_sheet_that_does_not_exist_names_the_node(workdir: Path) -> None:
    with pd.ExcelWriter("book.xlsx") as writer:
        sales().to_excel(writer, sheet_name="north", index=False)
    node = scenario_with(Config.configure_excel_data_node("missing", default_path="book.xlsx", sheet_name="nowhere"))
    with pytest.raises(errors.DataNodeReadingError, match=r'"missing".*no sheet .nowhere.'):
        node.missing.read()


def test_parquet_partitioned_folder(workdir: Path) -> None:
    node = scenario_with(
        Config.configure_parquet_data_node(
            "parts", default_path="parts", write_kwargs={"partition_cols": ["region"]}, compression="gzip"
        )
    ).parts
    node.write(sales())
    assert sorted(p.name for p in (workdir / "parts").iterdir()) == ["region=east", "region=north", "region=south"]
    back = node.read()
    assert sorted(back["units"]) == [1, 2, 3] and set(back["region"].astype(str)) == {"north", "south", "east"}
    node.append(pd.DataFrame({"amount": [5.0], "units": [7], "region": ["west"]}))  # partition columns come last
    assert sorted(node.read()["units"]) == [1, 2, 3, 7]
    assert sorted(node.read(version=1)["units"]) == [1, 2, 3]
    only = node.filter([("region", "south", Operator.EQUAL), ("units", 7, Operator.EQUAL)], JoinOperator.OR)
    assert sorted(only["units"]) == [2, 7]  # pyarrow read only the matching partitions


def test_parquet_filters_are_read_by_pyarrow_with_the_in_memory_result(workdir: Path) -> None:
    node = scenario_with(Config.configure_parquet_data_node("p", default_path="p.parquet")).p
    node.write(sales())
    for conditions, join in [
        ([("amount", 8.0, Operator.GREATER_OR_EQUAL), ("units", 3, Operator.NOT_EQUAL)], JoinOperator.AND),
        ([("region", "east", Operator.EQUAL), ("units", 1, Operator.LESS_OR_EQUAL)], JoinOperator.OR),
        ([("region", "north' OR '1'='1", Operator.EQUAL)], JoinOperator.AND),
    ]:
        pushed = node.filter(conditions, join)
        in_memory = lf.get(node.id).read()
        mask = pd.Series(join is JoinOperator.AND, index=in_memory.index)
        for column, value, operator in conditions:
            test = {
                Operator.EQUAL: in_memory[column] == value,
                Operator.NOT_EQUAL: in_memory[column] != value,
                Operator.GREATER_OR_EQUAL: in_memory[column] >= value,
                Operator.LESS_OR_EQUAL: in_memory[column] <= value,
            }[operator]
            mask = (mask & test) if join is JoinOperator.AND else (mask | test)
        pd.testing.assert_frame_equal(pushed, in_memory[mask].reset_index(drop=True))
    dated = sales().set_index(pd.Index(["2024-01", "2024-02", "2024-03"], name="month"))
    node.write(dated)
    assert list(node.filter(("units", 2, Operator.GREATER_OR_EQUAL)).index) == ["2024-02", "2024-03"]


def test_wrong_values_for_parquet_and_json_keep_the_previous_value(workdir: Path) -> None:
    scenario = scenario_with(
        Config.configure_parquet_data_node("p", default_path="p.parquet"),
        Config.configure_json_data_node("j", default_path="j.json"),
    )
    scenario.p.write(sales())
    with pytest.raises(errors.DataNodeWritingError, match=r'"p".*cannot store a str as parquet'):
        scenario.p.write("not a table")
    pd.testing.assert_frame_equal(scenario.p.read(), sales())
    scenario.j.write({"a": 1})
    with pytest.raises(errors.DataNodeWritingError, match=r'"j".*cannot store this object as json'):
        scenario.j.write(object())
    assert scenario.j.read() == {"a": 1}


def test_a_missing_file_names_the_node(workdir: Path) -> None:
    node = scenario_with(Config.configure_csv_data_node("gone", default_path="gone.csv")).gone
    node.write(sales())
    (workdir / "gone.csv").unlink()
    pd.testing.assert_frame_equal(node.read(), sales())  # the archived value is still there
    with pytest.raises(errors.NoData, match='"never"'):
        scenario_with(Config.configure_csv_data_node("never", default_path="never.csv")).never.read_or_raise()


def test_json_with_encoder_and_decoder_appends(workdir: Path) -> None:
    import json
    from datetime import date

    class Encoder(json.JSONEncoder):
        def default(self, o: object) -> object:
            return {"__date__": o.isoformat()} if isinstance(o, date) else super().default(o)

    class Decoder(json.JSONDecoder):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(object_hook=lambda d: date.fromisoformat(d["__date__"]) if "__date__" in d else d)

    node = scenario_with(
        Config.configure_json_data_node("days", default_path="days.json", encoder=Encoder, decoder=Decoder)
    ).days
    node.write([date(2024, 1, 1)])
    node.append([date(2024, 1, 2)])
    assert node.read() == [date(2024, 1, 1), date(2024, 1, 2)]
    assert node.filter(("year", 2024, Operator.EQUAL)) == [date(2024, 1, 1), date(2024, 1, 2)]


def test_workers_read_csv_and_write_parquet_in_standalone_mode(workdir: Path) -> None:
    from frame_tasks import by_region

    Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
    lf.Orchestrator().run()
    Config.unblock_update()
    sales().to_csv(workdir / "in.csv", index=False)
    raw = Config.configure_csv_data_node("raw", default_path="in.csv")
    out = Config.configure_parquet_data_node("totals")  # a generated path under the storage folder
    task = Config.configure_task("by_region", by_region, raw, out, skippable=True)
    scenario = lf.create_scenario(Config.configure_scenario("s", [task]))
    assert lf.submit(scenario, wait=True, timeout=120).is_completed()
    assert list(scenario.totals.read()["region"]) == ["east", "north", "south"]
    assert Path(scenario.totals.path).suffix == ".parquet" and scenario.totals.edits[-1]["file_sha256"]
    again = lf.submit(scenario, wait=True, timeout=120)
    assert [j.status for j in again.jobs] == [lf.Status.SKIPPED]


SHELF: dict[str, list[dict[str, object]]] = {}


def read_shelf(name: str) -> list[dict[str, object]]:
    return list(SHELF.get(name, []))


def write_shelf(rows: list[dict[str, object]], name: str) -> None:
    SHELF[name] = list(rows)


def test_generic_node_with_arguments_append_and_filter(workdir: Path) -> None:
    node = scenario_with(
        Config.configure_generic_data_node(
            "shelf", read_fct=read_shelf, write_fct=write_shelf, read_fct_args="books", write_fct_args=["books"]
        )
    ).shelf
    node.write([{"title": "a", "pages": 100}])
    node.append([{"title": "b", "pages": 300}])
    assert SHELF["books"] == [{"title": "a", "pages": 100}, {"title": "b", "pages": 300}]
    assert node.filter(("pages", 200, Operator.GREATER_THAN)) == [{"title": "b", "pages": 300}]
    assert node[0] == {"title": "a", "pages": 100}
