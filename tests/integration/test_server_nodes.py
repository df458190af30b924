"""s3_object nodes against moto's S3 server on 127.0.0.1, mongo_collection nodes against montydb.

No MongoDB server can be installed on this machine (Debian ships none, and the PyPI packages that
provide one download it at run time), so the Mongo tests use montydb, a real embedded document
database with pymongo's API, stored in files (not a mock of a server).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

import ledgerflow as lf
from ledgerflow import Config, JoinOperator, Operator
from ledgerflow.domain import errors


def scenario_with(*nodes: object) -> lf.Scenario:
    return lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=list(nodes)))


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, on a free port of 127.0.0.1, for this module."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("LF_AWS_KEY", "testing-key")
    monkeypatch.setenv("LF_AWS_SECRET", "testing-secret-never-shown")
    name = f"bucket-{socket.gethostname().lower()[:8]}-{id(monkeypatch) % 100000}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing-key",
        aws_secret_access_key="testing-secret-never-shown",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    return {
        "aws_access_key": "ENV[LF_AWS_KEY]",
        "aws_secret_access_key": "ENV[LF_AWS_SECRET]",
        "aws_s3_bucket_name": name,
        "aws_region": "us-east-1",
        "aws_s3_endpoint_url": s3_endpoint,
    }


def test_s3_object_write_read_append_and_history(workdir: Path, bucket: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_s3_object_data_node("obj", aws_s3_object_key="a/b.txt", **bucket)).obj
    node.write(b"hello")
    assert node.read() == b"hello"
    node.append(" world")
    assert node.read() == b"hello world" and node.read(version=1) == b"hello"
    assert node.edits[-1]["location"] == f"s3://{bucket['aws_s3_bucket_name']}/a/b.txt"
    assert node.properties["aws_secret_access_key"] == "testing-secret-never-shown"  # resolved when used
    with pytest.raises(errors.DataNodeWritingError, match=r'"obj".*not a int'):
        node.write(3)
    assert node.read() == b"hello world"


def test_s3_errors_name_the_node_and_hide_the_secret(workdir: Path, bucket: dict[str, Any]) -> None:
    props = dict(bucket, aws_s3_bucket_name="no-such-bucket")
    node = scenario_with(Config.configure_s3_object_data_node("lost", aws_s3_object_key="k", **props)).lost
    with pytest.raises(errors.DataNodeWritingError, match=r'"lost".*s3://no-such-bucket/k') as caught:
        node.write(b"x")
    assert "testing-secret-never-shown" not in str(caught.value)


def test_config_check_accepts_the_types_whose_extras_are_installed(workdir: Path) -> None:
    Config.configure_s3_object_data_node(
        "obj", aws_access_key="k", aws_secret_access_key="s", aws_s3_bucket_name="b", aws_s3_object_key="o"
    )
    Config.configure_mongo_collection_data_node("docs", db_name="d", collection_name="c")
    Config.configure_parquet_data_node("p")
    Config.check()


@dataclass
class Order:
    customer: str
    total: float


@pytest.fixture
def mongo(tmp_path: Path) -> dict[str, Any]:
    from montydb import MontyClient, set_storage

    folder = tmp_path / "monty"
    set_storage(str(folder), storage="sqlite")
    return {"db_name": "shop", "client_factory": lambda: MontyClient(str(folder))}


def test_mongo_collection_write_read_append_filter(workdir: Path, mongo: dict[str, Any]) -> None:
    scenario = scenario_with(
        Config.configure_mongo_collection_data_node("orders", collection_name="orders", **mongo),
        Config.configure_mongo_collection_data_node("typed", collection_name="orders", custom_document=Order, **mongo),
    )
    node = scenario.orders
    node.write([{"customer": "ada", "total": 10.0}, {"customer": "bob", "total": 3.5}])
    assert [d["customer"] for d in node.read()] == ["ada", "bob"]
    node.append({"customer": "cy", "total": 7.0})
    assert node.edits[0]["kind"] == "external" and node.read(version=1) == []  # found empty at creation
    assert len(node.read()) == 3 and len(node.read(version=2)) == 2
    big = node.filter([("total", 5, Operator.GREATER_THAN), ("customer", "cy", Operator.NOT_EQUAL)])
    assert [d["customer"] for d in big] == ["ada"]
    either = node.filter([("customer", "bob", Operator.EQUAL), ("total", 7.0, Operator.EQUAL)], JoinOperator.OR)
    assert sorted(d["customer"] for d in either) == ["bob", "cy"]
    assert scenario.typed.read()[0] == Order("ada", 10.0)


def test_a_mongo_filter_value_cannot_inject_an_operator(workdir: Path, mongo: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_mongo_collection_data_node("o", collection_name="o", **mongo)).o
    node.write([{"customer": "ada", "total": 10.0}])
    assert node.filter(("customer", {"$ne": "nobody"}, Operator.EQUAL)) == []
    with pytest.raises(ValueError, match="field name"):
        node.filter(("$where", "1", Operator.EQUAL))


def test_mongo_write_of_a_wrong_value_keeps_the_documents(workdir: Path, mongo: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_mongo_collection_data_node("o", collection_name="o", **mongo)).o
    node.write([{"customer": "ada"}])
    with pytest.raises(errors.DataNodeWritingError, match=r'"o".*not a int'):
        node.write([1, 2])
    assert [d["customer"] for d in node.read()] == ["ada"]
