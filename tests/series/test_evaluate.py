"""Metrics by hand, the results table and its CSV, intervals and the pictures."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from seqlm.series import metrics
from seqlm.series.evaluate import evaluate, format_table, write_csv
from seqlm.series.intervals import coverage, residual_quantiles
from seqlm.series.models import LinearAR, NaiveForecaster
from seqlm.series.plots import plot_book_figure, plot_error_vs_k, plot_k_step
from seqlm.series.predict import free_running, k_step, one_step


def test_metrics_by_hand() -> None:
    y, p = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 1.0])
    assert metrics.mse(y, p) == pytest.approx((0 + 1 + 9) / 3)
    assert metrics.rmse(y, p) == pytest.approx(np.sqrt(10 / 3))
    assert metrics.mae(y, p) == pytest.approx(4 / 3)
    assert metrics.mse(y, np.array([1.0, np.nan, 1e308])) == np.inf
    with pytest.raises(ValueError):
        metrics.mse(y, p[:2])


def test_table_and_csv(tmp_path: Path) -> None:
    y = np.sin(0.1 * np.arange(200)) + np.random.default_rng(0).normal(0, 0.1, 200)
    models = {"naive": NaiveForecaster().fit(y[:150]), "ar": LinearAR(3).fit(y[:150])}
    scores = evaluate(models, y, 150, ks=(1, 4))
    assert [(s.model, s.k, s.n) for s in scores] == [
        ("naive", 1, 50), ("naive", 4, 47), ("naive", 0, 50),
        ("ar", 1, 50), ("ar", 4, 47), ("ar", 0, 50)]
    naive1 = scores[0]
    assert naive1.mse == pytest.approx(np.mean((y[150:] - y[149:-1]) ** 2))
    assert naive1.rmse == pytest.approx(np.sqrt(naive1.mse))
    text = format_table(scores)
    assert text.splitlines()[0].split() == ["model", "k", "n", "MSE", "RMSE", "MAE"]
    assert "free" in text and len(text.splitlines()) == 7
    out = tmp_path / "t.csv"
    write_csv(scores, out)
    rows = list(csv.DictReader(out.open()))
    assert rows[2]["k"] == "free" and float(rows[1]["mae"]) == pytest.approx(scores[1].mae)
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temp file left behind


def test_residual_quantile_intervals() -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(size=2000)  # white noise: naive residuals are y_t - y_{t-1}
    q = residual_quantiles(NaiveForecaster(), y, [1], start=1, stop=1000, level=0.8)
    diffs = y[1:1000] - y[:999]
    assert q[1] == pytest.approx((np.quantile(diffs, 0.1), np.quantile(diffs, 0.9)))
    pred = one_step(NaiveForecaster(), y, 1000)
    assert coverage(y[1000:], pred, q[1]) == pytest.approx(0.8, abs=0.05)


def test_plots_write_png_files(tmp_path: Path) -> None:
    t = np.arange(1, 301, dtype=float)
    y = np.sin(0.05 * t)
    m = LinearAR(2).fit(y[:200])
    plot_book_figure(t, y, one_step(m, y, 2), 2, free_running(m, y, 200), 200, tmp_path / "a.png")
    plot_k_step(t, y, k_step(m, y, [1, 4, 16], 200), tmp_path / "b.png")
    plot_error_vs_k(evaluate({"ar": m}, y, 200, (1, 4, 16)), tmp_path / "c.png", floor=0.01)
    for name in "abc":
        data = (tmp_path / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_the_package_name_evaluate_is_the_function() -> None:
    """``seqlm.series.evaluate`` is also a submodule; once it is imported (here, and by the
    models) the package name must still be the function docs/series.md calls."""
    import importlib

    importlib.import_module("seqlm.series.evaluate")
    importlib.import_module("seqlm.series.models.auto")
    from seqlm.series import evaluate

    assert callable(evaluate) and evaluate.__module__ == "seqlm.series.evaluate"
