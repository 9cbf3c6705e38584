"""Optimal reviewer assignment as a min-cost flow.

Network: source -> case (capacity = reviewers still needed) -> expert (one
unit per allowed pair, cost = best affinity - affinity) -> sink. The optimum
maximizes the total affinity; with integer costs the flow optimum is the LP
optimum, so the result is exact.

Affinities may be real numbers. They become integer costs at a scale chosen
per instance, as fine as the solver's 64-bit arithmetic allows (about 1e13
steps across the affinity range on 10,000 x 500): the rounding can cost at
most ``rounding_bound`` of the total, reported with the result. Integer
affinities are used as they are (exact).

Evenness of the load (``evenness``):

* ``"tiebreak"`` (default): a lexicographic objective. Among the assignments
  of maximal affinity, the one with the most even load: the expert's arcs to
  the sink form a ladder whose rung t costs t, and the affinity costs are
  multiplied by a number larger than any possible ladder total, so evenness
  can never buy a loss of affinity.
* ``"off"``: affinity alone.
* ``"tradeoff"``: maximize ``affinity - balance_weight * sum_{t < load}
  min(t, ladder_top)`` per expert: one more review for an expert holding ``a``
  instead of one holding ``b < a`` must be worth ``balance_weight * (a - b)``
  affinity. ``ladder_top`` = 2 * ceil(k * cases / experts) + k keeps the
  network small when caps are huge.

Ties between equally good assignments are broken by a random order of cases
and experts drawn from ``seed``, so no case wins a tie by its position (its
id); the same seed gives the same assignment.

Speed: each case first offers only its best ``candidates_per_case`` experts (16 for
k = 3, ties by the lot). That small network's optimum is kept only if it fills every
slot and the dual certificate of certificate.py proves that no assignment over all
pairs has more affinity; otherwise the full network is solved. Affinity is thus
always optimal; with ``"tiebreak"`` the evenness is the best among the candidates.

``fairness=True`` first maximizes the worst-off case's affinity, then the
total (fairness.py, an exact integer program).

Started reviews ("locked" pairs) are forced in: they count toward k and toward
the load, even if they now conflict or overflow a cap; such anomalies are
reported in the explanation.
"""
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
from flask_babel import lazy_gettext as _l
from ortools.graph.python import min_cost_flow

from reviewapp.assignment.explain import Reason, diagnose, locked_reasons

PairsLike = Union[np.ndarray, Iterable[tuple]]
EVENNESS = ("tiebreak", "off", "tradeoff")
# Largest integer cost we hand to OR-Tools: exact in float64 (2**53) and, with
# the solver's own scaling by the node count, far from int64 overflow.
_COST_CEILING = 2 ** 53
_INT64_SAFE = 2 ** 62
# Relative rounding of the total below which the tie-breaking solve needs no check.
ROUNDING_TOLERANCE = 1e-7


