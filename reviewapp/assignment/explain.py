"""Structured, user-facing reasons why an assignment is incomplete or unusual.

Every reason carries a ``code`` for programs, the ids it concerns, the number of
missing reviewers where that applies, and a lazily translated ``message``.
The infeasibility diagnosis reports, from cheapest to most subtle:

1. cases whose eligible experts (no conflict, capacity left) are fewer than k;
2. a total capacity shortfall: k * cases versus the sum of the caps;
3. a Hall-type shortfall read off the minimum cut of the max-flow network: a
   group of cases that together need more reviews than the experts allowed
   to review them can give, even though each case and the total look fine;
4. a summary: how many reviewer slots could be filled at all.
"""
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from flask_babel import lazy_gettext as _l
from ortools.graph.python import max_flow

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Reason:
    """One explanation item; ``str(reason.message)`` renders it in the current locale."""

    code: str
    message: Any
    cases: tuple = ()
    experts: tuple = ()
    missing: int = 0

    def stored(self) -> dict:
        """A JSON-ready copy that :meth:`from_stored` turns back into a translated Reason."""
        text, params = self.message._args[0], self.message._kwargs
        return {"code": self.code, "text": text, "params": {key: _plain(v) for key, v in params.items()},
                "cases": [_plain(c) for c in self.cases], "experts": [_plain(e) for e in self.experts],
                "missing": int(self.missing)}

    @classmethod
    def from_stored(cls, data: dict) -> "Reason":
        text = data["text"]  # the msgid the message was made with: translated again when shown
        return cls(data["code"], _l(text, **data["params"]), tuple(data["cases"]),
                   tuple(data["experts"]), data["missing"])


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value if isinstance(value, (int, float)) else str(value)


def _sample(ids: Sequence, indices) -> str:
    """A short comma-separated list of ids for messages, elided after a few."""
    shown = [str(ids[i]) for i in list(indices)[:SAMPLE_SIZE]]
    return ", ".join(shown) + (", …" if len(indices) > SAMPLE_SIZE else "")


def locked_reasons(case_ids, names, k, caps, locked, locked_conflicts, expert_ids=None) -> list:
    """Reasons about started reviews that break a rule; they are kept anyway.
    Messages call expert j ``names[j]``; ``expert_ids`` (default: the names) go into ``experts``."""
    expert_ids = names if expert_ids is None else expert_ids
    reasons = []
    for c, e in locked_conflicts:
        reasons.append(Reason(
            "locked_conflict",
            _l("Case %(case)s and expert %(expert)s have a conflict of interest, "
               "but the review has already started, so it was kept.",
               case=case_ids[c], expert=names[e]),
            cases=(case_ids[c],), experts=(expert_ids[e],)))
    per_case = np.bincount(locked[:, 0], minlength=len(case_ids))
    for c in np.flatnonzero(per_case > k):
        reasons.append(Reason(
            "locked_over_k",
            _l("Case %(case)s already has %(count)d started reviews, more than "
               "the %(k)d required.", case=case_ids[c], count=int(per_case[c]), k=k),
            cases=(case_ids[c],)))
    per_expert = np.bincount(locked[:, 1], minlength=len(expert_ids))
    for e in np.flatnonzero(per_expert > caps):
        reasons.append(Reason(
            "locked_over_cap",
            _l("Expert %(expert)s already has %(count)d started reviews, more than "
               "the cap of %(cap)d.", expert=names[e], count=int(per_expert[e]),
               cap=int(caps[e])),
            experts=(expert_ids[e],)))
    return reasons


