"""Tests for the reviewer-assignment engine (pure logic, no app needed)."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from reviewapp.assignment.affinity import BID_WEIGHTS, Bid, affinity
from reviewapp.assignment.solver import (
    AssignmentProblem,
    balance_penalty,
    check_pair,
    ladder_top,
    solve,
)


def codes(result):
    return [reason.code for reason in result.explanation]


def reviewers_per_case(result, n_cases):
    return np.bincount(result.pairs[:, 0], minlength=n_cases)


def assert_valid(problem, result):
    """Invariants every result must satisfy, feasible or not."""
    n_cases, n_experts = problem.shape
    conflicts = problem.conflict_mask()
    locked = {tuple(p) for p in problem.locked_pairs().tolist()}
    pairs = [tuple(p) for p in result.pairs.tolist()]
    assert len(pairs) == len(set(pairs)), "a pair was assigned twice"
    assert locked <= set(pairs), "a started review was dropped"
    for case, expert in set(pairs) - locked:
        assert not conflicts[case, expert], f"conflicted pair {(case, expert)} assigned"
    caps = problem.caps_array()
    locked_load = np.bincount([e for _, e in locked], minlength=n_experts)
    assert np.all(result.load <= np.maximum(caps, locked_load))
    assert np.array_equal(result.load, np.bincount(result.pairs[:, 1], minlength=n_experts))
    per_case = reviewers_per_case(result, n_cases)
    locked_per_case = np.bincount([c for c, _ in locked], minlength=n_cases)
    for case in range(n_cases):
        expected = max(problem.k, locked_per_case[case]) - result.short_cases.get(case, 0)
        assert per_case[case] == expected


# --- affinity -----------------------------------------------------------------

def test_affinity_counts_shared_themes_and_bid():
    assert affinity({"elderly", "rural"}, {"rural", "elderly", "school"}) == 20
    assert affinity({"elderly"}, {"school"}, Bid.EAGER) == BID_WEIGHTS[Bid.EAGER]
    assert affinity({"elderly"}, {"elderly"}, "not_willing") == 10 - 50
    assert affinity(["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"], "willing") == 30 + 10


def test_affinity_rejects_unknown_bid():
    with pytest.raises(ValueError):
        affinity([], [], "maybe")


# --- feasible instances ---------------------------------------------------------

def test_every_case_gets_k_reviewers_within_caps_and_without_conflicts():
    rng = np.random.default_rng(7)
    conflicts = rng.random((60, 12)) < 0.1
    problem = AssignmentProblem(
        [f"C{i}" for i in range(60)], [f"E{j}" for j in range(12)], caps=18, k=3,
        conflicts=conflicts, affinity=rng.integers(0, 100, (60, 12)))
    result = solve(problem)
    assert result.feasible and result.explanation == []
    assert np.all(reviewers_per_case(result, 60) == 3)
    assert_valid(problem, result)


def test_equal_affinities_spread_the_load_evenly():
    problem = AssignmentProblem(range(10), range(4), caps=10, k=2)
    result = solve(problem)
    assert sorted(result.load.tolist()) == [5, 5, 5, 5]


def test_zero_balance_weight_follows_affinity_alone():
    affinity_matrix = np.tile([50, 40, 0, 0], (6, 1))
    problem = AssignmentProblem(range(6), range(4), caps=6, k=2,
                                affinity=affinity_matrix, evenness="off")
    result = solve(problem)
    assert result.load.tolist() == [6, 6, 0, 0]
    assert result.total_affinity == result.objective == 6 * 90


def test_conflict_pairs_sparse_affinity_and_floats_match_dense_inputs():
    rng = np.random.default_rng(3)
    mask = rng.random((8, 5)) < 0.2
    dense = rng.integers(0, 9, (8, 5))
    sparse = {(c, e): int(dense[c, e]) for c in range(8) for e in range(5) if dense[c, e]}
    base = dict(case_ids=range(8), expert_ids=range(5), caps=6, k=2)
    reference = solve(AssignmentProblem(conflicts=mask, affinity=dense, **base))
    from_pairs = solve(AssignmentProblem(
        conflicts={tuple(p) for p in np.argwhere(mask).tolist()}, affinity=sparse, **base))
    from_floats = solve(AssignmentProblem(
        conflicts=mask, affinity=dense / 100.0, **base))
    assert reference.objective == from_pairs.objective
    assert from_floats.objective == pytest.approx(reference.objective / 100, rel=1e-12)
    assert from_floats.pairs.tolist() == reference.pairs.tolist()


def test_id_pairs_uses_the_given_ids():
    problem = AssignmentProblem(["case-a"], ["x", "y"], caps=1, k=1, affinity=np.array([[0, 5]]))
    assert solve(problem).id_pairs(problem) == [("case-a", "y")]


# --- property-based: random small instances -------------------------------------

@st.composite
def instances(draw):
    n_cases = draw(st.integers(1, 7))
    n_experts = draw(st.integers(1, 6))
    cells = st.lists(st.booleans(), min_size=n_cases * n_experts, max_size=n_cases * n_experts)
    conflicts = np.array(draw(cells), dtype=bool).reshape(n_cases, n_experts)
    values = st.lists(st.integers(-50, 60), min_size=n_cases * n_experts,
                      max_size=n_cases * n_experts)
    affinity_matrix = np.array(draw(values)).reshape(n_cases, n_experts)
    caps = draw(st.lists(st.integers(0, 5), min_size=n_experts, max_size=n_experts))
    all_pairs = list(itertools.product(range(n_cases), range(n_experts)))
    locked = draw(st.lists(st.sampled_from(all_pairs), max_size=3, unique=True))
    return AssignmentProblem(
        range(n_cases), range(n_experts), caps=caps, k=draw(st.integers(1, 3)),
        conflicts=conflicts, affinity=affinity_matrix, locked=locked,
        evenness=draw(st.sampled_from(["tiebreak", "off", "tradeoff"])),
        balance_weight=draw(st.integers(0, 8)), seed=draw(st.integers(0, 2 ** 32 - 1)))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_random_instances_respect_every_rule(problem):
    result = solve(problem)
    assert_valid(problem, result)
    if not result.feasible:
        summary = [r for r in result.explanation if r.code == "unfilled_slots"]
        assert summary and summary[0].missing == sum(result.short_cases.values())
        for reason in result.explanation:
            assert str(reason.message)


# --- optimality against brute force ------------------------------------------------

def brute_force_best(problem):
    """Best objective over all complete assignments, or None if there is none."""
    n_cases, n_experts = problem.shape
    conflicts, caps = problem.conflict_mask(), problem.caps_array()
    affinity_matrix = problem.affinity_matrix()
    locked = problem.locked_pairs()
    top = ladder_top(problem)
    choices = []
    for case in range(n_cases):
        fixed = tuple(int(e) for c, e in locked if c == case)
        free = [e for e in range(n_experts) if not conflicts[case, e] and e not in fixed]
        extra = max(problem.k - len(fixed), 0)
        choices.append([fixed + combo for combo in itertools.combinations(free, extra)])
    best = None
    for assignment in itertools.product(*choices):
        load = np.zeros(n_experts, dtype=np.int64)
        total = 0
        for case, experts in enumerate(assignment):
            for expert in experts:
                load[expert] += 1
                total += affinity_matrix[case, expert]
        if np.any(load > caps):
            continue
        value = total - balance_penalty(load, problem.balance_weight, top)
        best = value if best is None else max(best, value)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_objective_equals_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    locked = [(0, int(rng.integers(4)))] if seed % 3 == 0 else []
    problem = AssignmentProblem(
        range(4), range(4), caps=rng.integers(1, 4, 4), k=2,
        conflicts=rng.random((4, 4)) < 0.2, affinity=rng.integers(-20, 40, (4, 4)),
        locked=locked, balance_weight=int(rng.integers(0, 12)), evenness="tradeoff")
    expected = brute_force_best(problem)
    result = solve(problem)
    assert_valid(problem, result)
    if expected is None:
        assert not result.feasible
    else:
        assert result.feasible and result.objective == expected


# --- infeasibility is explained ----------------------------------------------------------

def test_case_with_too_few_eligible_experts_is_named():
    problem = AssignmentProblem(
        ["A", "B", "C"], ["x", "y", "z", "w"], caps=3, k=3,
        conflicts={(1, 0), (1, 1)})
    result = solve(problem)
    assert result.short_cases == {1: 1}
    lacking = [r for r in result.explanation if r.code == "case_lacks_experts"]
    assert [(r.cases, r.missing) for r in lacking] == [(("B",), 1)]
    assert "B" in str(lacking[0].message)
    assert np.all(reviewers_per_case(result, 3)[[0, 2]] == 3)


def test_total_capacity_shortfall_is_reported():
    problem = AssignmentProblem(range(5), ["x", "y", "z"], caps=[3, 3, 2], k=2)
    result = solve(problem)
    shortfall = [r for r in result.explanation if r.code == "capacity_shortfall"]
    assert len(shortfall) == 1 and shortfall[0].missing == 10 - 8
    assert "10" in str(shortfall[0].message) and "8" in str(shortfall[0].message)
    assert sum(result.short_cases.values()) == 2
    assert result.load.tolist() == [3, 3, 2]


def test_group_shortfall_found_from_the_minimum_cut():
    # A, B, C may only use x and y (cap 2 each), yet every case alone has two
    # eligible experts and the caps sum to 12 >= 8.
    conflicts = {(c, e) for c in range(3) for e in (2, 3)}
    problem = AssignmentProblem(["A", "B", "C", "D"], ["x", "y", "z", "w"],
                                caps=[2, 2, 4, 4], k=2, conflicts=conflicts)
    result = solve(problem)
    assert codes(result) == ["group_shortfall", "unfilled_slots"]
    group = result.explanation[0]
    assert group.cases == ("A", "B", "C") and group.experts == ("x", "y")
    assert group.missing == 2
    assert sum(result.short_cases.values()) == 2


def test_messages_render_outside_an_app():
    problem = AssignmentProblem(["A"], ["x"], caps=0, k=1)
    result = solve(problem)
    assert result.short_cases == {0: 1}
    assert all(str(r.message) for r in result.explanation)


# --- locked (started) reviews ----------------------------------------------------------

def test_locked_pairs_are_kept_and_count_toward_k_and_load():
    affinity_matrix = np.array([[0, 100, 100], [0, 100, 100]])
    problem = AssignmentProblem(range(2), range(3), caps=[2, 1, 2], k=2,
                                affinity=affinity_matrix, locked=[(0, 0), (1, 1)])
    result = solve(problem)
    assert result.feasible
    assert result.pairs.tolist() == [[0, 0], [0, 2], [1, 1], [1, 2]]
    assert result.load.tolist() == [1, 1, 2]


def test_rerun_after_a_change_keeps_started_reviews():
    rng = np.random.default_rng(11)
    base = dict(case_ids=range(12), expert_ids=range(6), caps=8, k=3)
    first = solve(AssignmentProblem(affinity=rng.integers(0, 50, (12, 6)), **base))
    started = [tuple(p) for p in first.pairs[::4].tolist()]
    changed = rng.integers(0, 50, (12, 6))
    second = solve(AssignmentProblem(affinity=changed, locked=started, **base))
    assert second.feasible
    assert set(started) <= {tuple(p) for p in second.pairs.tolist()}


def test_locked_pair_in_conflict_is_kept_and_reported():
    problem = AssignmentProblem(["A"], ["x", "y"], caps=1, k=1,
                                conflicts={(0, 0)}, locked=[(0, 0)])
    result = solve(problem)
    assert result.pairs.tolist() == [[0, 0]]
    assert codes(result) == ["locked_conflict"]


def test_locked_reviews_beyond_cap_or_k_are_reported():
    problem = AssignmentProblem(["A", "B"], ["x", "y"], caps=1, k=1,
                                locked=[(0, 0), (0, 1), (1, 0)])
    result = solve(problem)
    assert sorted(codes(result)) == ["locked_over_cap", "locked_over_k"]
    assert result.feasible and len(result.pairs) == 3


# --- manual adjustment check ----------------------------------------------------------------

def test_check_pair_reports_each_blocking_rule():
    problem = AssignmentProblem(["A", "B"], ["x", "y"], caps=1, k=1, conflicts={(1, 0)})
    pairs = [(0, 0)]
    assert check_pair(problem, pairs, 1, 1).allowed
    verdict = check_pair(problem, pairs, 1, 0)
    assert not verdict.allowed
    assert [r.code for r in verdict.reasons] == ["conflict", "at_cap"]
    assert "x" in str(verdict.reasons[0].message)
    assert [r.code for r in check_pair(problem, pairs, 0, 0).reasons] == [
        "duplicate", "at_cap", "case_full"]


def test_check_pair_accepts_a_conflict_mask():
    problem = AssignmentProblem(range(2), range(2), caps=2, k=2,
                                conflicts=np.array([[False, True], [False, False]]))
    assert [r.code for r in check_pair(problem, [], 0, 1).reasons] == ["conflict"]
