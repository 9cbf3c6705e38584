"""Keep `Campaign.results_stamp` new: every flush that changes what the results
pages compute from gives the campaigns concerned a new random stamp.

What counts: a review entering or leaving the submitted state (or a submitted
review's scores changing), any assignment added, changed or removed, a decline,
a rubric criterion. Draft autosaves do not. The stamp is written with a plain
UPDATE, not through the ORM, so the campaign's optimistic-lock version (what an
admin editing the campaign form is checked against) does not move.
"""
import secrets

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..assignment.models import ReviewAssignment
from ..campaigns.models import Campaign, Criterion
from ..cases.models import Case
from ..experts.models import Conflict
from ..review.models import Review, ReviewDecline, ReviewStatus


def _review_changes_results(review, deleted):
    state = inspect(review)
    if deleted or state.pending:
        return review.status == ReviewStatus.SUBMITTED
    status, scores = state.attrs.status.history, state.attrs.scores.history
    excluded = state.attrs.excluded_at.history  # a conflict of interest took it out of the results
    return status.has_changes() or (review.status == ReviewStatus.SUBMITTED and (
        scores.has_changes() or excluded.has_changes()))


def _campaign_of_review(session, review):
    if review.assignment is not None:
        return review.assignment.campaign_id
    return session.scalar(select(ReviewAssignment.campaign_id).where(ReviewAssignment.id == review.assignment_id))


def campaigns_touched(session):
    """Ids of the campaigns whose results this flush changes."""
    touched = set()
    with session.no_autoflush:
        for obj, deleted in [(o, False) for o in list(session.new) + list(session.dirty)] + \
                            [(o, True) for o in session.deleted]:
            if isinstance(obj, Review):
                if _review_changes_results(obj, deleted):
                    touched.add(_campaign_of_review(session, obj))
            elif isinstance(obj, Conflict):  # a declared conflict takes the pair's review out of the results
                touched.add(session.scalar(select(Case.campaign_id).where(Case.id == obj.case_id)))
            elif isinstance(obj, (ReviewAssignment, ReviewDecline, Criterion)):
                if deleted or inspect(obj).pending or session.is_modified(obj, include_collections=False):
                    touched.add(obj.campaign_id if obj.campaign_id is not None else
                                getattr(getattr(obj, "campaign", None), "id", None))
    return {campaign_id for campaign_id in touched if campaign_id is not None}


@event.listens_for(Session, "before_flush")
def _new_stamps(session, _flush_context, _instances):
    renew_stamps(session, campaigns_touched(session))


def renew_stamps(session, campaign_ids):
    """Give the campaigns a new results_stamp: the flush hook above, and bulk statements (an
    assignment run, a confirmation), which bypass the flush, call it."""
    if not campaign_ids:
        return
    stamp = secrets.token_hex(8)
    session.execute(update(Campaign).where(Campaign.id.in_(campaign_ids)).values(results_stamp=stamp)
                    .execution_options(synchronize_session=False))
    # The session's own campaign objects learn the stamp too, without becoming "changed".
    for campaign_id in campaign_ids:
        campaign = session.identity_map.get(identity_key(Campaign, campaign_id))
        if campaign is not None:
            set_committed_value(campaign, "results_stamp", stamp)
