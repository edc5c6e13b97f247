"""The neural forecasters: maths re-done in numpy, training through seqlm.train, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from seqlm.apps.forecast import AutoregressiveMLP, BurnInRegressionTask, LatentRNNForecaster
from seqlm.errors import ConfigError, DataError
from seqlm.series.data import synthetic
from seqlm.series.experiment import fit_split
from seqlm.series.models import LinearAR
from seqlm.series.persist import load_model, save_model
from seqlm.series.predict import one_step
from seqlm.series.windows import split_series

torch.set_num_threads(1)
Y = synthetic(T=300, seed=0).values


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


@pytest.fixture(scope="module")
def mlp() -> AutoregressiveMLP:
    return AutoregressiveMLP(4, hidden=(8,), epochs=4, seed=1, device="cpu").fit(Y[:200])


@pytest.fixture(scope="module")
def gru() -> LatentRNNForecaster:
    return LatentRNNForecaster(hidden=8, seq_len=24, burn_in=8, epochs=4, seed=1,
                               device="cpu").fit(Y[:200])


def test_mlp_is_w2_relu_w1_on_scaled_windows(mlp: AutoregressiveMLP) -> None:
    sd = {k: v.double().numpy() for k, v in mlp.net.state_dict().items()}
    win = np.stack([Y[10:14], Y[50:54]])
    z = (win - mlp.scaler.mean) / mlp.scaler.std
    hidden = np.maximum(z @ sd["net.0.weight"].T + sd["net.0.bias"], 0)
    out = (hidden @ sd["net.2.weight"].T + sd["net.2.bias"])[:, 0]
    assert np.allclose(mlp.predict_windows(win), out * mlp.scaler.std + mlp.scaler.mean,
                       atol=1e-5)


def test_training_goes_through_the_shared_loop_with_clipping(mlp: AutoregressiveMLP) -> None:
    hist = mlp.history.history
    assert len(hist) == 4 and hist[-1]["train_loss"] < hist[0]["train_loss"]
    assert all("clipped_frac" in row and row["grad_norm_max"] > 0 for row in hist)
    # trained beats the naive forecast on held-out data
    pred = one_step(mlp, Y, 200)
    assert np.mean((pred - Y[200:]) ** 2) < np.mean((Y[199:-1] - Y[200:]) ** 2)


def test_same_seed_same_numbers(mlp: AutoregressiveMLP) -> None:
    again = AutoregressiveMLP(4, hidden=(8,), epochs=4, seed=1, device="cpu").fit(Y[:200])
    other = AutoregressiveMLP(4, hidden=(8,), epochs=4, seed=2, device="cpu").fit(Y[:200])
    assert np.array_equal(one_step(mlp, Y, 200), one_step(again, Y, 200))
    assert not np.allclose(one_step(mlp, Y, 200), one_step(other, Y, 200))


def gru_numpy(sd: dict[str, np.ndarray], xs: list[float], steps: int) -> list[float]:
    """The GRU equations written out: read xs from h = 0, then feed predictions back."""
    H = sd["layers.0.weight_hh_l0"].shape[1]
    Wi, Wh = sd["layers.0.weight_ih_l0"], sd["layers.0.weight_hh_l0"]
    bi, bh = sd["layers.0.bias_ih_l0"], sd["layers.0.bias_hh_l0"]
    h = np.zeros(H)

    def step(x: float, h: np.ndarray) -> tuple[np.ndarray, float]:
        gi, gh = Wi[:, 0] * x + bi, Wh @ h + bh
        r = sigmoid(gi[:H] + gh[:H])
        zg = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h = (1 - zg) * n + zg * h
        return h, float(sd["head.weight"][0] @ h + sd["head.bias"][0])

    for x in xs:
        h, pred = step(x, h)
    out = [pred]
    for _ in range(steps - 1):
        h, pred = step(pred, h)
        out.append(pred)
    return out


def test_latent_paths_follow_the_gru_equations(gru: LatentRNNForecaster) -> None:
    sd = {k: v.double().numpy() for k, v in gru.net.state_dict().items()}
    z = (Y - gru.scaler.mean) / gru.scaler.std
    origins = [5, 24, 150, 260]  # 5 < context: reads all 5 values; others read the last 24
    paths = gru.predict_paths(Y, origins, 6)
    for row, o in zip(paths, origins, strict=True):
        ref = gru_numpy(sd, list(z[max(0, o - gru.context):o]), 6)
        assert np.allclose(row, np.array(ref) * gru.scaler.std + gru.scaler.mean, atol=1e-4)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_other_cells_batch_the_same_as_one_by_one(cell: str) -> None:
    m = LatentRNNForecaster(hidden=6, cell=cell, num_layers=2, seq_len=16, burn_in=4, epochs=1,
                            seed=0, device="cpu").fit(Y[:120])
    together = m.predict_paths(Y, [3, 40, 90], 5)
    alone = np.vstack([m.predict_paths(Y, [o], 5) for o in (3, 40, 90)])
    assert np.allclose(together, alone, atol=1e-5) and np.isfinite(together).all()


def test_burn_in_task_counts_only_later_steps() -> None:
    class Echo(torch.nn.Module):
        def forward(self, X: torch.Tensor, state: object = None) -> tuple[torch.Tensor, None]:
            return X, None

    X = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    Y = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
    out = BurnInRegressionTask().step(Echo(), (X, Y, 2), None)
    assert out.count == 2 and float(out.loss_sum) == pytest.approx(2.0**2 + 3.0**2)


def test_early_stopping_keeps_the_best_validation_epoch() -> None:
    sp = split_series(300, 4, test=50, valid=50)
    m = fit_split(AutoregressiveMLP(4, epochs=6, lr=0.05, patience=2, seed=0, device="cpu"),
                  Y, sp)
    hist = m.history.history
    best = min(row["valid_loss"] for row in hist)
    z = m.scaler.transform(Y)
    win = np.lib.stride_tricks.sliding_window_view(z[sp.train_end - 4:sp.test_start - 1], 4)
    with torch.no_grad():
        pred = m.net(torch.as_tensor(win.copy(), dtype=torch.float32)).double().numpy()
    assert np.mean((pred - z[sp.train_end:sp.test_start]) ** 2) == pytest.approx(best, rel=1e-4)


def test_test_span_never_reaches_the_model() -> None:
    sp = split_series(300, 4, test=60, valid=40)
    y2 = Y.copy()
    y2[sp.test_start:] = 1e6
    for make in (lambda: AutoregressiveMLP(4, epochs=2, seed=0, device="cpu"),
                 lambda: LatentRNNForecaster(hidden=4, seq_len=16, burn_in=4, epochs=1, seed=0,
                                             device="cpu")):
        a, b = fit_split(make(), Y, sp), fit_split(make(), y2, sp)
        assert a.scaler == b.scaler
        for (ka, va), (_, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
            assert torch.equal(va, vb), ka


@pytest.mark.parametrize("kind", ["mlp", "gru", "ar"])
def test_save_and_load_roundtrip(kind: str, tmp_path: Path, mlp: AutoregressiveMLP,
                                 gru: LatentRNNForecaster) -> None:
    model = {"mlp": mlp, "gru": gru, "ar": LinearAR(3).fit(Y[:200])}[kind]
    save_model(model, tmp_path / "m.pt", extra={"split": [200, 200]})
    back, extra = load_model(tmp_path / "m.pt")
    assert extra == {"split": [200, 200]} and type(back) is type(model)
    assert np.array_equal(back.predict_paths(Y, [210, 250], 8),
                          model.predict_paths(Y, [210, 250], 8))


def test_bad_files_and_settings(tmp_path: Path) -> None:
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(DataError):
        load_model(tmp_path / "junk.pt")
    with pytest.raises(DataError):
        load_model(tmp_path / "missing.pt")
    torch.save({"format": "other"}, tmp_path / "other.pt")
    with pytest.raises(DataError):
        load_model(tmp_path / "other.pt")
    for bad in (lambda: AutoregressiveMLP(0), lambda: AutoregressiveMLP(4, hidden=(0,)),
                lambda: AutoregressiveMLP(4, lr=float("nan")),
                lambda: LatentRNNForecaster(cell="tcn"), lambda: LatentRNNForecaster(burn_in=99),
                lambda: AutoregressiveMLP(4, batch_size=0)):
        with pytest.raises(ConfigError):
            bad()
    with pytest.raises(ConfigError, match="not fitted"):
        AutoregressiveMLP(4).predict(3, Y)
    with pytest.raises(DataError, match="tau\\+1"):
        AutoregressiveMLP(8, epochs=1).fit(Y[:8])


def test_latent_validation_loss_is_the_context_one_step_error() -> None:
    """The early-stopping figure equals the 1-step MSE of predict_paths on the validation span."""
    from seqlm.series.models.batches import validation_windows

    m = LatentRNNForecaster(hidden=4, seq_len=16, burn_in=4, epochs=1, seed=0,
                            device="cpu").fit(Y[:200])
    z = m.scaler.transform(Y)
    (batch,) = validation_windows(z[:200], z[200:230], m.context)
    with torch.no_grad():
        out = BurnInRegressionTask().step(m.net, batch, None)
    pred = m.scaler.transform(one_step(m, Y[:230], 200))
    assert out.count == 30
    assert float(out.loss_sum) / out.count == pytest.approx(np.mean((pred - z[200:230]) ** 2),
                                                            rel=1e-4)


def test_direct_windows_by_hand() -> None:
    from seqlm.series.windows import make_direct_windows

    x = np.arange(10.0)
    feats, labels = make_direct_windows(x, 3, 4)
    assert feats.shape == (4, 3) and labels.shape == (4, 4)
    for i in range(4):
        assert np.array_equal(feats[i], x[i:i + 3]) and np.array_equal(labels[i], x[i + 3:i + 7])
    with pytest.raises(DataError):
        make_direct_windows(x[:6], 3, 4)


def test_direct_head_without_hidden_layers_is_per_horizon_least_squares(
        tmp_path: Path) -> None:
    """With no hidden layer the head is linear: trained to convergence it is the direct AR
    (one least-squares fit per step) on the same windows; beyond its steps it continues block
    by block; saved and loaded."""
    from seqlm.series.models import DirectAR

    rng = np.random.default_rng(0)
    y = np.zeros(400)
    for t in range(2, 400):
        y[t] = 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.normal()
    net = AutoregressiveMLP(2, hidden=(), steps=3, epochs=400, lr=0.1, batch_size=1024,
                            seed=0, device="cpu").fit(y[:360])  # full batch: converges
    ols = DirectAR(2, horizon=3).fit(y[:360])
    o = np.arange(360, 395)
    assert np.allclose(net.predict_paths(y, o, 3), ols.predict_paths(y, o, 3), atol=1e-5)
    paths = net.predict_paths(y, o, 5)  # steps 4, 5: the head again, from [step 2, step 3]
    assert np.allclose(paths[:, 3:5], net.predict_block(paths[:, 1:3])[:, :2])
    assert net.name == "mlp(2--3 direct)"
    path = tmp_path / "direct.pt"
    save_model(net, path)
    again, _ = load_model(path)
    assert again.steps == 3 and np.array_equal(again.predict_paths(y, o, 5), paths)
