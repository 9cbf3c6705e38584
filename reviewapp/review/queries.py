"""Look-ups for the review: opaque tokens, an expert's queue, progress and anonymised feedback.

An expert reaches a case only through a per-assignment token: an HMAC of the
assignment under the app's secret key. Case and evidence ids are sequential
and would tell an expert how many cases (and files) were entered before and
after theirs, and which cases entered together; the token tells nothing.
Evidence is addressed by its number inside the blind case (1..n).
"""
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, exists
from sqlalchemy.orm import joinedload

from ..assignment.models import AssignmentStatus, ReviewAssignment
from ..extensions import db
from ..timezones import utcnow
from .models import Review, ReviewDecline, ReviewStatus

TOKEN_LENGTH = 32


def token_for(assignment):
    key = current_app.config["SECRET_KEY"].encode()
    message = f"review:{assignment.id}:{assignment.case_id}:{assignment.expert_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def _not_declined():
    return ~exists().where(and_(ReviewDecline.case_id == ReviewAssignment.case_id,
                                ReviewDecline.expert_id == ReviewAssignment.expert_id))


def active_assignments(expert_id=None, campaign_id=None, load=()):
    """Confirmed assignments that were not declined, optionally of one expert or campaign;
    `load`: loader options (e.g. the cases a page shows, in the same query)."""
    query = db.select(ReviewAssignment).filter(ReviewAssignment.status == AssignmentStatus.CONFIRMED,
                                               _not_declined()).options(*load)
    if expert_id is not None:
        query = query.filter(ReviewAssignment.expert_id == expert_id)
    if campaign_id is not None:
        query = query.filter(ReviewAssignment.campaign_id == campaign_id)
    return db.session.scalars(query).all()


def assignment_by_token(user, token):
    """The user's active assignment with this token, or None."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    for assignment in active_assignments(expert_id=user.id):
        if hmac.compare_digest(token_for(assignment), token):
            return assignment
    return None


def review_of(assignment):
    return db.session.scalar(db.select(Review).filter_by(assignment_id=assignment.id))


def reviews_by_assignment(assignment_ids):
    if not assignment_ids:
        return {}
    rows = db.session.scalars(db.select(Review).filter(Review.assignment_id.in_(assignment_ids)))
    return {review.assignment_id: review for review in rows}


NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"
STATUS_ORDER = {DRAFT: 0, NOT_STARTED: 1, SUBMITTED: 2}


@dataclass
class QueueItem:
    number: int               # the expert's own numbering of their cases, by token
    token: str
    assignment: ReviewAssignment
    review: Review | None

    @property
    def status(self):
        return status_of(self.review)

    @property
    def campaign(self):
        return self.assignment.case.campaign


def status_of(review):
    if review is None:
        return NOT_STARTED
    return SUBMITTED if review.status is ReviewStatus.SUBMITTED else DRAFT


def queue(user):
    """The expert's items, numbered in token order (unrelated to organizations or
    submission order) and sorted with the next one to do first: drafts, then
    not started, then submitted; earliest deadline first inside each."""
    from ..cases.models import Case
    assignments = active_assignments(expert_id=user.id,
                                     load=[joinedload(ReviewAssignment.case).joinedload(Case.campaign)])
    reviews = reviews_by_assignment([a.id for a in assignments])
    tokens = sorted((token_for(a), a) for a in assignments)
    items = [QueueItem(n, token, a, reviews.get(a.id)) for n, (token, a) in enumerate(tokens, start=1)]
    items.sort(key=lambda item: (STATUS_ORDER[item.status], item.campaign.review_closes, item.number))
    return items


def next_item(user, after_token=None):
    """The first item still to do (other than `after_token`), or None."""
    for item in queue(user):
        if item.status != SUBMITTED and item.token != after_token:
            return item
    return None


def spread_for_experts(assignment):
    """The sorted weighted totals of the case's submitted reviews, without names; None
    unless the campaign shows spreads and its review deadline has passed."""
    from ..results.aggregation import weighted_total
    from ..results.queries import rubric_of

    campaign = assignment.case.campaign
    if not campaign.show_spread_to_experts or utcnow() < campaign.review_closes:
        return None
    rubric = rubric_of(campaign)
    rows = db.session.scalars(db.select(Review).join(ReviewAssignment).filter(
        ReviewAssignment.case_id == assignment.case_id, Review.status == ReviewStatus.SUBMITTED)).all()
    totals = sorted(round(weighted_total(r.scores, rubric), 2) for r in rows)
    return totals or None


def feedback_for_case(case):
    """[(reviewer number, Review)] of a case's submitted reviews, numbered in token order."""
    rows = db.session.execute(db.select(ReviewAssignment, Review).join(
        Review, Review.assignment_id == ReviewAssignment.id).filter(
        ReviewAssignment.case_id == case.id, Review.status == ReviewStatus.SUBMITTED)).all()
    ordered = sorted(rows, key=lambda row: token_for(row[0]))
    return [(number, review) for number, (_assignment, review) in enumerate(ordered, start=1)]


@dataclass
class Progress:
    done: int = 0
    draft: int = 0
    not_started: int = 0

    @property
    def total(self):
        return self.done + self.draft + self.not_started


def campaign_progress(campaign):
    """({expert user: Progress}, {case: Progress}, declines) of the campaign's active assignments."""
    assignments = active_assignments(campaign_id=campaign.id)
    reviews = reviews_by_assignment([a.id for a in assignments])
    by_expert, by_case = {}, {}
    for assignment in assignments:
        status = status_of(reviews.get(assignment.id))
        for table, key in ((by_expert, assignment.expert), (by_case, assignment.case)):
            progress = table.setdefault(key, Progress())
            if status == SUBMITTED:
                progress.done += 1
            elif status == DRAFT:
                progress.draft += 1
            else:
                progress.not_started += 1
    declines = db.session.scalars(db.select(ReviewDecline).filter_by(campaign_id=campaign.id)
                                  .order_by(ReviewDecline.created_at.desc())).all()
    return by_expert, by_case, declines


def experts_with_pending(campaign):
    """{expert user: number of reviews not yet submitted}."""
    by_expert, _by_case, _declines = campaign_progress(campaign)
    return {user: p.draft + p.not_started for user, p in by_expert.items() if p.draft + p.not_started}
