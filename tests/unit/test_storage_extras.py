"""Config.check() refuses a storage type only when the extra it needs is missing, with the install line."""

from __future__ import annotations

import sys

import pytest

from ledgerflow.domain.config import Config, ConfigCheckError


def test_a_type_whose_extra_is_installed_passes() -> None:
    Config.configure_excel_data_node("book")
    Config.configure_sql_table_data_node("t", db_name="d", db_engine="sqlite", table_name="t")
    Config.check()


@pytest.mark.parametrize(
    ("module", "configure", "line"),
    [
        ("openpyxl", lambda: Config.configure_excel_data_node("book"), 'pip install "ledgerflow[excel]"'),
        ("pyarrow", lambda: Config.configure_parquet_data_node("p"), 'pip install "ledgerflow[pandas]"'),
        (
            "sqlalchemy",
            lambda: Config.configure_sql_table_data_node("t", db_name="d", db_engine="sqlite", table_name="t"),
            'pip install "ledgerflow[sql]"',
        ),
        (
            "pymysql",
            lambda: Config.configure_sql_table_data_node(
                "t", db_name="d", db_engine="mysql", table_name="t", db_username="u", db_password="p"
            ),
            'pip install "ledgerflow[sql]"',
        ),
        (
            "boto3",
            lambda: Config.configure_s3_object_data_node(
                "o", aws_access_key="k", aws_secret_access_key="s", aws_s3_bucket_name="b", aws_s3_object_key="k"
            ),
            'pip install "ledgerflow[s3]"',
        ),
        (
            "pymongo",
            lambda: Config.configure_mongo_collection_data_node("m", db_name="d", collection_name="c"),
            'pip install "ledgerflow[mongo]"',
        ),
    ],
)
def test_a_missing_extra_is_refused_with_its_install_line(
    monkeypatch: pytest.MonkeyPatch, module: str, configure: object, line: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the library cannot be imported
    configure()  # type: ignore[operator]
    Config.configure_pickle_data_node("plain")
    with pytest.raises(ConfigCheckError) as caught:
        Config.check()
    errors = [str(issue) for issue in caught.value.issues.errors]
    assert len(errors) == 1 and module in errors[0] and line in errors[0]


def test_s3_and_mongo_required_properties() -> None:
    Config.configure_s3_object_data_node("o", aws_s3_bucket_name="b")
    Config.configure_mongo_collection_data_node("m", db_name="d")
    with pytest.raises(ConfigCheckError) as caught:
        Config.check()
    text = " ".join(str(issue) for issue in caught.value.issues.errors)
    for name in ("aws_access_key", "aws_secret_access_key", "aws_s3_object_key", "collection_name"):
        assert f"`{name}`" in text
