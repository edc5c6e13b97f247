"""``auto``: the default forecaster, every choice made by a test or on held-out validation values.

1. season m: given (or from the time index's frequency), else the ACF peak (stattests);
2. level/trend/season: KPSS decides d (or detrending when the trend test passes), the seasonal
   strength F_S >= 0.64 decides D;
3. candidates: linear AR (lags by AIC up to max(12, 2m + 1)) on every preprocessing (and on
   the values less a fitted trend and fixed seasonal profile), recursive and direct; ETS (form
   by AICc); seasonal ARIMA (orders by AIC, d and D from step 2); ETS and ARIMA again on the
   Box-Cox scale (lambda by Guerrero) when the values are positive;
4. each candidate scored by rolling-origin validation over the last ``valid`` share, cut into
   ``folds`` refits (every horizon h = 1..H weighted alike); the tests' AR preprocessing wins
   ties within 5%; from step 2 on, the forecast is the equal-weight mean of the 6 best (weights
   or a number fitted on the same short span overfit it: the "forecast combination puzzle");
   step 1 is the mean of the k <= 6 best, k chosen on the same errors;
5. a neural residual (Zhang's hybrid on the AR of the tests' preprocessing, global or per-window
   normalisation, weight alpha picked on validation) replaces the mean for the first steps
   where it is better;
6. prediction intervals from the validation residuals of each horizon;
then the chosen pipeline is refitted on all the values. ``choices`` records every decision.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series import stattests
from seqlm.series.data import as_values
from seqlm.series.models.arima import ARIMA
from seqlm.series.models.base import Forecaster
from seqlm.series.models.blend import Blend
from seqlm.series.models.boxcox import BoxCox, guerrero
from seqlm.series.models.direct import DirectAR
from seqlm.series.models.ets import ETS
from seqlm.series.models.hybrid import HybridAR
from seqlm.series.models.preprocessed import Preprocessed
from seqlm.series.models.registry import from_record, record, register
from seqlm.series.models.validation import balanced_rmse, cv_errors, frozen, rmse
from seqlm.series.models.validation import errors as _errors
from seqlm.series.models.validation import per_h as _per_h
from seqlm.series.transform import Differencing

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
COMBINE = 6  # combine="top": the mean of the 6 best candidates on validation
MAX_COMBINE = 6  # combine="cv": the mean of the k <= 6 best, k chosen on validation
# combine="auto" (the default): "cv" for step 1, "top" after it
MARGIN = 0.05  # a candidate must beat the tests' preprocessing by 5% on validation
NEURAL_GAIN = 0.01  # the nets must improve the validation error by 1%
MIN_WINDOWS = 200  # fewer training windows: the nets overfit, auto stays linear


@dataclass
class AutoConfig:
    """Settings of ``auto`` (None / "auto": decided from the data)."""

    horizon: int = 12
    season: int | None = None
    max_lags: int | None = None
    neural: bool = True
    strategy: str = "auto"
    norm: str = "auto"
    members: int = 5
    hidden: int = 32
    valid: float = 0.25
    folds: int = 3
    classical: bool = True
    combine: str = "auto"
    seed: int = 0
    notes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("horizon", "members", "hidden", "folds"):
            require_int(name, getattr(self, name))
        if self.strategy not in ("auto", "recursive", "direct"):
            raise ConfigError(f"strategy must be auto, recursive or direct, got {self.strategy!r}")
        if self.norm not in ("auto", "global", "window"):
            raise ConfigError(f"norm must be auto, global or window, got {self.norm!r}")
        if self.combine not in ("auto", "top", "cv"):
            raise ConfigError(f"combine must be auto, top or cv, got {self.combine!r}")
        if not 0 < self.valid < 0.5:
            raise ConfigError(f"valid must be a fraction in (0, 0.5), got {self.valid}")


def valid_rmse(model: Forecaster, y: np.ndarray, start: int, horizon: int) -> float:
    """RMSE pooled over origins o >= start and h = 1..horizon with target o + h - 1 < len(y)."""
    origins = np.arange(max(start, model.min_history), len(y))
    return rmse(_errors(model, y, origins, horizon)) if len(origins) else float("inf")


def _key(diff: Differencing, detrend: bool, season: int = 1) -> str:
    fixed = f"detrend + season {season}, " if season > 1 else "detrend, "
    return (fixed if detrend else "") + diff.describe()


@register("auto", config=AutoConfig)
class AutoForecaster(Forecaster):
    """Tests and validation choose the preprocessing, lags, strategy and neural residual."""

    def __init__(self, config: AutoConfig | None = None, **kwargs: Any) -> None:
        self.config = config or AutoConfig(**kwargs)
        self.model: Forecaster | None = None
        self.choices: dict[str, Any] = {}
        self.residuals: list[list[float]] = []
        self._cv: dict[int, np.ndarray] = {}  # validation errors of each fitted candidate
        self.name = "auto"

    @classmethod
    def from_config(cls, config: AutoConfig) -> AutoForecaster:
        return cls(config)

    @property
    def min_history(self) -> int:
        return self.model.min_history if self.model is not None else 1

    def _ready(self) -> Forecaster:
        if self.model is None:
            raise ConfigError("auto is not fitted; call fit first")
        return self.model

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        return self._ready()._paths(y, origins, horizon)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> AutoForecaster:
        """Choose on the last values (``y_valid``, or the last ``valid`` share), refit on all."""
        y = as_values(y_train, "y_train")
        if y_valid is not None and len(y_valid):
            y = np.concatenate([y, as_values(y_valid, "y_valid")])
            n_valid = len(y_valid)
        else:
            n_valid = max(2, round(self.config.valid * len(y)))
        if len(y) - n_valid < 16:
            raise DataError(f"auto needs at least 16 values before its {n_valid} validation "
                            f"values; the series has {len(y)}")
        cfg, start = self.config, len(y) - n_valid
        c: dict[str, Any] = {"values": len(y), "validation": n_valid, "horizon": cfg.horizon}
        m = self._season(y[:start], c)
        tested = self._tests(y[:start], m, c)
        ranked = self._linear(y, start, m, tested, c)
        members = self._members(ranked, "cv" if cfg.combine == "cv" else "top", c)
        c["combined"] = [model.name for model in members]
        blend = Blend(members)
        if cfg.combine == "auto":
            first = self._members(ranked, "cv", c)
            c["combined_h1"] = [model.name for model in first]
            blend = Blend(members, Blend(first), 1)
        best_ar = self._best_ar(ranked, tested)
        c["lags"], c["preprocess"] = best_ar.inner.tau, best_ar.describe()  # type: ignore[attr-defined]
        if isinstance(best_ar.inner, HybridAR):
            short, steps = self._neural(y, start, best_ar, blend, c)
        else:  # strategy="direct": no recursive AR for the nets to correct
            short, steps = None, 0
            c["neural"] = "not tried: the hybrid corrects a recursive AR (strategy is direct)"
        chosen = Blend(members, short, steps) if short is not None else blend
        err = _errors(chosen, y, np.arange(max(start, chosen.min_history), len(y)), cfg.horizon)
        self.residuals = [[float(e) for e in col[np.isfinite(col)]] for col in err.T]
        c["valid_rmse"] = round(valid_rmse(chosen, y, start, cfg.horizon), 6)
        self.model = frozen(chosen).fit(y)
        c["model"] = self.model.name
        self.choices, self._cv = c, {}
        return self

    def _season(self, part: np.ndarray, c: dict[str, Any]) -> int | None:
        m = self.config.season
        if m is not None:
            c["season"], c["season_from"] = m, "given"
        else:
            m = stattests.detect_period(part, max_period=min(60, len(part) // 3))
            c["season"], c["season_from"] = m, "ACF peak" if m else "no significant ACF peak"
        if m is not None and (m < 2 or len(part) < 2 * m + 4):
            c["season_ignored"] = "shorter than two seasons" if m >= 2 else "period 1"
            m = None
        return m

    def _tests(self, part: np.ndarray, m: int | None,
               c: dict[str, Any]) -> tuple[Differencing, bool]:
        """KPSS for d (or detrending when trend-stationary), seasonal strength for D."""
        level, trend = stattests.kpss(part, "c"), stattests.kpss(part, "ct")
        c["kpss_level"], c["kpss_trend"] = round(level, 4), round(trend, 4)
        d, detrend = 0, False
        if level >= stattests.KPSS_CRITICAL["c"]:
            if trend < stattests.KPSS_CRITICAL["ct"]:
                detrend = True
            else:
                d = 1
        D = 0
        if m is not None:
            strength = stattests.seasonal_strength(np.diff(part) if d else part, m)
            c["seasonal_strength"] = round(strength, 4)
            D = int(strength >= stattests.SEASONAL_STRENGTH)
        c["preprocess_tests"] = _key(Differencing(d, D, m or 1), detrend)
        return Differencing(d, D, m or 1), detrend

    def _candidates(self, part: np.ndarray, m: int | None,
                    tested: tuple[Differencing, bool]) -> dict[str, Forecaster]:
        """Unfitted candidates: linear AR(AIC) on every preprocessing (direct too on the tests'
        one; with a season, also less a trend and a fixed seasonal profile), ETS (form by
        AICc), seasonal ARIMA (orders by AIC, d and D from the tests), and the last two on the
        Box-Cox scale (lambda by Guerrero) when the values are positive and lambda < 1."""
        cands = [(*tested, 1)] + [(Differencing(d, D, m or 1), False, 1) for d in (0, 1)
                                  for D in ((0, 1) if m else (0,))] + [(Differencing(), True, 1)]
        if m:  # a fixed seasonal profile beside the seasonal differences (a stochastic one)
            cands.append((Differencing(), True, m))
        strategies = ("recursive", "direct") if self.config.strategy == "auto" else (
            self.config.strategy,)
        out: dict[str, Forecaster] = {}
        for i, (diff, det, season) in enumerate(cands):
            for strategy in strategies if i == 0 else strategies[:1]:
                key = _key(diff, det, season) + ("" if strategy == "recursive" else ", direct")
                out.setdefault(key, self._build(diff, det, strategy,
                                                self._max_lags(part, diff, m), season))
        if not self.config.classical:
            return out
        d = max(tested[0].d, int(tested[1]))

        def classical() -> dict[str, Forecaster]:
            return {"ets": ETS("auto", "auto", m), "arima": ARIMA("aic", d, tested[0].D, m or 1)}

        out |= classical()
        lam = guerrero(part, m or 1) if np.all(part > 0) else 1.0
        if lam < 1:  # lam = 1 is the identity up to a shift: the same candidates again
            out |= {f"box-cox({lam:g}) {k}": BoxCox(v, lam, m or 1)
                    for k, v in classical().items()}
        return out

    def _linear(self, y: np.ndarray, start: int, m: int | None,
                tested: tuple[Differencing, bool],
                c: dict[str, Any]) -> list[tuple[float, Forecaster]]:
        """Every candidate scored by rolling-origin validation over ``folds`` refits, ranked;
        the tests' AR preprocessing wins ties within MARGIN."""
        part = y[:start]
        scored: dict[str, tuple[float, Forecaster]] = {}
        self._cv = {}
        for key, model in self._candidates(part, m, tested).items():
            try:
                err, fitted = cv_errors(model, y, start, self.config.horizon, self.config.folds)
            except DataError:
                continue
            score = balanced_rmse(err)
            if key == c["preprocess_tests"]:
                score *= 1 - MARGIN
            scored[key] = (score, fitted)
            self._cv[id(fitted)] = err
        if not scored:
            raise DataError(f"auto: {len(part)} values are too few for any candidate")
        c["candidates_valid_rmse"] = {k: round(float(v[0]), 6) for k, v in scored.items()}
        c["candidates_fitted"] = {k: v[1].name for k, v in scored.items()}
        ranked = sorted(scored.values(), key=lambda sm: sm[0])
        return [sm for sm in ranked if np.isfinite(sm[0])] or ranked[:1]

    def _members(self, ranked: list[tuple[float, Forecaster]], rule: str,
                 c: dict[str, Any]) -> list[Forecaster]:
        """The COMBINE best candidates (rule "top"), or the k <= MAX_COMBINE best whose mean
        has the lowest rolling-origin validation RMSE (rule "cv")."""
        if rule == "top":
            return [model for _, model in ranked[:COMBINE]]
        errs = [self._cv[id(model)] for _, model in ranked[:MAX_COMBINE]]
        scores = [balanced_rmse(np.mean(errs[:k], axis=0)) for k in range(1, len(errs) + 1)]
        c["combine_valid_rmse"] = [round(v, 6) for v in scores]
        k = int(np.argmin(scores)) + 1
        return [model for _, model in ranked[:k]]

    def _best_ar(self, ranked: list[tuple[float, Forecaster]],
                 tested: tuple[Differencing, bool]) -> Preprocessed:
        """The base of the neural hybrid: the recursive linear AR on the tests' preprocessing
        (else the best-ranked one; a direct AR when the strategy is direct). The nets are
        chosen on the validation span; a base chosen there too would be picked twice on the
        same values (on El Nino a detrended base ranked first, and the hybrid built on it
        forecast the test span 1.4x worse than the blend)."""
        ars = [mm for _, mm in ranked if isinstance(mm, Preprocessed)
               and isinstance(mm.inner, HybridAR)]
        ars = ars or [mm for _, mm in ranked if isinstance(mm, Preprocessed)]  # direct only
        if not ars:
            raise DataError("auto: no linear AR candidate could be fitted")
        diff, detrend = tested
        same = [mm for mm in ars if mm.detrend == detrend and mm.season == 1
                and mm.diff.describe() == diff.describe()]
        return (same or ars)[0]

    def _max_lags(self, part: np.ndarray, diff: Differencing, m: int | None) -> int:
        want = self.config.max_lags or max(12, 2 * (m or 0) + 1)
        n_w = len(part) - diff.offset
        return max(1, min(want, (n_w - 2) // 2, n_w // 3))

    def _neural(self, y: np.ndarray, start: int, best: Preprocessed, blend: Blend,
                c: dict[str, Any]) -> tuple[Preprocessed | None, int]:
        """The hybrid on the best candidate's preprocessing, used for the first h* steps where
        its validation RMSE beats the linear blend's by NEURAL_GAIN at every h <= h*."""
        cfg, H = self.config, self.config.horizon
        lags = best.inner.tau  # type: ignore[attr-defined]
        windows = start - best.diff.offset - lags
        if not cfg.neural or windows < MIN_WINDOWS:
            c["neural"] = ("off" if not cfg.neural
                           else f"not tried: {windows} training windows < {MIN_WINDOWS}")
            return None, 0
        stop = start + (len(y) - start) // 2  # nets stop early on [start, stop), chosen after
        origins = np.arange(max(stop, blend.min_history, best.min_history), len(y))
        base = _per_h(_errors(blend, y, origins, H))
        norms = ("global", "window") if cfg.norm == "auto" else (cfg.norm,)
        found: tuple[int, float, Preprocessed | None, float] = (0, 0.0, None, 0.0)
        table: dict[str, list[float]] = {"linear blend": [round(float(v), 6) for v in base]}
        for norm in norms:
            model = Preprocessed(HybridAR(lags, norm=norm, members=cfg.members,
                                          hidden=cfg.hidden, seed=cfg.seed),
                                 best.diff, best.detrend).fit(y[:start], y[start:stop])
            for alpha in ALPHAS[1:]:
                model.inner.alpha = alpha  # type: ignore[attr-defined]
                rm = _per_h(_errors(model, y, origins, H))
                table[f"{norm}, alpha={alpha}"] = [round(float(v), 6) for v in rm]
                wins = rm < (1 - NEURAL_GAIN) * base
                steps = int(np.argmin(wins)) if not wins.all() else H
                gain = float(np.sum(base[:steps] - rm[:steps]))
                if steps and gain > found[1]:
                    found = (steps, gain, model, alpha)
        c["neural_valid_rmse_per_h"] = table
        steps, _, chosen, alpha = found
        if chosen is None:
            c["neural"] = "linear only: the nets did not beat it at h = 1 on validation"
            return None, 0
        hyb: HybridAR = chosen.inner  # type: ignore[assignment]
        hyb.alpha = alpha
        c["neural"] = f"hybrid ({hyb.norm} normalisation, alpha={alpha}) for h <= {steps}"
        return chosen, steps

    def _build(self, diff: Differencing, detrend: bool, strategy: str,
               max_lags: int, season: int = 1) -> Preprocessed:
        """Linear AR with the order by AIC, recursive or direct, on this preprocessing."""
        if strategy == "direct":
            inner: Forecaster = DirectAR("aic", self.config.horizon, max_lags)
        else:
            inner = HybridAR("aic", max_lags, norm=None)
        return Preprocessed(inner, diff, detrend, season)

    def interval(self, level: float, horizon: int) -> np.ndarray:
        """(horizon, 2) lower/upper offsets: validation residual quantiles per h (beyond the
        validated horizons, the last one's widened by sqrt(h / H))."""
        if not 0 < level < 1:
            raise ConfigError(f"interval level must be in (0, 1), got {level}")
        if not self.residuals or not self.residuals[0]:
            raise DataError("auto has no validation residuals to calibrate an interval")
        qs = (1 - level) / 2, (1 + level) / 2
        usable = [r for r in self.residuals if len(r) >= 2] or self.residuals[:1]
        out = np.empty((horizon, 2))
        for h in range(horizon):
            r = usable[min(h, len(usable) - 1)]
            widen = np.sqrt((h + 1) / len(usable)) if h >= len(usable) else 1.0
            out[h] = np.quantile(r, qs) * widen
        return out

    def describe(self) -> list[str]:
        """One line per choice, for printing (per-h tables shortened to h = 1)."""
        out = []
        for k, v in self.choices.items():
            if k == "neural_valid_rmse_per_h":
                k, v = "neural_valid_rmse_h1", {n: r[0] for n, r in v.items()}
            out.append(f"{k}: {v}")
        return out

    def meta(self) -> dict[str, Any]:
        return {"config": asdict(self.config), "model": record(self._ready()),
                "choices": self.choices, "residuals": self.residuals}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> AutoForecaster:
        m = cls(AutoConfig(**meta["config"]))
        m.model = from_record(meta["model"])
        m.choices, m.residuals = dict(meta["choices"]), [list(r) for r in meta["residuals"]]
        return m
