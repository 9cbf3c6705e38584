"""Running, adjusting and confirming the reviewer assignment of a campaign.

Operations take the actor, write the audit entry and flush; the request or
CLI command commits. No operation stores a pair that is in conflict of
interest: runs go through the solver's conflict mask, manual additions
through the conflict rules of that one pair (experts/queries), and
confirmation checks every open pair again. Each first locks the campaign
(reviewapp/locking.py), so reviewer counts and expert loads are decided by
one change at a time.

A run solves once and stores what it found: the proposals as
ReviewAssignment rows, its figures and reasons as an AssignmentRun. Pages,
manual additions and the extra reviewer read those rows; nothing solves on a
page view. A campaign larger than ASSIGNMENT_JOB_PAIRS (cases x experts) is
solved by a background job with progress (reviewapp/jobs).
"""
import hashlib
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, insert, update

from ..audit import record
from ..auth.models import Role, User
from ..cache import app_cache
from ..cases.models import Case
from ..cases.workflow import CaseState, transition
from ..campaigns.models import Campaign
from ..experts.models import Bid, ExpertProfile
from ..experts.queries import active_conflict_pairs
from ..extensions import db
from ..locking import lock_for_write
from ..mail import send_mail
from ..recommendation.queries import pool_filter
from ..security import external_url
from ..timezones import format_local, utcnow, zone_label
from .affinity import affinity
from .explain import Reason
from .models import AssignmentRun, AssignmentStatus, ReviewAssignment
from .problem import all_experts, build, is_locked, loads
from .solver import InvalidProblem, pair_reasons, solve

JOB_FUNCTION = "reviewapp.assignment.jobs:run_job"
# Cases x experts above which a run goes to a background job (10,000 x 500 runs in a few
# seconds; below this size it answers within the request). Setting ASSIGNMENT_JOB_PAIRS.
JOB_PAIRS = 2_000_000
FAIRNESS_INLINE_PAIRS = 20_000
PAGE_SIZE = 100


@dataclass(frozen=True)
class RunOptions:
    """What an administrator chooses for a run (see solver.py): evenness is
    "tiebreak" (default: never costs affinity), "off" or "tradeoff" with
    `balance_weight` affinity points per review of load difference; `fairness`
    raises the worst-off case first."""

    evenness: str = "tiebreak"
    balance_weight: float = 0.0
    fairness: bool = False
    seed: int | None = None

    def as_dict(self):
        return {"evenness": self.evenness, "balance_weight": self.balance_weight,
                "fairness": self.fairness, "seed": self.seed}


