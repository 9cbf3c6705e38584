"""Exact selection of the excellent cases within the quota and group limits.

A case may belong to groups of several dimensions (theme, organization type,
province, ...), and in one dimension to several values (two themes). Each
``GroupLimit`` asks for at least ``minimum`` and/or at most ``maximum``
selected cases in one group. The proposal is the solution of an integer
program, not a greedy pass, optimized lexicographically:

1. as many cases as possible, up to the quota (group maximums may make the
   quota unreachable; that is reported as a warning);
2. the largest sum of calibrated scores, rounded to 6 decimals, as in the
   ranking, so that scores that tie in the ranking tie here too;
3. the smallest sum of ranks: among sets equal on 1 and 2, better-ranked
   cases win, so a case never loses a seat to a tied case ranked below it.

Stages 1 and 2 are one integer objective (a seat is worth more than any
score difference could add up to), stage 3 is solved with stage 1-2's
optimum pinned. Solver: OR-Tools CP-SAT, single worker (deterministic), in
exact integer arithmetic. Measured on 3,000 cases with 50 group limits,
quota 130, 2 cores: scipy 1.17 ``milp`` (HiGHS) took ~0.3-0.4 s and CP-SAT
~1.0 s (each solve is ~0.4 s, mostly presolve). CP-SAT was chosen all the
same: its integer arithmetic leaves no tolerance on objectives with
10^7-sized coefficients (HiGHS accepts 1e-6 integrality slack, which such
coefficients turn into whole score units), and its assumption cores explain
infeasible limits in one solve. A second a campaign is no cost here.

Infeasible limits produce user-facing messages: clear causes are checked
first (minimum above maximum, above the quota, above the group's size,
minimums of one dimension adding up to more than the quota); otherwise the
conflicting limits are found from an assumption core, shrunk to a minimal
set, and listed.
"""
from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from ortools.sat.python import cp_model

from .aggregation import TIE_DECIMALS

SOLVER_TIME_LIMIT_S = 60.0


@dataclass(frozen=True)
class Candidate:
    """A ranked case: ``groups`` maps dimension -> value or collection of values."""
    case_id: Hashable
    score: float
    rank: int
    groups: Mapping[str, Hashable | Iterable[Hashable]] = field(default_factory=dict)

    def memberships(self) -> set[tuple[str, Hashable]]:
        out = set()
        for dimension, value in self.groups.items():
            values = value if isinstance(value, (set, frozenset, list, tuple)) else (value,)
            out.update((dimension, v) for v in values)
        return out


@dataclass(frozen=True)
class GroupLimit:
    """At least ``minimum`` and at most ``maximum`` (None: no cap) selected in a group."""
    dimension: str
    value: Hashable
    minimum: int = 0
    maximum: int | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        return self.label or f"{self.dimension}: {self.value}"

    def describe(self):
        if self.maximum is None:
            return _l("%(group)s: minimum %(minimum)s", group=self.name, minimum=self.minimum)
        if not self.minimum:
            return _l("%(group)s: maximum %(maximum)s", group=self.name, maximum=self.maximum)
        return _l("%(group)s: minimum %(minimum)s, maximum %(maximum)s",
                  group=self.name, minimum=self.minimum, maximum=self.maximum)


@dataclass(frozen=True)
class SelectionResult:
    """``selected`` in rank order; ``errors`` non-empty iff infeasible."""
    feasible: bool
    selected: list[Hashable]
    total_score: float
    rank_sum: int
    group_counts: dict[tuple[str, Hashable], int]
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    solve_seconds: float = 0.0


def _membership_index(candidates: Sequence[Candidate]) -> dict[tuple[str, Hashable], list[int]]:
    """(dimension, value) -> positions of the candidates in that group."""
    index: dict[tuple[str, Hashable], list[int]] = {}
    for i, c in enumerate(candidates):
        for key in c.memberships():
            index.setdefault(key, []).append(i)
    return index


def _members(index: Mapping[tuple[str, Hashable], list[int]], limit: GroupLimit) -> list[int]:
    return index.get((limit.dimension, limit.value), [])


