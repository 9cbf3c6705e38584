"""Per-case results: weighted totals, mean, calibrated score, spread, ranking.

A reviewer's **weighted total** for a case is ``sum(weight * score) /
sum(weight)`` over the rubric's criteria, so it stays on the rubric scale
(0-10 by default). Per case we report the mean of the totals, the calibrated
score (see ``calibration``: by default the additive reviewer-effect model or the
per-expert offset-and-scale model, whichever predicts held-out reviews better),
the range (max - min) and the sample standard deviation (ddof=1; 0 for a single
review) of the totals, and the **unexplained range**: the range of the reviews'
residuals, what is left of each total once the case's quality and the reviewer's
fitted severity (and scale) are taken out. The disagreement flag is raised when the
unexplained range is strictly above the threshold (default: 30% of the scale's width,
i.e. 3 points on 0-10): two reviewers who differ only because one is always harsher
are not a disagreement, and an extra reviewer goes where experts really disagree.

A model can put a case beyond the rubric's scale (a lenient-corrected case above
10); the calibrated score is then bounded to the scale and ``model_score`` keeps the
model's value, which the ranking uses, so the bound never reorders cases.

Ranking order (``rank_key``), best first; later keys only break exact ties of
the earlier ones:

1. the model's score (the calibrated score before bounding), higher first
   (rounded to 6 decimals so that float round-off never decides a tie);
2. raw mean, higher first (rounded likewise);
3. standard deviation, lower first (reviewers agree more);
4. number of reviews, more first;
5. the case's submission time, earlier first (cases without one come last);
6. case id, ascending.

Ranks are 1..n and unique: the last key makes the order total.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .calibration import DEFAULT_RIDGE, Calibration, calibrate

TIE_DECIMALS = 6


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: float


@dataclass(frozen=True)
class Rubric:
    """Weighted criteria on a common scale ``[scale_min, scale_max]``."""
    criteria: tuple[Criterion, ...]
    scale_min: float = 0.0
    scale_max: float = 10.0

    def __post_init__(self):
        if not self.criteria:
            raise ValueError("a rubric needs at least one criterion")
        if len({c.key for c in self.criteria}) != len(self.criteria):
            raise ValueError("criterion keys must be unique")
        if any(c.weight < 0 for c in self.criteria) or sum(c.weight for c in self.criteria) <= 0:
            raise ValueError("weights must be >= 0 with a positive sum")
        if not self.scale_max > self.scale_min:
            raise ValueError("scale_max must be greater than scale_min")

    @property
    def width(self) -> float:
        return self.scale_max - self.scale_min


DEFAULT_RUBRIC = Rubric((
    Criterion("organization", 1.0),
    Criterion("regularity", 1.0),
    Criterion("innovation", 1.0),
    Criterion("influence", 1.0),
))


@dataclass(frozen=True)
class Review:
    """One expert's completed scores for one case (criterion key -> score)."""
    case_id: Hashable
    expert_id: Hashable
    scores: Mapping[str, float]


@dataclass(frozen=True)
class CaseResult:
    """Aggregated figures for one case; ``totals`` maps expert id -> weighted total.

    ``calibrated`` is on the rubric's scale; ``model_score`` is the model's own value
    (None: the same), ``residual_range`` the range the calibration cannot explain."""
    case_id: Hashable
    totals: Mapping[Hashable, float]
    n_reviews: int
    mean: float
    calibrated: float
    range: float
    std: float
    disagreement: bool
    rank: int = 0
    residual_range: float = 0.0
    model_score: float | None = None

    @property
    def score(self) -> float:
        """The model's value, which the ranking uses."""
        return self.calibrated if self.model_score is None else self.model_score

    @property
    def bounded(self) -> bool:
        """The model put the case beyond the scale; ``calibrated`` is the scale's limit."""
        return self.model_score is not None and self.model_score != self.calibrated


@dataclass(frozen=True)
class Aggregation:
    """Ranked case results (rank 1 first) and the calibration behind them."""
    results: list[CaseResult]
    calibration: Calibration
    disagreement_threshold: float

    def by_case(self) -> dict[Hashable, CaseResult]:
        return {r.case_id: r for r in self.results}

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.results if r.disagreement)

    @property
    def flagged_share(self) -> float:
        """Flagged cases / ranked cases (0 without cases)."""
        return self.flagged / len(self.results) if self.results else 0.0

    @property
    def bounded(self) -> list[CaseResult]:
        """The cases whose model score lay beyond the scale, in rank order."""
        return [r for r in self.results if r.bounded]