class AssignmentRefused(Exception):
    """Refused; `reasons` are messages a person reads."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


@dataclass
class Preview:
    """The stored assignment of a campaign, summed up for the admin (no solving)."""

    k: int
    cases: list                         # PoolCase on this page
    case_count: int
    page: int
    pages: int
    by_case: dict                       # case id -> [ReviewAssignment]
    load: list                          # (PoolExpert, load, cap)
    short: dict                         # case id -> missing reviewers (whole pool)
    total_affinity: int
    proposed: int
    run: object = None                  # the latest AssignmentRun
    explanation: list = field(default_factory=list)
    key: tuple = ()                     # preview_key: what the cached parts of the page are kept under

    @property
    def complete(self):
        return not self.short


def needs_job(campaign, options=None):
    """Is the campaign large enough to be solved in the background? The fairness floor is an
    integer program (up to a minute per stage): in the background from a smaller size on."""
    cases = db.session.scalar(db.select(func.count(Case.id)).filter(pool_filter(campaign))) or 0
    experts = db.session.scalar(db.select(func.count(ExpertProfile.id))) or 0
    limit = current_app.config.get("ASSIGNMENT_JOB_PAIRS", JOB_PAIRS)
    if options is not None and options.fairness:
        limit = min(limit, FAIRNESS_INLINE_PAIRS)
    return cases * experts > limit


def request_run(actor, campaign, options=None):
    """Run now, or queue a background run for a large campaign. Returns the AssignmentRun."""
    options = options or RunOptions()
    if not needs_job(campaign, options):
        return run_assignment(actor, campaign, options)[2]
    from ..jobs import enqueue
    job = enqueue(JOB_FUNCTION, {"campaign_id": campaign.id, "options": options.as_dict(),
                                 "actor_id": getattr(actor, "id", None)},
                  actor, key=f"assignment:{campaign.id}", total=4)
    run = AssignmentRun(campaign_id=campaign.id, created_by_id=getattr(actor, "id", None), job=job,
                        evenness=options.evenness, balance_weight=options.balance_weight,
                        fairness=options.fairness, seed=options.seed or 0)
    db.session.add(run)
    db.session.flush()
    job.params = {**job.params, "run_id": run.id}
    return run


def run_assignment(actor, campaign, options=None, progress=None, run=None):
    """Solve the campaign's assignment once and store it: proposals as rows, the run's figures.

    Started and confirmed assignments stay as they are; proposals that the new
    solution keeps stay; the other proposals are replaced. Returns
    (solver result, problem, AssignmentRun). Raises AssignmentRefused when the
    input is unusable (a negative maximum load, ...)."""
    options = options or RunOptions()
    started = time.perf_counter()
    seed = options.seed if options.seed is not None else secrets.randbits(31)
    if progress is None:
        lock_for_write(campaign)
        built, result = _solve(campaign, options, seed)
    else:
        # A background run solves without holding the lock (each progress step commits), then
        # locks and solves again only if the assignments changed meanwhile.
        before = _fingerprint(campaign)
        built, result = _solve(campaign, options, seed, progress)
        lock_for_write(campaign)
        if _fingerprint(campaign) != before:
            built, result = _solve(campaign, options, seed)
    chosen = set(result.id_pairs(built.problem))
    kept, dropped = set(), []
    for row in built.rows:
        if is_locked(row) or (row.case_id, row.expert_id) in chosen:
            kept.add((row.case_id, row.expert_id))
        else:
            dropped.append(row.id)
    for row_id in range(0, len(dropped), 5000):
        db.session.execute(delete(ReviewAssignment).where(ReviewAssignment.id.in_(dropped[row_id:row_id + 5000])))
    matrix, ci, ei = built.problem.affinity, built.case_index, built.expert_index
    new = [{"campaign_id": campaign.id, "case_id": case_id, "expert_id": expert_id,
            "status": AssignmentStatus.PROPOSED, "affinity": int(matrix[ci[case_id], ei[expert_id]]),
            "created_at": utcnow()} for case_id, expert_id in sorted(chosen - kept)]
    if new:
        db.session.execute(insert(ReviewAssignment), new)
    _assignments_changed(campaign)
    run = run or AssignmentRun(campaign_id=campaign.id, created_by_id=getattr(actor, "id", None))
    run.seed, run.evenness, run.balance_weight, run.fairness = (
        seed, options.evenness, float(options.balance_weight), bool(options.fairness))
    run.cases, run.experts, run.pairs = len(built.cases), len(built.experts), len(chosen)
    run.locked, run.short_cases = len(built.problem.locked), len(result.short_cases)
    run.total_affinity, run.bound = float(result.total_affinity), float(result.bound)
    run.worst_case_affinity = float(result.worst_case_affinity)
    run.explanation = [reason.stored() for reason in result.explanation]
    run.finished_at, run.seconds = utcnow(), time.perf_counter() - started
    db.session.add(run)
    db.session.flush()
    db.session.expire_all()  # ORM copies of the rows deleted and inserted in bulk above are stale
    record(actor, "assignment.run", campaign, changes={
        "cases": len(built.cases), "experts": len(built.experts), "pairs": len(chosen),
        "locked": len(built.problem.locked), "short_cases": len(result.short_cases),
        "total_affinity": float(result.total_affinity), "bound": float(result.bound), "seed": seed,
        "evenness": options.evenness, "balance_weight": float(options.balance_weight),
        "fairness": bool(options.fairness)})
    if progress is not None:
        progress(4)
    return result, built, run


def _solve(campaign, options, seed, progress=None):
    built = build(campaign, options.evenness, options.balance_weight, seed, options.fairness)
    if progress is not None:
        progress(1)
    try:
        result = solve(built.problem)
    except InvalidProblem as invalid:
        raise AssignmentRefused([reason.message for reason in invalid.reasons]) from None
    if progress is not None:
        progress(2)
    return built, result


def _fingerprint(campaign):
    """Changes a background run must not overlook: assignments, declared conflicts, declines."""
    from ..experts.models import Conflict
    from ..review.models import ReviewDecline
    rows = db.session.execute(db.select(
        func.count(ReviewAssignment.id), func.max(ReviewAssignment.id), func.count(ReviewAssignment.started_at),
        func.count(ReviewAssignment.confirmed_at)).filter(ReviewAssignment.campaign_id == campaign.id)).one()
    return (tuple(rows), db.session.scalar(db.select(func.count(Conflict.id))),
            db.session.scalar(db.select(func.count(ReviewDecline.id))))


def latest_run(campaign):
    return db.session.scalar(db.select(AssignmentRun).filter_by(campaign_id=campaign.id)
                             .order_by(AssignmentRun.id.desc()).limit(1))


def preview(campaign, page=1):
    """What is stored now, read without solving: one page of cases with their
    reviewers, every expert's load and cap, the cases short of reviewers, and
    the latest run's figures and reasons.

    Summing 15,000 assignments on every view cost about 20 ms of database time, so the
    sums and the page's rows are kept per worker under `preview_key`, which three cheap
    reads make each view. Nothing the page shows changes without changing that key."""
    key = preview_key(campaign)
    k = campaign.reviewers_per_case
    summary = app_cache("assignment-summary", size=8, max_age=600).get(key, lambda: _summary(campaign, key))
    pages = max(1, -(-summary.case_count // PAGE_SIZE))
    page = min(max(page, 1), pages)
    cases, by_case = app_cache("assignment-page", size=32, max_age=600).get(
        (key, page), lambda: _page_rows(campaign, page))
    run = latest_run(campaign)
    explanation = [Reason.from_stored(item) for item in (run.explanation or [])] if run and run.finished else []
    return Preview(k=k, cases=cases, case_count=summary.case_count, page=page, pages=pages, by_case=by_case,
                   load=summary.load, short=summary.short, total_affinity=summary.total_affinity,
                   proposed=summary.proposed, run=run, explanation=explanation, key=key)


def preview_key(campaign):
    """A key that changes whenever the stored assignment page would: the campaign's
    results_stamp (renewed by every change to its assignments and declines,
    results/freshness.py and `_assignments_changed`), its version (k, title,
    bidding), the pool's size and latest case change (a case entering, leaving or
    edited moves one of them: each change sets updated_at) and the experts as read now."""
    pool_size, pool_changed = db.session.execute(
        db.select(func.count(Case.id), func.max(Case.updated_at)).filter(pool_filter(campaign))).one()
    return (campaign.id, campaign.results_stamp, campaign.version, campaign.reviewers_per_case,
            pool_size, str(pool_changed), expert_rows())


def expert_rows():
    """Every expert account with its profile, if any, as plain tuples (one query)."""
    return tuple(tuple(row) for row in db.session.connection().execute(
        db.select(User.id, User.name, User.active, ExpertProfile.name, ExpertProfile.max_load,
                  ExpertProfile.available, ExpertProfile.id)
        .outerjoin(ExpertProfile, ExpertProfile.email == User.email)
        .filter(User.role == Role.EXPERT).order_by(User.id)).all())


@dataclass(frozen=True)
class ShownRow:
    """One assignment as the page shows it (plain values, shared between requests)."""

    id: int
    expert_id: int
    status: AssignmentStatus
    affinity: int
    started: bool


@dataclass(frozen=True)
class ExpertLoad:
    id: int
    name: str
    in_pool: bool       # has a profile, active and available: may take new reviews


@dataclass(frozen=True)
class _Summary:
    case_count: int
    short: dict
    load: list
    total_affinity: int
    proposed: int


def _summary(campaign, key):
    """The whole pool's figures: one query for the cases short of reviewers, one for the loads
    and totals per expert; the experts come from the key."""
    k = campaign.reviewers_per_case
    reviewers = func.count(ReviewAssignment.id)
    short = dict(db.session.execute(
        db.select(Case.id, k - reviewers).outerjoin(ReviewAssignment, and_(
            ReviewAssignment.case_id == Case.id, ReviewAssignment.campaign_id == campaign.id, _active()))
        .filter(pool_filter(campaign)).group_by(Case.id).having(reviewers < k).order_by(Case.id)).all())
    per_expert = db.session.execute(
        db.select(ReviewAssignment.expert_id, func.count(ReviewAssignment.id),
                  func.coalesce(func.sum(ReviewAssignment.affinity), 0),
                  func.count(ReviewAssignment.id).filter(ReviewAssignment.status == AssignmentStatus.PROPOSED))
        .filter(ReviewAssignment.campaign_id == campaign.id, _active())
        .group_by(ReviewAssignment.expert_id)).all()
    counts = {expert_id: count for expert_id, count, _sum, _proposed in per_expert}
    load = []
    for user_id, user_name, active, name, max_load, available, profile_id in key[-1]:
        in_pool = profile_id is not None and bool(active and available)
        if in_pool or user_id in counts:
            count = counts.get(user_id, 0)
            # An expert out of the pool keeps only what they hold: their cap is their load.
            cap = int(max_load if max_load is not None else 0) if in_pool else count
            load.append((ExpertLoad(user_id, name or user_name, in_pool), count, cap))
    return _Summary(case_count=key[4], short=short, load=load,
                    total_affinity=int(sum(row[2] for row in per_expert)),
                    proposed=int(sum(row[3] for row in per_expert)))


def _page_rows(campaign, page):
    """The cases of one page with their reviewers, as plain values."""
    from .problem import PoolCase
    shown = [PoolCase(case_id, title, state, None, (), "") for case_id, title, state in db.session.execute(
        db.select(Case.id, Case.title, Case.state).filter(pool_filter(campaign)).order_by(Case.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))]
    by_case = {case.id: [] for case in shown}
    if shown:
        for row_id, case_id, expert_id, status, affinity, started in db.session.execute(
                db.select(ReviewAssignment.id, ReviewAssignment.case_id, ReviewAssignment.expert_id,
                          ReviewAssignment.status, ReviewAssignment.affinity,
                          ReviewAssignment.started_at.is_not(None))
                .filter(ReviewAssignment.campaign_id == campaign.id, _active(),
                        ReviewAssignment.case_id.in_(list(by_case)))
                .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id)):
            by_case[case_id].append(ShownRow(row_id, expert_id, AssignmentStatus(status), affinity or 0, bool(started)))
    return shown, by_case


def _assignments_changed(campaign):
    """A new results_stamp for `campaign`: the bulk statements of a run and a confirmation
    bypass the flush in which results/freshness.py renews it."""
    from ..results.freshness import renew_stamps

    renew_stamps(db.session, {campaign.id})


def _active():
    from ..conflicts.queries import ended_clause
    return ~ended_clause()


def _pool_case(campaign, case_id):
    return db.session.scalar(db.select(Case).filter(pool_filter(campaign), Case.id == case_id))


def _pool_expert(expert_id):
    return next((e for e in all_experts() if e.id == expert_id), None)


def _case_affinities(campaign, case, experts):
    """{expert id: affinity with `case`}: the case's themes and bids read once."""
    themes = [t.name_zh for t in case.themes]
    bids = dict(db.session.execute(db.select(Bid.expert_id, Bid.level).filter_by(case_id=case.id)).all()) \
        if campaign.bidding_enabled else {}
    return {expert.id: affinity(themes, expert.themes, bids.get(expert.id)) for expert in experts}


