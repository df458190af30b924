"""``configured``: one config by kind and id, as the ``Config`` listings give it."""

from __future__ import annotations

from ledgerflow import Config
from ledgerflow.domain.config.accessors import configured
from ledgerflow.domain.config.layer import DATA_NODE, DEFAULT_ID, SCENARIO, TASK


def test_a_config_is_found_as_the_listings_have_it() -> None:
    x = Config.configure_data_node("x", default_data=1)
    y = Config.configure_data_node("y")
    task = Config.configure_task("t", print, x, y)
    scenario = Config.configure_scenario("s", [task])
    assert configured(DATA_NODE, "x") is Config.data_nodes["x"] is not None
    assert configured(TASK, "t") is Config.tasks["t"]
    assert configured(SCENARIO, "s") is Config.scenarios["s"]
    assert configured(DATA_NODE, DEFAULT_ID) is Config.data_nodes[DEFAULT_ID]
    assert configured(DATA_NODE, "missing") is None
    assert configured(TASK, "x") is None  # ids are per kind
    assert scenario.id == "s"
