"""Reminding applicants of unfinished drafts before the submission deadline (`flask remind-drafts`).

"Within N days" counts calendar days on the campaign's clock (Beijing time): run at 01:00 on
5 December in Beijing with --days 3, it reminds of deadlines up to the end of 8 December there,
whatever the date is in UTC. Each draft is reminded once per deadline (a DraftReminder row,
written in the same transaction as the mail), so cron may run it as often as it likes; a
deadline moved later gets its own reminder.
"""
from datetime import timedelta
from itertools import groupby

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..campaigns.models import Campaign
from ..cases.models import Case
from ..cases.workflow import CaseState
from ..extensions import db
from ..locking import lock_for_write
from ..mail import send_in_language
from ..organizations.people import recipients
from ..publishing.sources import public_url as external_url
from ..quoting import quoted
from ..timezones import format_local, utc_to_local, utcnow, zone_label
from .models import DraftReminder

DEFAULT_DAYS = 3


def deadline_is_near(campaign, now, days):
    """The submission deadline is still ahead and falls on or before the campaign-local date `days` from now."""
    closes = campaign.submission_closes
    if closes <= now or campaign.submission_opens > now:
        return False
    zone = campaign.timezone
    return utc_to_local(closes, zone).date() <= utc_to_local(now, zone).date() + timedelta(days=days)


def campaigns_closing(now, days):
    open_ones = db.session.scalars(db.select(Campaign).filter(
        Campaign.submission_closes > now, Campaign.submission_opens <= now).order_by(Campaign.id)).all()
    return [campaign for campaign in open_ones if deadline_is_near(campaign, now, days)]


def drafts_to_remind(campaign):
    """The campaign's drafts not yet reminded of its current deadline, by organization."""
    reminded = db.select(DraftReminder.case_id).filter(DraftReminder.deadline == campaign.submission_closes)
    return db.session.scalars(db.select(Case).filter(
        Case.campaign_id == campaign.id, Case.state == CaseState.DRAFT, Case.id.not_in(reminded)).order_by(
        Case.organization_id, Case.id)).all()


def remind_drafts(now=None, days=DEFAULT_DAYS):
    """Queue one reminder per account of each organization with unreminded drafts in campaigns
    closing within `days`; record each draft reminded and flush. Returns (mails, drafts)."""
    now = now or utcnow()
    mails = drafts = 0
    for campaign in campaigns_closing(now, days):
        lock_for_write(campaign)  # two runs at once: the second waits and finds the first's rows
        for _organization_id, cases in groupby(drafts_to_remind(campaign), key=lambda case: case.organization_id):
            cases = list(cases)
            for case in cases:
                db.session.add(DraftReminder(case_id=case.id, deadline=campaign.submission_closes, sent_at=now))
            for email, locale in recipients(cases[0].organization):
                send_in_language(email, locale, lambda: _l("Reminder: your draft is not submitted yet"),
                                 lambda: reminder_body(campaign, cases))
                mails += 1
            drafts += len(cases)
        db.session.flush()
    return mails, drafts


def deadline_text(campaign):
    """The submission deadline on the campaign's clock, with its zone named, in the current language."""
    return _("%(time)s (%(zone)s)", time=format_local(campaign.submission_closes, campaign.timezone),
             zone=zone_label(campaign.timezone))


def reminder_body(campaign, cases):
    """The reminder's text in the current (forced) language."""
    deadline = deadline_text(campaign)
    lines = [_("Hello,"), "",
             _("The call “%(campaign)s” closes on %(deadline)s. These cases of yours are still drafts and will not "
               "be considered unless you submit them before then:", campaign=campaign.title, deadline=deadline), ""]
    for case in cases:
        lines.append("- " + _("%(label)s: %(error)s", label=quoted(case.title) if case.title else _("(untitled)"),
                              error=external_url("cases.show", case_id=case.id)))
    lines += ["", _("If you have decided not to take part, you can delete the draft on the same page.")]
    return "\n".join(lines)
