"""Saving, submitting and reopening reviews; declining assignments; reminders.

Operations take the acting user, write the audit entry and flush; the
request commits. Ordinary draft saves (autosave every few seconds) are not
audited one by one: the review row keeps its version and time; starting,
submitting, reopening and declining are audited.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from ..audit import record
from ..campaigns.phases import Window, require_open
from ..cases.workflow import CaseState
from ..experts.operations import declare_conflict
from ..extensions import db
from ..locking import lock_for_write
from ..mail import send_mail
from ..security import external_url
from ..timezones import format_local, utcnow, zone_label
from .models import CONFIDENCE_LEVELS, DeclineKind, Review, ReviewDecline, ReviewStatus
from .queries import experts_with_pending, review_of


class ReviewRefused(Exception):
    """Refused with a message a person reads; `conflict` for a stale version."""

    def __init__(self, message, conflict=False):
        super().__init__(str(message))
        self.message = message
        self.conflict = conflict


STALE = _l("This review was saved elsewhere (another tab or device) in the meantime, so this save "
           "was refused. Your text is still in the form: copy it, reload the page and apply it again.")


def clean_values(campaign, values):
    """Scores within the campaign's scale (None when not given), comments and confidence as text."""
    keys = [criterion.key for criterion in campaign.criteria]
    scores, comments = {}, {}
    for key in keys:
        raw = (values.get("scores") or {}).get(key)
        if raw not in (None, ""):
            try:
                score = int(raw)
            except (TypeError, ValueError):
                raise ReviewRefused(_l("Scores must be whole numbers."))
            if not campaign.score_min <= score <= campaign.score_max:
                raise ReviewRefused(_l("Scores must lie between %(lo)d and %(hi)d.",
                                       lo=campaign.score_min, hi=campaign.score_max))
            scores[key] = score
        comment = ((values.get("comments") or {}).get(key) or "").strip()
        if comment:
            comments[key] = comment
    confidence = values.get("confidence") or None
    if confidence not in (None, *dict(CONFIDENCE_LEVELS)):
        raise ReviewRefused(_l("Choose a confidence level."))
    return {"scores": scores, "comments": comments, "confidence": confidence,
            "overall_comment": (values.get("overall_comment") or "").strip()}


def _require_review_case(assignment):
    if assignment.case.state is not CaseState.UNDER_REVIEW:
        raise ReviewRefused(_l("The review of this case is closed."))


def save_draft(actor, assignment, values, expected_version):
    """Store the draft; refused when locked, out of the window, or based on an old version."""
    campaign = assignment.case.campaign
    require_open(campaign, Window.REVIEW)
    _require_review_case(assignment)
    cleaned = clean_values(campaign, values)
    review = review_of(assignment)
    if review is None:
        # Two first saves at once (two tabs) must not both create the review. The campaign
        # is locked first, as every change of assignments locks it (its results stamp).
        lock_for_write(campaign, assignment)
        review = review_of(assignment)
    if review is None:
        if expected_version not in (None, 0):
            raise ReviewRefused(STALE, conflict=True)
        review = Review(assignment=assignment)
        db.session.add(review)
        if assignment.started_at is None:
            assignment.started_at = utcnow()
        db.session.flush()
        record(actor, "review.started", review, changes={"assignment": assignment.id})
    elif review.version != expected_version:
        raise ReviewRefused(STALE, conflict=True)
    if review.submitted:
        raise ReviewRefused(_l("This review is submitted and locked. Reopen it to change it."))
    for name, value in cleaned.items():
        setattr(review, name, value)
    try:
        db.session.flush()
    except StaleDataError as error:
        raise ReviewRefused(STALE, conflict=True) from error
    return review


