"""Reviewer assignment (min-cost flow): seconds, peak RSS and optimality gap.

Instances are cases x experts with k = 3, about 10% of the pairs in conflict
and random integer affinities 0..99; caps leave 20% slack. The HARD variant
gives every case the same preferred experts (affinity = expert popularity +
noise 0..4) and caps with no slack (sum of caps == k * cases).

Each run is a fresh subprocess, so ``peak_mb`` (ru_maxrss of that process,
including the instance data) is per instance; ``seconds`` covers building
the solver's arrays from the instance and solving, not the random generation.
Medians of ``--runs`` runs (default 3) are printed.

``gap`` is (LP optimum - objective) / |LP optimum|. For instances with at most
``--lp-max-cases`` cases (default 3000) the LP (the same model written as a
plain LP, not as a network) is solved independently with scipy/HiGHS after the
timing. Larger instances print ``gap=0`` because the solver is an exact
min-cost flow: with integral data its optimum is the LP optimum.

Usage: python -m bench assignment [--runs N] [--only 300x40] [--lp-max-cases N]
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = [(300, 40), (3000, 200), (10000, 500)]
K = 3
CONFLICT_RATE = 0.10
SLACK = 1.2
REPO_ROOT = Path(__file__).resolve().parent.parent


def make_instance(n_cases, n_experts, hard, seed):
    """Random (affinity, conflict mask, caps) for one benchmark instance."""
    rng = np.random.default_rng(seed)
    conflicts = rng.random((n_cases, n_experts)) < CONFLICT_RATE
    if hard:
        popularity = np.linspace(95, 0, n_experts).astype(np.int32)
        affinity = popularity[None, :] + rng.integers(0, 5, (n_cases, n_experts), dtype=np.int32)
        base, extra = divmod(K * n_cases, n_experts)
        caps = np.full(n_experts, base, dtype=np.int64)
        caps[:extra] += 1
    else:
        affinity = rng.integers(0, 100, (n_cases, n_experts), dtype=np.int32)
        caps = np.full(n_experts, int(np.ceil(SLACK * K * n_cases / n_experts)), dtype=np.int64)
    return affinity, conflicts, caps


def lp_optimum(problem) -> float:
    """Optimum of the assignment LP with the load penalty, solved by HiGHS."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    from reviewapp.assignment.solver import ladder_top

    n_cases, n_experts = problem.shape
    affinity = problem.affinity_matrix()
    caps = problem.caps_array()
    rows, cols = np.nonzero(~problem.conflict_mask())
    n_pairs = len(rows)
    # One variable per allowed pair, then one per unit of each expert's load.
    rung_expert = np.repeat(np.arange(n_experts), caps)
    rung_level = np.arange(caps.sum()) - np.repeat(np.cumsum(caps) - caps, caps)
    cost = np.concatenate([-affinity[rows, cols],
                           problem.balance_weight * np.minimum(rung_level, ladder_top(problem))])
    n_rungs = len(rung_expert)
    case_rows = rows
    expert_rows = n_cases + np.concatenate([cols, rung_expert])
    values = np.concatenate([np.ones(n_pairs), np.ones(n_pairs), -np.ones(n_rungs)])
    matrix = coo_matrix(
        (values, (np.concatenate([case_rows, expert_rows]),
                  np.concatenate([np.arange(n_pairs), np.arange(n_pairs), n_pairs + np.arange(n_rungs)]))),
        shape=(n_cases + n_experts, n_pairs + n_rungs)).tocsr()
    rhs = np.concatenate([np.full(n_cases, problem.k), np.zeros(n_experts)])
    answer = linprog(cost, A_eq=matrix, b_eq=rhs, bounds=(0, 1), method="highs")
    if answer.status != 0:
        raise RuntimeError(f"LP failed: {answer.message}")
    return -answer.fun


def run_child(n_cases, n_experts, hard, seed, with_lp):
    """Solve one instance in this process; print a JSON line with the measurements."""
    from reviewapp.assignment.solver import AssignmentProblem, solve

    affinity, conflicts, caps = make_instance(n_cases, n_experts, hard, seed)
    start = time.perf_counter()
    problem = AssignmentProblem(range(n_cases), range(n_experts), caps, K, conflicts, affinity)
    result = solve(problem)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gap = 0.0
    if with_lp and result.feasible:
        best = lp_optimum(problem)
        gap = (best - result.objective) / max(1.0, abs(best))
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "gap": gap,
                      "feasible": result.feasible, "lp": with_lp}))


def measure(n_cases, n_experts, hard, seed, with_lp):
    """Run one instance in a fresh interpreter and return its measurements."""
    command = [sys.executable, "-m", "bench", "assignment", "--child",
               f"{n_cases}x{n_experts}", "--seed", str(seed)]
    command += ["--hard"] if hard else []
    command += ["--lp"] if with_lp else []
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench assignment")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="one size, e.g. 3000x200")
    parser.add_argument("--lp-max-cases", type=int, default=3000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--hard", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        n_cases, n_experts = map(int, args.child.split("x"))
        run_child(n_cases, n_experts, args.hard, args.seed, args.lp)
        return 0

    sizes = [tuple(map(int, args.only.split("x")))] if args.only else SIZES
    for n_cases, n_experts in sizes:
        for hard in (False, True):
            with_lp = n_cases <= args.lp_max_cases
            runs = [measure(n_cases, n_experts, hard, seed, with_lp and seed == 0)
                    for seed in range(args.runs)]
            seconds = statistics.median(r["seconds"] for r in runs)
            peak_mb = statistics.median(r["peak_mb"] for r in runs)
            gap = max(r["gap"] for r in runs)
            label = f"{n_cases}x{n_experts}" + (" hard" if hard else "")
            gap_text = "0" if abs(gap) < 1e-9 else f"{gap:.2e}"
            note = "" if all(r["feasible"] for r in runs) else " (some runs infeasible)"
            print(f"assignment {label} seconds={seconds:.2f} peak_mb={peak_mb:.0f} "
                  f"gap={gap_text}{note}", flush=True)
    return 0
