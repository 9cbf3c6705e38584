"""Look-ups: assignments a conflict ended, reviews it excluded, and applicants' declared conflicts.

An assignment is *ended* by a conflict of interest when a decline of kind "conflict"
exists for its case and expert (review/models.ReviewDecline): the review queue, the
access checks and the assignment problem all leave it out.
"""
import hmac
from dataclasses import dataclass

from sqlalchemy import and_, exists

from ..assignment.models import AssignmentStatus, ReviewAssignment
from ..extensions import db
from ..review.models import DeclineKind, Review, ReviewDecline, ReviewStatus
from .matching import entry_matches
from .models import ApplicantConflict, DeclarationStatus


def ended_clause():
    """SQL: the ReviewAssignment in the query was ended by a conflict of interest."""
    return exists().where(and_(ReviewDecline.case_id == ReviewAssignment.case_id,
                               ReviewDecline.expert_id == ReviewAssignment.expert_id,
                               ReviewDecline.kind == DeclineKind.CONFLICT))


def counted_review():
    """SQL: the Review (joined to its ReviewAssignment) counts in results. Not when a conflict
    excluded it, nor while its pair has a declared conflict that is not waived (however that
    conflict was recorded: end_assignment flags the review, this holds even without the flag)."""
    from ..experts.models import Conflict, ConflictSource
    declared = exists().where(and_(Conflict.case_id == ReviewAssignment.case_id,
                                   Conflict.expert_id == ReviewAssignment.expert_id,
                                   Conflict.source != ConflictSource.AUTOMATIC, Conflict.waived_at.is_(None)))
    return and_(Review.excluded_at.is_(None), ~declared)


def ended_pairs(case_ids):
    """{(case id, expert id)} of the assignments of these cases that a conflict ended."""
    if not case_ids:
        return set()
    return set(db.session.execute(
        db.select(ReviewDecline.case_id, ReviewDecline.expert_id).filter(
            ReviewDecline.kind == DeclineKind.CONFLICT, ReviewDecline.case_id.in_(list(case_ids)))).all())


def ended_assignments_of(expert_id):
    """The expert's confirmed assignments that a conflict ended (for the access refusal)."""
    return db.session.scalars(db.select(ReviewAssignment).filter(
        ReviewAssignment.expert_id == expert_id, ReviewAssignment.status == AssignmentStatus.CONFIRMED,
        ended_clause())).all()


def ended_by_token(user, token):
    """Is `token` the review token of one of the user's assignments that a conflict ended?"""
    from ..review.queries import TOKEN_LENGTH, token_for
    if not token or len(token) != TOKEN_LENGTH:
        return False
    return any(hmac.compare_digest(token_for(a), token) for a in ended_assignments_of(user.id))


@dataclass
class Ended:
    """One assignment a conflict ended, as the administrator sees it."""

    assignment: object
    review: object          # the kept review (draft or submitted), or None
    decline: object         # the ReviewDecline that ended it
    reviewers_left: int     # the case's active reviewers now
    k: int

    @property
    def short(self):
        return self.reviewers_left < self.k


def ended_in_campaign(campaign):
    """[Ended] of the campaign, newest first."""
    from ..review.queries import active_assignments
    rows = db.session.execute(
        db.select(ReviewAssignment, ReviewDecline).join(ReviewDecline, and_(
            ReviewDecline.case_id == ReviewAssignment.case_id, ReviewDecline.expert_id == ReviewAssignment.expert_id,
            ReviewDecline.kind == DeclineKind.CONFLICT))
        .filter(ReviewAssignment.campaign_id == campaign.id)
        .order_by(ReviewDecline.created_at.desc(), ReviewDecline.id.desc())).all()
    active = {}
    for assignment in active_assignments(campaign_id=campaign.id):
        active[assignment.case_id] = active.get(assignment.case_id, 0) + 1
    seen, out = set(), []
    for assignment, decline in rows:
        if assignment.id not in seen:
            seen.add(assignment.id)
            out.append(Ended(assignment, assignment.review, decline, active.get(assignment.case_id, 0),
                             campaign.reviewers_per_case))
    return out


def excluded_reviews(campaign, case_ids=None):
    """{case id: [expert id]} of the submitted reviews a conflict keeps out of the results."""
    query = (db.select(ReviewAssignment.case_id, ReviewAssignment.expert_id)
             .join(Review, Review.assignment_id == ReviewAssignment.id)
             .filter(ReviewAssignment.campaign_id == campaign.id, ~counted_review(),
                     Review.status == ReviewStatus.SUBMITTED)
             .order_by(ReviewAssignment.case_id, ReviewAssignment.expert_id))
    if case_ids is not None:
        if not case_ids:
            return {}
        query = query.filter(ReviewAssignment.case_id.in_(list(case_ids)))
    out = {}
    for case_id, expert_id in db.session.execute(query):
        out.setdefault(case_id, []).append(expert_id)
    return out


def declarations_of(case_id):
    return db.session.scalars(db.select(ApplicantConflict).filter_by(case_id=case_id)
                              .order_by(ApplicantConflict.id)).all()


def campaign_declarations(campaign):
    """Every applicant declaration of the campaign's cases, pending first."""
    from ..cases.models import Case
    order = {DeclarationStatus.PENDING: 0, DeclarationStatus.ACCEPTED: 1, DeclarationStatus.REJECTED: 2}
    rows = db.session.scalars(db.select(ApplicantConflict).join(Case, Case.id == ApplicantConflict.case_id)
                              .filter(Case.campaign_id == campaign.id)
                              .order_by(ApplicantConflict.case_id, ApplicantConflict.id)).all()
    return sorted(rows, key=lambda row: (order[row.status], row.case_id, row.id))


def matched_experts(entry, experts):
    """The (user, profile) of `experts` that `entry` names."""
    return [(user, profile) for user, profile in experts
            if entry_matches(entry, profile.name or user.name, profile.affiliation, profile.email)]


def applicant_conflict_pairs(cases, experts):
    """{(case id, expert user id): [entry]} for the accepted declarations of `cases`."""
    case_ids = [case.id for case in cases]
    if not case_ids or not experts:
        return {}
    found = {}
    rows = db.session.execute(db.select(ApplicantConflict.case_id, ApplicantConflict.entry).filter(
        ApplicantConflict.case_id.in_(case_ids), ApplicantConflict.status == DeclarationStatus.ACCEPTED))
    for case_id, entry in rows:
        for user, _profile in matched_experts(entry, experts):
            found.setdefault((case_id, user.id), []).append(entry)
    return found
