"""Reviewer-severity calibration: exact small cases, components, simulated panels."""

import numpy as np
import pytest
from scipy.stats import kendalltau


from reviewapp.results.calibration import (
    calibrate, fit_additive, fit_none, fit_scale, fit_zscore, heldout_errors,
)

# Two experts, two cases, both experts on both cases; e2 gives 2 points more.
SQUARE = [("c1", "e1", 6.0), ("c1", "e2", 8.0), ("c2", "e1", 4.0), ("c2", "e2", 6.0)]


def test_additive_hand_computed():
    # Eliminating the qualities leaves the Laplacian L = [[1, -1], [-1, 1]] and
    # r = [(6-7) + (4-5), (8-7) + (6-5)] = [-2, 2]. (L + ridge I) b = r with r an
    # eigenvector of eigenvalue 2 gives b = r / (2 + ridge).
    for ridge, b1 in ((0.0, -1.0), (0.5, -0.8), (2.0, -0.5)):
        cal = fit_additive(SQUARE, ridge=ridge)
        assert cal.expert_bias["e1"] == pytest.approx(b1)
        assert cal.expert_bias["e2"] == pytest.approx(-b1)
        # quality = mean of bias-corrected totals: c1 = ((6-b1) + (8+b1))/2 = 7
        assert cal.case_scores == pytest.approx({"c1": 7.0, "c2": 5.0})
        assert cal.components == 1


def test_disconnected_panels_sum_to_zero_per_component():
    # Panel 1 (a, b) and panel 2 (c, d) share no case; panel 2 scores 3 higher
    # overall, which no model can attribute to experts rather than cases.
    obs = [("p1", "a", 5), ("p1", "b", 7), ("p2", "a", 4), ("p2", "b", 6),
           ("q1", "c", 8), ("q1", "d", 9), ("q2", "c", 7), ("q2", "d", 8),
           ("solo", "lone", 9)]
    cal = fit_additive(obs)
    assert cal.components == 3
    assert cal.expert_bias["a"] + cal.expert_bias["b"] == pytest.approx(0, abs=1e-12)
    assert cal.expert_bias["c"] + cal.expert_bias["d"] == pytest.approx(0, abs=1e-12)
    assert cal.expert_bias["lone"] == pytest.approx(0, abs=1e-12)
    assert cal.case_scores["solo"] == pytest.approx(9)
    # panel means are kept: p1/p2 average 5.5, q1/q2 average 8
    assert (cal.case_scores["p1"] + cal.case_scores["p2"]) / 2 == pytest.approx(5.5)
    assert (cal.case_scores["q1"] + cal.case_scores["q2"]) / 2 == pytest.approx(8.0)
    unregularized = fit_additive(obs, ridge=0)
    assert unregularized.expert_bias["a"] == pytest.approx(-1.0)
    assert unregularized.expert_bias["c"] + unregularized.expert_bias["d"] == pytest.approx(0, abs=1e-9)


def test_zscore_hand_computed():
    # e1: 6, 4 -> mean 5, sd 1 -> z +1, -1 ; e2: 8, 6 -> z +1, -1.
    # campaign mean 6, sd sqrt(((0)^2+2^2+2^2+0^2)/4) = sqrt(2); c1 = 6 + sqrt(2)*1
    cal = fit_zscore(SQUARE)
    assert cal.case_scores["c1"] == pytest.approx(6 + np.sqrt(2))
    assert cal.case_scores["c2"] == pytest.approx(6 - np.sqrt(2))
    assert cal.expert_bias == pytest.approx({"e1": -1.0, "e2": 1.0})
    assert cal.expert_scale == pytest.approx({"e1": 1.0, "e2": 1.0})
    # an expert whose values never vary contributes z = 0
    flat = fit_zscore([("x", "f", 7), ("y", "f", 7), ("x", "g", 9), ("y", "g", 5)])
    assert flat.case_scores["x"] > flat.case_scores["y"]


def test_method_dispatch_and_errors():
    assert calibrate(SQUARE, "none").case_scores == fit_none(SQUARE).case_scores
    with pytest.raises(ValueError):
        calibrate(SQUARE, "bogus")
    with pytest.raises(ValueError):
        fit_additive([])
    with pytest.raises(ValueError):
        fit_additive(SQUARE, ridge=-1)


def simulated_panel(seed, n_cases=100, n_experts=20, k=3, bias_sd=1.2, noise_sd=0.8):
    """Planted quality ~N(6, 1.5), biases ~N(0, bias_sd), integer scores clipped to 0..10.

    Each case goes to k distinct experts, always among the least loaded (ties at
    random), so every expert reviews n_cases*k/n_experts cases.
    """
    rng = np.random.default_rng(seed)
    quality = rng.normal(6, 1.5, n_cases)
    bias = rng.normal(0, bias_sd, n_experts)
    load = np.zeros(n_experts)
    obs = []
    for case in range(n_cases):
        experts = np.lexsort((rng.random(n_experts), load))[:k]
        load[experts] += 1
        for e in experts:
            value = np.clip(np.rint(quality[case] + bias[e] + rng.normal(0, noise_sd)), 0, 10)
            obs.append((case, int(e), float(value)))
    return quality, obs