class InvalidProblem(ValueError):
    """Input the solver cannot use; ``reasons`` are translated messages."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r.message) for r in self.reasons))


@dataclass
class AssignmentProblem:
    """Input, all by position: case i is ``case_ids[i]``, expert j is ``expert_ids[j]``.

    * ``caps``: maximum reviews per expert (one int for all, or one per expert).
    * ``conflicts``: a boolean mask of shape (cases, experts), True = conflict
      (fastest for large instances), or an iterable of (case, expert) index pairs.
    * ``affinity``: an array of shape (cases, experts), a mapping
      {(case, expert): value} (missing pairs are 0), or None (all 0). Real
      values are fine; ``affinity_scale`` fixes the rounding scale instead of
      the automatic one.
    * ``locked``: (case, expert) index pairs of reviews already started.
    * ``evenness``, ``balance_weight``, ``seed``, ``fairness``: see the module docstring.
    * ``expert_names``: what messages call each expert (default: the ids).
    """

    case_ids: Sequence
    expert_ids: Sequence
    caps: Union[int, Sequence[int], np.ndarray]
    k: int = 3
    conflicts: Optional[PairsLike] = None
    affinity: Optional[Union[np.ndarray, Mapping]] = None
    locked: PairsLike = ()
    balance_weight: float = 5
    affinity_scale: Optional[float] = None
    evenness: str = "tiebreak"
    seed: int = 0
    fairness: bool = False
    expert_names: Optional[Sequence] = None

    @property
    def shape(self) -> tuple:
        return len(self.case_ids), len(self.expert_ids)

    def expert_labels(self) -> Sequence:
        return self.expert_ids if self.expert_names is None else self.expert_names

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
        """Affinities as a dense (cases, experts) matrix: int64 if all are integers, else float64."""
        if self.affinity is None:
            return np.zeros(self.shape, dtype=np.int64)
        if isinstance(self.affinity, Mapping):
            values = np.asarray(list(self.affinity.values()) or [0])
            matrix = np.zeros(self.shape, dtype=np.float64 if values.dtype.kind == "f" else np.int64)
            for (c, e), value in self.affinity.items():
                matrix[c, e] = value
        else:
            matrix = np.asarray(self.affinity)
            if matrix.shape != self.shape:
                raise ValueError(f"affinity has shape {matrix.shape}, expected {self.shape}")
        if matrix.dtype.kind in "biu":
            return matrix.astype(np.int64, copy=False)
        return matrix.astype(np.float64, copy=False)

    def locked_pairs(self) -> np.ndarray:
        """Locked pairs as a de-duplicated (n, 2) int64 array."""
        return np.unique(_pairs_array(self.locked), axis=0)


@dataclass
class AssignmentResult:
    """Output. ``pairs`` are (case, expert) indices, locked ones included, sorted.

    ``load[j]`` counts expert j's reviews (locked included); ``total_affinity``
    sums the affinity of all pairs; ``objective`` is the maximized value
    (``total_affinity``, minus the balance penalty with ``"tradeoff"``);
    ``bound`` is an upper bound of the total affinity any assignment filling
    as many slots can reach (so ``bound - total_affinity`` is what evenness,
    fairness or rounding cost, at most); ``worst_case_affinity`` is the lowest
    total affinity of a case; ``short_cases`` maps a case index to the number
    of reviewers it still lacks (empty when feasible); ``explanation`` lists
    :class:`Reason` items (anomalies and, when infeasible, why).
    """

    pairs: np.ndarray
    load: np.ndarray
    total_affinity: float
    objective: float
    short_cases: dict
    explanation: list = field(default_factory=list)
    bound: float = 0.0
    rounding_bound: float = 0.0
    worst_case_affinity: float = 0.0
    seed: int = 0
    evenness: str = "tiebreak"
    fairness: bool = False
    fairness_proven: bool = True

    @property
    def feasible(self) -> bool:
        return not self.short_cases

    @property
    def gap(self) -> float:
        """Relative distance to the pure-affinity bound."""
        return max(self.bound - self.total_affinity, 0.0) / max(abs(self.bound), 1e-12)

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
    locked_load: np.ndarray     # started reviews each expert holds
    locked_in_conflict: Optional[np.ndarray] = None  # per case: locked pairs now in conflict (never "eligible")


def _pairs_array(pairs: PairsLike) -> np.ndarray:
    array = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64)
    return array.reshape(-1, 2)


def ladder_top(problem: AssignmentProblem) -> int:
    """Load from which the balance penalty stops growing (see module docstring)."""
    n_cases, n_experts = problem.shape
    return 2 * -(-problem.k * n_cases // max(n_experts, 1)) + problem.k


def balance_penalty(load: np.ndarray, weight: float, top: int) -> float:
    """``weight * sum_{t < load} min(t, top)`` summed over experts."""
    load = np.asarray(load, dtype=np.int64)
    below = np.minimum(load, top)
    units = int(np.sum(below * (below - 1) // 2) + np.sum((load - below) * top))
    return weight * units


def validate(problem: AssignmentProblem) -> None:
    """Raise :class:`InvalidProblem` with translated reasons for input the solver cannot use."""
    reasons = []
    n_cases, n_experts = problem.shape
    names = problem.expert_labels()
    if int(problem.k) < 1:
        reasons.append(Reason("bad_k", _l("Each case needs at least one reviewer (got %(k)d).", k=int(problem.k))))
    try:
        caps = problem.caps_array()
    except (TypeError, ValueError):
        caps = None
        reasons.append(Reason("bad_caps", _l("Every expert needs a maximum load, a whole number.")))
    if caps is not None:
        for j in np.flatnonzero(caps < 0)[:5]:
            reasons.append(Reason("negative_cap", _l(
                "The maximum load of expert %(expert)s is %(cap)d; it cannot be negative.",
                expert=names[j], cap=int(caps[j])), experts=(problem.expert_ids[j],)))
    affinity = problem.affinity_matrix()
    if affinity.dtype.kind == "f":
        bad = ~np.isfinite(affinity)
        if bad.any():
            c, e = np.argwhere(bad)[0]
            reasons.append(Reason("bad_affinity", _l(
                "%(count)d affinities are not numbers (the first: case %(case)s, expert %(expert)s); "
                "give every pair a finite value.", count=int(bad.sum()), case=problem.case_ids[c],
                expert=names[e]), cases=(problem.case_ids[c],), experts=(problem.expert_ids[e],)))
    locked = problem.locked_pairs()
    if len(locked) and (locked.min() < 0 or locked[:, 0].max() >= n_cases or locked[:, 1].max() >= n_experts):
        reasons.append(Reason("bad_locked", _l("A started review names a case or an expert outside the problem.")))
    if problem.evenness not in EVENNESS:
        reasons.append(Reason("bad_evenness", _l("Unknown load evenness option %(value)s.", value=problem.evenness)))
    weight = problem.balance_weight
    if not (isinstance(weight, (int, float, np.integer, np.floating)) and np.isfinite(weight) and weight >= 0):
        reasons.append(Reason("bad_weight", _l("The weight of an even load must be a number of 0 or more.")))
    if reasons:
        raise InvalidProblem(reasons)


def solve(problem: AssignmentProblem) -> AssignmentResult:
    """Assign reviewers optimally; never raises on infeasible input.

    When every case can get k reviewers the result is an optimal complete
    assignment. Otherwise it is a maximum partial assignment (as many slots as
    possible, best objective among those) with ``short_cases`` and an
    ``explanation`` saying why. Raises :class:`InvalidProblem` for NaN
    affinities, negative caps and the like (:func:`validate`).
    """
    validate(problem)
    n_cases, n_experts = problem.shape
    k = int(problem.k)
    caps = problem.caps_array()
    affinity = problem.affinity_matrix()
    conflicts = problem.conflict_mask()
    locked = problem.locked_pairs()
    names = problem.expert_labels()

    locked_per_case = np.bincount(locked[:, 0], minlength=n_cases)
    locked_load = np.bincount(locked[:, 1], minlength=n_experts)
    need = np.maximum(k - locked_per_case, 0)
    remaining = np.maximum(caps - locked_load, 0)
    in_conflict = conflicts[locked[:, 0], locked[:, 1]]
    explanation = locked_reasons(problem.case_ids, names, k, caps, locked, locked[in_conflict], problem.expert_ids)

    # Reuse the conflict mask as the "allowed" mask to avoid a second 5M-cell array.
    allowed = np.logical_not(conflicts, out=conflicts)
    allowed[locked[:, 0], locked[:, 1]] = False
    allowed[need == 0, :] = False
    allowed[:, remaining == 0] = False

    # A seeded random order of cases and experts: ties go by lot, not by id.
    rng = np.random.default_rng(problem.seed)
    case_order, expert_order = rng.permutation(n_cases), rng.permutation(n_experts)
    shuffled = allowed[case_order][:, expert_order]
    per_case = np.count_nonzero(shuffled, axis=1)
    rows = case_order[np.repeat(np.arange(n_cases), per_case)].astype(np.int32)
    cols = expert_order[np.broadcast_to(np.arange(n_experts), shuffled.shape)[shuffled]].astype(np.int32)
    del shuffled
    net = _Network(rows, cols, need, remaining, locked_per_case, locked_load,
                   np.bincount(locked[in_conflict, 0], minlength=n_cases))
    values = affinity[rows, cols]
    top = ladder_top(problem)
    integral = affinity.dtype.kind != "f"

    proven, rounding, flows = True, 0.0, None
    pruned = None
    if problem.evenness in ("tiebreak", "off") and not problem.fairness and problem.affinity_scale is None:
        pruned = _solve_pruned(problem, allowed, case_order, expert_order, affinity, net, integral)
    if pruned is not None:
        small, flows, rounding, bound = pruned
        result = _assemble(problem, small, flows, affinity, locked, caps, names, explanation)
        result.rounding_bound, result.bound = float(rounding), float(max(bound, result.total_affinity))
        return result
    if problem.fairness:
        from .fairness import fair_flows
        flows, proven, notes = fair_flows(net, values, affinity, locked, names, problem.case_ids)
        explanation += notes
    if flows is None:
        # A tie-breaking ladder needs rungs only up to just past the even share: a shorter
        # ladder keeps the multiplier, so the cost range, and the solve time down.
        rungs = -(-k * n_cases // max(n_experts, 1)) + k if problem.evenness == "tiebreak" else top
        flows, rounding = _solve_flow(net, values, problem.evenness, problem.balance_weight, rungs,
                                      problem.affinity_scale, integral)
    result = _assemble(problem, net, flows, affinity, locked, caps, names, explanation)
    result.rounding_bound, result.fairness_proven = float(rounding), proven
    if problem.evenness == "tradeoff" and not problem.fairness:
        result.objective = result.total_affinity - balance_penalty(result.load, problem.balance_weight, top)
    # Rounding this fine cannot matter (the goal is a gap of 1e-5): no second solve.
    fine = rounding <= ROUNDING_TOLERANCE * max(1.0, abs(float(result.total_affinity)))
    if not problem.fairness and (problem.evenness == "off" or (problem.evenness == "tiebreak" and fine)):
        result.bound = float(result.total_affinity + rounding)
        return result
    # The pure-affinity optimum, solved at the finest scale: the bound shown next to the total.
    pure, pure_rounding = _solve_flow(net, values, "off", 0, top, problem.affinity_scale, integral)
    pure_total = float(values[pure.astype(bool)].sum()) + float(
        affinity[locked[:, 0], locked[:, 1]].sum() if len(locked) else 0)
    if (problem.evenness == "tiebreak" and not problem.fairness
            and pure_total > result.total_affinity + 1e-12 * max(1.0, abs(pure_total))):
        # The lexicographic scale was coarser than this instance needs: affinity comes first.
        result = _assemble(problem, net, pure, affinity, locked, caps, names, explanation)
        result.rounding_bound = float(pure_rounding)
    result.bound = float(max(pure_total + pure_rounding, result.total_affinity))
    return result


def candidates_per_case(k):
    """How many of its best experts each case offers the solver first (see _solve_pruned)."""
    return max(4 * k, 16)


def _solve_pruned(problem, allowed, case_order, expert_order, affinity, net, integral):
    """Solve on each case's best candidates only, and keep the result if it is proven optimal.

    Each case offers its ``candidates_per_case`` best experts (ties by the seeded lot); the
    solution of that small network is accepted only when it fills every slot and the dual
    certificate (certificate.py) shows that no assignment over all the pairs has more affinity
    (beyond the rounding). Otherwise None: the caller solves the full network. A far smaller
    network: 20 times fewer arcs at 10,000 x 500, so a fraction of the time and memory.
    Returns (network, flows, rounding, bound) or None."""
    from .certificate import open_bound

    n_cases, n_experts = allowed.shape
    keep = candidates_per_case(int(problem.k))
    if n_experts <= 2 * keep or int(net.need.sum()) == 0:
        return None
    shuffled = allowed[case_order][:, expert_order]
    low = affinity.min() - 1 if affinity.size else 0
    score = np.where(shuffled, affinity[case_order][:, expert_order], low)
    best = np.argpartition(score, n_experts - keep, axis=1)[:, n_experts - keep:]
    del score
    small_mask = np.zeros_like(shuffled)
    small_mask[np.arange(n_cases)[:, None], best] = True
    small_mask &= shuffled
    del shuffled, best
    per_case = np.count_nonzero(small_mask, axis=1)
    rows = case_order[np.repeat(np.arange(n_cases), per_case)].astype(np.int32)
    cols = expert_order[np.broadcast_to(np.arange(n_experts), small_mask.shape)[small_mask]].astype(np.int32)
    del small_mask
    small = _Network(rows, cols, net.need, net.remaining, net.locked_per_case, net.locked_load,
                     net.locked_in_conflict)
    values = affinity[rows, cols]
    top = -(-int(problem.k) * n_cases // max(n_experts, 1)) + int(problem.k)
    flows, rounding = _solve_flow(small, values, problem.evenness, problem.balance_weight, top, None, integral)
    chosen_arcs = flows.astype(bool)
    if int(np.count_nonzero(chosen_arcs)) != int(net.need.sum()):
        return None                                   # short on the candidates: maybe not on all pairs
    chosen = np.zeros(allowed.shape, dtype=bool)
    chosen[rows[chosen_arcs], cols[chosen_arcs]] = True
    bound = open_bound(affinity, allowed, net.need, net.remaining, chosen)
    total = float(values[chosen_arcs].sum())
    if bound - total > rounding + 1e-9 * max(1.0, abs(total)):
        return None                                   # not proven: the full network decides
    locked_total = 0.0
    if problem.locked_pairs().size:
        locked = problem.locked_pairs()
        locked_total = float(affinity[locked[:, 0], locked[:, 1]].sum())
    return small, flows, rounding, bound + locked_total


def _assemble(problem, net, flows, affinity, locked, caps, names, explanation):
    """The result of a flow on the network's case -> expert arcs."""
    n_cases, n_experts = problem.shape
    chosen = flows.astype(bool)
    pairs = np.concatenate([locked, np.column_stack([net.rows[chosen], net.cols[chosen]])])
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    pair_values = affinity[pairs[:, 0], pairs[:, 1]]
    total = pair_values.sum().item() if len(pairs) else 0
    case_totals = np.bincount(pairs[:, 0], weights=pair_values.astype(np.float64), minlength=n_cases)
    lacking = net.need - np.bincount(net.rows[chosen], minlength=n_cases)
    short_cases = {int(c): int(lacking[c]) for c in np.flatnonzero(lacking > 0)}
    explanation = list(explanation)
    if short_cases:
        explanation += diagnose(net, problem.case_ids, problem.expert_ids, int(problem.k), caps,
                                int(np.count_nonzero(chosen)), names)
    return AssignmentResult(
        pairs=pairs, load=np.bincount(pairs[:, 1], minlength=n_experts), total_affinity=total,
        objective=total, short_cases=short_cases, explanation=explanation,
        worst_case_affinity=float(case_totals.min()) if n_cases else 0.0, seed=int(problem.seed),
        evenness=problem.evenness, fairness=bool(problem.fairness))


