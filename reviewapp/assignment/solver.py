"""Optimal reviewer assignment as a min-cost flow.

Network: source -> case (capacity = reviewers still needed) -> expert (one
unit per allowed pair, cost = best affinity - affinity) -> sink through a
ladder of unit arcs whose costs grow with the expert's load. Because the ladder
costs are increasing (convex), the solver fills cheap rungs first, which
spreads the load; because all data are integers, the flow optimum is the LP
optimum, so the result is exactly optimal.

Objective maximized (what :attr:`AssignmentResult.objective` reports)::

    sum of affinity over assigned pairs
    - balance_weight * sum over experts of sum_{t < load} min(t, ladder_top)

The penalty is w * load * (load - 1) / 2 per expert (a quadratic) up to
``ladder_top`` = 2 * ceil(k * cases / experts) + k; above that each extra review
costs a flat ``w * ladder_top``, which keeps the network small when caps are
huge. Trade-off: giving one more review to an expert who has ``a`` reviews
instead of one who has ``b < a`` costs ``w * (a - b)`` affinity points, so with
w = 5 a shared theme (10 points) justifies a load difference of 2, an eager
bid (30 points) a difference of 6; w = 0 maximizes affinity alone, a large w
makes the load as even as the caps and conflicts allow and uses affinity only
to break ties.

Started reviews ("locked" pairs) are forced in: they count toward k and toward
the load (also in the penalty), even if they now conflict or overflow a cap;
such anomalies are reported in the explanation.
"""
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
from flask_babel import lazy_gettext as _l
from ortools.graph.python import min_cost_flow

from reviewapp.assignment.explain import Reason, diagnose, locked_reasons

PairsLike = Union[np.ndarray, Iterable[tuple]]


@dataclass
class AssignmentProblem:
    """Input, all by position: case i is ``case_ids[i]``, expert j is ``expert_ids[j]``.

    * ``caps``: maximum reviews per expert (one int for all, or one per expert).
    * ``conflicts``: a boolean mask of shape (cases, experts), True = conflict
      (fastest for large instances), or an iterable of (case, expert) index pairs.
    * ``affinity``: an array of shape (cases, experts), a mapping
      {(case, expert): value} (missing pairs are 0), or None (all 0). Floats
      are multiplied by ``affinity_scale`` and rounded, so the flow stays integral.
    * ``locked``: (case, expert) index pairs of reviews already started.
    * ``balance_weight``: integer load-evenness weight, see the module docstring.
    """

    case_ids: Sequence
    expert_ids: Sequence
    caps: Union[int, Sequence[int], np.ndarray]
    k: int = 3
    conflicts: Optional[PairsLike] = None
    affinity: Optional[Union[np.ndarray, Mapping]] = None
    locked: PairsLike = ()
    balance_weight: int = 5
    affinity_scale: int = 100

    @property
    def shape(self) -> tuple:
        return len(self.case_ids), len(self.expert_ids)

    def caps_array(self) -> np.ndarray:
        """Caps as one int64 per expert."""
        return np.broadcast_to(np.asarray(self.caps, dtype=np.int64), (self.shape[1],)).copy()

    def conflict_mask(self) -> np.ndarray:
        """Conflicts as a fresh boolean (cases, experts) mask."""
        mask = np.zeros(self.shape, dtype=bool)
        if self.conflicts is None:
            return mask
        if isinstance(self.conflicts, np.ndarray) and self.conflicts.dtype == bool:
            mask[:] = self.conflicts
            return mask
        pairs = _pairs_array(self.conflicts)
        mask[pairs[:, 0], pairs[:, 1]] = True
        return mask

    def affinity_matrix(self) -> np.ndarray:
        """Integer affinities as a dense int64 (cases, experts) matrix."""
        if self.affinity is None:
            return np.zeros(self.shape, dtype=np.int64)
        if isinstance(self.affinity, Mapping):
            matrix = np.zeros(self.shape, dtype=np.asarray(list(self.affinity.values()) or [0]).dtype)
            for (c, e), value in self.affinity.items():
                matrix[c, e] = value
        else:
            matrix = np.asarray(self.affinity)
            if matrix.shape != self.shape:
                raise ValueError(f"affinity has shape {matrix.shape}, expected {self.shape}")
        if np.issubdtype(matrix.dtype, np.floating):
            return np.rint(matrix * self.affinity_scale).astype(np.int64)
        return matrix.astype(np.int64, copy=False)

    def locked_pairs(self) -> np.ndarray:
        """Locked pairs as a de-duplicated (n, 2) int64 array."""
        return np.unique(_pairs_array(self.locked), axis=0)