def submit_review(actor, assignment, values, expected_version):
    """Save and lock the review; every criterion needs a score and a confidence level."""
    review = save_draft(actor, assignment, values, expected_version)
    missing = [criterion.name for criterion in assignment.case.campaign.criteria
               if criterion.key not in review.scores]
    if missing:
        raise ReviewRefused(_l("Give a score for every criterion before submitting. Missing: %(names)s.",
                               names="、".join(str(m) for m in missing)))
    if not review.confidence:
        raise ReviewRefused(_l("Say how confident you are before submitting."))
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, utcnow()
    db.session.flush()
    record(actor, "review.submitted", review, changes={"scores": dict(review.scores),
                                                       "confidence": review.confidence})
    return review


def reopen_review(actor, assignment):
    """Unlock a submitted review; only until the review deadline and while the case is under review."""
    require_open(assignment.case.campaign, Window.REVIEW)
    _require_review_case(assignment)
    review = review_of(assignment)
    if review is None or not review.submitted:
        raise ReviewRefused(_l("Only a submitted review can be reopened."))
    review.status, review.submitted_at = ReviewStatus.DRAFT, None
    db.session.flush()
    record(actor, "review.reopened", review, changes={"status": ["submitted", "draft"]})
    return review


def decline_assignment(actor, assignment, kind, reason):
    """Give the case back for reassignment: declined, or a conflict of interest (also
    recorded as the expert's declared conflict, which ends the assignment at once and
    keeps its review, even a submitted one, out of the results). A submitted review
    cannot simply be declined; a draft is deleted so that the admin may remove the assignment."""
    kind = DeclineKind(kind)
    reason = (reason or "").strip()
    if kind is DeclineKind.DECLINED and not reason:
        raise ReviewRefused(_l("Please say briefly why you decline this case."))
    review = review_of(assignment)
    case = assignment.case
    if kind is DeclineKind.CONFLICT:
        declare_conflict(actor, case, actor, reason)
        decline = db.session.scalar(db.select(ReviewDecline).filter_by(
            case_id=case.id, expert_id=actor.id, kind=DeclineKind.CONFLICT))
        record(actor, "review.conflict", decline or case, changes={"assignment": assignment.id, "case": case.id},
               reason=reason or None)
        return decline
    if review is not None and review.submitted:
        raise ReviewRefused(_l("You have submitted this review; reopen it first if you must decline."))
    if review is not None:
        db.session.delete(review)
    assignment.started_at = None
    decline = ReviewDecline(campaign_id=assignment.campaign_id, case_id=case.id, expert_id=actor.id,
                            kind=kind, reason=reason)
    db.session.add(decline)
    db.session.flush()
    record(actor, f"review.{kind.value}", decline, changes={"assignment": assignment.id, "case": case.id},
           reason=reason or None)
    return decline


def send_reminders(actor, campaign):
    """Mail every expert with reviews still to submit, in their language: how many and
    the deadline, never which cases. Returns the number of experts reminded."""
    pending = experts_with_pending(campaign)
    link = external_url("review.queue")
    deadline = format_local(campaign.review_closes, campaign.timezone)
    for user, count in sorted(pending.items(), key=lambda item: item[0].id):
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(user.email, _l("Reminder: reviews to finish"), _l(
                "Hello %(name)s,\n\n%(count)d of your reviews in “%(campaign)s” are not submitted yet. "
                "Please submit them by %(deadline)s (%(zone)s).\nYour review queue:\n%(link)s",
                name=user.name, count=count, campaign=campaign.title, deadline=deadline,
                zone=zone_label(campaign.timezone), link=link))
    record(actor, "review.reminders_sent", campaign, changes={"experts": len(pending)})
    return len(pending)


def set_review_settings(actor, campaign, show_spread, release_feedback):
    """Whether experts see the anonymised spread after the deadline, and organizations the comments."""
    before = {"show_spread_to_experts": campaign.show_spread_to_experts,
              "release_feedback": campaign.release_feedback}
    campaign.show_spread_to_experts, campaign.release_feedback = bool(show_spread), bool(release_feedback)
    db.session.flush()
    record(actor, "campaign.review_settings", campaign, changes={
        key: [value, getattr(campaign, key)] for key, value in before.items()})