def _validate(index, limits: Sequence[GroupLimit], quota) -> list:
    """Messages for limits that are infeasible on their own or by simple counting."""
    if not isinstance(quota, int) or isinstance(quota, bool) or quota < 1:
        return [_l("The quota must be a whole number of at least 1.")]
    errors = []
    for limit in limits:
        if limit.minimum < 0 or (limit.maximum is not None and limit.maximum < 0):
            errors.append(_l("%(group)s: limits must be whole numbers of at least 0.", group=limit.name))
        elif limit.maximum is not None and limit.minimum > limit.maximum:
            errors.append(_l("%(group)s: the minimum (%(minimum)s) is greater than the maximum (%(maximum)s).",
                             group=limit.name, minimum=limit.minimum, maximum=limit.maximum))
        elif limit.minimum > quota:
            errors.append(_l("%(group)s: the minimum (%(minimum)s) is above the quota (%(quota)s).",
                             group=limit.name, minimum=limit.minimum, quota=quota))
        else:
            available = len(_members(index, limit))
            if limit.minimum > available:
                errors.append(_l("%(group)s: the minimum (%(minimum)s) is above the number of "
                                 "candidate cases in the group (%(available)s).",
                                 group=limit.name, minimum=limit.minimum, available=available))
    if errors:
        return errors
    by_dimension: dict[str, list[GroupLimit]] = {}
    for limit in limits:
        if limit.minimum > 0:
            by_dimension.setdefault(limit.dimension, []).append(limit)
    for dimension, dim_limits in by_dimension.items():
        member_sets = [set(_members(index, lim)) for lim in dim_limits]
        disjoint = sum(map(len, member_sets)) == len(set().union(*member_sets))
        total = sum(lim.minimum for lim in dim_limits)
        if disjoint and total > quota:
            errors.append(_l("The minimums for %(dimension)s add up to %(total)s, more than the quota of %(quota)s.",
                             dimension=dimension, total=total, quota=quota))
    return errors


class _Model:
    """The CP-SAT model: one boolean per candidate, one enforcement literal per limit."""

    def __init__(self, index, n: int, limits: Sequence[GroupLimit], quota: int):
        self.model = cp_model.CpModel()
        self.x = [self.model.NewBoolVar(f"x{i}") for i in range(n)]
        self.model.Add(cp_model.LinearExpr.Sum(self.x) <= quota)
        self.enforce = []
        for k, limit in enumerate(limits):
            lit = self.model.NewBoolVar(f"limit{k}")
            self.enforce.append(lit)
            count = cp_model.LinearExpr.Sum([self.x[i] for i in _members(index, limit)])
            if limit.minimum:
                self.model.Add(count >= limit.minimum).OnlyEnforceIf(lit)
            if limit.maximum is not None:
                self.model.Add(count <= limit.maximum).OnlyEnforceIf(lit)

    def solver(self) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = SOLVER_TIME_LIMIT_S
        return solver


def _feasible(index, n: int, limits, quota) -> bool:
    m = _Model(index, n, limits, quota)
    m.model.AddBoolAnd(m.enforce)
    return m.solver().Solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _conflict(index, n: int, limits: Sequence[GroupLimit], quota: int) -> list[GroupLimit]:
    """A minimal set of limits that cannot hold together (core, then deletion filter)."""
    m = _Model(index, n, limits, quota)
    m.model.AddAssumptions(m.enforce)
    solver = m.solver()
    if solver.Solve(m.model) != cp_model.INFEASIBLE:
        return list(limits)
    position = {lit.Index(): k for k, lit in enumerate(m.enforce)}
    core = [limits[position[v]] for v in solver.SufficientAssumptionsForInfeasibility() if v in position]
    core = core or list(limits)
    k = 0
    while k < len(core):
        trial = core[:k] + core[k + 1:]
        if trial and not _feasible(index, n, trial, quota):
            core = trial
        else:
            k += 1
    return core


def _score_units(score: float) -> int:
    return int(round(round(score, TIE_DECIMALS) * 10 ** TIE_DECIMALS))


def select_cases(
    candidates: Sequence[Candidate],
    quota: int,
    limits: Sequence[GroupLimit] = (),
) -> SelectionResult:
    """Propose the best set within the quota and group limits (exact, see module doc)."""
    ids = [c.case_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("candidate case ids must be unique")
    started = time.perf_counter()
    index = _membership_index(candidates)
    errors = _validate(index, limits, quota)
    if errors:
        return SelectionResult(False, [], 0.0, 0, {}, errors=errors)
    m = _Model(index, len(candidates), limits, quota)
    m.model.AddBoolAnd(m.enforce)
    units = [_score_units(c.score) for c in candidates]
    low = min(units, default=0)
    seat = (max(units, default=0) - low) * min(quota, len(candidates)) + 1
    weights = [seat + u - low for u in units]
    primary = cp_model.LinearExpr.WeightedSum(m.x, weights)
    m.model.Maximize(primary)
    solver = m.solver()
    status = solver.Solve(m.model)
    if status == cp_model.INFEASIBLE:
        conflict = _conflict(index, len(candidates), limits, quota)
        errors = [_l("These requirements cannot all be met together with a quota of %(quota)s:", quota=quota)]
        errors += [limit.describe() for limit in conflict]
        return SelectionResult(False, [], 0.0, 0, {}, errors=errors,
                               solve_seconds=time.perf_counter() - started)
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"selection solver stopped with status {solver.StatusName(status)}")
    # Pin the optimum in integer arithmetic rather than via the float ObjectiveValue().
    best = sum(w for w, var in zip(weights, m.x) if solver.Value(var))
    m.model.Add(primary == best)
    top = max((c.rank for c in candidates), default=0) + 1
    m.model.Maximize(cp_model.LinearExpr.WeightedSum(m.x, [top - c.rank for c in candidates]))
    for var in m.x:
        m.model.AddHint(var, solver.Value(var))
    status = solver.Solve(m.model)
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"selection solver stopped with status {solver.StatusName(status)}")
    chosen = sorted((c for c, var in zip(candidates, m.x) if solver.Value(var)), key=lambda c: c.rank)
    return SelectionResult(
        feasible=True,
        selected=[c.case_id for c in chosen],
        total_score=sum(c.score for c in chosen),
        rank_sum=sum(c.rank for c in chosen),
        group_counts=group_counts(chosen, limits),
        warnings=_shortfall(len(chosen), len(candidates), quota),
        solve_seconds=time.perf_counter() - started,
    )


