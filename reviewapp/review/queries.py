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
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, bindparam, exists
from sqlalchemy.orm import joinedload

from ..assignment.models import AssignmentStatus, ReviewAssignment
from ..cache import request_memo
from ..extensions import db
from ..timezones import utcnow
from .models import Review, ReviewDecline, ReviewStatus

TOKEN_LENGTH = 32


def token_for(assignment):
    return _token(assignment.id, assignment.case_id, assignment.expert_id)


def _token(assignment_id, case_id, expert_id):
    return _hmac_token(current_app.config["SECRET_KEY"], assignment_id, case_id, expert_id)


@lru_cache(maxsize=65536)
def _hmac_token(secret_key, assignment_id, case_id, expert_id):
    # Every queue and review page numbers all the expert's cases by token: remembered,
    # not recomputed (the key is part of the cache key, so a new secret makes new tokens).
    message = f"review:{assignment_id}:{case_id}:{expert_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def _active():
    """What makes an assignment active: confirmed, and not declined by its expert."""
    return (ReviewAssignment.status == AssignmentStatus.CONFIRMED,
            ~exists().where(and_(ReviewDecline.case_id == ReviewAssignment.case_id,
                                 ReviewDecline.expert_id == ReviewAssignment.expert_id)))


def active_assignments(expert_id=None, campaign_id=None, load=()):
    """Confirmed assignments that were not declined, optionally of one expert or campaign;
    `load`: loader options (e.g. the cases a page shows, in the same query)."""
    query = db.select(ReviewAssignment).filter(*_active()).options(*load)
    if expert_id is not None:
        query = query.filter(ReviewAssignment.expert_id == expert_id)
    if campaign_id is not None:
        query = query.filter(ReviewAssignment.campaign_id == campaign_id)
    return db.session.scalars(query).all()


def active_assignment_ids(campaign_id):
    """A subquery of the ids of a campaign's confirmed, not declined assignments."""
    return (db.select(ReviewAssignment.id)
            .filter(ReviewAssignment.campaign_id == campaign_id, *_active()))