@dataclass
class AssignmentResult:
    """Output. ``pairs`` are (case, expert) indices, locked ones included, sorted.

    ``load[j]`` counts expert j's reviews (locked included); ``total_affinity``
    sums the integer affinity of all pairs; ``objective`` is ``total_affinity``
    minus the balance penalty (the maximized value, see the module docstring);
    ``short_cases`` maps a case index to
    the number of reviewers it still lacks (empty when feasible);
    ``explanation`` lists :class:`Reason` items (anomalies and, when
    infeasible, why).
    """

    pairs: np.ndarray
    load: np.ndarray
    total_affinity: int
    objective: int
    short_cases: dict
    explanation: list = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.short_cases

    def id_pairs(self, problem: AssignmentProblem) -> list:
        """The pairs as (case id, expert id)."""
        return [(problem.case_ids[c], problem.expert_ids[e]) for c, e in self.pairs]


@dataclass
class PairCheck:
    """Verdict on one proposed manual pair: ``allowed`` and the blocking reasons."""

    allowed: bool
    reasons: list


@dataclass
class _Network:
    """Arrays describing the case -> expert part of the flow network."""

    rows: np.ndarray            # case index of each allowed, open pair
    cols: np.ndarray            # expert index of each allowed, open pair
    need: np.ndarray            # reviewers each case still needs
    remaining: np.ndarray       # reviews each expert can still take
    locked_per_case: np.ndarray


def _pairs_array(pairs: PairsLike) -> np.ndarray:
    array = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    return array.reshape(-1, 2)


