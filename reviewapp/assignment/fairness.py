"""The fairness floor: raise the worst-off case first, then the total affinity.

As openreview-matcher's FairFlow aims at, but solved exactly: two integer
programs (HiGHS, through scipy) on the solver's network.

1. maximize z such that every case's affinity (its started reviews plus its
   new reviewers) is at least z, every case gets its reviewers and no expert
   passes their cap;
2. keep every case at z* or above and maximize the total affinity.

Both are solved to a zero optimality gap unless the time limit strikes first;
then the best assignment found is used and ``proven`` is False.
"""
import numpy as np
from flask_babel import lazy_gettext as _l
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .explain import Reason

TIME_LIMIT = 60.0
OPTIMAL = 0


def fair_flows(net, values, affinity, locked, names, case_ids, time_limit=TIME_LIMIT):
    """(0/1 flow per arc of ``net``, proven optimal?, notes)."""
    n_cases, n_experts = len(net.need), len(net.remaining)
    n_arcs = len(net.rows)
    base = np.zeros(n_cases)
    if len(locked):
        np.add.at(base, locked[:, 0], affinity[locked[:, 0], locked[:, 1]].astype(np.float64))
    open_cases = np.flatnonzero(net.need > 0)
    if n_arcs == 0 or len(open_cases) == 0:
        return np.zeros(n_arcs, dtype=np.int64), True, []
    arcs = np.arange(n_arcs)
    values = values.astype(np.float64)
    # Variables: one binary per arc, then z. Rows: cases (= need), experts (<= room), floor (>= 0).
    case_rows = coo_matrix((np.ones(n_arcs), (net.rows, arcs)), shape=(n_cases, n_arcs + 1))
    expert_rows = coo_matrix((np.ones(n_arcs), (net.cols, arcs)), shape=(n_experts, n_arcs + 1))
    floor_rows = coo_matrix(
        (np.concatenate([values, -np.ones(len(open_cases))]),
         (np.concatenate([np.searchsorted(open_cases, net.rows), np.arange(len(open_cases))]),
          np.concatenate([arcs, np.full(len(open_cases), n_arcs)]))),
        shape=(len(open_cases), n_arcs + 1))
    constraints = [LinearConstraint(case_rows.tocsr()[open_cases], net.need[open_cases], net.need[open_cases]),
                   LinearConstraint(expert_rows.tocsr(), 0, net.remaining),
                   LinearConstraint(floor_rows.tocsr(), -base[open_cases], np.inf)]
    closed = np.flatnonzero(net.need == 0)
    z_high = float(base[closed].min()) if len(closed) else np.inf
    integrality = np.concatenate([np.ones(n_arcs), [0]])
    options = {"mip_rel_gap": 0.0, "time_limit": time_limit, "disp": False}

    first = milp(np.concatenate([np.zeros(n_arcs), [-1.0]]), integrality=integrality,
                 bounds=Bounds(np.concatenate([np.zeros(n_arcs), [-np.inf]]),
                               np.concatenate([np.ones(n_arcs), [z_high]])),
                 constraints=constraints, options=options)
    if first.x is None:
        return None, False, [Reason("fairness_unavailable", _l(
            "The fairness floor needs every case to get all its reviewers; the assignment "
            "below maximizes the total affinity instead."))]
    floor = first.x[-1] - 1e-9 * max(1.0, abs(first.x[-1]))
    second = milp(np.concatenate([-values, [0.0]]), integrality=integrality,
                  bounds=Bounds(np.concatenate([np.zeros(n_arcs), [floor]]),
                                np.concatenate([np.ones(n_arcs), [z_high]])),
                  constraints=constraints, options=options)
    chosen = second.x if second.x is not None else first.x
    flows = np.rint(chosen[:n_arcs]).astype(np.int64)
    proven = first.status == OPTIMAL and second.status == OPTIMAL
    notes = [] if proven else [Reason("fairness_time_limit", _l(
        "The fairness floor was not proven optimal within %(seconds)d seconds; the best assignment "
        "found is shown.", seconds=int(time_limit)))]
    return flows, proven, notes
