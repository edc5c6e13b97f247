"""Series models defined above ``seqlm.series`` (the loop-trained ``mlp`` and ``latent`` of
seqlm.apps.forecast) or in another package register through the entry-point group
``seqlm.series_models``: found by name without seqlm.series importing upwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seqlm.errors import ConfigError
from seqlm.series.models import registry
from tests.conftest import REPO


def test_the_neural_models_are_declared_in_the_group() -> None:
    from importlib.metadata import entry_points

    declared = {ep.name: ep.value for ep in entry_points(group=registry.PLUGINS)}
    assert declared == {"mlp": "seqlm.apps.forecast.mlp", "latent": "seqlm.apps.forecast.latent"}


def _fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing imported yet); its stdout."""
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True, check=True,
                          capture_output=True, timeout=120).stdout


def test_a_built_in_model_by_name_loads_no_plugin() -> None:
    out = _fresh("import sys\nfrom seqlm.series.models.registry import build\n"
                 "build('linear_ar')\nprint('seqlm.apps.forecast' in sys.modules)\n"
                 "build('latent')\nprint('seqlm.apps.forecast' in sys.modules)")
    assert out.split() == ["False", "True"]


def test_a_saved_mlp_loads_by_name_in_a_fresh_process(tmp_path: Path) -> None:
    from seqlm.apps.forecast import AutoregressiveMLP
    from seqlm.series.data import synthetic
    from seqlm.series.persist import save_model

    y = synthetic(T=120, seed=0).values
    model = AutoregressiveMLP(3, (4,), epochs=1, seed=0, device="cpu").fit(y[:100])
    save_model(model, tmp_path / "m.pt")
    want = model.predict_windows(y[None, 100:103])[0]
    out = _fresh("import numpy as np\nfrom seqlm.series.data import synthetic\n"
                 "from seqlm.series.persist import load_model\n"
                 f"m, _ = load_model({str(tmp_path / 'm.pt')!r})\n"
                 "y = synthetic(T=120, seed=0).values\n"
                 "print(type(m).__module__, repr(float(m.predict_windows(y[None, 100:103])[0])))")
    module, got = out.split()
    assert module == "seqlm.apps.forecast.mlp" and float(got) == float(want)


class _EntryPoint:
    def __init__(self, name: str, value: str, load: Any) -> None:
        self.name, self.value, self.load = name, value, load


def test_a_plugin_that_fails_to_import_is_one_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    def broken() -> None:
        raise ImportError("no module named 'missing_dependency'")

    loaded: list[str] = []
    fake = {"test.group": [_EntryPoint("good", "pkg.good", lambda: loaded.append("good")),
                           _EntryPoint("bad", "pkg.bad", broken)]}
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: fake.get(group, []))
    with pytest.raises(ConfigError, match=r"plugin 'bad' \(pkg.bad\) failed to load: "
                                          r"ImportError: no module named 'missing_dependency'"):
        registry.load_plugins("test.group")
    assert loaded == []  # sorted by name: 'bad' comes first and stops the loading
    fake["test.group"].pop(1)
    registry.load_plugins("test.group")
    assert loaded == ["good"]
