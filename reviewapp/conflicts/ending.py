"""A conflict of interest ends the assignment it touches, at once.

Whoever records the conflict (the expert, an administrator, an accepted applicant
declaration, or a change of profile that makes a rule apply) calls end_assignment.
A proposal is simply withdrawn. A confirmed assignment stops being active: a decline
of kind "conflict" takes it out of the expert's queue and access, out of the
assignment problem and its counts, and its review, draft or submitted, is kept (the
audit log shows it) but marked excluded, so the results never count it. The case is
then short of a reviewer, and the administrator is offered a replacement.
"""
from ..assignment.models import AssignmentStatus, ReviewAssignment
from ..audit import record
from ..campaigns.models import Campaign
from ..extensions import db
from ..locking import lock_for_write
from ..review.models import DeclineKind, ReviewDecline
from ..timezones import utcnow

CONFLICT = "conflict"


def end_assignment(actor, case, expert_id, reason=""):
    """End `expert_id`'s assignment to `case` for a conflict of interest; flushes.

    Returns the ended ReviewAssignment (None when there was none, or it was only a
    proposal, which is removed)."""
    assignment = db.session.scalar(db.select(ReviewAssignment).filter_by(case_id=case.id, expert_id=expert_id))
    if assignment is None:
        return None
    # As every change of assignments: the campaign first, then the row; and the review, so an
    # autosave in flight either lands before the exclusion or is refused as stale after it.
    lock_for_write(db.session.get(Campaign, assignment.campaign_id), assignment)
    if assignment.review is not None:
        lock_for_write(assignment.review)
    changes = {"case_id": case.id, "expert_id": expert_id, "status": assignment.status.value}
    if assignment.status is AssignmentStatus.PROPOSED and assignment.review is None:
        record(actor, "assignment.ended_by_conflict", assignment, changes=changes, reason=reason or None)
        db.session.delete(assignment)
        db.session.flush()
        return None
    already = db.session.scalar(db.select(ReviewDecline.id).filter_by(
        case_id=case.id, expert_id=expert_id, kind=DeclineKind.CONFLICT))
    if already is None:
        db.session.add(ReviewDecline(campaign_id=assignment.campaign_id, case_id=case.id, expert_id=expert_id,
                                     kind=DeclineKind.CONFLICT, reason=reason or ""))
    review = assignment.review
    if review is not None and review.excluded_at is None:
        review.excluded_at, review.excluded_reason = utcnow(), CONFLICT
        changes["review"] = review.status.value
        db.session.flush()
        # What was written stays readable in the audit log: the scores and the comment.
        record(actor, "review.excluded", review, changes={
            "case_id": case.id, "expert_id": expert_id, "status": review.status.value,
            "scores": dict(review.scores or {}), "overall_comment": review.overall_comment or ""},
            reason=reason or None)
    db.session.flush()
    if already is None:
        record(actor, "assignment.ended_by_conflict", assignment, changes=changes, reason=reason or None)
    return assignment


def end_conflicted_assignments(actor, assignments, reason=""):
    """End those of `assignments` (ReviewAssignment rows) whose pair is now in an active
    conflict of interest; returns how many were ended or withdrawn."""
    from ..experts.queries import active_conflict_pairs, pool_experts
    from .queries import ended_pairs
    ended = ended_pairs({a.case_id for a in assignments})
    assignments = [a for a in assignments if (a.case_id, a.expert_id) not in ended]
    if not assignments:
        return 0
    expert_ids = {a.expert_id for a in assignments}
    experts = [(user, profile) for user, profile in pool_experts(include_ids=expert_ids) if user.id in expert_ids]
    cases = list({a.case_id: a.case for a in assignments}.values())
    conflicted = active_conflict_pairs(cases, experts)
    count = 0
    for assignment in assignments:
        if (assignment.case_id, assignment.expert_id) in conflicted:
            end_assignment(actor, assignment.case, assignment.expert_id, reason)
            count += 1
    return count
