"""ENV[...] templates: resolved when read, never when loaded, kept in exports and serialize()."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import InconsistentEnvVariableError, MissingEnvVariableError


def test_property_templates_resolve_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    dn = Config.configure_sql_table_data_node(
        "t",
        db_name="db",
        db_engine="postgresql",
        table_name="x",
        db_username="ENV[DB_USER]",
        db_password="ENV[DB_PASSWORD]",
        db_port="ENV[DB_PORT]:int",
        ssl="ENV[DB_SSL]:bool",
        ratio="ENV[RATIO]:float",
    )
    monkeypatch.setenv("DB_USER", "alice")
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    monkeypatch.setenv("DB_PORT", "5432")
    monkeypatch.setenv("DB_SSL", "true")
    monkeypatch.setenv("RATIO", "0.5")
    assert (dn.db_username, dn.db_password, dn.db_port, dn.ssl, dn.ratio) == (
        "alice",
        "s3cret",
        5432,
        True,
        0.5,
    )
    assert dn.properties["db_port"] == 5432
    assert dn.raw_properties["db_password"] == "ENV[DB_PASSWORD]"
    monkeypatch.setenv("DB_USER", "bob")
    assert dn.db_username == "bob"


def test_templates_inside_lists_and_dicts(monkeypatch: pytest.MonkeyPatch) -> None:
    dn = Config.configure_data_node("dn", hosts=["ENV[HOST]", "fixed"], extra={"port": "ENV[P]:int"})
    monkeypatch.setenv("HOST", "h1")
    monkeypatch.setenv("P", "9")
    assert (dn.hosts, dn.extra) == (["h1", "fixed"], {"port": 9})


def test_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    dn = Config.configure_data_node("dn", secret="ENV[NOT_SET_ANYWHERE]")
    with pytest.raises(MissingEnvVariableError) as raised:
        _ = dn.secret
    assert str(raised.value) == "Environment variable NOT_SET_ANYWHERE is not set."


@pytest.mark.parametrize(
    ("template", "value", "message"),
    [
        ("ENV[X]:int", "four", 'Environment variable X="four" is not a valid int'),
        ("ENV[X]:float", "1,5", 'Environment variable X="1,5" is not a valid float'),
        ("ENV[X]:bool", "maybe", 'Environment variable X="maybe" is not a valid bool'),
        ("ENV[1X]", "1", "is not a valid ENV template"),
        ("ENV[X]:date", "1", "is not a valid ENV template"),
    ],
)
def test_inconsistent_templates(monkeypatch: pytest.MonkeyPatch, template: str, value: str, message: str) -> None:
    monkeypatch.setenv("X", value)
    dn = Config.configure_data_node("dn", setting=template)
    with pytest.raises(InconsistentEnvVariableError, match=message):
        _ = dn.setting


def test_max_nb_of_workers_template_reads_as_int(monkeypatch: pytest.MonkeyPatch) -> None:
    Config.configure_job_executions(mode="standalone", max_nb_of_workers="ENV[WORKERS]")
    monkeypatch.setenv("WORKERS", "4")
    assert Config.job_config.max_nb_of_workers == 4
    monkeypatch.setenv("WORKERS", "lots")
    with pytest.raises(InconsistentEnvVariableError, match='WORKERS="lots" is not a valid int'):
        _ = Config.job_config.max_nb_of_workers


def test_core_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    Config.configure_core(event_store="ENV[DB_URL]", force="ENV[FORCE]:bool")
    monkeypatch.setenv("DB_URL", "postgresql://u:p@h/db")
    monkeypatch.setenv("FORCE", "yes")
    assert (Config.core.event_store, Config.core.force) == ("postgresql://u:p@h/db", True)


def test_templates_are_not_resolved_when_loaded_nor_exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    path = tmp_path / "c.toml"
    path.write_text('[DATA_NODE.dn]\npassword = "ENV[DB_PASSWORD]"\nport = "ENV[PORT]:int"\n')
    Config.load(path)  # no variable set: loading still works
    Config.export(tmp_path / "out.toml")
    document = tomllib.loads((tmp_path / "out.toml").read_text())
    assert document["DATA_NODE"]["dn"] == {"password": "ENV[DB_PASSWORD]", "port": "ENV[PORT]:int"}
    assert Config.serialize()["DATA_NODE"]["dn"]["password"] == "ENV[DB_PASSWORD]"
    with pytest.raises(MissingEnvVariableError):
        _ = Config.data_nodes["dn"].password
