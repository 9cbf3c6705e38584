"""What publishing the results will do, and why it should wait.

Announcing is irreversible: it publishes the selected cases and e-mails every applicant.
It is refused while the review window is open or any review is still pending (an extra
reviewer asked for late, say), unless the administrator gives a reason to go ahead; that
reason is kept in the audit log with the announcement.
"""
from dataclasses import dataclass
from itertools import groupby

from flask_babel import lazy_gettext as _l

from ..campaigns.phases import Window, is_open
from ..cases.workflow import CaseState
from ..organizations.people import recipients
from .announce import announced_cases


@dataclass(frozen=True)
class AnnounceSummary:
    organizations: int       # organizations told their outcome
    emails: int              # e-mails sent (one per active account)
    published: int           # selected cases that become public


def announce_summary(campaign):
    cases = announced_cases(campaign)
    organizations = [list(group)[0].organization for _id, group in groupby(cases, key=lambda c: c.organization_id)]
    return AnnounceSummary(organizations=len(organizations),
                           emails=sum(len(recipients(organization)) for organization in organizations),
                           published=sum(1 for case in cases if case.state is CaseState.SELECTED))


def announce_blockers(campaign, now=None):
    """Why the results should not be announced yet (translated sentences; empty: nothing)."""
    from ..review.queries import experts_with_pending
    blockers = []
    if is_open(campaign, Window.REVIEW, now):
        blockers.append(_l("The review window is still open."))
    pending = sum(experts_with_pending(campaign).values())
    if pending:
        blockers.append(_l("%(n)d reviews are not submitted yet.", n=pending))
    return blockers
