"""Running, adjusting and confirming the reviewer assignment of a campaign.

Operations take the actor, write the audit entry and flush; the request or
CLI command commits. No operation stores a pair that is in conflict of
interest: runs go through the solver's conflict mask, manual additions
through check_pair, and confirmation checks every open pair again. Each
first locks the campaign (reviewapp/locking.py), so reviewer counts and
expert loads are decided by one change at a time.
"""
from collections import Counter
from dataclasses import dataclass, field, replace

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..cases.workflow import CaseState, transition
from ..campaigns.models import Campaign
from ..extensions import db
from ..locking import lock_for_write
from ..mail import send_mail
from ..security import external_url
from ..timezones import format_local, utcnow
from .models import AssignmentStatus, ReviewAssignment
from .problem import build
from .solver import check_pair, solve


class AssignmentRefused(Exception):
    """Refused; `reasons` are messages a person reads."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


@dataclass
class Preview:
    """The stored assignment of a campaign, summed up for the admin."""

    k: int
    cases: list
    by_case: dict                       # case id -> [ReviewAssignment]
    load: list                          # (user, profile, load, cap)
    short: dict                         # case id -> missing reviewers
    total_affinity: int
    proposed: int
    explanation: list = field(default_factory=list)

    @property
    def complete(self):
        return not self.short


def run_assignment(actor, campaign, balance_weight=5):
    """Solve the campaign's assignment and store it as proposals.

    Started reviews stay as they are; other stored pairs that the new
    solution keeps keep their status; the rest are replaced. Returns the
    solver's result and the problem it solved.
    """
    lock_for_write(campaign)
    built = build(campaign, balance_weight)
    result = solve(built.problem)
    chosen = set(result.id_pairs(built.problem))
    kept = set()
    for row in built.rows:
        if row.started or (row.case_id, row.expert_id) in chosen:
            kept.add((row.case_id, row.expert_id))
        else:
            db.session.delete(row)
    for case_id, expert_id in sorted(chosen - kept):
        db.session.add(ReviewAssignment(campaign_id=campaign.id, case_id=case_id, expert_id=expert_id,
                                        affinity=built.affinity_of(case_id, expert_id)))
    db.session.flush()
    record(actor, "assignment.run", campaign, changes={
        "cases": len(built.cases), "experts": len(built.experts), "pairs": len(chosen),
        "locked": len(built.problem.locked), "short_cases": len(result.short_cases),
        "total_affinity": result.total_affinity})
    return result, built


def preview(campaign):
    """What is stored now: reviewers per case, load per expert, cases short of
    reviewers and, when the pool cannot be served at all, the solver's reasons."""
    built = build(campaign)
    by_case = {case.id: [] for case in built.cases}
    for row in built.rows:
        by_case.setdefault(row.case_id, []).append(row)
    counts = Counter(row.expert_id for row in built.rows)
    k = campaign.reviewers_per_case
    short = {case.id: k - len(by_case[case.id]) for case in built.cases if len(by_case[case.id]) < k}
    caps = built.problem.caps_array()
    load = [(user, profile, counts.get(user.id, 0), int(caps[j]))
            for j, (user, profile) in enumerate(built.experts)]
    explanation = []
    if built.cases:
        result = solve(built.problem)
        explanation = result.explanation
    return Preview(k=k, cases=built.cases, by_case=by_case, load=load, short=short,
                   total_affinity=sum(row.affinity for row in built.rows),
                   proposed=sum(1 for row in built.rows if row.status is AssignmentStatus.PROPOSED),
                   explanation=explanation)


def add_reviewer(actor, campaign, case_id, expert_id):
    """Propose one more reviewer by hand; refused with the reasons of check_pair."""
    lock_for_write(campaign)
    built = build(campaign)
    if case_id not in built.case_index:
        raise AssignmentRefused([_l("Case %(case)s is not in the review pool.", case=case_id)])
    if expert_id not in built.expert_index:
        raise AssignmentRefused([_l("This expert is not available for review.")])
    verdict = check_pair(built.problem, built.indexed(built.rows),
                         built.case_index[case_id], built.expert_index[expert_id])
    if not verdict.allowed:
        raise AssignmentRefused([reason.message for reason in verdict.reasons])
    row = ReviewAssignment(campaign_id=campaign.id, case_id=case_id, expert_id=expert_id,
                           affinity=built.affinity_of(case_id, expert_id))
    db.session.add(row)
    db.session.flush()
    record(actor, "assignment.added", row, changes={"case_id": case_id, "expert_id": expert_id})
    return row


