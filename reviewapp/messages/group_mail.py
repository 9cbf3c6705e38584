"""Mail to a filtered group: a campaign's cases in one state (or all), of one province (or all).

The administrator sees the count and a filled-in example first, then confirms. What was
confirmed is fixed in a GroupMailing (its text and case ids); a background job sends it,
one message per case and address, each recorded (GroupMailDelivery) in the transaction that
queues it, so a re-run job or a second click never mails anyone twice.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..audit import record
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..jobs import enqueue
from ..mail import send_in_language
from ..organizations.people import recipients
from ..organizations.models import Organization
from ..publishing.sources import public_url as external_url
from .models import GroupMailDelivery, GroupMailing
from .placeholders import fill, placeholder_problem
from .reminders import deadline_text

JOB_FUNCTION = "reviewapp.messages.group_mail:deliver"
TEXT_FIELDS = ("subject_zh", "subject_en", "body_zh", "body_en")


class MailingRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class AlreadySent(Exception):
    """The form's token made a mailing already (a second click): `mailing` is that one."""

    def __init__(self, mailing):
        super().__init__(f"mailing {mailing.id}")
        self.mailing = mailing


@dataclass(frozen=True)
class Group:
    campaign: object
    state: str | None = None       # a CaseState value; None: every case of the campaign
    province: str | None = None    # an organization's province code; None: every province


def group_cases(group):
    query = db.select(Case).join(Organization, Organization.id == Case.organization_id).filter(
        Case.campaign_id == group.campaign.id)
    if group.state:
        query = query.filter(Case.state == CaseState(group.state))
    if group.province:
        query = query.filter(Organization.province == group.province)
    return db.session.scalars(query.order_by(Case.organization_id, Case.id)).all()


@dataclass(frozen=True)
class Summary:
    organizations: int
    cases: int
    emails: int


def summarize(cases):
    organizations = {case.organization_id: case.organization for case in cases}
    per_organization = {oid: len(recipients(org)) for oid, org in organizations.items()}
    return Summary(organizations=len(organizations), cases=len(cases),
                   emails=sum(per_organization[case.organization_id] for case in cases))


def values_for(case):
    """What the placeholders stand for, in the current (forced) language."""
    campaign = case.campaign
    return {"organization": case.organization.name, "case_title": case.title or str(_l("(untitled)")),
            "campaign": campaign.title,
            "deadline": deadline_text(campaign),
            "link": external_url("cases.show", case_id=case.id)}


def filled(texts, case, language):
    """(subject, body) of `texts` (a dict of TEXT_FIELDS) for `case` in `language`, placeholders filled."""
    from flask_babel import force_locale
    with force_locale(language):
        values = values_for(case)
        return fill(texts[f"subject_{language}"], values), fill(texts[f"body_{language}"], values)


def text_problems(texts):
    """{field: translated reason} for unknown placeholders or empty texts."""
    problems = {}
    for name in TEXT_FIELDS:
        if not (texts.get(name) or "").strip():
            problems[name] = _l("This field is required.")
        elif placeholder_problem(texts[name]):
            problems[name] = placeholder_problem(texts[name])
    return problems


def start_mailing(actor, token, group, texts, expected_organizations):
    """Fix the mailing as confirmed and queue the job that sends it; flushes (the caller commits).
    Refused when the group has changed since the preview the administrator confirmed."""
    existing = db.session.scalar(db.select(GroupMailing).filter_by(token=token))
    if existing is not None:
        raise AlreadySent(existing)
    problems = text_problems(texts)
    if problems:
        raise MailingRefused(next(iter(problems.values())))
    cases = group_cases(group)
    summary = summarize(cases)
    if not cases:
        raise MailingRefused(_l("No organization is in this group: nothing was sent."))
    if summary.organizations != expected_organizations:
        raise MailingRefused(_l("The group changed since the preview: it now has %(n)d organizations. Nothing was "
                                "sent; check the preview and send again.", n=summary.organizations))
    mailing = GroupMailing(token=token, campaign_id=group.campaign.id, state=group.state, province=group.province,
                           case_ids=[case.id for case in cases], organizations=summary.organizations,
                           created_by_id=actor.id, **{name: texts[name].strip() for name in TEXT_FIELDS})
    db.session.add(mailing)
    db.session.flush()
    mailing.job = enqueue(JOB_FUNCTION, {"mailing_id": mailing.id}, actor, key=f"group-mail:{mailing.id}",
                          total=len(cases))
    record(actor, "mailing.started", mailing, changes={
        "campaign": group.campaign.id, "state": group.state, "province": group.province,
        "organizations": summary.organizations, "cases": len(cases), "subject_zh": mailing.subject_zh})
    return mailing


def delivered_count(mailing):
    return db.session.scalar(db.select(db.func.count(GroupMailDelivery.id)).filter_by(mailing_id=mailing.id))


def deliver(job, progress):
    """The job: queue each message not yet delivered, one case per transaction."""
    mailing = db.session.get(GroupMailing, job.params["mailing_id"])
    texts = {name: getattr(mailing, name) for name in TEXT_FIELDS}
    done = set(db.session.execute(db.select(GroupMailDelivery.case_id, GroupMailDelivery.email).filter_by(
        mailing_id=mailing.id)).all())
    sent = 0
    for number, case_id in enumerate(mailing.case_ids, start=1):
        case = db.session.get(Case, case_id)
        if case is not None:
            for email, locale in recipients(case.organization):
                if (case.id, email) in done:
                    continue
                db.session.add(GroupMailDelivery(mailing_id=mailing.id, case_id=case.id, email=email))
                send_in_language(email, locale, lambda: filled(texts, case, _current())[0],
                                 lambda: filled(texts, case, _current())[1])
                done.add((case.id, email))
                sent += 1
        progress(number, len(mailing.case_ids))  # commits this case's deliveries with their mails
    return {"sent": sent}


def _current():
    from ..i18n import current_language
    return current_language()
