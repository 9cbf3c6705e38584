"""What each role's dashboard shows: counts and the next step to take."""
from sqlalchemy import func

from ..auth.models import Invitation, Role, User
from ..campaigns.models import Campaign
from ..campaigns.phases import phase_at
from ..campaigns.queries import latest_campaign
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..organizations.models import Organization
from ..timezones import utcnow
from .case_status import case_status


def cases_by_state(*filters):
    rows = db.session.execute(
        db.select(Case.state, func.count()).filter(*filters).group_by(Case.state)).all()
    counts = {state: 0 for state in CaseState}
    counts.update({state: n for state, n in rows})
    return counts


def admin_summary():
    campaign = latest_campaign()
    return {
        "campaign": campaign,
        "phase": phase_at(campaign) if campaign else None,
        "organizations": db.session.scalar(db.select(func.count(Organization.id))),
        "experts": db.session.scalar(db.select(func.count(User.id)).filter_by(role=Role.EXPERT)),
        "unit_users": db.session.scalar(db.select(func.count(User.id)).filter_by(role=Role.UNIT)),
        "pending_invitations": db.session.scalar(db.select(func.count(Invitation.id)).filter(
            Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow())),
        "cases": cases_by_state(Case.campaign_id == campaign.id) if campaign else {},
    }


def organization_summary(user):
    """The organization's cases across campaigns, and the campaigns it may start a case in now."""
    campaign = latest_campaign()
    cases = db.session.scalars(db.select(Case).filter_by(
        organization_id=user.organization_id).order_by(Case.created_at.desc())).all()
    now = utcnow()
    open_campaigns = db.session.scalars(db.select(Campaign).filter(
        Campaign.submission_opens <= now, Campaign.submission_closes > now).order_by(
        Campaign.submission_closes)).all()
    from ..recommendation.queries import return_notes
    notes = return_notes(cases)
    statuses = {case.id: case_status(case, notes.get(case.id)) for case in cases}
    return {"campaign": campaign, "phase": phase_at(campaign) if campaign else None, "cases": cases,
            "open_campaigns": open_campaigns, "statuses": statuses,
            "to_do": [case for case in cases if statuses[case.id].tone == "action"]}


def unit_summary(user):
    campaign = latest_campaign()
    counts = cases_by_state(Case.unit_id == user.unit_id, Case.campaign_id == campaign.id) \
        if campaign else {}
    from ..recommendation.queries import quota_left
    return {"campaign": campaign, "phase": phase_at(campaign) if campaign else None,
            "cases": counts, "unit": user.unit, "CaseState": CaseState,
            "quota_left": quota_left(user.unit_id, campaign) if campaign and user.unit_id else None}


def expert_summary(user):
    """The campaign, and the expert's review queue: done / total and the next case to review."""
    from ..review.queries import SUBMITTED, next_item, queue
    campaign = latest_campaign()
    items = queue(user)
    return {"campaign": campaign, "phase": phase_at(campaign) if campaign else None,
            "review_total": len(items), "review_done": sum(1 for item in items if item.status == SUBMITTED),
            "next_review": next_item(user)}


SUMMARIES = {
    Role.ADMIN: lambda user: admin_summary(),
    Role.ORGANIZATION: organization_summary,
    Role.UNIT: unit_summary,
    Role.EXPERT: expert_summary,
}