def diagnose(net, case_ids, expert_ids, k, caps, assigned_new, names=None) -> list:
    """Explain why only ``assigned_new`` of ``net.need.sum()`` open slots were filled.
    Messages call expert j ``names[j]`` (default: its id).

    ``net`` is the solver's network (arrays ``rows``, ``cols``, ``need``,
    ``remaining``, ``locked_per_case``).
    """
    reasons = []
    # A started review in conflict of interest is kept, but its expert is not "eligible".
    in_conflict = getattr(net, "locked_in_conflict", None)
    eligible = (net.locked_per_case - (0 if in_conflict is None else in_conflict)
                + np.bincount(net.rows, minlength=len(case_ids)))
    for c in np.flatnonzero(eligible < k):
        missing = int(k - eligible[c])
        reasons.append(Reason(
            "case_lacks_experts",
            _l("Case %(case)s needs %(k)d reviewers but only %(available)d experts "
               "are eligible (no conflict of interest, capacity left); short by "
               "%(missing)d.",
               case=case_ids[c], available=int(eligible[c]), k=k, missing=missing),
            cases=(case_ids[c],), missing=missing))

    needed, capacity = k * len(case_ids), int(np.sum(caps))
    if needed > capacity:
        reasons.append(Reason(
            "capacity_shortfall",
            _l("%(cases)d cases need %(k)d reviewers each, %(needed)d reviews in "
               "total, but the experts' caps add up to only %(capacity)d; short "
               "by %(missing)d.", cases=len(case_ids), k=k, needed=needed,
               capacity=capacity, missing=needed - capacity),
            missing=needed - capacity))

    total_open = int(net.need.sum())
    short_by = total_open - assigned_new
    # Look for a group of cases only if the simple reasons leave part of the
    # shortfall unexplained.
    explained = max([0] + [r.missing for r in reasons if r.code == "capacity_shortfall"]
                    + [sum(r.missing for r in reasons if r.code == "case_lacks_experts")])
    if short_by > explained:
        group = _hall_shortfall(net, case_ids, expert_ids, expert_ids if names is None else names)
        if group is not None:
            reasons.append(group)

    reasons.append(Reason(
        "unfilled_slots",
        _l("Only %(assigned)d of the %(needed)d open reviewer slots could be "
           "filled; short by %(missing)d.",
           assigned=assigned_new, needed=total_open, missing=short_by),
        missing=short_by))
    return reasons


def _hall_shortfall(net, case_ids, expert_ids, names):
    """The group of cases behind the max-flow minimum cut, if it says something new.

    On the source side of the minimum cut lie cases X and experts Y. Cases of X
    with no arc into Y are single cases short of eligible experts (reported
    already); the rest need more reviews than Y's remaining capacity plus their
    arcs to experts outside Y can supply. Returns ``None`` if there is no such
    group.
    """
    n_cases, n_experts = len(case_ids), len(expert_ids)
    source, sink = n_cases + n_experts, n_cases + n_experts + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.concatenate([net.rows, np.full(n_cases, source), n_cases + np.arange(n_experts)]).astype(np.int32),
        np.concatenate([n_cases + net.cols, np.arange(n_cases), np.full(n_experts, sink)]).astype(np.int32),
        np.concatenate([np.ones(len(net.rows)), net.need, net.remaining]).astype(np.int64))
    if flow.solve(source, sink) != flow.OPTIMAL:
        return None
    side = np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)
    in_x = np.zeros(n_cases, bool)
    in_x[side[side < n_cases]] = True
    in_y = np.zeros(n_experts, bool)
    in_y[side[(side >= n_cases) & (side < source)] - n_cases] = True

    arc_from_x = in_x[net.rows]
    arc_to_y = in_y[net.cols]
    group = np.zeros(n_cases, bool)
    group[net.rows[arc_from_x & arc_to_y]] = True
    if not group.any():
        return None
    needed = int(net.need[group].sum())
    available = int(net.remaining[in_y].sum()) + int(np.count_nonzero(group[net.rows] & ~arc_to_y))
    missing = needed - available
    if missing <= 0:
        return None
    cases = np.flatnonzero(group)
    experts = np.flatnonzero(in_y)
    return Reason(
        "group_shortfall",
        _l("Cases %(cases)s (%(count)d in all) need %(needed)d more reviewers, but "
           "the experts allowed to review them can take at most %(available)d "
           "more; short by %(missing)d. Raise the caps of experts %(experts)s "
           "or find more experts for these cases.", cases=_sample(case_ids, cases), count=len(cases),
           needed=needed, available=available, missing=missing,
           experts=_sample(names, experts)),
        cases=tuple(case_ids[c] for c in cases),
        experts=tuple(expert_ids[e] for e in experts),
        missing=missing)
