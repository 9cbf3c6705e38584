"""Exact selection within quota and group limits; infeasibility; deviations."""
import itertools

import numpy as np
import pytest


from reviewapp.results.aggregation import Criterion, Review, Rubric, aggregate
from reviewapp.results.selection import (
    Candidate, GroupLimit, candidates_from_results, check_selection, compare_selection, select_cases,
)


def ranked(rows):
    """Candidates from (id, score, groups) rows listed best first: rank = position."""
    return [Candidate(cid, score, rank, groups) for rank, (cid, score, groups) in enumerate(rows, start=1)]


def satisfies(chosen, candidates, quota, limits):
    return not check_selection(chosen, candidates, quota, limits)


def brute_force(candidates, quota, limits):
    """Best (seats, score sum, -rank sum) over every subset, or None if none is feasible."""
    best = None
    for size in range(min(quota, len(candidates)) + 1):
        for subset in itertools.combinations(candidates, size):
            ids = [c.case_id for c in subset]
            if satisfies(ids, candidates, quota, limits):
                key = (size, round(sum(round(c.score, 6) for c in subset), 6), -sum(c.rank for c in subset))
                best = key if best is None or key > best else best
    return best


def key_of(result, candidates):
    by_id = {c.case_id: c for c in candidates}
    chosen = [by_id[i] for i in result.selected]
    return (len(chosen), round(sum(round(c.score, 6) for c in chosen), 6), -sum(c.rank for c in chosen))


def test_no_limits_is_top_n_in_rank_order():
    cands = ranked([(f"c{i}", 10 - i * 0.5, {}) for i in range(8)])
    result = select_cases(cands, 3)
    assert result.feasible and result.selected == ["c0", "c1", "c2"]
    assert result.rank_sum == 6 and result.total_score == pytest.approx(10 + 9.5 + 9)
    assert not result.warnings


def test_greedy_top_n_violates_a_minimum_exact_finds_best_feasible():
    cands = ranked([
        ("a", 9.5, {"province": "X"}), ("b", 9.0, {"province": "X"}), ("c", 8.8, {"province": "X"}),
        ("d", 8.0, {"province": "Y"}), ("e", 7.9, {"province": "Z"}), ("f", 6.0, {"province": "Y"}),
    ])
    limits = [GroupLimit("province", "Y", minimum=1), GroupLimit("province", "Z", minimum=1)]
    greedy = ["a", "b", "c"]
    assert not satisfies(greedy, cands, 3, limits)
    result = select_cases(cands, 3, limits)
    assert result.selected == ["a", "d", "e"]
    assert key_of(result, cands) == brute_force(cands, 3, limits)
    assert result.group_counts == {("province", "Y"): 1, ("province", "Z"): 1}


def min_first_greedy(candidates, quota, limits):
    """Fill each minimum with its best cases, then the rest by rank; respect maximums."""
    chosen = []

    def fits(c):
        trial = chosen + [c.case_id]
        return all(lim.maximum is None or sum(
            1 for x in candidates if x.case_id in trial and (lim.dimension, lim.value) in x.memberships()
        ) <= lim.maximum for lim in limits)

    for lim in limits:
        for c in candidates:
            have = sum(1 for x in candidates if x.case_id in chosen and (lim.dimension, lim.value) in x.memberships())
            if have >= lim.minimum:
                break
            if (lim.dimension, lim.value) in c.memberships() and c.case_id not in chosen and fits(c):
                chosen.append(c.case_id)
    for c in candidates:
        if len(chosen) < quota and c.case_id not in chosen and fits(c):
            chosen.append(c.case_id)
    return chosen


def test_greedy_is_suboptimal_under_a_maximum_and_minimum():
    # Needs one innovation-themed case; province P may have at most one seat.
    cands = ranked([
        ("a", 10.0, {"province": "P", "theme": "sports-medicine"}),
        ("b", 9.0, {"province": "P", "theme": "innovation"}),
        ("c", 5.0, {"province": "Q", "theme": "innovation"}),
        ("d", 4.0, {"province": "Q", "theme": "elderly"}),
    ])
    limits = [GroupLimit("theme", "innovation", minimum=1), GroupLimit("province", "P", maximum=1)]
    greedy = min_first_greedy(cands, 2, limits)
    assert sorted(greedy) == ["b", "c"]                  # 9 + 5 = 14
    result = select_cases(cands, 2, limits)
    assert result.selected == ["a", "c"]                 # 10 + 5 = 15
    assert result.total_score == pytest.approx(15.0)
    assert key_of(result, cands) == brute_force(cands, 2, limits)


