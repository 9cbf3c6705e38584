"""Inter-rater reliability of a campaign and per-expert figures.

Each case is reviewed by a different handful of experts, so the design is
incomplete and unbalanced. Two statistics that fit such designs are offered,
both computed on the reviewers' weighted totals:

- **ICC(1)**, the one-way random-effects intraclass correlation (Shrout &
  Fleiss ICC(1,1)), with the unbalanced-ANOVA group size
  ``n0 = (N - sum(n_i^2)/N) / (a - 1)`` (a cases, N ratings, n_i ratings of
  case i): ``(MSB - MSW) / (MSB + (n0 - 1) MSW)``. It is the share of the
  variance of a single rating that is due to the case. One-way because raters
  are not crossed with cases: rater severity is part of the error here, which
  is exactly what calibration then corrects. ``icc1_k`` is the reliability of
  a case's mean of ``n0`` ratings, ``(MSB - MSW) / MSB``.
- **Krippendorff's alpha** with the interval metric: ``1 - D_o / D_e`` over
  the cases with at least two ratings (pairable values), which handles
  missing ratings natively.

Values near 1 mean the experts agree; 0 means no more agreement than chance;
negative values mean systematic disagreement. ``None`` when undefined (too
few cases or ratings, or no variation at all).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .aggregation import DEFAULT_RUBRIC, Review, Rubric, review_totals
from .calibration import DEFAULT_RIDGE, Calibration, calibrate


@dataclass(frozen=True)
class IccResult:
    icc1: float | None
    icc1_k: float | None
    n0: float | None
    msb: float | None
    msw: float | None


@dataclass(frozen=True)
class CampaignReliability:
    icc1: float | None
    icc1_k: float | None
    alpha: float | None
    n_cases: int
    n_ratings: int
    mean_raters_per_case: float | None


@dataclass(frozen=True)
class ExpertStats:
    """Severity < 0 = harsh, > 0 = lenient (rubric points, at an average case); None without
    reviews. ``scale`` (1 = like the panel, < 1 squeezes the cases together, > 1 spreads
    them) and ``weight`` (the reliability weight, 1 = typical) are None unless the
    calibration used the per-expert scale model."""
    expert_id: Hashable
    assigned: int
    done: int
    completion_rate: float | None
    severity: float | None
    mean_total: float | None
    scale: float | None = None
    weight: float | None = None


def _groups(ratings: Mapping[Hashable, Sequence[float]]) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in ratings.values() if len(v) > 0]


def icc1(ratings: Mapping[Hashable, Sequence[float]]) -> IccResult:
    """One-way random-effects ICC(1) and ICC(1,k) for unbalanced designs."""
    groups = _groups(ratings)
    a = len(groups)
    sizes = np.array([len(g) for g in groups], dtype=float)
    n = float(sizes.sum())
    if a < 2 or n - a < 1:
        return IccResult(None, None, None, None, None)
    grand = float(np.concatenate(groups).mean())
    ssb = float(sum(len(g) * (g.mean() - grand) ** 2 for g in groups))
    ssw = float(sum(((g - g.mean()) ** 2).sum() for g in groups))
    msb, msw = ssb / (a - 1), ssw / (n - a)
    n0 = (n - float((sizes ** 2).sum()) / n) / (a - 1)
    denom = msb + (n0 - 1) * msw
    single = (msb - msw) / denom if denom > 0 else None
    average = (msb - msw) / msb if msb > 0 else None
    return IccResult(single, average, n0, msb, msw)


def krippendorff_alpha_interval(ratings: Mapping[Hashable, Sequence[float]]) -> float | None:
    """Krippendorff's alpha, interval metric, for incomplete designs."""
    units = [g for g in _groups(ratings) if len(g) >= 2]
    if not units:
        return None
    values = np.concatenate(units)
    n = len(values)
    # Sum over ordered pairs i != j of (v_i - v_j)^2 == 2 * (m * sum v^2 - (sum v)^2).
    within = sum(2 * (len(u) * (u ** 2).sum() - u.sum() ** 2) / (len(u) - 1) for u in units)
    d_o = within / n
    d_e = 2 * (n * (values ** 2).sum() - values.sum() ** 2) / (n * (n - 1))
    if d_e <= 1e-12:
        return None
    return float(1 - d_o / d_e)


def ratings_by_case(reviews: Iterable[Review], rubric: Rubric = DEFAULT_RUBRIC) -> dict[Hashable, list[float]]:
    """case id -> list of weighted totals."""
    out: dict[Hashable, list[float]] = defaultdict(list)
    for case_id, _expert, total in review_totals(reviews, rubric):
        out[case_id].append(total)
    return dict(out)


def campaign_reliability(reviews: Iterable[Review], rubric: Rubric = DEFAULT_RUBRIC) -> CampaignReliability:
    """ICC(1), ICC(1,k) and Krippendorff's alpha of the campaign's totals."""
    ratings = ratings_by_case(reviews, rubric)
    icc = icc1(ratings)
    n_ratings = sum(len(v) for v in ratings.values())
    return CampaignReliability(
        icc1=icc.icc1,
        icc1_k=icc.icc1_k,
        alpha=krippendorff_alpha_interval(ratings),
        n_cases=len(ratings),
        n_ratings=n_ratings,
        mean_raters_per_case=n_ratings / len(ratings) if ratings else None,
    )


def expert_stats(
    reviews: Iterable[Review],
    assigned: Mapping[Hashable, int],
    rubric: Rubric = DEFAULT_RUBRIC,
    *,
    ridge: float = DEFAULT_RIDGE,
    calibration: Calibration | None = None,
) -> list[ExpertStats]:
    """Per expert: assigned, done, done/assigned, severity (and scale and weight) from the
    calibration, mean total.

    ``calibration`` is the one the results use (fitted here, as they would, when None).
    ``assigned`` maps expert id -> number of cases assigned; experts who
    reviewed without appearing there count as assigned what they did.
    Sorted by expert id.
    """
    observations = review_totals(reviews, rubric)
    if calibration is None and observations:
        calibration = calibrate(observations, ridge=ridge)
    bias = calibration.expert_bias if calibration else {}
    scaled = calibration is not None and calibration.method == "scale"
    totals: dict[Hashable, list[float]] = defaultdict(list)
    for _case, expert_id, total in observations:
        totals[expert_id].append(total)
    out = []
    for expert_id in sorted(set(assigned) | set(totals)):
        done = len(totals.get(expert_id, ()))
        n_assigned = max(int(assigned.get(expert_id, done)), 0)
        out.append(ExpertStats(
            expert_id=expert_id,
            assigned=n_assigned,
            done=done,
            completion_rate=done / n_assigned if n_assigned else None,
            severity=bias.get(expert_id),
            mean_total=sum(totals[expert_id]) / done if done else None,
            scale=calibration.expert_scale.get(expert_id) if scaled else None,
            weight=calibration.expert_weight.get(expert_id) if scaled else None,
        ))
    return out
