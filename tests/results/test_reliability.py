"""Inter-rater reliability (ICC(1), Krippendorff's alpha) and per-expert figures."""

import numpy as np
import pytest


from reviewapp.results.aggregation import Criterion, Review, Rubric
from reviewapp.results.reliability import (
    campaign_reliability, expert_stats, icc1, krippendorff_alpha_interval,
)

# Three cases, unbalanced: 2, 2 and 3 ratings.
HAND = {"A": [7, 9], "B": [3, 5], "C": [4, 6, 8]}


def test_icc1_hand_computed():
    # N = 7, a = 3; case means 8, 4, 6; grand mean 42/7 = 6
    # SSB = 2*(8-6)^2 + 2*(4-6)^2 + 3*0 = 16 -> MSB = 16/2 = 8
    # SSW = (1+1) + (1+1) + (4+0+4) = 12 -> MSW = 12/(7-3) = 3
    # n0 = (7 - (4+4+9)/7) / 2 = 16/7
    # ICC(1) = (8-3) / (8 + (16/7 - 1)*3) = 5 / (83/7) = 35/83 ; ICC(1,k) = 5/8
    r = icc1(HAND)
    assert r.msb == pytest.approx(8) and r.msw == pytest.approx(3)
    assert r.n0 == pytest.approx(16 / 7)
    assert r.icc1 == pytest.approx(35 / 83)
    assert r.icc1_k == pytest.approx(0.625)


def test_krippendorff_alpha_hand_computed():
    # D_o = (1/n) * sum_u sum_{ordered pairs in u} (v_i - v_j)^2 / (m_u - 1), n = 7
    #   A: 2*(7-9)^2 / 1 = 8 ; B: 8 ; C: 2*(4+16+4) / 2 = 24  -> D_o = 40/7
    # D_e = sum over ordered pairs of all 7 values / (n(n-1)) = 2*7*28 / 42 = 28/3
    #   (sum of squared deviations from the mean 6: 1+9+9+1+4+0+4 = 28)
    # alpha = 1 - (40/7)/(28/3) = 1 - 30/49 = 19/49
    assert krippendorff_alpha_interval(HAND) == pytest.approx(19 / 49)


def test_perfect_agreement_and_undefined_cases():
    same = {"A": [8, 8, 8], "B": [5, 5], "C": [3, 3]}
    assert krippendorff_alpha_interval(same) == pytest.approx(1.0)
    assert icc1(same).icc1 == pytest.approx(1.0)
    assert krippendorff_alpha_interval({"A": [5, 5], "B": [5, 5]}) is None
    assert krippendorff_alpha_interval({"A": [5]}) is None
    assert icc1({"A": [5, 6]}).icc1 is None


def simulated(noise_sd, seed, n_cases=300, n_experts=30, k=3):
    rng = np.random.default_rng(seed)
    quality = rng.normal(6, 1.5, n_cases)
    bias = rng.normal(0, 0.5, n_experts)
    ratings = {}
    for case in range(n_cases):
        experts = rng.choice(n_experts, size=int(rng.integers(2, k + 2)), replace=False)
        ratings[case] = list(np.clip(quality[case] + bias[experts] + rng.normal(0, noise_sd, len(experts)), 0, 10))
    return ratings


def test_more_noise_gives_lower_reliability():
    alphas, iccs = [], []
    for noise in (0.3, 1.0, 2.0, 4.0):
        ratings = simulated(noise, seed=7)
        alphas.append(krippendorff_alpha_interval(ratings))
        iccs.append(icc1(ratings).icc1)
    assert alphas == sorted(alphas, reverse=True) and iccs == sorted(iccs, reverse=True)
    assert alphas[0] > 0.8 and alphas[-1] < 0.3
    # both estimate the same thing here; they agree closely
    assert np.allclose(alphas, iccs, atol=0.05)


RUBRIC = Rubric((Criterion("organization", 1), Criterion("influence", 1)))


def rv(case, expert, value):
    return Review(case, expert, {"organization": value, "influence": value})


def test_campaign_reliability_and_expert_stats():
    reviews = [rv("A", "e1", 7), rv("A", "e2", 9), rv("B", "e1", 3), rv("B", "e2", 5),
               rv("C", "e1", 4), rv("C", "e2", 6), rv("C", "e3", 8)]
    summary = campaign_reliability(reviews, RUBRIC)
    assert summary.alpha == pytest.approx(19 / 49)
    assert summary.icc1 == pytest.approx(35 / 83)
    assert (summary.n_cases, summary.n_ratings) == (3, 7)
    assert summary.mean_raters_per_case == pytest.approx(7 / 3)

    stats = {s.expert_id: s for s in expert_stats(reviews, {"e1": 4, "e2": 3, "e3": 2, "e4": 5}, RUBRIC)}
    assert (stats["e1"].assigned, stats["e1"].done, stats["e1"].completion_rate) == (4, 3, 0.75)
    assert stats["e2"].completion_rate == 1.0
    assert stats["e3"].completion_rate == 0.5
    assert stats["e4"].done == 0 and stats["e4"].completion_rate == 0.0
    assert stats["e4"].severity is None and stats["e4"].mean_total is None
    # e1 always 2 points below e2 on the same cases: harsh vs lenient
    assert stats["e1"].severity < 0 < stats["e2"].severity
    assert stats["e1"].mean_total == pytest.approx(14 / 3)
