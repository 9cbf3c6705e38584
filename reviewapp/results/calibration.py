"""Correcting case scores for reviewer severity (and scale).

All methods work on plain ``(case_id, expert_id, value)`` observations where ``value`` is
one reviewer's weighted total for one case (rubric scale). Each also returns the
**residual** of every review: its value minus what the model explains (the case's quality
and the reviewer's effects). The disagreement flags use them (see ``aggregation``).

``additive`` fits the reviewer-effect model

    value = quality[case] + bias[expert] + noise

by ridge-regularized least squares: minimize
``sum (value - quality - bias)^2 + ridge * sum bias^2`` with the case
qualities unpenalized. It is solved exactly: the qualities are eliminated
(``quality = mean over the case's reviews of (value - bias)``), which leaves a
small ``experts x experts`` system ``(L + ridge*I) bias = r`` where ``L``
is the Laplacian of the experts' co-review graph; that is solved with a
sparse LU factorization.

Why this model rather than per-expert z-scores: an expert's raw mean mixes
their severity with the quality of the cases they happened to draw; the
additive model separates the two through the cases that experts share, and
on simulated k=3 panels it recovers the planted ranking better than both the
raw mean and z-scores (see the report of tests/results/test_calibration.py).

Connected components: experts who never share a case (directly or through a
chain of shared cases) have biases that are not comparable; without the ridge
the system is singular once per component. With ``ridge > 0`` it is positive
definite and its solution sums to zero inside every component (the Laplacian's
rows sum to zero, and so does ``r`` per component), i.e. no offset is ever
moved between components: each component is shrunk to a mean bias of zero.
A lone expert (a component of one) therefore gets bias 0. ``ridge = 0`` gives
the unregularized fixed-effects fit with the same per-component sum-to-zero
convention (minimum-norm solution). The residual round-off is re-centred.

The ridge is in units of ``noise variance / bias variance``; the default 0.5
is close to that ratio in realistic panels and the ranking is insensitive to
it in a wide range (0.2-2).

``scale`` adds a per-expert scale and reliability weights (``scale_model``): it also
corrects experts who squeeze every case towards the middle or stretch them apart, where
the additive model falls behind z-scores, and gives noisy experts less say.

``auto`` (what the results pages use) fits both and keeps the one that predicts held-out
reviews better: ``FOLDS``-fold cross-validation over the reviews (a fixed seeded split, so
the same reviews always give the same choice); each held-out review whose case keeps
another review in its training part is predicted from that part; the scale model is kept
when its mean squared error is lower than the additive model's by more than
``MARGIN`` (relative), so that it is chosen only when its extra parameters pay for
themselves. Below ``MIN_REVIEWS_TO_COMPARE`` reviews the additive model is used unasked.

``zscore`` standardizes each expert's values by their own mean and standard
deviation (population, ddof=0); a case's calibrated score is the campaign's
mean plus its standard deviation times the case's mean z. An expert whose
values do not vary (including one with a single review) contributes z = 0.

``none`` returns the raw means (for comparison).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import linalg, sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from .scale_model import solve_scale

METHODS = ("auto", "additive", "scale", "zscore", "none")
DEFAULT_RIDGE = 0.5
FOLDS = 5
MARGIN = 0.01
MIN_REVIEWS_TO_COMPARE = 30
SPLIT_SEED = 20240601


@dataclass(frozen=True)
class ModelChoice:
    """Why ``auto`` used its model: held-out mean squared error per model (None when not compared)."""
    chosen: str
    heldout_error: dict[str, float] = field(default_factory=dict)
    held_out: int = 0
    folds: int = FOLDS
    margin: float = MARGIN
    needed: int = MIN_REVIEWS_TO_COMPARE

    @property
    def compared(self) -> bool:
        return bool(self.heldout_error)


@dataclass(frozen=True)
class Calibration:
    """Calibrated case scores (rubric scale) and per-expert severity.

    ``expert_bias`` is the estimated severity: negative = harsh, positive =
    lenient, in rubric points (for z-scores: the expert's mean minus the
    campaign mean; for ``scale``: at an average case). ``expert_scale`` is the scale
    (``scale``: 1 = like the panel; ``zscore``: the expert's standard deviation).
    ``residuals`` maps (case id, expert id) -> value minus the model's fitted value.
    ``components`` counts the connected components of the case-expert review graph.
    ``choice`` says how ``auto`` chose (None for the other methods).
    """
    method: str
    case_scores: dict[Hashable, float]
    expert_bias: dict[Hashable, float]
    expert_scale: dict[Hashable, float] = field(default_factory=dict)
    expert_weight: dict[Hashable, float] = field(default_factory=dict)
    residuals: dict[tuple, float] = field(default_factory=dict)
    components: int = 1
    ridge: float | None = None
    center: float = 0.0
    choice: ModelChoice | None = None

    def predict(self, case_id, expert_id) -> float:
        """The value the additive, scale or none model expects from the expert on the case (the
        case must be known; an unknown expert is taken as average)."""
        quality = self.case_scores[case_id]
        scale = self.expert_scale.get(expert_id, 1.0) if self.method == "scale" else 1.0
        return quality + self.expert_bias.get(expert_id, 0.0) + (scale - 1.0) * (quality - self.center)


@dataclass(frozen=True)
class _Indexed:
    case_ids: list
    expert_ids: list
    ci: np.ndarray
    ej: np.ndarray
    y: np.ndarray

    def subset(self, mask: np.ndarray) -> tuple[_Indexed, np.ndarray, np.ndarray]:
        """The observations under ``mask``, re-indexed; and maps old -> new index (-1: gone)."""
        maps = []
        for index, size in ((self.ci, len(self.case_ids)), (self.ej, len(self.expert_ids))):
            kept = np.unique(index[mask])
            new = np.full(size, -1, dtype=np.int64)
            new[kept] = np.arange(len(kept))
            maps.append((kept, new))
        (cases, case_map), (experts, expert_map) = maps
        sub = _Indexed([self.case_ids[i] for i in cases], [self.expert_ids[j] for j in experts],
                       case_map[self.ci[mask]], expert_map[self.ej[mask]], self.y[mask])
        return sub, case_map, expert_map

    def residuals(self, fitted: np.ndarray) -> dict[tuple, float]:
        return {(self.case_ids[c], self.expert_ids[e]): float(r)
                for c, e, r in zip(self.ci.tolist(), self.ej.tolist(), (self.y - fitted).tolist())}


def _index(observations: Iterable[tuple[Hashable, Hashable, float]]) -> _Indexed:
    obs = list(observations)
    if not obs:
        raise ValueError("no observations to calibrate")
    case_pos: dict = {}
    expert_pos: dict = {}
    ci = np.empty(len(obs), dtype=np.int64)
    ej = np.empty(len(obs), dtype=np.int64)
    y = np.empty(len(obs), dtype=float)
    for k, (case_id, expert_id, value) in enumerate(obs):
        ci[k] = case_pos.setdefault(case_id, len(case_pos))
        ej[k] = expert_pos.setdefault(expert_id, len(expert_pos))
        y[k] = float(value)
    if not np.all(np.isfinite(y)):
        raise ValueError("observations must be finite numbers")
    return _Indexed(list(case_pos), list(expert_pos), ci, ej, y)


def _components(d: _Indexed) -> tuple[int, np.ndarray]:
    """Component count and a component label per expert (bipartite graph)."""
    n_c, n_e = len(d.case_ids), len(d.expert_ids)
    graph = sparse.coo_matrix(
        (np.ones(len(d.y)), (d.ci, n_c + d.ej)), shape=(n_c + n_e, n_c + n_e))
    count, labels = connected_components(graph, directed=False)
    return count, labels[n_c:]


def _solve_additive(d: _Indexed, ridge: float):
    """(quality, bias, component count, expert component labels) of the additive model."""
    if ridge < 0:
        raise ValueError("ridge must be >= 0")
    n_c, n_e = len(d.case_ids), len(d.expert_ids)
    n_case = np.bincount(d.ci, minlength=n_c).astype(float)
    case_mean = np.bincount(d.ci, weights=d.y, minlength=n_c) / n_case
    incidence = sparse.csr_matrix(
        (np.ones(len(d.y)), (d.ci, d.ej)), shape=(n_c, n_e))
    # Schur complement after eliminating the qualities: the weighted Laplacian
    # of the experts' co-review graph.
    scaled = sparse.diags(1.0 / n_case) @ incidence
    lap = sparse.diags(np.asarray(incidence.sum(axis=0)).ravel()) - incidence.T @ scaled
    rhs = np.bincount(d.ej, weights=d.y - case_mean[d.ci], minlength=n_e)
    count, expert_comp = _components(d)
    if ridge > 0:
        # A sparse direct factorization: exact as a dense one, and single-threaded (a dense
        # solve's BLAS threads cost tenths of a second on a busy server).
        bias = splu((lap + ridge * sparse.eye(n_e)).tocsc()).solve(rhs)
    else:
        bias = linalg.lstsq(lap.toarray(), rhs)[0]
    for comp in np.unique(expert_comp):
        members = expert_comp == comp
        bias[members] -= bias[members].mean()
    quality = np.bincount(d.ci, weights=d.y - bias[d.ej], minlength=n_c) / n_case
    return quality, bias, count, expert_comp


def fit_additive(observations, *, ridge: float = DEFAULT_RIDGE) -> Calibration:
    """Fit value = quality + bias + noise (ridge on biases); exact solve."""
    d = _index(observations)
    quality, bias, count, _comp = _solve_additive(d, ridge)
    return Calibration(
        method="additive",
        case_scores={c: float(q) for c, q in zip(d.case_ids, quality)},
        expert_bias={e: float(b) for e, b in zip(d.expert_ids, bias)},
        expert_scale={e: 1.0 for e in d.expert_ids},
        expert_weight={e: 1.0 for e in d.expert_ids},
        residuals=d.residuals(quality[d.ci] + bias[d.ej]),
        components=count,
        ridge=float(ridge),
        center=float(d.y.mean()),
    )


def fit_scale(observations, *, ridge: float = DEFAULT_RIDGE,
              scale_ridge: float | None = None) -> Calibration:
    """Fit a per-expert offset and scale with reliability weights (``scale_model``)."""
    if scale_ridge is not None and scale_ridge <= 0:
        raise ValueError("scale_ridge must be > 0")
    d = _index(observations)
    quality, bias, count, comp = _solve_additive(d, ridge)
    fit = solve_scale(d.ci, d.ej, d.y, quality, bias, comp, ridge=ridge, scale_ridge=scale_ridge)
    q = fit.quality
    fitted = q[d.ci] + fit.offset[d.ej] + (fit.scale[d.ej] - 1.0) * (q[d.ci] - fit.center)
    return Calibration(
        method="scale",
        case_scores={c: float(v) for c, v in zip(d.case_ids, q)},
        expert_bias={e: float(v) for e, v in zip(d.expert_ids, fit.offset)},
        expert_scale={e: float(v) for e, v in zip(d.expert_ids, fit.scale)},
        expert_weight={e: float(v) for e, v in zip(d.expert_ids, fit.weight)},
        residuals=d.residuals(fitted),
        components=count,
        ridge=float(ridge),
        center=fit.center,
    )


def fit_zscore(observations) -> Calibration:
    """Per-expert standardization mapped back onto the rubric scale."""
    d = _index(observations)
    n_c, n_e = len(d.case_ids), len(d.expert_ids)
    n_exp = np.bincount(d.ej, minlength=n_e).astype(float)
    e_mean = np.bincount(d.ej, weights=d.y, minlength=n_e) / n_exp
    e_var = np.bincount(d.ej, weights=(d.y - e_mean[d.ej]) ** 2, minlength=n_e) / n_exp
    e_sd = np.sqrt(e_var)
    flat = e_sd <= 1e-12
    z = np.where(flat[d.ej], 0.0, (d.y - e_mean[d.ej]) / np.where(flat, 1.0, e_sd)[d.ej])
    n_case = np.bincount(d.ci, minlength=n_c).astype(float)
    mean_z = np.bincount(d.ci, weights=z, minlength=n_c) / n_case
    grand_mean, grand_sd = float(d.y.mean()), float(d.y.std())
    scores = grand_mean + grand_sd * mean_z
    count, _ = _components(d)
    # Fitted: the expert's mean plus their sd times the case's z (their flat value if flat).
    fitted = e_mean[d.ej] + np.where(flat[d.ej], 0.0, e_sd[d.ej] * mean_z[d.ci])
    return Calibration(
        method="zscore",
        case_scores={c: float(s) for c, s in zip(d.case_ids, scores)},
        expert_bias={e: float(m - grand_mean) for e, m in zip(d.expert_ids, e_mean)},
        expert_scale={e: float(s) for e, s in zip(d.expert_ids, e_sd)},
        residuals=d.residuals(fitted),
        components=count,
        center=grand_mean,
    )


def fit_none(observations) -> Calibration:
    """Raw means, no correction (biases reported as 0)."""
    d = _index(observations)
    n_c = len(d.case_ids)
    means = np.bincount(d.ci, weights=d.y, minlength=n_c) / np.bincount(d.ci, minlength=n_c)
    count, _ = _components(d)
    return Calibration(
        method="none",
        case_scores={c: float(m) for c, m in zip(d.case_ids, means)},
        expert_bias={e: 0.0 for e in d.expert_ids},
        residuals=d.residuals(means[d.ci]),
        components=count,
        center=float(d.y.mean()),
    )


def heldout_errors(observations, *, ridge: float = DEFAULT_RIDGE, folds: int = FOLDS,
                   seed: int = SPLIT_SEED) -> tuple[dict[str, float], int]:
    """({"additive": mse, "scale": mse}, number of held-out reviews predicted) by k-fold CV.

    A held-out review is predicted when its case keeps a review in the training part; an
    expert absent from it is taken as average (no bias, scale 1)."""
    d = _index(observations)
    fold_of = np.empty(len(d.y), dtype=np.int64)
    fold_of[np.random.default_rng(seed).permutation(len(d.y))] = np.arange(len(d.y)) % folds
    squared = {"additive": 0.0, "scale": 0.0}
    predicted = 0
    for fold in range(folds):
        train = fold_of != fold
        if not train.any():
            continue
        sub, case_map, expert_map = d.subset(train)
        cases, experts = case_map[d.ci[~train]], expert_map[d.ej[~train]]
        known = cases >= 0
        cases, experts, values = cases[known], experts[known], d.y[~train][known]
        seen, experts = experts >= 0, np.maximum(experts, 0)
        quality, bias, _count, comp = _solve_additive(sub, ridge)
        predictions = {"additive": quality[cases] + np.where(seen, bias[experts], 0.0)}
        # Errors are compared to a few decimals: the folds need not converge as tightly.
        fit = solve_scale(sub.ci, sub.ej, sub.y, quality, bias, comp, ridge=ridge, tolerance=1e-6)
        q = fit.quality[cases]
        effect = fit.offset[experts] + (fit.scale[experts] - 1.0) * (q - fit.center)
        predictions["scale"] = q + np.where(seen, effect, 0.0)
        for name, predicted_values in predictions.items():
            squared[name] += float(np.sum((values - predicted_values) ** 2))
        predicted += len(values)
    if not predicted:
        return {}, 0
    return {name: total / predicted for name, total in squared.items()}, predicted


def fit_auto(observations, *, ridge: float = DEFAULT_RIDGE) -> Calibration:
    """The additive or the scale model, whichever predicts held-out reviews better."""
    obs = list(observations)
    errors, held_out = ({}, 0) if len(obs) < MIN_REVIEWS_TO_COMPARE else heldout_errors(obs, ridge=ridge)
    use_scale = bool(errors) and errors["scale"] < errors["additive"] * (1 - MARGIN)
    fit = fit_scale(obs, ridge=ridge) if use_scale else fit_additive(obs, ridge=ridge)
    return replace(fit, choice=ModelChoice(fit.method, errors, held_out))


def calibrate(observations, method: str = "auto", *, ridge: float = DEFAULT_RIDGE) -> Calibration:
    """Dispatch to ``fit_auto`` (default), ``fit_additive``, ``fit_scale``, ``fit_zscore`` or ``fit_none``."""
    if method == "auto":
        return fit_auto(observations, ridge=ridge)
    if method == "additive":
        return fit_additive(observations, ridge=ridge)
    if method == "scale":
        return fit_scale(observations, ridge=ridge)
    if method == "zscore":
        return fit_zscore(observations)
    if method == "none":
        return fit_none(observations)
    raise ValueError(f"unknown calibration method {method!r}; expected one of {METHODS}")
