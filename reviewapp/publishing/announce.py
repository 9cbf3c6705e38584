"""Telling every organization the outcome of its cases, in its own language."""
from itertools import groupby

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..mail import send_in_language
from ..organizations.models import Organization
from ..organizations.people import recipients
from .models import Certificate
from .sources import public_url


def announced_cases(campaign):
    """The campaign's cases that were ever submitted (drafts are nobody's entry), by organization,
    with the organizations and their accounts that recipients() reads."""
    return db.session.scalars(db.select(Case).filter(
        Case.campaign_id == campaign.id, Case.state != CaseState.DRAFT).order_by(
        Case.organization_id, Case.id).options(
        joinedload(Case.organization).selectinload(Organization.users))).unique().all()


def outcome_label(case):
    if case.state is CaseState.PUBLISHED:
        return _l("Selected as an excellent case")
    return _l("Not selected this time")


def notify_organizations(campaign):
    """Queue one outcome e-mail per organization account (sent after commit); returns the count."""
    sent = 0
    for _organization_id, cases in groupby(announced_cases(campaign), key=lambda case: case.organization_id):
        cases = list(cases)
        organization = cases[0].organization
        items = [{"case": case, "outcome": outcome_label(case),
                  "gallery_url": public_url("gallery.case", case_id=case.id)
                  if case.state is CaseState.PUBLISHED else None} for case in cases]
        for email, locale in recipients(organization):
            send_outcome(email, locale, campaign, organization, items)
            sent += 1
    return sent


def send_outcome(email, locale, campaign, organization, items):
    """One outcome mail in `locale`, or in both languages where it is None."""
    send_in_language(email, locale, lambda: _("Results of “%(campaign)s”", campaign=campaign.title),
                     lambda: outcome_body(campaign, organization, items))


def outcome_body(campaign, organization, items):
    """The plain-text outcome message, in the current (forced) locale."""
    lines = [_("Dear %(organization)s,", organization=organization.name), "",
             _("The results of “%(campaign)s” have been published. The outcome of your cases:",
               campaign=campaign.title), ""]
    for item in items:
        lines.append(f"- {item['case'].title or _('(untitled)')}: {item['outcome']}")
        if item["gallery_url"]:
            lines.append("  " + _("Public page: %(url)s", url=item["gallery_url"]))
    if any(item["gallery_url"] for item in items):  # a certificate only where a case was selected
        lines += ["", _("Selected cases receive a certificate, which you can download from your dashboard: %(url)s",
                        url=public_url("dashboard.index"))]
    lines += ["", _("Thank you for your volunteer service.")]
    return "\n".join(lines)


def organization_outcomes(organization):
    """For the organization's dashboard: its cases in published campaigns, with certificates."""
    if organization is None:
        return []
    from ..campaigns.models import Campaign
    cases = db.session.scalars(db.select(Case).join(Campaign).filter(
        Case.organization_id == organization.id, Campaign.published_at.is_not(None),
        Case.state != CaseState.DRAFT).order_by(Campaign.year.desc(), Case.id)).all()
    certificates = {certificate.case_id: certificate for certificate in db.session.scalars(
        db.select(Certificate).filter(Certificate.organization_id == organization.id))}
    return [{"case": case, "outcome": outcome_label(case), "published": case.state is CaseState.PUBLISHED,
             "certificate": certificates.get(case.id)} for case in cases]