def _solve_flow(net, values, evenness, weight, top, fixed_scale, integral):
    """Flows (0/1 per case -> expert arc) of the optimum, and the rounding bound on its affinity."""
    n_cases, n_experts = len(net.need), len(net.remaining)
    total_need = int(net.need.sum())
    if total_need == 0 or len(net.rows) == 0:
        return np.zeros(len(net.rows), dtype=np.int64), 0.0
    degree = np.bincount(net.cols, minlength=n_experts)
    room = np.minimum(net.remaining, degree)          # reviews expert e can still take here
    locked_load = net.locked_load                      # rungs count from the started load
    nodes = n_cases + n_experts + 2
    budget = min(_COST_CEILING, _INT64_SAFE // (4 * (nodes + 1)), _INT64_SAFE // (4 * (total_need + 1)))

    best = values.max()
    spread = float(best - values.min())
    ladder = evenness in ("tiebreak", "tradeoff")
    if evenness == "tiebreak":
        # Any ladder total is below `multiplier`, so one unit of affinity outweighs all evenness.
        multiplier = total_need * top + 1
        room_for_affinity = budget // multiplier
    else:
        multiplier = 1
        room_for_affinity = budget
    reach = spread + (weight * top if evenness == "tradeoff" else 0)
    if fixed_scale is not None:
        scale = float(fixed_scale)
    elif integral and reach <= room_for_affinity and (evenness != "tradeoff" or float(weight).is_integer()):
        scale = 1.0                                     # integers as they are: exact
    else:
        scale = room_for_affinity / reach if reach > 0 else 1.0
    if integral and scale == 1.0:
        pair_cost = (best - values).astype(np.int64)
        rounding = 0.0
    else:
        pair_cost = np.rint((best - values) * scale).astype(np.int64)
        rounding = total_need / scale                   # each chosen arc is off by 1/(2 scale), twice
    pair_cost *= multiplier

    if ladder:
        ceiling = locked_load + room
        rung_count = np.maximum(np.minimum(ceiling, top) - locked_load, 0)
        rung_expert = np.repeat(np.arange(n_experts), rung_count)
        rung_level = (np.arange(rung_count.sum())
                      - np.repeat(np.cumsum(rung_count) - rung_count, rung_count)
                      + np.repeat(locked_load, rung_count))
        flat_from = np.maximum(locked_load, top)
        flat_experts = np.flatnonzero(ceiling > flat_from)
        flat_capacity = ceiling[flat_experts] - flat_from[flat_experts]
        step = 1 if evenness == "tiebreak" else weight * scale
        rung_cost = np.rint(rung_level * step).astype(np.int64)
        flat_cost = np.full(len(flat_experts), int(round(top * step)), dtype=np.int64)
    else:
        rung_expert = rung_cost = np.zeros(0, dtype=np.int64)
        flat_experts = np.flatnonzero(room > 0)
        flat_capacity, flat_cost = room[flat_experts], np.zeros(len(flat_experts), dtype=np.int64)
    return _min_cost_flow(net, pair_cost, rung_expert, rung_cost, flat_experts, flat_capacity, flat_cost), rounding


def _min_cost_flow(net, pair_cost, rung_expert, rung_cost, flat_experts, flat_capacity, flat_cost):
    """Solve the network; return the flow (0/1) on each case -> expert arc."""
    n_cases = len(net.need)
    n_experts = len(net.remaining)
    source, sink = n_cases + n_experts, n_cases + n_experts + 1
    total_need = int(net.need.sum())
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
    tails[rungs_], heads[rungs_], costs[rungs_] = rung_expert + n_cases, sink, rung_cost
    tails[flat_], heads[flat_] = flat_experts + n_cases, sink
    capacities[flat_], costs[flat_] = flat_capacity, flat_cost

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
    name = problem.expert_labels()[expert]
    load = int(np.count_nonzero(current[:, 1] == expert))
    cap = int(problem.caps_array()[expert])
    reviewers = int(np.count_nonzero(current[:, 0] == case))
    conflict = _is_conflict(problem.conflicts, case, expert)
    duplicate = bool(np.any((current[:, 0] == case) & (current[:, 1] == expert)))
    reasons = pair_reasons(case_id, expert_id, name, conflict=conflict, duplicate=duplicate,
                           load=load, cap=cap, reviewers=reviewers, k=problem.k)
    return PairCheck(allowed=not reasons, reasons=reasons)


def pair_reasons(case_id, expert_id, name, *, conflict, duplicate, load, cap, reviewers, k):
    """The reasons that block adding one reviewer; the expert is called by `name`."""
    reasons = []
    if conflict:
        reasons.append(Reason("conflict", _l(
            "Expert %(expert)s has a conflict of interest with case %(case)s.",
            expert=name, case=case_id), cases=(case_id,), experts=(expert_id,)))
    if duplicate:
        reasons.append(Reason("duplicate", _l(
            "Expert %(expert)s is already assigned to case %(case)s.",
            expert=name, case=case_id), cases=(case_id,), experts=(expert_id,)))
    if load >= cap:
        reasons.append(Reason("at_cap", _l(
            "Expert %(expert)s already has %(load)d reviews; the cap is %(cap)d.",
            expert=name, load=load, cap=cap), experts=(expert_id,)))
    if reviewers >= k:
        reasons.append(Reason("case_full", _l(
            "Case %(case)s already has %(count)d of %(k)d reviewers; remove one first.",
            case=case_id, count=reviewers, k=k), cases=(case_id,)))
    return reasons


def _is_conflict(conflicts: Any, case: int, expert: int) -> bool:
    if conflicts is None:
        return False
    if isinstance(conflicts, np.ndarray) and conflicts.dtype == bool:
        return bool(conflicts[case, expert])
    if isinstance(conflicts, (set, frozenset)):
        return (case, expert) in conflicts
    return any(int(c) == case and int(e) == expert for c, e in conflicts)