def ladder_top(problem: AssignmentProblem) -> int:
    """Load from which the balance penalty stops growing (see module docstring)."""
    n_cases, n_experts = problem.shape
    return 2 * -(-problem.k * n_cases // max(n_experts, 1)) + problem.k


def balance_penalty(load: np.ndarray, weight: int, top: int) -> int:
    """``weight * sum_{t < load} min(t, top)`` summed over experts."""
    load = np.asarray(load, dtype=np.int64)
    below = np.minimum(load, top)
    return int(weight * (np.sum(below * (below - 1) // 2) + np.sum((load - below) * top)))


def solve(problem: AssignmentProblem) -> AssignmentResult:
    """Assign reviewers optimally; never raises on infeasible input.

    When every case can get k reviewers the result is an optimal complete
    assignment. Otherwise it is a maximum partial assignment (as many slots as
    possible, best objective among those) with ``short_cases`` and an
    ``explanation`` saying why.
    """
    n_cases, n_experts = problem.shape
    k, weight = problem.k, problem.balance_weight
    caps = problem.caps_array()
    affinity = problem.affinity_matrix()
    conflicts = problem.conflict_mask()
    locked = problem.locked_pairs()

    locked_per_case = np.bincount(locked[:, 0], minlength=n_cases)
    locked_load = np.bincount(locked[:, 1], minlength=n_experts)
    need = np.maximum(k - locked_per_case, 0)
    remaining = np.maximum(caps - locked_load, 0)
    explanation = locked_reasons(problem.case_ids, problem.expert_ids, k, caps, locked,
                                 locked[conflicts[locked[:, 0], locked[:, 1]]])

    # Reuse the conflict mask as the "allowed" mask to avoid a second 5M-cell array.
    allowed = np.logical_not(conflicts, out=conflicts)
    allowed[locked[:, 0], locked[:, 1]] = False
    allowed[need == 0, :] = False
    allowed[:, remaining == 0] = False
    per_case = np.count_nonzero(allowed, axis=1)
    rows = np.repeat(np.arange(n_cases, dtype=np.int32), per_case)
    cols = np.broadcast_to(np.arange(n_experts, dtype=np.int32), allowed.shape)[allowed]
    net = _Network(rows, cols, need, remaining, locked_per_case)

    best = int(affinity.max()) if affinity.size else 0
    pair_cost = np.subtract(best, affinity[allowed], dtype=np.int64)
    flows = _min_cost_flow(net, pair_cost, locked_load, weight, ladder_top(problem))

    chosen = flows.astype(bool)
    pairs = np.concatenate([locked, np.column_stack([rows[chosen], cols[chosen]])])
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    load = np.bincount(pairs[:, 1], minlength=n_experts)
    total_affinity = int(affinity[pairs[:, 0], pairs[:, 1]].sum())
    lacking = need - np.bincount(rows[chosen], minlength=n_cases)
    short_cases = {int(c): int(lacking[c]) for c in np.flatnonzero(lacking > 0)}
    if short_cases:
        explanation += diagnose(net, problem.case_ids, problem.expert_ids, k, caps,
                                int(np.count_nonzero(chosen)))
    return AssignmentResult(
        pairs=pairs, load=load, total_affinity=total_affinity,
        objective=total_affinity - balance_penalty(load, weight, ladder_top(problem)),
        short_cases=short_cases, explanation=explanation)


def _min_cost_flow(net: _Network, pair_cost, locked_load, weight, top) -> np.ndarray:
    """Solve the network; return the flow (0/1) on each case -> expert arc."""
    n_cases, n_experts = len(net.need), len(net.remaining)
    source, sink = n_cases + n_experts, n_cases + n_experts + 1
    total_need = int(net.need.sum())
    if total_need == 0 or len(net.rows) == 0:
        return np.zeros(len(net.rows), dtype=np.int64)

    # Expert e may climb from its locked load up to min(cap, locked + its open
    # cases); rungs below ``top`` are unit arcs costing weight * level, the rest
    # of the ladder is one arc at the flat cost weight * top.
    degree = np.bincount(net.cols, minlength=n_experts)
    ceiling = locked_load + np.minimum(net.remaining, degree)
    rung_count = np.maximum(np.minimum(ceiling, top) - locked_load, 0)
    rung_expert = np.repeat(np.arange(n_experts), rung_count)
    rung_level = (np.arange(rung_count.sum())
                  - np.repeat(np.cumsum(rung_count) - rung_count, rung_count)
                  + np.repeat(locked_load, rung_count))
    flat_from = np.maximum(locked_load, top)
    flat_experts = np.flatnonzero(ceiling > flat_from)

    n_pairs, n_rungs, n_flat = len(net.rows), len(rung_expert), len(flat_experts)
    n_arcs = n_pairs + n_cases + n_rungs + n_flat
    tails = np.empty(n_arcs, dtype=np.int32)
    heads = np.empty(n_arcs, dtype=np.int32)
    capacities = np.ones(n_arcs, dtype=np.int64)
    costs = np.zeros(n_arcs, dtype=np.int64)
    spans = np.cumsum([0, n_pairs, n_cases, n_rungs, n_flat])
    pairs_, cases_, rungs_, flat_ = (slice(a, b) for a, b in zip(spans[:-1], spans[1:]))
    tails[pairs_], heads[pairs_], costs[pairs_] = net.rows, net.cols + n_cases, pair_cost
    tails[cases_], heads[cases_], capacities[cases_] = source, np.arange(n_cases), net.need
    tails[rungs_], heads[rungs_], costs[rungs_] = rung_expert + n_cases, sink, weight * rung_level
    tails[flat_], heads[flat_] = flat_experts + n_cases, sink
    capacities[flat_] = ceiling[flat_experts] - flat_from[flat_experts]
    costs[flat_] = weight * top

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, total_need)
    flow.set_node_supply(sink, -total_need)
    # Measured faster than solve() even on feasible instances, and it degrades
    # to a maximum partial assignment when some case cannot be served.
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(flow.flows(np.arange(n_pairs, dtype=np.int32)))


def check_pair(problem: AssignmentProblem, pairs: PairsLike, case: int, expert: int) -> PairCheck:
    """May ``expert`` be added to ``case``, given the current ``pairs``?

    Blocking reasons: conflict of interest, the expert is at its cap, the pair
    exists already, the case already has k reviewers.
    """
    current = _pairs_array(pairs)
    case_id, expert_id = problem.case_ids[case], problem.expert_ids[expert]
    load = int(np.count_nonzero(current[:, 1] == expert))
    cap = int(problem.caps_array()[expert])
    reviewers = int(np.count_nonzero(current[:, 0] == case))
    reasons = []
    if _is_conflict(problem.conflicts, case, expert):
        reasons.append(Reason("conflict", _l(
            "Expert %(expert)s has a conflict of interest with case %(case)s.",
            expert=expert_id, case=case_id), cases=(case_id,), experts=(expert_id,)))
    if np.any((current[:, 0] == case) & (current[:, 1] == expert)):
        reasons.append(Reason("duplicate", _l(
            "Expert %(expert)s is already assigned to case %(case)s.",
            expert=expert_id, case=case_id), cases=(case_id,), experts=(expert_id,)))
    if load >= cap:
        reasons.append(Reason("at_cap", _l(
            "Expert %(expert)s already has %(load)d reviews; the cap is %(cap)d.",
            expert=expert_id, load=load, cap=cap), experts=(expert_id,)))
    if reviewers >= problem.k:
        reasons.append(Reason("case_full", _l(
            "Case %(case)s already has %(count)d of %(k)d reviewers; remove one first.",
            case=case_id, count=reviewers, k=problem.k), cases=(case_id,)))
    return PairCheck(allowed=not reasons, reasons=reasons)


def _is_conflict(conflicts: Any, case: int, expert: int) -> bool:
    if conflicts is None:
        return False
    if isinstance(conflicts, np.ndarray) and conflicts.dtype == bool:
        return bool(conflicts[case, expert])
    if isinstance(conflicts, (set, frozenset)):
        return (case, expert) in conflicts
    return any(int(c) == case and int(e) == expert for c, e in conflicts)