def test_ties_are_resolved_by_rank():
    # b and c tie on score; b is ranked above c by the tie-break rule, so b wins
    # the last seat. Within the minimum for group G, e beats the tied f likewise.
    cands = ranked([("a", 9.0, {}), ("b", 8.0, {}), ("c", 8.0, {}), ("d", 7.0, {}),
                    ("e", 5.0, {"g": "G"}), ("f", 5.0, {"g": "G"})])
    assert select_cases(cands, 2).selected == ["a", "b"]
    assert select_cases(cands, 3, [GroupLimit("g", "G", minimum=1)]).selected == ["a", "b", "e"]
    # reversing the ranks of the tied cases reverses the choice
    swapped = [Candidate(c.case_id, c.score, {"b": 3, "c": 2}.get(c.case_id, c.rank), c.groups) for c in cands]
    assert select_cases(swapped, 2).selected == ["a", "c"]


def test_maximums_and_multi_valued_groups():
    cands = ranked([
        ("a", 9, {"theme": ["elderly", "disability"], "province": "X"}),
        ("b", 8, {"theme": "elderly", "province": "X"}),
        ("c", 7, {"theme": "rural", "province": "Y"}),
        ("d", 6, {"theme": "disability", "province": "Y"}),
        ("e", 5, {"theme": "rural", "province": "Y"}),
    ])
    limits = [GroupLimit("theme", "elderly", maximum=1), GroupLimit("province", "Y", maximum=2),
              GroupLimit("theme", "disability", minimum=2)]
    result = select_cases(cands, 3, limits)
    assert result.selected == ["a", "c", "d"]
    assert key_of(result, cands) == brute_force(cands, 3, limits)


def test_random_instances_match_brute_force():
    rng = np.random.default_rng(2024)
    for _ in range(40):
        n = int(rng.integers(6, 11))
        scores = rng.integers(3, 9, n).astype(float)       # integers: many ties
        order = sorted(range(n), key=lambda i: (-scores[i], i))
        cands = [Candidate(f"k{i}", scores[i], order.index(i) + 1,
                           {"p": int(rng.integers(3)), "t": [int(v) for v in rng.choice(3, int(rng.integers(1, 3)), replace=False)]})
                 for i in range(n)]
        limits = []
        for dim, values in (("p", range(3)), ("t", range(3))):
            for v in values:
                lo = int(rng.integers(0, 3))
                hi = None if rng.random() < 0.5 else int(rng.integers(lo, 4))
                if lo or hi is not None:
                    limits.append(GroupLimit(dim, v, lo, hi))
        quota = int(rng.integers(2, 6))
        expected = brute_force(cands, quota, limits)
        result = select_cases(cands, quota, limits)
        assert result.feasible == (expected is not None)
        if expected is not None:
            assert key_of(result, cands) == expected
            assert satisfies(result.selected, cands, quota, limits)
        else:
            assert result.errors


def test_large_campaign_meets_every_limit():
    rng = np.random.default_rng(5)
    n = 1000
    scores = np.round(rng.normal(6, 1.3, n), 6)
    order = np.argsort(-scores, kind="stable")
    rank = np.empty(n, int)
    rank[order] = np.arange(1, n + 1)
    cands = [Candidate(i, float(scores[i]), int(rank[i]),
                       {"province": int(rng.integers(31)), "theme": int(rng.integers(6))}) for i in range(n)]
    limits = [GroupLimit("province", p, 1, 6) for p in range(31)] + [GroupLimit("theme", t, 15) for t in range(6)]
    result = select_cases(cands, 130, limits)
    assert result.feasible and len(result.selected) == 130
    assert satisfies(result.selected, cands, 130, limits)
    assert select_cases(cands, 130).selected == [int(i) for i in order[:130]]


def messages(result):
    return [str(m) for m in result.errors]


