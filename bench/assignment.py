"""Reviewer assignment: the whole path from the database, and the solver alone, with true gaps.

Two kinds of line, one per measurement (medians of ``--runs`` runs):

``assignment db NxM ...``: a campaign of N cases and M experts in a real SQLite
file (themes, provinces, affiliations, mail domains, bids, k = 3, caps with 20%
slack), then ``operations.run_assignment`` + commit, the whole path a click on
"Run" takes: database -> problem (``build_s``) -> solve (``solve_s``) -> stored
proposal and run record (``store_s``); ``seconds`` is the sum, ``cpu`` the
process CPU time of it (the figure to read on a shared, loaded machine).
``over_cap`` counts experts above their maximum load and ``conflicts`` stored
pairs in conflict (both must be 0). ``page_ms`` is the median of 5 views of the
assignment page, ``add_ms`` a manual addition, ``extra_ms`` an extra reviewer
(both rolled back), none of which may solve.

``assignment solver NxM[ hard] ...``: the solver alone on real-valued
affinities (uniform in [0, 1); HARD: every case prefers the same experts and
the caps have no slack), default options.

``gap`` is the true relative gap to the pure-affinity optimum: (bound - total)
/ bound with the bound from an independent dual certificate
(reviewapp/assignment/certificate.py: weak duality, computed with numpy, not by
the min-cost flow). Up to ``--lp-max-cases`` cases (default 3000) ``gap_lp``
compares with the LP optimum solved by scipy/HiGHS as well.

Each measurement runs in a fresh subprocess, so ``peak_mb`` (ru_maxrss,
including the app and the data) is per instance. Databases are kept in
``--data-dir`` (default /tmp/reviewapp-bench-assignment) and reused.

Usage: python -m bench assignment [--only 5000x200] [--part db|solver] [--runs N]
"""
import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

DB_SIZES = [(300, 40), (5000, 200), (10000, 500)]
SOLVER_SIZES = [(300, 40), (3000, 200), (10000, 500)]
K = 3
CONFLICT_RATE = 0.10
SLACK = 1.2
THEMES = ["体医融合", "社区健身", "青少年体育", "老年人体育", "乡村振兴", "户外运动", "冰雪运动", "科学健身指导",
          "全民健身赛事", "体育非遗", "残疾人体育", "志愿服务管理"]
PROVINCES = [f"p{n:02d}" for n in range(31)]
DATA_VERSION = "3"
REPO_ROOT = Path(__file__).resolve().parent.parent


# --- the solver alone -----------------------------------------------------------------------

def make_instance(n_cases, n_experts, hard, seed):
    """Random (real-valued affinity, conflict mask, caps) for one solver instance."""
    rng = np.random.default_rng(seed)
    conflicts = rng.random((n_cases, n_experts)) < CONFLICT_RATE
    if hard:
        popularity = np.linspace(0.95, 0, n_experts)
        affinity = popularity[None, :] + 0.05 * rng.random((n_cases, n_experts))
        base, extra = divmod(K * n_cases, n_experts)
        caps = np.full(n_experts, base, dtype=np.int64)
        caps[:extra] += 1
    else:
        affinity = rng.random((n_cases, n_experts))
        caps = np.full(n_experts, int(np.ceil(SLACK * K * n_cases / n_experts)), dtype=np.int64)
    return affinity, conflicts, caps


