"""Typed configs: every series model that is fitted by name is built from its config dataclass
through the core registry, and its config written back as plain data builds it again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from seqlm.errors import ConfigError
from seqlm.series.build import MODELS
from seqlm.series.models.arima import ARIMA
from seqlm.series.models.registry import SERIES, build, dump_config


@pytest.mark.parametrize("kind", MODELS)
def test_every_model_round_trips_its_config(kind: str) -> None:
    model = build(kind)
    saved = dump_config(model)
    assert saved["name"] == kind and type(model) is SERIES[kind]
    json.dumps(saved)  # plain data only
    again = build(kind, saved["config"])
    assert dump_config(again) == saved


def test_config_from_plain_data_sets_the_model() -> None:
    mlp = build("mlp", {"tau": "aic", "hidden": [8, 8], "training": {"epochs": 2, "lr": 0.1}})
    assert mlp.select and mlp.hidden == (8, 8)
    assert mlp.settings.epochs == 2 and mlp.settings.lr == 0.1 and mlp.settings.batch_size == 16
    ets = build("ets", {"trend": "damped", "season": "add", "m": 4})
    assert ets.name == "ets(A,Ad,A)[4]"
    assert build("ar", {"tau": 3}).tau == 3  # an alias finds the same config


def test_arima_from_config_fits_as_the_constructor() -> None:
    ref = json.loads((Path(__file__).parents[1] / "fixtures" / "series_reference.json")
                     .read_text())
    y = np.log(np.array(ref["series"]["airpassengers"]))
    a = build("arima", {"orders": [0, 1, 0, 1], "d": 1, "D": 1, "m": 12}).fit(y)
    b = ARIMA((0, 1, 0, 1, False), 1, 1, 12).fit(y)
    assert np.array_equal(a.coef, b.coef)


@pytest.mark.parametrize(("kind", "data", "needle"), [
    ("linear_ar", {"lags": 3}, "unknown LinearARConfig setting"),
    ("seasonal_naive", {"season": "12"}, "must be an integer"),
    ("arima", {"orders": [1, 2]}, "four counts"),
    ("latent", {"training": {"epochs": 1.5}}, "epochs"),
    ("preprocessed", {}, "has no config"),
])
def test_bad_configs_are_config_errors(kind: str, data: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        build(kind, data)