def _people(expert_ids):
    """(user, profile) pairs as the conflict rules take them, in one query."""
    return db.session.execute(
        db.select(User, ExpertProfile).join(ExpertProfile, ExpertProfile.email == User.email)
        .filter(User.id.in_(list(expert_ids))).order_by(User.id)).all()


def add_reviewer(actor, campaign, case_id, expert_id):
    """Propose one more reviewer by hand; refused with reasons naming the expert.

    Checks only this pair (its conflicts of interest, the expert's load, the
    case's reviewers), reading the stored rows: no solving."""
    lock_for_write(campaign)
    case = _pool_case(campaign, case_id)
    if case is None:
        raise AssignmentRefused([_l("Case %(case)s is not in the review pool.", case=case_id)])
    expert = _pool_expert(expert_id)
    if expert is None:
        raise AssignmentRefused([_l("This expert is not available for review.")])
    active = db.select(ReviewAssignment.id).filter(ReviewAssignment.campaign_id == campaign.id, _active())
    load = db.session.scalar(db.select(func.count()).select_from(
        active.filter(ReviewAssignment.expert_id == expert_id).subquery()))
    reviewers = db.session.scalar(db.select(func.count()).select_from(
        active.filter(ReviewAssignment.case_id == case_id).subquery()))
    duplicate = db.session.scalar(db.select(ReviewAssignment.id).filter_by(
        case_id=case_id, expert_id=expert_id)) is not None
    conflict = (case_id, expert_id) in active_conflict_pairs([case], _people([expert_id]))
    reasons = pair_reasons(case_id, expert_id, expert.name, conflict=conflict, duplicate=duplicate,
                           load=load, cap=expert.max_load, reviewers=reviewers, k=campaign.reviewers_per_case)
    if reasons:
        raise AssignmentRefused([reason.message for reason in reasons])
    row = ReviewAssignment(campaign_id=campaign.id, case_id=case_id, expert_id=expert_id,
                           affinity=_case_affinities(campaign, case, [expert])[expert.id])
    db.session.add(row)
    db.session.flush()
    record(actor, "assignment.added", row, changes={"case_id": case_id, "expert_id": expert_id})
    return row


