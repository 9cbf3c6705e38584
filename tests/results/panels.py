"""Simulated review panels with planted case qualities and reviewer behaviour (fixed seeds)."""
from dataclasses import dataclass

import numpy as np
from scipy.stats import kendalltau


@dataclass
class Panel:
    quality: np.ndarray          # planted, per case 0..n-1
    observations: list           # (case, expert, total)
    bias: np.ndarray
    scale: np.ndarray


def simulated(seed, n_cases=100, n_experts=20, k=3, bias_sd=1.2, noise_sd=0.8, scale_sd=0.0,
              noise_spread=0.0):
    """Quality ~N(6, 1.5); an expert gives 6 + bias + scale * (quality - 6) + noise, rounded to
    a whole point and kept in 0..10. Scales are log-normal (sd ``scale_sd``: compressors
    below 1, spreaders above), noise sds log-normal around ``noise_sd``. Each case goes to k
    distinct experts among the least loaded (ties at random), so loads are even."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(6, 1.5, n_cases)
    bias = rng.normal(0, bias_sd, n_experts)
    scale = np.exp(rng.normal(0, scale_sd, n_experts))
    noise = noise_sd * np.exp(rng.normal(0, noise_spread, n_experts))
    load = np.zeros(n_experts)
    observations = []
    for case in range(n_cases):
        experts = np.lexsort((rng.random(n_experts), load))[:k]
        load[experts] += 1
        for e in experts:
            value = 6 + bias[e] + scale[e] * (quality[case] - 6) + rng.normal(0, noise[e])
            observations.append((case, int(e), float(np.clip(np.rint(value), 0, 10))))
    return Panel(quality, observations, bias, scale)


def tau(panel, scores):
    """Kendall tau between the planted qualities and the scores {case: score}."""
    return kendalltau(panel.quality, [scores[c] for c in range(len(panel.quality))]).statistic


def top_share(panel, scores, fraction=0.1):
    """Share of the planted top ``fraction`` that the scores also put in their top ``fraction``."""
    n = max(1, int(len(panel.quality) * fraction))
    values = np.array([scores[c] for c in range(len(panel.quality))])
    return len(set(np.argsort(-panel.quality)[:n]) & set(np.argsort(-values)[:n])) / n
