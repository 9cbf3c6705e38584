"""`flask remind-units`: mail the units that have not reported, once before and once after their deadline."""
from datetime import timedelta

import click
from flask_babel import lazy_gettext as _l

from ..auth.models import Role, User
from ..campaigns.queries import latest_campaign
from ..extensions import db
from ..mail.outgoing import in_both_languages, send_mail
from ..campaigns.models import Campaign
from .reporting import campaign_today, statuses, subordinate_units
from .reporting_models import UnitReminder

DUE_SOON, OVERDUE = "due_soon", "overdue"


def _message(kind, status, campaign):
    values = dict(unit=status.unit.name_zh, campaign=campaign.title, due=status.due_on.isoformat())
    if kind == DUE_SOON:
        return (_l("Reminder: the activity statistics table is due on %(due)s", **values),
                _l("%(unit)s has not yet reported its activity statistics table for %(campaign)s. "
                   "Please report it by %(due)s (Beijing time) on the unit page.", **values))
    return (_l("Overdue: the activity statistics table was due on %(due)s", **values),
            _l("%(unit)s has not reported its activity statistics table for %(campaign)s, which was "
               "due on %(due)s (Beijing time). Please report it on the unit page as soon as possible.", **values))


def remind_units(campaign, days_before=3, now=None):
    """Mail every unit that has not reported: once when its deadline is `days_before` days away or
    nearer, once after it has passed. A second run sends nothing new. Returns [(unit, kind)] sent."""
    today = campaign_today(campaign, now)
    sent_before = set(db.session.execute(db.select(UnitReminder.unit_id, UnitReminder.kind).filter_by(
        campaign_id=campaign.id)).all())
    sent = []
    for status in statuses(campaign, subordinate_units(None), now):
        if status.reported or status.due_on is None:
            continue
        kind = OVERDUE if status.overdue else DUE_SOON if today >= status.due_on - timedelta(days=days_before) else None
        if kind is None or (status.unit.id, kind) in sent_before:
            continue
        recipients = db.session.scalars(db.select(User.email).filter_by(
            unit_id=status.unit.id, role=Role.UNIT, active=True).order_by(User.id)).all()
        if not recipients:
            continue  # nobody to tell yet: a user added later still gets it on the next run
        subject, body = _message(kind, status, campaign)
        for email in recipients:
            send_mail(email, in_both_languages(subject, separator=" / "), in_both_languages(body))
        db.session.add(UnitReminder(unit_id=status.unit.id, campaign_id=campaign.id, kind=kind))
        sent.append((status.unit, kind))
    db.session.flush()
    return sent


@click.command("remind-units")
@click.option("--campaign", "slug", default=None, help="The campaign's slug (default: the latest).")
@click.option("--days", default=3, show_default=True, help="Remind this many days before the deadline.")
def remind_units_command(slug, days):
    """Mail the units that have not reported their activity table (idempotent)."""
    campaign = (db.session.scalar(db.select(Campaign).filter_by(slug=slug)) if slug else latest_campaign())
    if campaign is None:
        raise click.ClickException("No such campaign.")
    sent = remind_units(campaign, days_before=days)
    db.session.commit()
    click.echo(f"Reminders sent: {len(sent)}" + "".join(f"\n  {unit.name_zh}: {kind}" for unit, kind in sent))