def test_infeasible_limits_are_explained():
    cands = ranked([("a", 9, {"p": "X", "t": "T"}), ("b", 8, {"p": "X", "t": "T"}),
                    ("c", 7, {"p": "Y", "t": "U"}), ("d", 6, {"p": "Z", "t": "U"})])
    r = select_cases(cands, 2, [GroupLimit("p", "X", 1), GroupLimit("p", "Y", 1), GroupLimit("p", "Z", 1)])
    assert not r.feasible and r.selected == []
    assert messages(r) == ["The minimums for p add up to 3, more than the quota of 2."]
    r = select_cases(cands, 3, [GroupLimit("p", "Y", 2, label="Province Y")])
    assert messages(r) == ["Province Y: the minimum (2) is above the number of candidate cases in the group (1)."]
    r = select_cases(cands, 3, [GroupLimit("p", "X", 2, 1)])
    assert messages(r) == ["p: X: the minimum (2) is greater than the maximum (1)."]
    r = select_cases(cands, 3, [GroupLimit("t", "U", 4)])
    assert messages(r) == ["t: U: the minimum (4) is above the quota (3)."]
    assert messages(select_cases(cands, 0)) == ["The quota must be a whole number of at least 1."]
    # Only a combination conflicts: T needs 2, but all T cases are in X, capped at 1.
    limits = [GroupLimit("t", "T", 2), GroupLimit("p", "X", maximum=1), GroupLimit("p", "Y", maximum=3)]
    r = select_cases(cands, 3, limits)
    assert messages(r) == ["These requirements cannot all be met together with a quota of 3:",
                           "t: T: minimum 2", "p: X: maximum 1"]


def test_unreachable_quota_is_a_warning():
    cands = ranked([("a", 9, {"p": "X"}), ("b", 8, {"p": "X"}), ("c", 7, {"p": "X"})])
    r = select_cases(cands, 3, [GroupLimit("p", "X", maximum=2)])
    assert r.feasible and r.selected == ["a", "b"]
    assert [str(w) for w in r.warnings] == ["The group maximums allow only 2 of the 3 places to be filled."]
    r = select_cases(cands, 5)
    assert r.selected == ["a", "b", "c"]
    assert [str(w) for w in r.warnings] == ["The number of candidate cases (3) is below the quota of 5."]


def test_compare_selection_lists_each_deviation():
    cands = ranked([(c, 10 - i, {"p": "X" if i % 2 else "Y"}) for i, c in enumerate("abcdef")])
    proposed = select_cases(cands, 3).selected
    assert proposed == ["a", "b", "c"]
    deviations = compare_selection(proposed, ["a", "b", "e"], cands)
    assert [(d.kind, d.case_id, d.rank, d.passed_over) for d in deviations] == [
        ("dropped", "c", 3, 0), ("added", "e", 5, 2)]
    assert str(deviations[1].message) == \
        "Case e (rank 5) was added out of rank order; better-ranked cases not selected: 2."
    assert str(deviations[0].message) == "Case c (rank 3) was proposed but is not in the final selection."
    assert compare_selection(proposed, reversed(proposed), cands) == []
    with pytest.raises(ValueError):
        compare_selection(proposed, ["zz"], cands)
    problems = check_selection(["a", "b", "d", "f"], cands, 3, [GroupLimit("p", "Y", 1), GroupLimit("p", "X", 0, 2)])
    # a, b, d, f: Y has a (minimum 1 met); X has b, d, f (3 > 2)
    assert [str(p) for p in problems] == [
        "4 cases are selected, more than the quota of 3.",
        "p: X: 3 selected, above the maximum of 2.",
    ]
    assert [str(p) for p in check_selection(["b", "d"], cands, 3, [GroupLimit("p", "Y", 1)])] == [
        "p: Y: 0 selected, below the minimum of 1."]


def test_end_to_end_from_aggregation():
    rubric = Rubric((Criterion("organization", 1), Criterion("influence", 1)))
    reviews = [Review(c, e, {"organization": v, "influence": v})
               for c, e, v in [("A", "e1", 9), ("A", "e2", 8), ("B", "e1", 6), ("B", "e2", 7),
                               ("C", "e1", 7), ("C", "e2", 7), ("D", "e2", 5), ("D", "e1", 4)]]
    results = aggregate(reviews, rubric).results
    cands = candidates_from_results(results, {"D": {"theme": "elderly"}})
    assert [c.rank for c in cands] == [1, 2, 3, 4]
    r = select_cases(cands, 2, [GroupLimit("theme", "elderly", 1)])
    assert r.selected == ["A", "D"]