def _lot(case_id, expert_id):
    """A fixed draw per (case, expert): among equally suited, equally loaded experts the extra
    review goes by lot, as in the solver, not always to the longest-registered one."""
    digest = hashlib.blake2b(f"extra-reviewer:{case_id}:{expert_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def add_extra_reviewer(actor, campaign, case):
    """One more confirmed reviewer for a case the panel disagrees on.

    Picks the eligible expert (no conflict, under their cap, not yet on the
    case) with the highest affinity, then the lightest load, then a fixed lot; reopens the
    review if it was closed; tells the expert (without naming the case).
    Raises AssignmentRefused when nobody is eligible. Reads the stored rows
    and this case's conflicts only: no solving."""
    lock_for_write(campaign, case)
    if case.state is CaseState.REVIEWED:
        transition(case, "reopen_review", actor, reason=str(_l("Strong disagreement: one more reviewer.")))
    if _pool_case(campaign, case.id) is None:
        raise AssignmentRefused([_l("Case %(case)s is not in the review pool.", case=case.id)])
    experts = [e for e in all_experts() if e.in_pool]
    counts = loads(campaign)
    on_case = set(db.session.scalars(db.select(ReviewAssignment.expert_id).filter_by(case_id=case.id)))
    conflicts = active_conflict_pairs([case], _people([e.id for e in experts]))
    affinities = _case_affinities(campaign, case, experts)
    candidates = [(-affinities[e.id], counts.get(e.id, 0), _lot(case.id, e.id), e.id) for e in experts
                  if e.id not in on_case and (case.id, e.id) not in conflicts and counts.get(e.id, 0) < e.max_load]
    if not candidates:
        raise AssignmentRefused([_l("No expert can take this case: every other expert is in conflict, "
                                    "already on it, or at their maximum load.")])
    minus_affinity, _load, _lot_drawn, expert_id = min(candidates)
    row = ReviewAssignment(campaign_id=campaign.id, case_id=case.id, expert_id=expert_id,
                           affinity=-minus_affinity, status=AssignmentStatus.CONFIRMED, confirmed_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, "assignment.extra_reviewer", row, changes={"case_id": case.id, "expert_id": expert_id})
    _notify(db.session.get(User, expert_id), campaign, 1)
    return row


def remove_reviewer(actor, assignment):
    """Take one reviewer off a case, unless the review has started."""
    lock_for_write(db.session.get(Campaign, assignment.campaign_id), assignment)
    if assignment.started:
        raise AssignmentRefused([_l("This review has started; it cannot be removed.")])
    record(actor, "assignment.removed", assignment,
           changes={"case_id": assignment.case_id, "expert_id": assignment.expert_id})
    db.session.delete(assignment)
    db.session.flush()


def _confirm_problems(built):
    """What stops a confirmation, each message naming the expert."""
    k = built.problem.k
    per_case = Counter(row.case_id for row in built.rows)
    problems = [_l("Case %(case)s has %(count)d of %(k)d reviewers.", case=case.id,
                   count=per_case.get(case.id, 0), k=k)
                for case in built.cases if per_case.get(case.id, 0) < k]
    load = Counter(row.expert_id for row in built.rows)
    open_experts = set()
    for row in built.rows:
        if row.started or row.case_id not in built.case_index:
            continue
        open_experts.add(row.expert_id)
        j = built.expert_index.get(row.expert_id)
        if j is None or not built.experts[j].in_pool and row.status is AssignmentStatus.PROPOSED:
            problems.append(_l("Expert %(expert)s is no longer available; remove them from case %(case)s.",
                               expert=built.name_of(row.expert_id), case=row.case_id))
        elif built.is_conflict(row.case_id, row.expert_id):
            problems.append(_l("Expert %(expert)s has a conflict of interest with case %(case)s.",
                               expert=built.name_of(row.expert_id), case=row.case_id))
    for expert_id in sorted(open_experts):
        j = built.expert_index.get(expert_id)
        if j is None:
            continue
        expert = built.experts[j]
        cap = expert.max_load if expert.in_pool else load[expert_id]
        if load[expert_id] > cap:
            problems.append(_l("Expert %(expert)s has %(load)d reviews; the cap is %(cap)d.",
                               expert=expert.name, load=load[expert_id], cap=cap))
    return problems


def confirm_assignment(actor, campaign):
    """Confirm every proposal, send the cases to review and tell the experts.

    Refused (nothing changes) while a case lacks reviewers, an open pair is
    in conflict of interest or an expert is over their cap. Returns the
    number of assignments confirmed.
    """
    lock_for_write(campaign)
    built = build(campaign)
    problems = _confirm_problems(built)
    if problems:
        raise AssignmentRefused(problems)
    now = utcnow()
    newly = [row for row in built.rows if row.status is AssignmentStatus.PROPOSED]
    ids = [row.id for row in newly]
    for start in range(0, len(ids), 5000):
        db.session.execute(update(ReviewAssignment).where(ReviewAssignment.id.in_(ids[start:start + 5000]))
                           .values(status=AssignmentStatus.CONFIRMED, confirmed_at=now))
    _assignments_changed(campaign)
    db.session.expire_all()
    cases = db.session.scalars(db.select(Case).filter(Case.id.in_(list(built.case_index)))).all() \
        if built.case_index else []
    for case in cases:
        if case.state is not CaseState.UNDER_REVIEW:
            transition(case, "start_review", actor)
    db.session.flush()
    record(actor, "assignment.confirmed", campaign, changes={"confirmed": len(newly)})
    totals = Counter(row.expert_id for row in built.rows)
    users = {user.id: user for user in db.session.scalars(
        db.select(User).filter(User.id.in_(list({row.expert_id for row in newly}))))} if newly else {}
    for expert_id in sorted(users):
        _notify(users[expert_id], campaign, totals[expert_id])
    return len(newly)


def _notify(user, campaign, count):
    """Counts, deadline and a link: never which cases (the review is blind)."""
    link = external_url("dashboard.index")
    deadline = format_local(campaign.review_closes, campaign.timezone)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(user.email, _l("Cases assigned to you for review"), _l(
            "Hello %(name)s,\n\nYou have %(count)d cases to review in “%(campaign)s”. Please finish "
            "your reviews by %(deadline)s (%(zone)s).\nYour review queue:\n%(link)s",
            name=user.name, count=count, campaign=campaign.title, deadline=deadline,
            zone=zone_label(campaign.timezone), link=link))