def assignment_by_token(user, token):
    """The user's active assignment with this token, or None."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    item = next((item for item in queue(user) if hmac.compare_digest(item.token, token)), None)
    if item is None:
        return None
    # Kept for the request: the access check and the view both ask, and the session's
    # identity map holds objects only weakly.
    memo = request_memo("review")
    if item.assignment_id not in memo:
        memo[item.assignment_id] = db.session.execute(
            _review_page_statement(), {"id": item.assignment_id}).scalar_one()
    return memo[item.assignment_id]


@lru_cache(maxsize=1)
def _review_page_statement():
    """An assignment with what every review page reads of it, in the same round trip: its
    review, its case and the campaign (built once, like the queue's)."""
    from ..cases.models import Case
    return (db.select(ReviewAssignment).filter(ReviewAssignment.id == bindparam("id"))
            .options(joinedload(ReviewAssignment.review), joinedload(ReviewAssignment.case).joinedload(Case.campaign)))


def review_of(assignment):
    return assignment.review


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
    assignment_id: int
    status: str               # NOT_STARTED, DRAFT or SUBMITTED
    review_closes: object     # the campaign's review deadline (UTC) ...
    timezone: str             # ... and the zone it is shown in


def status_of(review):
    return _status(review.status if review is not None else None)


@lru_cache(maxsize=1)
def _queue_statement():
    """The queue's query, built once (building the expression costs more than running it)."""
    from ..campaigns.models import Campaign
    from ..cases.models import Case
    return (db.select(ReviewAssignment.id, ReviewAssignment.case_id, ReviewAssignment.expert_id, Review.status,
                      Campaign.review_closes, Campaign.timezone)
            .join(Case, Case.id == ReviewAssignment.case_id).join(Campaign, Campaign.id == Case.campaign_id)
            .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
            .filter(ReviewAssignment.expert_id == bindparam("expert_id"), *_active()))


def queue(user):
    """The expert's items, numbered in token order (unrelated to organizations or
    submission order) and sorted with the next one to do first: drafts, then
    not started, then submitted; earliest deadline first inside each.

    One narrow query (no case or review bodies), kept for the rest of the request:
    the access check, the page and its "next case" button all read the same queue."""
    memo = request_memo("review")
    if ("queue", user.id) in memo:
        return memo[("queue", user.id)]
    rows = db.session.execute(_queue_statement(), {"expert_id": user.id}).all()
    secret = current_app.config["SECRET_KEY"]
    numbered = sorted((_hmac_token(secret, *row[:3]), row) for row in rows)
    items = [QueueItem(n, token, row.id, _status(row.status), row.review_closes, row.timezone)
             for n, (token, row) in enumerate(numbered, start=1)]
    items.sort(key=lambda item: (STATUS_ORDER[item.status], item.review_closes, item.number))
    memo[("queue", user.id)] = items
    return items


def _status(review_status):
    if review_status is None:
        return NOT_STARTED
    return SUBMITTED if review_status == ReviewStatus.SUBMITTED else DRAFT


def next_item(user, after_token=None):
    """The first item still to do (other than `after_token`), or None."""
    for item in queue(user):
        if item.status != SUBMITTED and item.token != after_token:
            return item
    return None


def spread_for_experts(assignment):
    """The sorted weighted totals of the case's submitted reviews, without names; None
    unless the campaign shows spreads and its review deadline has passed."""
    from ..conflicts.queries import counted_review
    from ..results.aggregation import weighted_total
    from ..results.queries import rubric_of

    campaign = assignment.case.campaign
    if not campaign.show_spread_to_experts or utcnow() < campaign.review_closes:
        return None
    rubric = rubric_of(campaign)
    rows = db.session.scalars(db.select(Review).join(ReviewAssignment).filter(
        ReviewAssignment.case_id == assignment.case_id, Review.status == ReviewStatus.SUBMITTED,
        counted_review())).all()
    totals = sorted(round(weighted_total(r.scores, rubric), 2) for r in rows)
    return totals or None


def feedback_for_case(case):
    """[(reviewer number, Review)] of a case's counted reviews, numbered in token order."""
    from ..conflicts.queries import counted_review
    rows = db.session.execute(db.select(ReviewAssignment, Review).join(
        Review, Review.assignment_id == ReviewAssignment.id).filter(
        ReviewAssignment.case_id == case.id, Review.status == ReviewStatus.SUBMITTED,
        counted_review())).all()
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
    """({expert user: Progress}, {case row (id, title): Progress}, declines) of the campaign's
    active assignments. One query of three columns per assignment, then the experts and the
    cases once each: reading 15,000 assignments with their cases and reviews as objects took
    seconds (their JSON columns decoded for nothing)."""
    from ..auth.models import User
    from ..cases.models import Case

    rows = db.session.execute(
        db.select(ReviewAssignment.expert_id, ReviewAssignment.case_id, Review.status)
        .outerjoin(Review, Review.assignment_id == ReviewAssignment.id)
        .filter(ReviewAssignment.campaign_id == campaign.id, *_active())).all()
    experts = {user.id: user for user in db.session.scalars(
        db.select(User).filter(User.id.in_({row.expert_id for row in rows})))} if rows else {}
    cases = {case.id: case for case in db.session.execute(
        db.select(Case.id, Case.title).filter(Case.campaign_id == campaign.id))} if rows else {}
    by_expert, by_case = {}, {}
    for expert_id, case_id, review_status in rows:
        status = _status(review_status)
        for table, key in ((by_expert, experts[expert_id]), (by_case, cases[case_id])):
            progress = table.setdefault(key, Progress())
            if status == SUBMITTED:
                progress.done += 1
            elif status == DRAFT:
                progress.draft += 1
            else:
                progress.not_started += 1
    declines = db.session.scalars(db.select(ReviewDecline).filter_by(campaign_id=campaign.id)
                                  .order_by(ReviewDecline.created_at.desc())
                                  .options(joinedload(ReviewDecline.case), joinedload(ReviewDecline.expert))).all()
    return by_expert, by_case, declines


def experts_with_pending(campaign):
    """{expert user: number of reviews not yet submitted}."""
    by_expert, _by_case, _declines = campaign_progress(campaign)
    return {user: p.draft + p.not_started for user, p in by_expert.items() if p.draft + p.not_started}
