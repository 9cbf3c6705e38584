"""An independent upper bound on the pure-affinity optimum: a dual certificate.

For the assignment LP (each open case i takes need_i allowed experts, expert j
at most rem_j more reviews, 0 <= x <= 1), any prices v >= 0 on the experts give
the weak-duality bound

    UB(v) = sum_j rem_j v_j + sum_i (sum of the need_i largest a_ij - v_j over allowed j)

plus the affinity of the started reviews. Good prices come from an assignment
believed optimal: complementary slackness asks, for every case, that each
assigned expert j and each unassigned allowed expert l satisfy
v_j - v_l <= a_ij - a_il, with v = 0 for experts under their cap. Those are
difference constraints, solved as shortest paths over the experts. If the
assignment is optimal the bound equals its affinity; if not, the bound is still
valid, only looser. So ``(bound - total) / bound`` is a true optimality gap
computed without the min-cost flow (used by ``python -m bench assignment``).
"""
import numpy as np


def dual_bound(problem, pairs):
    """Upper bound on the total affinity of any assignment that fills every open slot.

    ``pairs``: the (case, expert) index pairs of the assignment to take prices
    from (started pairs included). Returns None when some case cannot be served."""
    n_cases, n_experts = problem.shape
    affinity = problem.affinity_matrix().astype(np.float64)
    caps = problem.caps_array()
    locked = problem.locked_pairs()
    locked_per_case = np.bincount(locked[:, 0], minlength=n_cases)
    locked_load = np.bincount(locked[:, 1], minlength=n_experts)
    need = np.maximum(problem.k - locked_per_case, 0)
    rem = np.maximum(caps - locked_load, 0)
    allowed = ~problem.conflict_mask()
    allowed[locked[:, 0], locked[:, 1]] = False
    allowed[need == 0, :] = False
    allowed[:, rem == 0] = False
    if np.any(allowed.sum(axis=1) < need):
        return None
    locked_total = float(affinity[locked[:, 0], locked[:, 1]].sum()) if len(locked) else 0.0
    chosen = np.zeros((n_cases, n_experts), dtype=bool)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    chosen[pairs[:, 0], pairs[:, 1]] = True
    return locked_total + open_bound(affinity, allowed, need, rem, chosen & allowed)


def open_bound(affinity, allowed, need, rem, chosen):
    """The bound of the open slots alone: prices from `chosen` (a mask of allowed pairs)."""
    n_experts = affinity.shape[1]
    affinity = affinity.astype(np.float64, copy=False)
    prices = _prices(affinity, allowed, chosen, rem - chosen.sum(axis=0) > 0)
    k_max = int(need.max(initial=0))
    if k_max == 0:
        return 0.0
    reduced = np.where(allowed, affinity - prices[None, :], -np.inf)
    top = -np.sort(-np.partition(reduced, n_experts - k_max, axis=1)[:, n_experts - k_max:], axis=1) \
        if k_max < n_experts else -np.sort(-reduced, axis=1)
    take = np.arange(top.shape[1])[None, :] < need[:, None]
    return float(np.sum(rem * prices)) + float(np.where(take, top, 0.0).sum())


def _prices(affinity, allowed, chosen, has_room):
    """Expert prices v >= 0 from the assignment `chosen` (shortest paths, see the module docstring)."""
    n_cases, n_experts = affinity.shape
    # weight[l, j] = min over cases holding j but not l (allowed) of a_ij - a_il.
    weight = np.full((n_experts, n_experts), np.inf)
    free = np.where(allowed & ~chosen, affinity, np.nan)
    rows, cols = np.nonzero(chosen)
    order = np.argsort(cols, kind="stable")
    rows, cols = rows[order], cols[order]
    for start in range(0, len(rows), 2000):                  # bounded memory: 2,000 slots at a time
        r, c = rows[start:start + 2000], cols[start:start + 2000]
        gaps = affinity[r, c][:, None] - free[r]               # (slots, experts), NaN where l is not free
        gaps[np.isnan(gaps)] = np.inf
        # Slots are sorted by expert: one minimum per expert of this chunk.
        heads = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        weight_t = weight.T
        weight_t[c[heads]] = np.minimum(weight_t[c[heads]], np.minimum.reduceat(gaps, heads, axis=0))
    spread = float(np.nanmax(affinity) - np.nanmin(affinity)) + 1.0 if affinity.size else 1.0
    dist = np.where(has_room, 0.0, spread * n_experts)
    for _ in range(n_experts):                                 # Bellman-Ford over the experts
        relaxed = np.minimum(dist, np.min(dist[:, None] + weight, axis=0))
        relaxed[has_room] = 0.0
        if np.array_equal(relaxed, dist):
            break
        dist = relaxed
    return np.maximum(dist, 0.0)
