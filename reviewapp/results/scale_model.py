"""The per-expert offset-and-scale model, solved on index arrays (see ``calibration.fit_scale``).

    value = quality[case] + offset[expert] + (scale[expert] - 1) * (quality[case] - center) + noise

with noise of a per-expert variance. ``center`` is the mean of all values, so ``offset`` is
the expert's severity at an average case and ``scale`` how much they stretch (> 1, a
spreader) or squeeze (< 1, a compressor) the differences between cases. The additive model
is the special case scale = 1 with equal variances.

Penalized weighted least squares, by alternating exact steps: per expert a 2x2 ridge
regression of their values on the current qualities (offset shrunk to 0 like the additive
model's bias, scale shrunk to 1 by a prior whose width is estimated from the panel), then
per case the weighted mean of the experts' inverted values, then the reliability weights
(the typical residual variance / the expert's, estimated from leave-one-out residuals and
shrunk towards the typical one by empirical Bayes, bounded to ``WEIGHT_BOUNDS`` so that no
expert dominates or vanishes). Started from the additive fit. Each round renormalizes every
connected component (an affine change of its qualities, which leaves every fitted value
unchanged) to a mean offset of 0 and a geometric mean scale of 1: the scale of the
component's average expert, as the additive model uses its mean severity.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCALE_BOUNDS = (0.33, 3.0)
WEIGHT_BOUNDS = (0.5, 2.0)
SCALE_SPREAD = (0.02, 0.5)
MAX_ITERATIONS = 300
TOLERANCE = 1e-9


class _ExpertSums:
    """Per expert: count and sums of x, x^2, t, x*t."""
    def __init__(self, ej, x, t, n_e):
        self.n = np.bincount(ej, minlength=n_e).astype(float)
        self.x = np.bincount(ej, weights=x, minlength=n_e)
        self.xx = np.bincount(ej, weights=x * x, minlength=n_e)
        self.t = np.bincount(ej, weights=t, minlength=n_e)
        self.xt = np.bincount(ej, weights=x * t, minlength=n_e)


def _scale_precision(sums, w, typical):
    """1 / the variance of the experts' true scales: the spread of their least-squares slopes
    less what sampling alone would give (empirical Bayes), within ``SCALE_SPREAD``."""
    n = np.maximum(sums.n, 1.0)
    sxx = sums.xx - sums.x ** 2 / n
    ok = (sums.n >= 4) & (sxx > 1e-9)
    if ok.sum() < 3:
        return 1.0 / SCALE_SPREAD[0] ** 2
    slope = (sums.xt[ok] - sums.x[ok] * sums.t[ok] / n[ok]) / sxx[ok]
    sampling = typical / w[ok] / sxx[ok]
    spread = float(np.var(slope) - np.mean(sampling))
    return 1.0 / float(np.clip(spread, SCALE_SPREAD[0] ** 2, SCALE_SPREAD[1] ** 2))


def _reliability(ci, ej, resid, precision, n_c, n_e):
    """(weights, typical variance): the experts' residual variances, shrunk (empirical Bayes,
    on the log scale) as far as their spread is what sampling alone would give, so that in
    a panel of equally careful experts the weights stay near 1.

    Residuals are leave-one-out, ``r / (1 - h)`` with ``h`` the review's share of its case's
    weight: a heavily weighted expert's in-sample residuals are small because their own
    values made the quality, which would feed their weight back."""
    share = precision / np.bincount(ci, weights=precision, minlength=n_c)[ci]
    usable = share < 1 - 1e-9
    loo = np.where(usable, resid ** 2 / np.where(usable, 1 - share, 1.0), 0.0)
    ss = np.bincount(ej, weights=loo, minlength=n_e)
    df = np.bincount(ej, weights=usable.astype(float), minlength=n_e)
    typical = max(float(ss.sum() / max(df.sum(), 1.0)), 1e-6)
    ok = df >= 2
    weights = np.ones(n_e)
    if ok.sum() < 3:
        return weights, typical
    # E[log(chi2_df / df)] is about -1/df, its variance about 2/df.
    log_var = np.log(np.maximum(ss[ok] / df[ok], 1e-12)) + 1.0 / df[ok]
    sampling = 2.0 / df[ok]
    mean = float(np.average(log_var, weights=1.0 / sampling))
    spread = max(float(np.mean((log_var - mean) ** 2) - np.mean(sampling)), 0.0)
    shrunk = mean + spread / (spread + sampling) * (log_var - mean)
    weights[ok] = np.clip(np.exp(mean - shrunk), *WEIGHT_BOUNDS)
    return weights, float(np.exp(mean))


def _normalized(q, a, b, expert_comp, case_comp):
    """The same fitted values with each component at mean offset 0 and geometric mean scale 1.

    Stretching a component's qualities and dividing its scales alike changes the fit only
    through the priors, so the iteration would crawl along that direction; fixing it each
    round removes the slow mode."""
    count = np.bincount(expert_comp).astype(float)
    stretch = np.exp(-np.bincount(expert_comp, weights=np.log(b)) / count)
    shift = -np.bincount(expert_comp, weights=a) / np.bincount(expert_comp, weights=b)
    # q = shift + stretch * q' keeps a + b q == a' + b' q'.
    a = a + b * shift[expert_comp]
    b = b * stretch[expert_comp]
    q = (q - shift[case_comp]) / stretch[case_comp]
    return q, a, b


@dataclass(frozen=True)
class ScaleFit:
    quality: np.ndarray
    offset: np.ndarray
    scale: np.ndarray
    weight: np.ndarray
    center: float
    iterations: int


def solve_scale(ci, ej, y, quality, offset, expert_comp, *, ridge, scale_ridge=None,
                tolerance=TOLERANCE) -> ScaleFit:
    """The fit from starting qualities and offsets (the additive solution); see the module.

    ``scale_ridge`` (1 / prior variance of a scale) is estimated from the panel when None;
    the rounds stop when no quality moves by ``tolerance`` any more."""
    n_c, n_e = len(quality), len(offset)
    center = float(y.mean())
    t = y - center
    q = np.asarray(quality, dtype=float) - center
    a = np.asarray(offset, dtype=float).copy()
    b = np.ones(n_e)
    w = np.ones(n_e)
    typical = max(float(np.mean((t - q[ci] - a[ej]) ** 2)), 1e-6)
    case_comp = np.empty(n_c, dtype=expert_comp.dtype)
    case_comp[ci] = expert_comp[ej]
    iterations = 0
    for iterations in range(1, MAX_ITERATIONS + 1):
        x = q[ci]
        sums = _ExpertSums(ej, x, t, n_e)
        lam_b = typical * (_scale_precision(sums, w, typical) if scale_ridge is None else scale_ridge)
        # Offsets and scales: (w X'X + penalty) [a, b] = w X't + penalty target, per expert.
        a11 = w * sums.n + ridge
        a12 = w * sums.x
        a22 = w * sums.xx + lam_b
        r1 = w * sums.t
        r2 = w * sums.xt + lam_b
        det = a11 * a22 - a12 * a12
        b = np.clip((a11 * r2 - a12 * r1) / det, *SCALE_BOUNDS)
        a = (r1 - a12 * b) / a11
        # Qualities: each case's weighted least-squares value given its experts.
        wb = (w * b)[ej]
        q_new = np.bincount(ci, weights=wb * (t - a[ej]), minlength=n_c) / \
            np.bincount(ci, weights=wb * b[ej], minlength=n_c)
        # Half a step on the log scale: weights and qualities feed each other, and a full
        # step can swing between two fits in small panels.
        target, typical = _reliability(ci, ej, t - a[ej] - b[ej] * q_new[ci], wb * b[ej], n_c, n_e)
        w = np.sqrt(w * target)
        q_new, a, b = _normalized(q_new, a, b, expert_comp, case_comp)
        change = float(np.max(np.abs(q_new - q)))
        q = q_new
        if change < tolerance:
            break
    return ScaleFit(quality=q + center, offset=a, scale=b, weight=w, center=center, iterations=iterations)
