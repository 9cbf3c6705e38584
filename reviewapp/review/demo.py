"""Demo data for the review: the demo campaign's submitted cases reviewed by the three demo
experts, and a recorded selection, so that the publishing demo has selected cases. Idempotent."""
from ..assignment.models import AssignmentStatus, ReviewAssignment
from ..auth.models import Role, User
from ..campaigns.models import Campaign
from ..cases.models import Case
from ..cases.workflow import CaseState, transition
from ..experts.conflicts import detect, expert_party, organization_party
from ..experts.demo import EXPERT_EMAILS
from ..experts.models import ExpertProfile
from ..extensions import db
from ..results import queries as results_queries
from ..results.models import SelectionDecision
from ..results.operations import record_selection
from ..results.selection import select_cases
from ..timezones import utcnow
from .models import Review, ReviewStatus

# Added to a base score per expert: one lenient, one neutral, one harsh reviewer.
LENIENCY = [1, 0, -1]
COMMENTS = {"zh": "组织有序，活动常态化，建议进一步总结可推广的经验。",
            "en": "Well organised and regular; the replicable experience could be described in more detail."}


def _in_conflict(user, case):
    profile = db.session.scalar(db.select(ExpertProfile).filter_by(email=user.email))
    if profile is None:
        return False
    return bool(detect(expert_party(profile), organization_party(case.organization)))


def _review(assignment, case_index, expert_index, campaign):
    keys = [criterion.key for criterion in campaign.criteria]
    base = 8 - case_index % 4
    scores = {key: max(campaign.score_min, min(campaign.score_max, base + LENIENCY[expert_index] + (i % 2)))
              for i, key in enumerate(keys)}
    language = assignment.case.language if assignment.case.language in COMMENTS else "zh"
    return Review(assignment=assignment, status=ReviewStatus.SUBMITTED, scores=scores,
                  comments={keys[0]: COMMENTS[language]}, overall_comment=COMMENTS[language],
                  confidence=("high", "medium", "low")[expert_index], submitted_at=utcnow())


def seed_review_demo():
    """Review and select the demo campaign's non-draft cases; returns the number of selected cases."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(slug="2026"))
    admin = db.session.scalar(db.select(User).filter_by(role=Role.ADMIN).order_by(User.id))
    experts = [db.session.scalar(db.select(User).filter_by(email=email, role=Role.EXPERT))
               for email in EXPERT_EMAILS]
    if campaign is None or admin is None or None in experts:
        return 0
    if db.session.scalar(db.select(SelectionDecision.id).filter_by(campaign_id=campaign.id)) is None:
        cases = db.session.scalars(db.select(Case).filter(
            Case.campaign_id == campaign.id, Case.state.in_((CaseState.SUBMITTED, CaseState.RECOMMENDED,
                                                             CaseState.UNDER_REVIEW))).order_by(Case.id)).all()
        for case_index, case in enumerate(cases):
            if case.state is not CaseState.UNDER_REVIEW:
                transition(case, "start_review", admin)
            for expert_index, expert in enumerate(experts):
                if _in_conflict(expert, case):
                    continue
                assignment = db.session.scalar(db.select(ReviewAssignment).filter_by(
                    case_id=case.id, expert_id=expert.id))
                if assignment is None:
                    assignment = ReviewAssignment(campaign_id=campaign.id, case_id=case.id, expert_id=expert.id)
                    db.session.add(assignment)
                assignment.status, assignment.confirmed_at = AssignmentStatus.CONFIRMED, utcnow()
                assignment.started_at = assignment.started_at or utcnow()
                db.session.flush()
                if db.session.scalar(db.select(Review.id).filter_by(assignment_id=assignment.id)) is None:
                    db.session.add(_review(assignment, case_index, expert_index, campaign))
        db.session.flush()
        results = results_queries.campaign_results(campaign)
        candidates = results_queries.candidates(results)
        if candidates:
            # Most of the cases, not all, so that the demo shows both outcomes.
            proposal = select_cases(candidates, max(1, len(candidates) - 1))
            record_selection(admin, campaign, candidates, proposal.selected, proposal.selected, {})
    return db.session.scalar(db.select(db.func.count(Case.id)).filter(
        Case.campaign_id == campaign.id, Case.state == CaseState.SELECTED))
