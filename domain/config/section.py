"""The base of every config section: an id plus free properties, read with templates resolved.

A section object is a compiled, read-mostly view of the merged layers. Setting one of its
attributes does not change the object directly: the change is written to the code layer of the
registry that compiled it (which refuses while the configuration is blocked), and the registry
then refreshes the object in place. Sections rebuilt from a recorded config have no registry and
are read-only.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ledgerflow.domain.config.templates import resolve
from ledgerflow.domain.errors import ConfigurationError


class SectionOwner(Protocol):
    """What a section writes its changes to (the live registry)."""

    def set_settings(self, kind: str, config_id: str, settings: dict[str, Any]) -> None:
        """Write ``settings`` over the code-layer settings of one section."""


def to_raw(value: Any) -> Any:
    """``value`` as stored in a layer: sections (also inside lists and dicts) become their ids."""
    if isinstance(value, Section):
        return value.id
    if isinstance(value, list | tuple):
        return type(value)(to_raw(item) for item in value)
    if isinstance(value, dict):
        return {key: to_raw(item) for key, item in value.items()}
    return value


class Section(BaseModel):
    """A config section: ``id``, typed fields, and free ``properties`` (``cfg.my_prop``, None
    when not set). A property named like a method of the section (``copy``, ``schema``...) is
    read with ``cfg.properties["name"]``."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    section_name: ClassVar[str] = ""
    # Field name -> layer key, where they differ.
    layer_keys: ClassVar[dict[str, str]] = {}
    # Settings stored among the properties but read through typed accessors (JOB, CORE).
    property_settings: ClassVar[frozenset[str]] = frozenset()

    id: str
    raw_properties: dict[str, Any] = Field(default_factory=dict)
    _owner: SectionOwner | None = PrivateAttr(default=None)

    @property
    def properties(self) -> dict[str, Any]:
        """The free properties, with ``ENV[...]`` templates resolved."""
        return {key: resolve(value) for key, value in self.raw_properties.items() if key not in self.property_settings}

    def settings(self) -> dict[str, Any]:
        """Every setting as stored in a layer (templates unresolved, references as ids)."""
        result: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = self.__dict__[name]
            if name not in ("id", "raw_properties") and value is not None:
                result[self.layer_keys.get(name, name)] = to_raw(value)
        result.update((key, value) for key, value in self.raw_properties.items() if value is not None)
        return result

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            private = object.__getattribute__(self, "__pydantic_private__") or {}
            if name in private:
                return private[name]
            raise AttributeError(name)
        return resolve(self.__dict__.get("raw_properties", {}).get(name))

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        if name == "id":
            raise AttributeError(f'The id of {self.section_name} "{self.id}" cannot be changed.')
        if name == "properties":
            self._write(to_raw(dict(value)))
            return
        attribute = getattr(type(self), name, None)
        if isinstance(attribute, property) and attribute.fset is not None:
            attribute.fset(self, value)
        elif attribute is not None and name not in type(self).model_fields:
            raise AttributeError(f'{name} of {self.section_name} "{self.id}" cannot be set.')
        else:
            self._write({self.layer_keys.get(name, name): to_raw(value)})

    def _write(self, settings: dict[str, Any]) -> None:
        owner = self._owner
        if owner is None:
            raise ConfigurationError(
                f'{self.section_name} "{self.id}" comes from a recorded configuration and is '
                "read-only: change the application's code or config file instead."
            )
        owner.set_settings(self.section_name, self.id, settings)

    def __getstate__(self) -> dict[Any, Any]:
        # A pickled section (sent to a worker, say) leaves its registry behind: it is read-only.
        state = super().__getstate__()
        state["__pydantic_private__"] = {
            **(state.get("__pydantic_private__") or {}),
            "_owner": None,
        }
        return state

    def refresh_from(self, other: Self) -> None:
        """Take the values of ``other`` (a fresh compile of the same section), keeping identity."""
        self.__dict__.update(other.__dict__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Section) or type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.section_name, self.id))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"