def weighted_total(scores: Mapping[str, float], rubric: Rubric = DEFAULT_RUBRIC) -> float:
    """sum(weight*score)/sum(weight); every criterion required and within the scale."""
    num = 0.0
    for criterion in rubric.criteria:
        if criterion.key not in scores:
            raise ValueError(f"missing score for criterion {criterion.key!r}")
        value = float(scores[criterion.key])
        if not (rubric.scale_min <= value <= rubric.scale_max) or math.isnan(value):
            raise ValueError(
                f"score {value} for {criterion.key!r} is outside "
                f"[{rubric.scale_min}, {rubric.scale_max}]")
        num += criterion.weight * value
    return num / sum(c.weight for c in rubric.criteria)


def review_totals(reviews: Iterable[Review], rubric: Rubric = DEFAULT_RUBRIC) -> list[tuple[Hashable, Hashable, float]]:
    """(case_id, expert_id, weighted total) per review; one review per expert and case."""
    seen = set()
    out = []
    for review in reviews:
        key = (review.case_id, review.expert_id)
        if key in seen:
            raise ValueError(f"expert {review.expert_id!r} reviewed case {review.case_id!r} twice")
        seen.add(key)
        out.append((review.case_id, review.expert_id, weighted_total(review.scores, rubric)))
    return out


def spread(values: Sequence[float]) -> tuple[float, float]:
    """(range, sample standard deviation with ddof=1; 0 for fewer than 2 values)."""
    if len(values) < 2:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return max(values) - min(values), math.sqrt(var)


def rank_key(result: CaseResult, submitted_at: Mapping[Hashable, Any] | None = None) -> tuple:
    """Sort key implementing the documented ranking order (ascending = better)."""
    when = (submitted_at or {}).get(result.case_id)
    return (
        -round(result.score, TIE_DECIMALS),
        -round(result.mean, TIE_DECIMALS),
        round(result.std, TIE_DECIMALS),
        -result.n_reviews,
        when is None,
        when if when is not None else 0,
        result.case_id,
    )


def rank_results(results: Iterable[CaseResult], submitted_at: Mapping[Hashable, Any] | None = None) -> list[CaseResult]:
    """The results sorted by ``rank_key`` with ``rank`` set to 1..n."""
    ordered = sorted(results, key=lambda r: rank_key(r, submitted_at))
    return [replace(r, rank=i) for i, r in enumerate(ordered, start=1)]


@lru_cache(maxsize=2)
def _calibration(observations: tuple, method: str, ridge: float) -> Calibration:
    """The calibration of these exact reviews, kept for the next call: choosing the model costs
    seconds on a large campaign, and another disagreement threshold (the results pages cache
    one ranking per threshold) or the reviewers page asks for the same one again."""
    return calibrate(observations, method, ridge=ridge)


def aggregate(
    reviews: Iterable[Review],
    rubric: Rubric = DEFAULT_RUBRIC,
    *,
    method: str = "auto",
    ridge: float = DEFAULT_RIDGE,
    disagreement_threshold: float | None = None,
    submitted_at: Mapping[Hashable, Any] | None = None,
) -> Aggregation:
    """Aggregate completed reviews into ranked per-case results.

    ``method`` is the calibration (see ``calibration.METHODS``; ``auto`` by default);
    ``disagreement_threshold`` is in rubric points of unexplained range (default 30% of
    the scale width); ``submitted_at`` maps case id -> submission time for tie-breaks.
    """
    observations = review_totals(reviews, rubric)
    threshold = 0.3 * rubric.width if disagreement_threshold is None else float(disagreement_threshold)
    cal = _calibration(tuple(observations), method, ridge)
    per_case: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    residuals: dict[Hashable, list[float]] = defaultdict(list)
    for case_id, expert_id, total in observations:
        per_case[case_id][expert_id] = total
        residuals[case_id].append(cal.residuals[(case_id, expert_id)])
    results = []
    for case_id, totals in per_case.items():
        values = list(totals.values())
        rng, sd = spread(values)
        unexplained, _sd = spread(residuals[case_id])
        model = cal.case_scores[case_id]
        results.append(CaseResult(
            case_id=case_id,
            totals=dict(totals),
            n_reviews=len(values),
            mean=sum(values) / len(values),
            calibrated=min(max(model, rubric.scale_min), rubric.scale_max),
            range=rng,
            std=sd,
            disagreement=unexplained > threshold,
            residual_range=unexplained,
            model_score=model,
        ))
    return Aggregation(rank_results(results, submitted_at), cal, threshold)