def test_calibration_recovers_planted_ranking_better_than_raw_and_zscores():
    taus = {"none": [], "zscore": [], "additive": []}
    for seed in range(200):
        quality, obs = simulated_panel(seed)
        for method in taus:
            scores = calibrate(obs, method).case_scores
            taus[method].append(kendalltau(quality, [scores[c] for c in range(len(quality))]).statistic)
    mean = {m: float(np.mean(v)) for m, v in taus.items()}
    # Observed: none ~0.703, zscore ~0.770, additive ~0.790.
    assert mean["additive"] > mean["none"] + 0.05
    assert mean["additive"] >= mean["zscore"]
    wins = np.mean(np.array(taus["additive"]) > np.array(taus["zscore"]))
    assert wins > 0.8


def test_severity_estimates_track_planted_biases():
    planted_bias = []
    est = []
    for seed in range(5):
        _quality, obs = simulated_panel(seed)
        planted = np.random.default_rng(seed)
        planted.normal(6, 1.5, 100)
        bias = planted.normal(0, 1.2, 20)
        cal = fit_additive(obs)
        planted_bias.extend(bias - bias.mean())
        est.extend(cal.expert_bias[e] for e in range(20))
    assert np.corrcoef(planted_bias, est)[0, 1] > 0.9


# A crossed panel without noise: each expert gives offset + scale * (quality - 5) + 5.
PLANTED = {"soft": (0.0, 0.5), "plain": (1.0, 1.0), "wide": (-1.0, 2.0)}
QUALITIES = [2.0, 3.5, 4.0, 5.0, 5.5, 6.0, 7.5, 8.0, 3.0, 6.5, 4.5, 7.0]
CROSSED = [(c, e, off + sc * (q - 5) + 5) for c, q in enumerate(QUALITIES) for e, (off, sc) in PLANTED.items()]


def test_scale_model_recovers_a_crossed_panel():
    cal = fit_scale(CROSSED)
    assert cal.method == "scale" and cal.components == 1
    # Every expert saw every case, so the qualities are an increasing affine map of the planted ones.
    assert kendalltau(QUALITIES, [cal.case_scores[c] for c in range(len(QUALITIES))]).statistic == pytest.approx(1.0)
    scales = cal.expert_scale
    assert scales["soft"] < scales["plain"] < scales["wide"]
    assert np.exp(np.mean(np.log(list(scales.values())))) == pytest.approx(1.0)   # the average expert's scale
    assert sum(cal.expert_bias.values()) == pytest.approx(0.0, abs=1e-9)
    # The model explains nearly everything; the additive model cannot explain the scales.
    assert max(abs(r) for r in cal.residuals.values()) < 0.2
    assert max(abs(r) for r in fit_additive(CROSSED).residuals.values()) > 1.0
    for (case_id, expert_id), residual in cal.residuals.items():
        value = next(v for c, e, v in CROSSED if (c, e) == (case_id, expert_id))
        assert value - cal.predict(case_id, expert_id) == pytest.approx(residual)


def test_scale_model_components_and_a_lone_expert():
    obs = [("p1", "a", 5), ("p1", "b", 7), ("p2", "a", 4), ("p2", "b", 8), ("p3", "a", 6), ("p3", "b", 9),
           ("solo", "lone", 9)]
    cal = fit_scale(obs)
    assert cal.components == 2
    assert cal.expert_bias["lone"] == pytest.approx(0.0, abs=1e-9)
    assert cal.expert_scale["lone"] == pytest.approx(1.0)
    assert cal.case_scores["solo"] == pytest.approx(9.0)
    assert cal.expert_scale["a"] * cal.expert_scale["b"] == pytest.approx(1.0)
    assert cal.expert_bias["a"] + cal.expert_bias["b"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError):
        fit_scale(obs, scale_ridge=0)


def test_residuals_of_the_additive_model_average_zero_per_case():
    cal = fit_additive(SQUARE)
    # c1: 6 - 7 - (-0.8) = -0.2 and 8 - 7 - 0.8 = 0.2
    assert cal.residuals[("c1", "e1")] == pytest.approx(-0.2)
    assert cal.residuals[("c1", "e2")] == pytest.approx(0.2)
    assert fit_none(SQUARE).residuals[("c1", "e1")] == pytest.approx(-1.0)


def test_auto_compares_the_models_only_with_enough_reviews():
    few = calibrate(SQUARE)
    assert few.method == "additive" and few.choice.chosen == "additive" and not few.choice.compared
    assert few.choice.needed == 30
    crossed = calibrate(CROSSED)       # 36 reviews; the scale model predicts them far better
    assert crossed.method == "scale" and crossed.choice.compared
    assert crossed.choice.heldout_error["scale"] < 0.5 * crossed.choice.heldout_error["additive"]
    assert crossed.choice.held_out == len(CROSSED)
    # The split is seeded: the same reviews give the same figures.
    assert calibrate(CROSSED).choice == crossed.choice
    assert heldout_errors(CROSSED) == (crossed.choice.heldout_error, crossed.choice.held_out)
    assert calibrate(CROSSED, "scale").case_scores == fit_scale(CROSSED).case_scores
