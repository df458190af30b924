"""Scenario commands other processes may race: tags and the primary scenario of a cycle."""

from __future__ import annotations

from ledgerflow.domain.config import Config
from ledgerflow.domain.entity import Entity
from ledgerflow.domain.errors import DoesNotBelongToACycle
from ledgerflow.domain.scenario import Scenario
from ledgerflow.runtime.runtime import Runtime


def tag(runtime: Runtime, scenario_id: str, config_id: str, tag_name: str) -> None:
    """Tag a scenario; its config's ``authorized_tags`` is enforced."""
    config = Config.scenarios.get(config_id)
    authorized = config.properties.get("authorized_tags") if config is not None else None

    def add() -> list[Entity]:
        aggregate = runtime.aggregate(Scenario, scenario_id)
        aggregate.add_tag(tag_name, list(authorized) if authorized is not None else None)
        return [aggregate]

    runtime.command(add, reason="tag")


def untag(runtime: Runtime, scenario_id: str, tag_name: str) -> None:
    """Remove a tag from a scenario."""

    def remove() -> list[Entity]:
        aggregate = runtime.aggregate(Scenario, scenario_id)
        aggregate.remove_tag(tag_name)
        return [aggregate]

    runtime.command(remove, reason="untag")


def set_primary(runtime: Runtime, scenario_id: str, cycle_id: str | None) -> None:
    """Make a scenario the primary one of its cycle (the previous one is demoted)."""
    if cycle_id is None:
        raise DoesNotBelongToACycle(f"Scenario {scenario_id} has no cycle: its config has no frequency.")

    def promote() -> list[Entity]:
        changed: list[Entity] = []
        for other_id in runtime.state.cycle_scenarios.get(cycle_id, []):
            other = runtime.aggregate(Scenario, other_id)
            other.set_primary(other_id == scenario_id)
            changed.append(other)
        return changed

    runtime.command(promote, reason="set primary")
