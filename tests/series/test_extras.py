"""Ensembles, the MLP's linear skip, the pooled rolling-origin RMSE and the demo step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from seqlm.apps.forecast import AutoregressiveMLP
from seqlm.demo.context import DemoContext
from seqlm.errors import ConfigError
from seqlm.series.data import synthetic
from seqlm.series.evaluate import rolling_origin_rmse
from seqlm.series.models import (
    EnsembleForecaster,
    LinearAR,
    NaiveForecaster,
    SeasonalNaiveForecaster,
)

torch.set_num_threads(1)
Y = synthetic(T=200, seed=0).values


def test_ensemble_is_the_mean_of_member_paths() -> None:
    members = [LinearAR(2), LinearAR(5), NaiveForecaster()]
    ens = EnsembleForecaster(members=members).fit(Y[:150])
    paths = ens.predict_paths(Y, [160, 170], 7)
    ref = np.mean([m.predict_paths(Y, [160, 170], 7) for m in members], axis=0)
    assert np.allclose(paths, ref) and ens.min_history == 5
    made = EnsembleForecaster(lambda s: AutoregressiveMLP(3, epochs=1, seed=s, device="cpu"),
                              size=2, seed=7)
    assert [m.settings.seed for m in made.members] == [7, 8]
    with pytest.raises(ConfigError):
        EnsembleForecaster(members=[])


def test_linear_skip_adds_an_ar_term() -> None:
    m = AutoregressiveMLP(3, (4,), linear_skip=True, epochs=1, seed=0, device="cpu").fit(Y[:150])
    win = Y[10:13][None]
    z = torch.as_tensor((win - m.scaler.mean) / m.scaler.std, dtype=torch.float32)
    with torch.no_grad():
        parts = m.net.net(z) + z @ m.net.skip.weight.T + m.net.skip.bias
    assert m.predict_windows(win)[0] == pytest.approx(
        float(parts[0, 0]) * m.scaler.std + m.scaler.mean, rel=1e-5)
    assert m.name.endswith("+linear)")


def test_rolling_origin_rmse_by_hand() -> None:
    y = np.array([0.0, 1, 2, 3, 5, 8])
    # naive from origins 3 and 4 with horizon 2: predicts 2,2 for 3,5 and 3,3 for 5,8
    sq = [(3 - 2) ** 2, (5 - 2) ** 2, (5 - 3) ** 2, (8 - 3) ** 2]
    assert rolling_origin_rmse(NaiveForecaster(), y, 3, 2) == pytest.approx(np.sqrt(np.mean(sq)))
    seasonal = SeasonalNaiveForecaster(2)
    assert rolling_origin_rmse(seasonal, y, 4, 1) == pytest.approx(np.sqrt(((5 - 2) ** 2 +
                                                                            (8 - 3) ** 2) / 2))


def test_demo_step_runs_and_draws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from seqlm.demo import series as demo

    demo.run(DemoContext("", "", "test", tmp_path, seed=0, quick=True))
    out = capsys.readouterr().out
    assert "k=64" in out and "latent-gru(16)" in out and "errors compound" in out
    assert {p.name for p in tmp_path.iterdir()} == {
        "series_book_figure.png", "series_k_step.png", "series_error_vs_k.png"}