def lp_optimum(problem) -> float:
    """Optimum of the pure-affinity assignment LP (no started reviews), solved by HiGHS."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    n_cases, n_experts = problem.shape
    affinity = problem.affinity_matrix().astype(np.float64)
    rows, cols = np.nonzero(~problem.conflict_mask())
    n_pairs = len(rows)
    matrix = coo_matrix((np.ones(2 * n_pairs), (np.concatenate([rows, n_cases + cols]),
                                                np.concatenate([np.arange(n_pairs)] * 2))),
                        shape=(n_cases + n_experts, n_pairs)).tocsr()
    caps = problem.caps_array().astype(np.float64)
    answer = linprog(-affinity[rows, cols], A_ub=matrix[n_cases:], b_ub=caps, A_eq=matrix[:n_cases],
                     b_eq=np.full(n_cases, problem.k), bounds=(0, 1), method="highs")
    if answer.status != 0:
        raise RuntimeError(f"LP failed: {answer.message}")
    return -answer.fun


def gaps(problem, result, with_lp):
    from reviewapp.assignment.certificate import dual_bound

    out = {}
    bound = dual_bound(problem, result.pairs) if result.feasible else None
    if bound is not None:
        out["gap"] = max(bound - result.total_affinity, 0.0) / max(abs(bound), 1e-12)
    if with_lp and result.feasible and not len(problem.locked_pairs()):
        best = lp_optimum(problem)
        out["gap_lp"] = max(best - result.total_affinity, 0.0) / max(abs(best), 1e-12)
    return out


def solver_child(n_cases, n_experts, hard, seed, with_lp):
    from reviewapp.assignment.solver import AssignmentProblem, solve

    affinity, conflicts, caps = make_instance(n_cases, n_experts, hard, seed)
    wall, cpu = time.perf_counter(), time.process_time()
    problem = AssignmentProblem(range(n_cases), range(n_experts), caps, K, conflicts, affinity)
    result = solve(problem)
    figures = {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "feasible": result.feasible, "load": f"{result.load.min()}-{result.load.max()}"}
    figures.update(gaps(problem, result, with_lp))
    return figures


# --- the whole path from the database ---------------------------------------------------------

def database_path(data_dir, n_cases, n_experts):
    return Path(data_dir) / f"assignment-{n_cases}x{n_experts}-v{DATA_VERSION}.sqlite"


def make_app(path):
    sys.path.insert(0, str(REPO_ROOT))
    from reviewapp import create_app
    return create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                      INSTANCE_DIR=tempfile.mkdtemp(prefix="bench-assignment-"), ASSIGNMENT_JOB_PAIRS=10 ** 12)


def seed_child(path, n_cases, n_experts):
    """Fill a fresh database file: one campaign under recommendation with its pool and experts."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    if path.exists():
        return {"seeded": False}
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    app = make_app(partial)
    with app.app_context():
        from reviewapp.auth.models import Role, User
        from reviewapp.campaigns.models import Theme
        from reviewapp.cases.models import Case, case_themes
        from reviewapp.cases.workflow import CaseState
        from reviewapp.experts.models import Bid, ExpertProfile
        from reviewapp.extensions import db
        from reviewapp.organizations.models import Organization
        from tests.factories import make_campaign

        upgrade(revision="heads")
        rng = random.Random(n_cases * 7919 + n_experts)
        now = datetime.now(timezone.utc)
        campaign = make_campaign(slug="bench-assign", bidding_enabled=True,
                                 themes=[Theme(position=i, name_zh=name, name_en=f"Theme {i}")
                                         for i, name in enumerate(THEMES)])
        n_orgs = max(1, n_cases // 2)
        org_names = [f"{PROVINCES[n % 31]}省压测体育协会第{n}分会" for n in range(n_orgs)]
        db.session.execute(insert(Organization.__table__), [dict(
            name=org_names[n], org_type="sports_association", province=PROVINCES[n % 31],
            credit_code=f"51110000MJ{n:07d}X", contact_person="王丽", mobile="13800138000",
            email=f"org{n}@club{n % 700}.org.cn") for n in range(n_orgs)])
        org_ids = db.session.scalars(select(Organization.id).order_by(Organization.id)).all()
        db.session.execute(insert(Case.__table__), [dict(
            campaign_id=campaign.id, organization_id=org_ids[n % n_orgs], title=f"社区健身志愿服务案例{n}",
            summary="每周在社区开展科学健身指导。", state=CaseState.RECOMMENDED, language="zh",
            contact_person="王丽", contact_phone="13800138000", submitted_at=now - timedelta(days=5))
            for n in range(n_cases)])
        case_ids = db.session.scalars(select(Case.id).filter_by(campaign_id=campaign.id).order_by(Case.id)).all()
        theme_ids = [t.id for t in campaign.themes]
        db.session.execute(insert(case_themes), [dict(case_id=c, theme_id=t) for c in case_ids
                                                 for t in rng.sample(theme_ids, rng.randint(1, 3))])
        user = User(email="x", name="x", role=Role.ADMIN)
        user.set_password("bench-password")
        cap = math.ceil(SLACK * K * n_cases / n_experts)
        emails = [f"expert{n}@uni{n % 60}.edu.cn" for n in range(n_experts)]
        db.session.execute(insert(User.__table__), [dict(email=e, name=f"专家{n:04d}", role=Role.EXPERT,
                                                         password_hash=user.password_hash)
                                                    for n, e in enumerate(emails)]
                           + [dict(email="admin@bench.cn", name="管理员", role=Role.ADMIN,
                                   password_hash=user.password_hash)])
        db.session.execute(insert(ExpertProfile.__table__), [dict(
            email=e, name=f"专家{n:04d}", province=rng.choice(PROVINCES) if rng.random() < 0.7 else None,
            affiliation=org_names[rng.randrange(n_orgs)][3:] if rng.random() < 0.05 else f"第{n % 60}大学",
            themes=rng.sample(THEMES, rng.randint(2, 5)), max_load=cap, available=True, created_at=now)
            for n, e in enumerate(emails)])
        expert_ids = db.session.scalars(select(User.id).filter(User.role == Role.EXPERT).order_by(User.id)).all()
        levels = ["eager", "willing", "not_willing"]
        bids = {(rng.choice(case_ids), rng.choice(expert_ids)) for _ in range(n_cases * n_experts // 50)}
        db.session.execute(insert(Bid.__table__), [dict(case_id=c, expert_id=e, level=rng.choice(levels),
                                                        updated_at=now) for c, e in sorted(bids)])
        db.session.commit()
        db.engine.dispose()
    partial.rename(path)
    return {"seeded": True}


def db_child(path):
    """One full run on the seeded database, then page views, timed."""
    app = make_app(path)
    timings = {"build_s": 0.0, "solve_s": 0.0, "build_cpu": 0.0, "solve_cpu": 0.0}
    with app.app_context():
        from sqlalchemy import func

        from reviewapp.assignment import operations
        from reviewapp.assignment.models import AssignmentRun, ReviewAssignment
        from reviewapp.auth.models import User
        from reviewapp.campaigns.models import Campaign
        from reviewapp.extensions import db

        def timed(name, function):
            def wrapper(*args, **kwargs):
                start, cpu = time.perf_counter(), time.process_time()
                try:
                    return function(*args, **kwargs)
                finally:
                    timings[name] += time.perf_counter() - start
                    timings[name.replace("_s", "_cpu")] += time.process_time() - cpu
            return wrapper

        operations.build = timed("build_s", operations.build)
        operations.solve = timed("solve_s", operations.solve)
        # Start from no proposal, as a first run does.
        db.session.execute(db.delete(ReviewAssignment))
        db.session.execute(db.delete(AssignmentRun))
        db.session.commit()
        campaign = db.session.scalar(db.select(Campaign).filter_by(slug="bench-assign"))
        admin = db.session.scalar(db.select(User).filter_by(email="admin@bench.cn"))
        wall, cpu = time.perf_counter(), time.process_time()
        result, built, _run = operations.run_assignment(admin, campaign)
        db.session.commit()
        seconds, cpu = time.perf_counter() - wall, time.process_time() - cpu
        figures = {"seconds": seconds, "cpu": cpu, **timings,
                   "store_s": seconds - timings["build_s"] - timings["solve_s"],
                   "store_cpu": cpu - timings["build_cpu"] - timings["solve_cpu"],
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "pairs": len(result.pairs), "short": len(result.short_cases)}
        campaign_id = campaign.id
        loads = dict(db.session.execute(db.select(ReviewAssignment.expert_id, func.count(ReviewAssignment.id))
                                        .group_by(ReviewAssignment.expert_id)).all())
        caps = {e.id: e.max_load for e in built.experts}
        figures["over_cap"] = sum(1 for e, n in loads.items() if n > caps.get(e, 0))
        stored = db.session.execute(db.select(ReviewAssignment.case_id, ReviewAssignment.expert_id)).all()
        figures["conflicts"] = sum(1 for c, e in stored if built.is_conflict(c, e))
        built.problem.evenness = "off"
        figures.update(gaps(built.problem, result, len(built.cases) <= 3000))
        admin_id = admin.get_id()
        case_id, expert_id = stored[0][0], built.experts[-1].id

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = admin_id, True
    page = f"/assignment/campaigns/{campaign_id}"
    views = []
    cpu_views = []
    for _ in range(6):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(page)
        views.append(time.perf_counter() - start)
        cpu_views.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
    figures["page_ms"] = 1000 * statistics.median(views[1:])
    figures["page_cpu_ms"] = 1000 * statistics.median(cpu_views[1:])
    with app.app_context():
        from reviewapp.assignment import operations
        from reviewapp.campaigns.models import Campaign
        from reviewapp.cases.models import Case
        from reviewapp.extensions import db
        campaign = db.session.get(Campaign, campaign_id)
        start = time.perf_counter()
        try:
            operations.add_reviewer(None, campaign, case_id, expert_id)
        except operations.AssignmentRefused:
            pass
        figures["add_ms"] = 1000 * (time.perf_counter() - start)
        db.session.rollback()
        campaign = db.session.get(Campaign, campaign_id)
        start = time.perf_counter()
        with app.test_request_context("/"):
            try:
                operations.add_extra_reviewer(None, campaign, db.session.get(Case, case_id))
            except operations.AssignmentRefused:
                pass
        figures["extra_ms"] = 1000 * (time.perf_counter() - start)
        db.session.rollback()
    return figures


# --- driver ---------------------------------------------------------------------------------------

def child(args):
    n_cases, n_experts = map(int, args.child.split("x"))
    if args.kind == "solver":
        return solver_child(n_cases, n_experts, args.hard, args.seed, args.lp)
    path = database_path(args.data_dir, n_cases, n_experts)
    return seed_child(path, n_cases, n_experts) if args.kind == "seed" else db_child(path)


def measure(kind, size, extra=()):
    command = [sys.executable, "-m", "bench", "assignment", "--child", size, "--kind", kind, *extra]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(label, runs, keys):
    parts = [f"assignment {label}"]
    for key in keys:
        values = [r[key] for r in runs if key in r]
        if not values:
            continue
        if isinstance(values[0], str):
            parts.append(f"{key}={values[0]}")
        elif key.startswith("gap"):
            parts.append(f"{key}={max(values):.1e}")
        elif key in ("over_cap", "conflicts", "short", "pairs"):
            parts.append(f"{key}={max(values)}")
        else:
            parts.append(f"{key}={statistics.median(values):.{0 if key.endswith(('mb', 'ms')) else 2}f}")
    print(" ".join(parts), flush=True)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench assignment")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="one size, e.g. 5000x200")
    parser.add_argument("--part", choices=["db", "solver", "both"], default="both")
    parser.add_argument("--lp-max-cases", type=int, default=3000)
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA_DIR", "/tmp/reviewapp-bench-assignment"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="solver", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--hard", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lp", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    only = tuple(map(int, args.only.split("x"))) if args.only else None
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    data = ["--data-dir", args.data_dir]
    if args.part in ("db", "both"):
        for n_cases, n_experts in [only] if only else DB_SIZES:
            size = f"{n_cases}x{n_experts}"
            measure("seed", size, data)
            runs = [measure("db", size, data) for _ in range(args.runs)]
            line(f"db {size}", runs, ["seconds", "cpu", "build_s", "build_cpu", "solve_s", "solve_cpu", "store_s",
                                      "store_cpu", "peak_mb", "gap", "gap_lp", "over_cap", "conflicts", "short",
                                      "page_ms", "page_cpu_ms", "add_ms", "extra_ms"])
    if args.part in ("solver", "both"):
        for n_cases, n_experts in [only] if only else SOLVER_SIZES:
            for hard in (False, True):
                runs = [measure("solver", f"{n_cases}x{n_experts}",
                                ["--seed", str(seed)] + (["--hard"] if hard else [])
                                + (["--lp"] if n_cases <= args.lp_max_cases and seed == 0 else []))
                        for seed in range(args.runs)]
                line(f"solver {n_cases}x{n_experts}" + (" hard" if hard else ""), runs,
                     ["seconds", "cpu", "peak_mb", "gap", "gap_lp", "load"])
    return 0
