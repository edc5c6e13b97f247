"""The tests ``auto`` decides with: ACF, the KPSS stationarity test, season detection, strength.

numpy only. KPSS follows Kwiatkowski et al. (1992) with the Newey-West long-run variance and
statsmodels' "legacy" lag rule int(12 (n/100)^(1/4)), so statistics equal ``statsmodels.tsa.
stattools.kpss(x, regression, nlags="legacy")`` (tested).
"""

from __future__ import annotations

import math

import numpy as np

# 5% critical values of the KPSS statistic (Kwiatkowski et al. 1992, table 1)
KPSS_CRITICAL = {"c": 0.463, "ct": 0.146}
SEASONAL_STRENGTH = 0.64  # Hyndman's rule: seasonally difference when F_S >= 0.64


def acf(x: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelations r_0..r_nlags (biased estimator, as statsmodels' ``acf``)."""
    z = np.asarray(x, dtype=np.float64) - np.mean(x)
    denom = float(z @ z)
    nlags = min(nlags, len(z) - 1)
    if denom == 0:
        return np.r_[1.0, np.zeros(nlags)]
    return np.array([float(z[k:] @ z[:len(z) - k]) / denom for k in range(nlags + 1)])


def kpss(x: np.ndarray, regression: str = "c") -> float:
    """KPSS statistic: level ("c") or trend ("ct") stationarity is the null hypothesis."""
    y = np.asarray(x, dtype=np.float64)
    n = len(y)
    if regression == "c":
        resid = y - y.mean()
    else:
        t = np.arange(1, n + 1, dtype=np.float64)
        design = np.column_stack([np.ones(n), t])
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ beta
    lags = min(math.ceil(12 * (n / 100) ** 0.25), n - 1)
    s2 = float(resid @ resid) / n
    for k in range(1, lags + 1):
        s2 += 2 * (1 - k / (lags + 1)) * float(resid[k:] @ resid[:-k]) / n
    eta = float(np.sum(np.cumsum(resid) ** 2)) / n**2
    return eta / s2 if s2 > 0 else 0.0


def is_stationary(x: np.ndarray, regression: str = "c") -> bool:
    """KPSS at 5%: True unless the null of (level or trend) stationarity is rejected."""
    return kpss(x, regression) < KPSS_CRITICAL[regression]


def seasonal_strength(x: np.ndarray, m: int) -> float:
    """Hyndman's F_S = max(0, 1 - Var(R) / Var(S + R)) from a classical additive decomposition
    (centred moving-average trend, seasonal means of the detrended values)."""
    y = np.asarray(x, dtype=np.float64)
    n = len(y)
    if m < 2 or n < 2 * m + 1:
        return 0.0
    if m % 2:
        w = np.ones(m) / m
    else:
        w = np.r_[0.5, np.ones(m - 1), 0.5] / m
    trend = np.convolve(y, w, mode="valid")
    lo = (len(w) - 1) // 2
    detr = y[lo:lo + len(trend)] - trend
    phase = (np.arange(len(detr)) + lo) % m
    means = np.array([detr[phase == j].mean() for j in range(m)])
    season = means[phase] - means.mean()
    resid = detr - season
    var_sr = float(np.var(detr))
    return max(0.0, 1 - float(np.var(resid)) / var_sr) if var_sr > 0 else 0.0


def detect_period(x: np.ndarray, max_period: int | None = None) -> int | None:
    """The season length m >= 2 whose ACF peak is significant, or None.

    On the (once-differenced when not stationary) series, m is the lag of the largest local
    maximum of the ACF in 2..max_period that exceeds the 95% band 1.645 sqrt((1 + 2 sum_{k<m}
    r_k^2) / n) used by Hyndman's seasonality test, and is at least 0.2.
    """
    y = np.asarray(x, dtype=np.float64)
    if not is_stationary(y):
        y = np.diff(y)
    n = len(y)
    top = min(max_period or n // 3, n // 3)
    if top < 2:
        return None
    r = acf(y, top + 1)
    best, best_r = None, 0.2
    for m in range(2, top + 1):
        if not (r[m] > r[m - 1] and r[m] >= r[m + 1]):
            continue
        band = 1.645 * math.sqrt((1 + 2 * float(np.sum(r[1:m] ** 2))) / n)
        if r[m] > band and r[m] > best_r:
            best, best_r = m, float(r[m])
    return best