def add_extra_reviewer(actor, campaign, case):
    """One more confirmed reviewer for a case the panel disagrees on.

    Picks the eligible expert (no conflict, under their cap, not yet on the
    case) with the highest affinity, then the lightest load; reopens the
    review if it was closed; tells the expert (without naming the case).
    Raises AssignmentRefused when nobody is eligible.
    """
    lock_for_write(campaign, case)
    if case.state is CaseState.REVIEWED:
        transition(case, "reopen_review", actor, reason=str(_l("Strong disagreement: one more reviewer.")))
    built = build(campaign)
    if case.id not in built.case_index:
        raise AssignmentRefused([_l("Case %(case)s is not in the review pool.", case=case.id)])
    pairs = built.indexed(built.rows)
    on_case = sum(1 for i, _j in pairs if i == built.case_index[case.id])
    # Room for exactly one more reviewer on this case; every other rule unchanged.
    widened = replace(built.problem, k=max(built.problem.k, on_case + 1))
    load = Counter(j for _i, j in pairs)
    candidates = []
    for user, _profile in built.experts:
        j = built.expert_index[user.id]
        if check_pair(widened, pairs, built.case_index[case.id], j).allowed:
            candidates.append((-built.affinity_of(case.id, user.id), load[j], user.id, user))
    if not candidates:
        raise AssignmentRefused([_l("No expert can take this case: every other expert is in conflict, "
                                    "already on it, or at their maximum load.")])
    _affinity, _load, expert_id, user = min(candidates, key=lambda c: c[:3])
    row = ReviewAssignment(campaign_id=campaign.id, case_id=case.id, expert_id=expert_id,
                           affinity=built.affinity_of(case.id, expert_id),
                           status=AssignmentStatus.CONFIRMED, confirmed_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, "assignment.extra_reviewer", row, changes={"case_id": case.id, "expert_id": expert_id})
    _notify(user, campaign, 1)
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
    k = built.problem.k
    per_case = Counter(row.case_id for row in built.rows)
    problems = [_l("Case %(case)s has %(count)d of %(k)d reviewers.", case=case.id,
                   count=per_case.get(case.id, 0), k=k)
                for case in built.cases if per_case.get(case.id, 0) < k]
    caps = built.problem.caps_array()
    load = Counter(row.expert_id for row in built.rows)
    for row in built.rows:
        if row.started:
            continue
        if row.expert_id not in built.expert_index:
            problems.append(_l("Expert %(expert)s is no longer available; remove them from case %(case)s.",
                               expert=row.expert_id, case=row.case_id))
        elif row.case_id in built.case_index and built.is_conflict(row.case_id, row.expert_id):
            problems.append(_l("Expert %(expert)s has a conflict of interest with case %(case)s.",
                               expert=row.expert_id, case=row.case_id))
    for user_id, count in load.items():
        j = built.expert_index.get(user_id)
        if j is not None and count > caps[j] and any(r.expert_id == user_id and not r.started for r in built.rows):
            problems.append(_l("Expert %(expert)s has %(load)d reviews; the cap is %(cap)d.",
                               expert=user_id, load=count, cap=int(caps[j])))
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
    for row in newly:
        row.status, row.confirmed_at = AssignmentStatus.CONFIRMED, now
    for case in built.cases:
        if case.state is not CaseState.UNDER_REVIEW:
            transition(case, "start_review", actor)
    db.session.flush()
    record(actor, "assignment.confirmed", campaign, changes={"confirmed": len(newly)})
    totals = Counter(row.expert_id for row in built.rows)
    experts = {user.id: user for user, _profile in built.experts}
    for expert_id in sorted({row.expert_id for row in newly}):
        _notify(experts[expert_id], campaign, totals[expert_id])
    return len(newly)


def _notify(user, campaign, count):
    """Counts, deadline and a link: never which cases (the review is blind)."""
    link = external_url("dashboard.index")
    deadline = format_local(campaign.review_closes, campaign.timezone)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_mail(user.email, _l("Cases assigned to you for review"), _l(
            "Hello %(name)s,\n\nYou have %(count)d cases to review in “%(campaign)s”. Please finish "
            "your reviews by %(deadline)s (%(zone)s time).\nYour review queue:\n%(link)s",
            name=user.name, count=count, campaign=campaign.title, deadline=deadline,
            zone=campaign.timezone, link=link))