def _shortfall(selected: int, available: int, quota: int) -> list:
    if selected >= quota:
        return []
    if available < quota:
        return [_l("The number of candidate cases (%(available)s) is below the quota of %(quota)s.",
                   available=available, quota=quota)]
    return [_l("The group maximums allow only %(selected)s of the %(quota)s places to be filled.",
               selected=selected, quota=quota)]


def group_counts(chosen: Iterable[Candidate], limits: Sequence[GroupLimit]) -> dict[tuple[str, Hashable], int]:
    """(dimension, value) -> number of chosen cases, for every limited group."""
    counts = {(lim.dimension, lim.value): 0 for lim in limits}
    for c in chosen:
        for key in c.memberships():
            if key in counts:
                counts[key] += 1
    return counts


@dataclass(frozen=True)
class Deviation:
    """A difference between the final and the proposed selection; each needs a reason.

    ``kind`` is ``"added"`` (selected although not proposed) or ``"dropped"``
    (proposed but not selected). For an added case, ``passed_over`` counts the
    better-ranked candidates that are not in the final selection.
    """
    case_id: Hashable
    kind: str
    rank: int
    score: float
    passed_over: int
    message: object


def compare_selection(
    proposed: Iterable[Hashable],
    final: Iterable[Hashable],
    candidates: Sequence[Candidate],
) -> list[Deviation]:
    """Deviations of ``final`` from ``proposed``: dropped cases, then added, each by rank."""
    by_id = {c.case_id: c for c in candidates}
    proposed_set, final_set = set(proposed), set(final)
    unknown = (proposed_set | final_set) - set(by_id)
    if unknown:
        raise ValueError(f"not candidate cases: {sorted(map(str, unknown))}")
    dropped = sorted((by_id[i] for i in proposed_set - final_set), key=lambda c: c.rank)
    added = sorted((by_id[i] for i in final_set - proposed_set), key=lambda c: c.rank)
    out = [Deviation(c.case_id, "dropped", c.rank, c.score, 0,
                     _l("Case %(case)s (rank %(rank)s) was proposed but is not in the final selection.",
                        case=c.case_id, rank=c.rank))
           for c in dropped]
    for c in added:
        passed = sum(1 for o in candidates if o.rank < c.rank and o.case_id not in final_set)
        out.append(Deviation(c.case_id, "added", c.rank, c.score, passed,
                             _l("Case %(case)s (rank %(rank)s) was added out of rank order; "
                                "better-ranked cases not selected: %(passed)s.",
                                case=c.case_id, rank=c.rank, passed=passed)))
    return out


def check_selection(
    final: Iterable[Hashable],
    candidates: Sequence[Candidate],
    quota: int,
    limits: Sequence[GroupLimit] = (),
) -> list:
    """User-facing messages for every quota or group limit that ``final`` breaks."""
    by_id = {c.case_id: c for c in candidates}
    chosen = [by_id[i] for i in set(final) if i in by_id]
    problems = []
    if len(chosen) > quota:
        problems.append(_l("%(selected)s cases are selected, more than the quota of %(quota)s.",
                           selected=len(chosen), quota=quota))
    counts = group_counts(chosen, limits)
    for limit in limits:
        count = counts[(limit.dimension, limit.value)]
        if count < limit.minimum:
            problems.append(_l("%(group)s: %(count)s selected, below the minimum of %(minimum)s.",
                               group=limit.name, count=count, minimum=limit.minimum))
        if limit.maximum is not None and count > limit.maximum:
            problems.append(_l("%(group)s: %(count)s selected, above the maximum of %(maximum)s.",
                               group=limit.name, count=count, maximum=limit.maximum))
    return problems


def candidates_from_results(results: Iterable, groups: Mapping[Hashable, Mapping[str, object]]) -> list[Candidate]:
    """Candidates from ranked ``CaseResult``s (calibrated score, rank) and case id -> groups."""
    return [Candidate(r.case_id, r.calibrated, r.rank, dict(groups.get(r.case_id, {}))) for r in results]
