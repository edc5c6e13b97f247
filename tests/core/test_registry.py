"""The registry mechanism: decorator registration, typed configs, build/dump/load round trips."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

import pytest

from seqlm.errors import ConfigError, DatasetError
from seqlm.registry import Registry, config_to_dict, make_config


@dataclass(frozen=True)
class Inner:
    width: int = 2


@dataclass(frozen=True)
class ToyConfig:
    size: int
    rate: float = 0.5
    name: str = "toy"
    flag: bool = False
    shape: Literal["round", "square"] = "round"
    dims: tuple[int, ...] = (1, 2)
    limit: int | None = None
    inner: Inner = field(default_factory=Inner)


def _registry() -> Registry:
    reg: Registry = Registry("toy thing")

    @reg.register("toy", config=ToyConfig)
    class Toy:
        """A toy that keeps its config."""

        def __init__(self, config: ToyConfig) -> None:
            self.config = config

    return reg


def test_decorator_registers_and_builds_from_a_dict() -> None:
    reg = _registry()
    assert reg.names() == ["toy"] and "toy" in reg and len(reg) == 1
    toy = reg.build("toy", {"size": 3, "rate": 1, "dims": [4, 5], "inner": {"width": 7}})
    assert toy.config == ToyConfig(size=3, rate=1.0, dims=(4, 5), inner=Inner(7))
    assert isinstance(toy.config.rate, float)  # an int from TOML/JSON becomes the float asked for
    assert reg.entry("toy").help == "A toy that keeps its config."


def test_dump_is_plain_json_and_loads_back_equal() -> None:
    reg = _registry()
    cfg = reg.config("toy", size=4, shape="square", limit=9)
    saved = reg.dump("toy", cfg)
    text = json.dumps(saved)  # plain data, no pickle
    assert json.loads(text) == {"name": "toy", "config": {
        "size": 4, "rate": 0.5, "name": "toy", "flag": False, "shape": "square", "dims": [1, 2],
        "limit": 9, "inner": {"width": 2}}}
    assert reg.load(json.loads(text)).config == cfg


def test_overrides_win_over_the_base_config() -> None:
    base = ToyConfig(size=1, rate=0.1)
    assert make_config(ToyConfig, base, rate=0.9) == ToyConfig(size=1, rate=0.9)
    assert config_to_dict(make_config(ToyConfig, {"size": 2}))["size"] == 2


def test_a_field_may_be_called_data_or_cls() -> None:
    """The overrides are keywords; the base config and the class are positional-only, so a
    field named like them (classify's ``data``) is an override, not a clash."""
    from dataclasses import dataclass

    @dataclass
    class Run:
        data: str = ""
        cls: int = 0

    assert make_config(Run, {"data": "a"}, data="b", cls=2) == Run("b", 2)


@pytest.mark.parametrize(("data", "message"), [
    ({"size": 1, "colour": "red"}, "unknown ToyConfig setting"),
    ({"size": True}, "ToyConfig.size must be an integer"),
    ({"size": 1, "rate": "fast"}, "ToyConfig.rate must be a number"),
    ({"size": 1, "flag": 1}, "ToyConfig.flag must be true or false"),
    ({"size": 1, "shape": "oval"}, "ToyConfig.shape must be one of"),
    ({"size": 1, "dims": 3}, "ToyConfig.dims must be a list"),
    ({"size": 1, "limit": "x"}, "ToyConfig.limit must be an integer"),
    ({}, "bad ToyConfig"),
])
def test_bad_configs_raise_config_error(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _registry().build("toy", data)


def test_unknown_names_and_clashes() -> None:
    reg = _registry()
    with pytest.raises(ConfigError, match="unknown toy thing 'nope'; choose one of toy"):
        reg.build("nope")
    with pytest.raises(ConfigError, match="already registered"):
        reg.add("toy", object())
    with pytest.raises(ConfigError, match="must be a dataclass"):
        reg.add("other", object(), config=dict)
    reg.unregister("toy")
    assert "toy" not in reg


def test_values_register_with_their_own_error_type() -> None:
    reg: Registry[str] = Registry("dataset", error=DatasetError)
    reg.add("a", "the a corpus")
    assert reg["a"] == "the a corpus" and reg.items() == [("a", "the a corpus")]
    with pytest.raises(DatasetError, match="unknown dataset 'b'"):
        reg["b"]
    with pytest.raises(ConfigError, match="has no config class"):
        reg.build("a")
